//! The site admin's routes (issue #15 item 2), under `/api/pharmacy/admin`: accounts, sessions and the site's
//! settings. Each takes an [`AdminAuth`] (a pharmacist without the admin role gets 403 `forbidden`) and is limited
//! to the admin's site (another site's account or session is a 404); the work and its audit are in `crate::admin`.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::response::Response;
use carepath_domain::admin::{Account, AuditPage, NewAccount, OpenSession, SiteChange};
use chrono::{Duration, Utc};
use serde::Deserialize;

use super::peer_ip;
use crate::admin::{self, AccountChange};
use crate::auth::AdminAuth;
#[allow(unused_imports)]
use carepath_domain::sync::ErrorBody;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery};
use crate::AppState;

#[utoipa::path(
    get,
    path = "/api/pharmacy/admin/accounts",
    tag = "admin",
    security(("pharmacist_session" = [])),
    responses((status = 200, description = "The site's accounts.", body = Vec<carepath_domain::admin::Account>),
        (status = 403, description = "`forbidden`: not a site admin", body = ErrorBody)),
)]
pub async fn accounts(State(state): State<AppState>, AdminAuth(me): AdminAuth) -> Result<ApiJson<Vec<Account>>, ApiError> {
    Ok(ApiJson(admin::accounts(&state.db, &me.site_id).await?))
}

#[utoipa::path(
    post,
    path = "/api/pharmacy/admin/accounts",
    tag = "admin",
    security(("pharmacist_session" = [])),
    request_body = carepath_domain::admin::NewAccount,
    responses((status = 201, description = "Created; the site's accounts.", body = Vec<carepath_domain::admin::Account>),
        (status = 409, description = "`username_taken`", body = ErrorBody),
        (status = 403, description = "`forbidden`: not a site admin", body = ErrorBody)),
)]
pub async fn create_account(
    State(state): State<AppState>,
    AdminAuth(me): AdminAuth,
    connect: ConnectInfo<SocketAddr>,
    ApiJson(new): ApiJson<NewAccount>,
) -> Result<(StatusCode, ApiJson<Vec<Account>>), ApiError> {
    admin::create_account(&state.db, &me, &new, &peer_ip(&connect)).await?;
    Ok((StatusCode::CREATED, ApiJson(admin::accounts(&state.db, &me.site_id).await?)))
}

async fn change(state: AppState, me: crate::auth::PharmacistAuth, id: String, change: AccountChange, connect: ConnectInfo<SocketAddr>) -> Result<ApiJson<Vec<Account>>, ApiError> {
    admin::change_account(&state.db, &me, &id, change, &peer_ip(&connect)).await?;
    Ok(ApiJson(admin::accounts(&state.db, &me.site_id).await?))
}

#[utoipa::path(
    post,
    path = "/api/pharmacy/admin/accounts/{id}/disable",
    tag = "admin",
    security(("pharmacist_session" = [])),
    params(("id" = String, Path, description = "An account of the admin's site.")),
    responses((status = 422, description = "`invalid`: not for the admin's own account", body = ErrorBody),
        (status = 200, description = "Turned off (its sessions end); the site's accounts.", body = Vec<carepath_domain::admin::Account>),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 403, description = "`forbidden`: not a site admin", body = ErrorBody)),
)]
pub async fn disable(State(state): State<AppState>, AdminAuth(me): AdminAuth, ApiPath(id): ApiPath<String>, connect: ConnectInfo<SocketAddr>) -> Result<ApiJson<Vec<Account>>, ApiError> {
    change(state, me, id, AccountChange::Disable, connect).await
}

#[utoipa::path(
    post,
    path = "/api/pharmacy/admin/accounts/{id}/enable",
    tag = "admin",
    security(("pharmacist_session" = [])),
    params(("id" = String, Path, description = "An account of the admin's site.")),
    responses((status = 422, description = "`invalid`: not for the admin's own account", body = ErrorBody),
        (status = 200, description = "Turned on; the site's accounts.", body = Vec<carepath_domain::admin::Account>),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 403, description = "`forbidden`: not a site admin", body = ErrorBody)),
)]
pub async fn enable(State(state): State<AppState>, AdminAuth(me): AdminAuth, ApiPath(id): ApiPath<String>, connect: ConnectInfo<SocketAddr>) -> Result<ApiJson<Vec<Account>>, ApiError> {
    change(state, me, id, AccountChange::Enable, connect).await
}

