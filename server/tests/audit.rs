//! The audit log (issue #15 item 7): phones' profile reads are audited, once per device per hour; requests an
//! attempt limit refuses write one row per address per window, and never what was typed.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_phones_profile_reads_are_audited_once_an_hour() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let ana = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    for _ in 0..5 {
        assert_eq!(app.profile_response(&ana.token).await.status(), StatusCode::OK);
    }
    let reads = || app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'profile.read'");
    assert_eq!(reads().await, 1, "five reads in a minute: one row");
    let (actor, patient, ip): (String, String, String) =
        sqlx::query_as("SELECT actor_kind, patient_id, source_ip FROM audit_log WHERE action = 'profile.read'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((actor.as_str(), patient.as_str(), ip.as_str()), ("device", ana.id.to_string().as_str(), "127.0.0.1"));

    // An hour later, the next read is audited again.
    let earlier = carepath_server::store::ts(chrono::Utc::now() - chrono::Duration::minutes(61));
    sqlx::query("UPDATE devices SET profile_audited_at = ?").bind(&earlier).execute(&app.db).await.unwrap();
    app.profile_response(&ana.token).await;
    app.profile_response(&ana.token).await;
    assert_eq!(reads().await, 2);

    // Each phone on its own: a caregiver's phone reading the same patient's profile is its own row.
    let carmen = app.add_caregiver(&client, ana.id, "Carmen").await;
    let (token, _) = app.enroll_device(&carmen.code).await;
    app.profile_response(&token).await;
    assert_eq!(reads().await, 3);
    // Reads refused (a revoked or unknown token) are not profile reads.
    app.profile_response("not a token").await;
    assert_eq!(reads().await, 3);
}

#[tokio::test]
async fn sign_ins_refused_by_the_limit_write_one_row_per_window_and_never_what_was_typed() {
    let app = spawn_app().await;
    app.pharmacist_at_new_site("North", "alice").await;
    let typed = "alice hunter2-Secret!";
    for _ in 0..5 {
        let response = app.login_response(typed, "a wrong password!").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    for _ in 0..30 {
        assert_error(app.login_response(typed, "another wrong one").await, 429, "too_many_attempts").await;
    }
    let limited = app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'login' AND outcome = 'limited'").await;
    assert_eq!(limited, 1, "thirty refusals from one address: one row");
    let everything: Vec<String> = sqlx::query_scalar("SELECT COALESCE(detail, '') FROM audit_log WHERE action = 'login' AND outcome = 'limited'")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert!(everything.iter().all(|d| !d.contains("hunter2")), "{everything:?}");

    // Enrollment guesses past the limit: the same.
    for i in 0..25 {
        let response = app.client.post(app.url("/api/enroll")).json(&json!({ "code": format!("2345-{:04}", 2222 + i) })).send().await.unwrap();
        assert!(matches!(response.status().as_u16(), 404 | 429), "{}", response.status());
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'enroll' AND outcome = 'limited'").await, 1);
}

#[tokio::test]
async fn a_site_admin_reads_the_sites_audit_log_newest_first_and_nothing_of_another_site() {
    let app = spawn_app().await;
    let admin = app.pharmacist_at_new_site("North", "admin").await;
    sqlx::query("UPDATE pharmacists SET role = 'admin' WHERE id = ?").bind(&admin.id).execute(&app.db).await.unwrap();
    let client = app.login_as(&admin).await;
    let ana = app.new_patient(&client, "Ana Alpha", Frequency::OnceDaily).await;
    let carmen = app.add_caregiver(&client, ana.id, "Carmen").await;
    let (carmens_phone, _) = app.enroll_device(&carmen.code).await;
    app.profile_response(&carmens_phone).await;
    let south = app.pharmacist_at_new_site("South", "sol").await;
    let other = app.login_as(&south).await;
    app.new_patient(&other, "Sol South", Frequency::OnceDaily).await;

    let page: carepath_domain::admin::AuditPage =
        client.get(app.url("/api/pharmacy/admin/audit?limit=500")).send().await.unwrap().json().await.unwrap();
    assert!(page.entries.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    assert!(page.entries.iter().all(|e| e.patient_name.as_deref() != Some("Sol South") && e.agent_name.as_deref() != Some("Pharmacist sol")));
    let created = page.entries.iter().find(|e| e.action == "patient.create").expect("the enrollment by the admin");
    assert_eq!((created.agent_name.as_deref(), created.patient_name.as_deref()), (Some("Pharmacist admin"), Some("Ana Alpha")));
    let read = page.entries.iter().find(|e| e.action == "profile.read" && e.agent_name.as_deref() == Some("Carmen (caregiver)"));
    assert!(read.is_some(), "a caregiver's phone is named: {:?}", page.entries.iter().map(|e| (&e.action, &e.agent_name)).collect::<Vec<_>>());
    assert!(page.entries.iter().any(|e| e.action == "second_factor" && e.agent_kind == "pharmacist"));

    // Paged: two at a time, each page older than the last, together the same rows.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("/api/pharmacy/admin/audit?limit=2&cursor={c}"),
            None => "/api/pharmacy/admin/audit?limit=2".to_string(),
        };
        let page: carepath_domain::admin::AuditPage = client.get(app.url(&url)).send().await.unwrap().json().await.unwrap();
        assert!(page.entries.len() <= 2);
        seen.extend(page.entries.iter().map(|e| e.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
        assert!(seen.len() < 1000);
    }
    let all: Vec<i64> = page.entries.iter().map(|e| e.id).collect();
    // Each read of the log is audited too: those rows come on top of the first read's; the rest is the same, in order.
    let newest = all[0];
    seen.retain(|id| *id <= newest);
    assert_eq!(seen, all, "paging gives the same rows in the same order");
    assert_error(client.get(app.url("/api/pharmacy/admin/audit?cursor=abc")).send().await.unwrap(), 422, "invalid").await;
    // A pharmacist who is not an admin reads none of it.
    assert_error(other.get(app.url("/api/pharmacy/admin/audit")).send().await.unwrap(), 403, "forbidden").await;
}

#[tokio::test]
async fn the_audit_export_is_csv_shaped_like_fhir_audit_event_and_is_audited() {
    let app = spawn_app().await;
    let admin = app.pharmacist_at_new_site("North", "admin").await;
    sqlx::query("UPDATE pharmacists SET role = 'admin' WHERE id = ?").bind(&admin.id).execute(&app.db).await.unwrap();
    let client = app.login_as(&admin).await;
    app.new_patient(&client, "=HYPERLINK(\"http://x\")", Frequency::OnceDaily).await;
    let response = client.get(app.url("/api/pharmacy/admin/audit.csv?days=7")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(header(&response, "content-type").starts_with("text/csv"));
    assert!(header(&response, "content-disposition").contains("audit-log-7-days.csv"));
    let text = response.text().await.unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "recorded,action,outcome,agent_type,agent_id,agent_name,entity_patient_id,entity_patient_name,source_network_address,detail"
    );
    assert!(text.contains(",patient.create,success,pharmacist,"), "{text}");
    assert!(text.contains("'=HYPERLINK"), "a formula is not run by a spreadsheet: {text}");
    assert!(!text.contains(",=HYPERLINK"));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'admin.audit.export'").await, 1);
    assert_error(client.get(app.url("/api/pharmacy/admin/audit.csv?days=0")).send().await.unwrap(), 422, "invalid").await;
}
