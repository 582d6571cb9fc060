//! The API contract: `/api/openapi.json`, OpenAPI 3.1 generated from the handlers' `#[utoipa::path]` annotations
//! and the wire types' `ToSchema` derives (carepath-domain's `openapi` feature, which only the server enables).
//! Every operation gets the errors every route can answer (the shared [`ErrorBody`]) added here, once, from what it
//! takes: a body, parameters, a sign-in. `tests/openapi.rs` checks that it names every route of the router.

use axum::response::{IntoResponse, Response};
use carepath_domain::sync::ErrorBody;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "Carepath API", description = "The patient app's and the pharmacy desk's API. Every error is `{\"error\": {\"code\", \"message\", \"event_index\"?}}` with a stable `code` (`ErrorCode`)."),
    paths(
        health,
        openapi_json,
        routes::device::enroll,
        routes::device::profile,
        routes::device::sync,
        routes::patient_devices::unenroll,
        routes::push::key,
        routes::push::subscribe,
        routes::push::unsubscribe,
        routes::push::snooze,
        routes::pharmacy::login,
        routes::second_factor::verify,
        routes::second_factor::setup,
        routes::second_factor::enable,
        routes::pharmacy::logout,
        routes::admin::accounts,
        routes::admin::create_account,
        routes::admin::disable,
        routes::admin::enable,
        routes::admin::reset_second_factor,
        routes::admin::sessions,
        routes::admin::end_session,
        routes::admin::site,
        routes::admin::change_site,
        routes::admin::audit,
        routes::admin::audit_csv,
        routes::pharmacy::me,
        routes::pharmacy::list_patients,
        routes::pharmacy::enroll_patient,
        routes::pharmacy::queue,
        routes::alerts::queue,
        routes::alerts::acknowledge,
        routes::alerts::add_note,
        routes::alerts::resolve,
        routes::identity::header,
        routes::identity::reissue_code,
        routes::identity::handout,
        routes::alerts::timeline,
        routes::alerts::reply,
        routes::alerts::set_cadence,
        routes::regimens::diary,
        routes::regimens::add_line,
        routes::regimens::add_change,
        routes::regimens::add_dispense,
        routes::regimens::set_refill_reminder,
        routes::regimens::add_caregiver,
        routes::regimens::revoke_caregiver,
        routes::patient_devices::list,
        routes::patient_devices::revoke,
        routes::worklists::add_intervention,
        routes::worklists::counts,
        routes::worklists::page,
        routes::worklists::done,
        routes::program::figures,
        routes::program::figures_csv,
        routes::program::interventions_csv
    ),
    components(schemas(ErrorBody)),
    modifiers(&Contract),
    tags(
        (name = "device", description = "The patient's (or caregiver's) phone: bearer token from /api/enroll."),
        (name = "sign-in", description = "A pharmacist's two-step sign-in: password, then an authenticator code."),
        (name = "pharmacy", description = "The desk."),
        (name = "patients", description = "One patient's page."),
        (name = "alerts", description = "The alert queue."),
        (name = "regimens", description = "Regimens, dispenses, caregivers."),
        (name = "worklists", description = "Worklists and interventions."),
        (name = "program", description = "Program figures and exports."),
        (name = "admin", description = "A site admin's page."),
        (name = "meta", description = "Health and this document."),
    )
)]
pub struct ApiDoc;

/// `GET /api/health`
#[utoipa::path(get, path = "/api/health", tag = "meta", responses((status = 200, description = "The server is up.", body = String, content_type = "text/plain", example = "ok")))]
pub async fn health() -> &'static str {
    "ok"
}

/// `GET /api/openapi.json`: this document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "meta", responses((status = 200, description = "The OpenAPI 3.1 document of this API.", content_type = "application/json")))]
pub async fn openapi_json() -> Response {
    static DOC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let json = DOC.get_or_init(|| ApiDoc::openapi().to_json().expect("the OpenAPI document serializes"));
    ([(axum::http::header::CONTENT_TYPE, "application/json")], json.as_str()).into_response()
}

/// The security schemes, and the errors every operation can answer.
struct Contract;

impl Modify for Contract {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("device_token", SecurityScheme::Http(
            HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some("The device token /api/enroll answered with.")).build(),
        ));
        let cookie = |what: &str| SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description("carepath_session", what)));
        components.add_security_scheme("pharmacist_session", cookie("A pharmacist's session after both sign-in steps (`__Host-carepath_session` over https)."));
        components.add_security_scheme("sign_in_session", cookie("A session after the password only: for the second step."));
        for item in openapi.paths.paths.values_mut() {
            let ops = [&mut item.get, &mut item.post, &mut item.put, &mut item.delete, &mut item.patch];
            for op in ops.into_iter().flatten() {
                standard_errors(op);
            }
        }
    }
}

fn standard_errors(op: &mut Operation) {
    let has_body = op.request_body.is_some();
    let params = op.parameters.as_ref().map_or(&[][..], |p| p.as_slice());
    let has_path = params.iter().any(|p| matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Path));
    let has_query = params.iter().any(|p| matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Query));
    let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
    let mut add = |status: &str, description: &str| {
        if op.responses.responses.contains_key(status) {
            return;
        }
        let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build();
        let response = ResponseBuilder::new().description(description).content("application/json", content).build();
        op.responses.responses.insert(status.to_string(), response.into());
    };
    if has_body || has_path || has_query {
        let mut what = vec![];
        if has_body { what.push("`bad_json`: the body is not JSON of this request's shape"); }
        if has_path || has_query { what.push("`bad_request`: a path or query parameter of the wrong form"); }
        add("400", &what.join("; "));
    }
    if secured {
        add("401", "`unauthorized` (no or an ended session or token; a session that has not passed both sign-in steps), `device_revoked` or `device_expired` (a phone)");
    }
    if has_path {
        add("404", "`not_found`: not of the caller's site, or no such one");
    }
    add("408", "`timeout`: the request took too long (its work still finishes)");
    if has_body {
        add("413", "`too_large`: the body is over the limit");
        add("415", "`not_json`: send the body as `application/json`");
    }
    if has_body || has_query {
        add("422", "`invalid`: the request breaks a rule (the message says which)");
    }
    add("500", "`internal`: nothing was stored; try again");
}
