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