#[utoipa::path(
    post,
    path = "/api/pharmacy/admin/accounts/{id}/reset-second-factor",
    tag = "admin",
    security(("pharmacist_session" = [])),
    params(("id" = String, Path, description = "An account of the admin's site.")),
    responses((status = 422, description = "`invalid`: not for the admin's own account", body = ErrorBody),
        (status = 200, description = "Its second step is reset (its sessions end); the site's accounts.", body = Vec<carepath_domain::admin::Account>),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 403, description = "`forbidden`: not a site admin", body = ErrorBody)),
)]
pub async fn reset_second_factor(State(state): State<AppState>, AdminAuth(me): AdminAuth, ApiPath(id): ApiPath<String>, connect: ConnectInfo<SocketAddr>) -> Result<ApiJson<Vec<Account>>, ApiError> {
    change(state, me, id, AccountChange::ResetSecondFactor, connect).await
}

#[utoipa::path(
    get,
    path = "/api/pharmacy/admin/sessions",
    tag = "admin",
    security(("pharmacist_session" = [])),
    responses((status = 200, description = "Who is signed in at the site.", body = Vec<carepath_domain::admin::OpenSession>),
        (status = 403, description = "`forbidden`: not a site admin", body = ErrorBody)),
)]
pub async fn sessions(State(state): State<AppState>, AdminAuth(me): AdminAuth) -> Result<ApiJson<Vec<OpenSession>>, ApiError> {
    Ok(ApiJson(admin::sessions(&state.db, &me).await?))
}

#[utoipa::path(
    post,
    path = "/api/pharmacy/admin/sessions/{id}/end",
    tag = "admin",
    security(("pharmacist_session" = [])),
    params(("id" = String, Path, description = "A session of the admin's site.")),
    responses((status = 204, description = "Ended."),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 403, description = "`forbidden`: not a site admin", body = ErrorBody)),
)]
pub async fn end_session(State(state): State<AppState>, AdminAuth(me): AdminAuth, ApiPath(id): ApiPath<String>, connect: ConnectInfo<SocketAddr>) -> Result<StatusCode, ApiError> {
    admin::end_session(&state.db, &me, &id, &peer_ip(&connect)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    put,
    path = "/api/pharmacy/admin/site",
    tag = "admin",
    security(("pharmacist_session" = [])),
    request_body = carepath_domain::admin::SiteChange,
    responses((status = 200, description = "Changed; the admin's own view of the site.", body = carepath_domain::sync::PharmacistInfo),
        (status = 403, description = "`forbidden`: not a site admin", body = ErrorBody)),
)]
pub async fn change_site(
    State(state): State<AppState>,
    AdminAuth(me): AdminAuth,
    connect: ConnectInfo<SocketAddr>,
    ApiJson(change): ApiJson<SiteChange>,
) -> Result<ApiJson<carepath_domain::sync::PharmacistInfo>, ApiError> {
    admin::change_site(&state.db, &me, &change, &peer_ip(&connect)).await?;
    Ok(ApiJson(super::pharmacy::pharmacist_info(&state, &me.pharmacist_id).await?))
}

