//! The API contract (issue #15 item 10): `/api/openapi.json` is OpenAPI 3.1 and names every `/api` route of the
//! router with its errors as the shared `{"error": {"code", "message"}}` shape; path and query parameters of the
//! wrong form answer that shape too (a 400 `bad_request`), never axum's text/plain.

mod common;

use std::collections::BTreeSet;

use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Every (method, path) the router in `server/src/lib.rs` serves under `/api`, read from its source.
fn router_routes() -> BTreeSet<(String, String)> {
    let source = include_str!("../src/lib.rs");
    let api = source.split("let api = Router::new()").nth(1).expect("the api router").split(".fallback(").next().unwrap();
    let mut routes = BTreeSet::new();
    for line in api.lines().map(str::trim).filter(|l| l.starts_with(".route(\"")) {
        let path = line[".route(\"".len()..].split('"').next().unwrap();
        let handlers = &line[".route(\"".len() + path.len() + 2..];
        for method in ["get", "post", "put", "delete", "patch"] {
            let called = [format!(" {method}("), format!("::{method}("), format!(".{method}(")];
            if called.iter().any(|c| handlers.contains(c.as_str())) {
                routes.insert((method.to_string(), format!("/api{path}")));
            }
        }
    }
    assert!(routes.len() > 50, "the router's routes were not read: {routes:?}");
    routes
}

async fn document(app: &TestApp) -> Value {
    let response = app.client.get(app.url("/api/openapi.json")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(header(&response, "content-type").starts_with("application/json"));
    response.json().await.unwrap()
}

#[tokio::test]
async fn the_document_is_openapi_3_1_and_names_every_route_of_the_router() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys().filter(|k| ["get", "post", "put", "delete", "patch"].contains(&k.as_str())) {
            documented.insert((method.clone(), path.clone()));
        }
    }
    let routes = router_routes();
    let undocumented: Vec<_> = routes.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&routes).collect();
    assert!(undocumented.is_empty(), "routes missing from /api/openapi.json: {undocumented:?}");
    assert!(unrouted.is_empty(), "documented but not routed: {unrouted:?}");
}

#[tokio::test]
async fn every_operation_documents_its_errors_as_the_shared_error_body() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let error_ref = "#/components/schemas/ErrorBody";
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap_or_else(|| panic!("{method} {path}: no responses"));
            assert!(responses.keys().any(|s| s.starts_with('2')), "{method} {path}: no success answer");
            // Every answer can be a timeout or an internal error.
            for status in ["408", "500"] {
                assert!(responses.contains_key(status), "{method} {path}: {status} not documented");
            }
            for (status, response) in responses.iter().filter(|(s, _)| s.starts_with('4') || s.starts_with('5')) {
                let schema = &response["content"]["application/json"]["schema"]["$ref"];
                assert_eq!(schema, error_ref, "{method} {path} {status}: not the shared error body");
            }
            let secured = op["security"].as_array().map_or(false, |s| !s.is_empty());
            if secured {
                assert!(responses.contains_key("401"), "{method} {path}: signed-in route without a 401");
            }
        }
    }
}

#[tokio::test]
async fn an_id_that_is_not_a_uuid_is_a_json_400_not_text() {
    let app = spawn_app().await;
    let pharmacist = app.pharmacist_at_new_site("North", "n.doe").await;
    let north = app.login_as(&pharmacist).await;
    let patient = app.new_patient(&north, "Ana", Frequency::OnceDaily).await;
    for (method, path) in [
        ("GET", "/api/pharmacy/patients/not-a-uuid".to_string()),
        ("GET", "/api/pharmacy/patients/not-a-uuid/timeline".to_string()),
        ("POST", "/api/pharmacy/alerts/12345/acknowledge".to_string()),
        ("POST", format!("/api/pharmacy/patients/{}/caregivers/nope/revoke", patient.id)),
        ("POST", format!("/api/pharmacy/patients/{}/devices/nope/revoke", patient.id)),
    ] {
        let request = if method == "GET" { north.get(app.url(&path)) } else { north.post(app.url(&path)).json(&json!({})) };
        let (detail, _) = assert_error(request.send().await.unwrap(), 400, "bad_request").await;
        assert!(detail.message.contains("UUID"), "{path}: {}", detail.message);
    }
    // Checked before the session: a signed-out caller gets the same 400 for a malformed address.
    assert_eq!(app.client.get(app.url("/api/pharmacy/patients/not-a-uuid")).send().await.unwrap().status().as_u16() / 100, 4);
}

#[tokio::test]
async fn a_query_parameter_of_the_wrong_form_is_a_json_400() {
    let app = spawn_app().await;
    let admin = app.pharmacist_at_new_site("North", "n.admin").await;
    app.execute(&format!("UPDATE pharmacists SET role = 'admin' WHERE username = '{}'", admin.username)).await.unwrap();
    let client = app.login_as(&admin).await;
    for path in ["/api/pharmacy/admin/audit?limit=many", "/api/pharmacy/admin/audit.csv?days=-1", "/api/pharmacy/admin/audit?other=1"] {
        assert_error(client.get(app.url(path)).send().await.unwrap(), 400, "bad_request").await;
    }
}