/// The site's numbers and triage settings as they are.
#[utoipa::path(
    get,
    path = "/api/pharmacy/admin/site",
    tag = "admin",
    security(("pharmacist_session" = [])),
    responses((status = 200, description = "The site's numbers and triage settings.", body = carepath_domain::admin::SiteChange),
        (status = 403, description = "`forbidden`: not a site admin", body = ErrorBody)),
)]
pub async fn site(State(state): State<AppState>, AdminAuth(me): AdminAuth) -> Result<ApiJson<SiteChange>, ApiError> {
    let (phone, after_hours_phone, fever, window): (String, String, i64, i64) = sqlx::query_as(
        "SELECT phone, after_hours_phone, fever_threshold_c_tenths, acknowledged_window_hours FROM sites WHERE id = ?",
    )
    .bind(&me.site_id)
    .fetch_one(state.db.read())
    .await?;
    Ok(ApiJson(SiteChange {
        phone: Some(phone),
        after_hours_phone: Some(after_hours_phone),
        fever_threshold_c_tenths: Some(fever as i32),
        acknowledged_window_hours: Some(window as u32),
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    limit: Option<i64>,
    /// The `next_cursor` of the page before.
    cursor: Option<String>,
}

/// A page of the site's audit log, newest first. Reading it is audited too.
#[utoipa::path(
    get,
    path = "/api/pharmacy/admin/audit",
    tag = "admin",
    security(("pharmacist_session" = [])),
    params(AuditQuery),
    responses((status = 200, description = "A page of the site's audit log, newest first.", body = carepath_domain::admin::AuditPage),
        (status = 403, description = "`forbidden`: not a site admin", body = ErrorBody)),
)]
pub async fn audit(
    State(state): State<AppState>,
    AdminAuth(me): AdminAuth,
    connect: ConnectInfo<SocketAddr>,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<ApiJson<AuditPage>, ApiError> {
    let before = query
        .cursor
        .map(|c| c.parse::<i64>().map_err(|_| ApiError::Invalid(carepath_domain::ValidationError::Inconsistent("that cursor is not one this server gave"))))
        .transpose()?;
    let page = crate::audit_trail::page(&state.db, &me.site_id, query.limit.unwrap_or(crate::audit_trail::PAGE), before).await?;
    crate::store::audit(state.db.write(), me.audit("admin.audit.read", None, peer_ip(&connect))).await?;
    Ok(ApiJson(page))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// 1 to 366 (30 by default).
    #[param(minimum = 1, maximum = 366)]
    days: Option<u32>,
}

/// The site's audit log of the last `days` (30 by default, at most 366) as CSV, one row per event in the shape of FHIR
/// AuditEvent: recorded, action, outcome, agent type, agent, on behalf of (patient), source address, detail.
#[utoipa::path(
    get,
    path = "/api/pharmacy/admin/audit.csv",
    tag = "admin",
    security(("pharmacist_session" = [])),
    params(ExportQuery),
    responses((status = 200, description = "The audit log as CSV (FHIR AuditEvent columns).", body = String, content_type = "text/csv"),
        (status = 403, description = "`forbidden`: not a site admin", body = ErrorBody)),
)]
pub async fn audit_csv(
    State(state): State<AppState>,
    AdminAuth(me): AdminAuth,
    connect: ConnectInfo<SocketAddr>,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let days = query.days.unwrap_or(30);
    if !(1..=366).contains(&days) {
        return Err(carepath_domain::ValidationError::Inconsistent("days must be 1 to 366").into());
    }
    let entries = crate::audit_trail::since(&state.db, &me.site_id, Utc::now() - Duration::days(i64::from(days))).await?;
    use super::program::{csv_response, finish, write_row, writer};
    let mut w = writer();
    let header = [
        "recorded", "action", "outcome", "agent_type", "agent_id", "agent_name", "entity_patient_id", "entity_patient_name",
        "source_network_address", "detail",
    ];
    write_row(&mut w, header.map(String::from))?;
    let count = entries.len();
    for e in entries {
        write_row(&mut w, [
            crate::store::ts(e.at), e.action, e.outcome, e.agent_kind, e.agent_id.unwrap_or_default(), e.agent_name.unwrap_or_default(),
            e.patient_id.unwrap_or_default(), e.patient_name.unwrap_or_default(), e.source_ip.unwrap_or_default(), e.detail.unwrap_or_default(),
        ])?;
    }
    let mut audit = me.audit("admin.audit.export", None, peer_ip(&connect));
    audit.detail = Some(format!("{days} days, {count} rows"));
    crate::store::audit(state.db.write(), audit).await?;
    Ok(csv_response(&format!("audit-log-{days}-days.csv"), finish(w)?))
}
