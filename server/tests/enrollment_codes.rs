//! Enrollment codes against guessing (issue #15 item 5): codes are stored as an HMAC with the server key, so a copy
//! of the database gives nothing to test guesses against; and failed codes are limited across every site, so many
//! addresses together meet a 429 too.

mod common;

use std::time::Instant;

use carepath_domain::enrollment::EnrollmentCode;
use carepath_server::auth::token_hash;
use carepath_server::patients;
use carepath_server::store::ts;
use chrono::{Duration, Utc};
use common::*;
use reqwest::StatusCode;
use serde_json::json;

fn stored_form(code: &str) -> EnrollmentCode {
    EnrollmentCode::parse(code).expect("a code the server issued")
}

async fn enroll_from(app: &TestApp, from: &str, code: &str) -> reqwest::Response {
    app.client.post(app.url("/api/enroll")).header("x-forwarded-for", from).json(&json!({ "code": code })).send().await.unwrap()
}

/// Behind a trusted proxy (loopback), so each request can come "from" an address of its own.
async fn behind_proxy() -> TestApp {
    spawn_app_with(|s| s.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()]).await
}

#[tokio::test]
async fn codes_are_stored_as_an_hmac_with_the_server_key_not_a_sha256_of_the_code() {
    let app = spawn_app().await;
    let desk = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let enrolled = app.enroll_patient(&desk, "Ana", Frequency::OnceDaily).await;
    let reissued = desk.post(app.url(&format!("/api/pharmacy/patients/{}/enrollment-codes", enrolled.patient_id))).send().await.unwrap();
    assert_eq!(reissued.status(), StatusCode::CREATED);
    let reissued = reissued.json::<serde_json::Value>().await.unwrap()["code"].as_str().unwrap().to_string();
    let caregiver = app.add_caregiver(&desk, enrolled.patient_id, "Bea").await;

    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT code_hash, hash_kind FROM enrollment_codes").fetch_all(&app.db).await.unwrap();
    assert_eq!(rows.len(), 3);
    let key = app.server_key();
    for code in [&enrolled.code, &reissued, &caregiver.code] {
        let code = stored_form(code);
        let hmac = key.hmac_hex("enrollment-code", code.as_str().as_bytes());
        assert!(rows.contains(&(hmac, "hmac-sha256".to_string())), "{code} is not stored as its HMAC: {rows:?}");
        assert!(rows.iter().all(|(hash, _)| *hash != token_hash(code.as_str())), "{code} is stored as its SHA-256");
    }
    // And the stored form is what the server checks: each code still works.
    app.enroll_device(&reissued).await;
    app.enroll_device(&caregiver.code).await;
}

#[tokio::test]
async fn a_copy_of_the_database_without_the_server_key_cannot_check_a_code() {
    let app = spawn_app().await;
    let desk = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let enrolled = app.enroll_patient(&desk, "Ana", Frequency::OnceDaily).await;
    let code = stored_form(&enrolled.code);

    // A consistent copy of the database (WAL included), as a backup or a thief would have it; not the key file.
    let copies = tempfile::tempdir().unwrap();
    let copy_dir = copies.path().join("copy");
    std::fs::create_dir_all(&copy_dir).unwrap();
    let copy_path = copy_dir.join("carepath.db");
    sqlx::query(&format!("VACUUM INTO '{}'", copy_path.display())).execute(&app.db).await.unwrap();

    // Testing a guess offline means hashing it the way the rows were made: even the right code matches nothing.
    let copy = carepath_server::store::open(&copy_path).await.unwrap();
    let rows: Vec<String> = sqlx::query_scalar("SELECT code_hash FROM enrollment_codes").fetch_all(copy.read()).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_ne!(rows[0], token_hash(code.as_str()), "the SHA-256 of the right code");
    assert_ne!(rows[0], token_hash(&enrolled.code));
    // Only with the server's key does the right code give the stored value.
    let another_key = carepath_server::server_key::ServerKey::load_or_create(&copies.path().join("another.key")).unwrap();
    assert_ne!(rows[0], another_key.hmac_hex("enrollment-code", code.as_str().as_bytes()));
    assert_eq!(rows[0], app.server_key().hmac_hex("enrollment-code", code.as_str().as_bytes()));
    copy.close().await;

    // A server on the copy with a key of its own does not know the code...
    let without_key = spawn_app_with(|s| {
        s.data_dir = copy_dir.clone();
        s.server_key_file = Some(copies.path().join("another.key"));
    })
    .await;
    assert_error(without_key.enroll_device_response(&enrolled.code).await, 404, "enrollment_code_unknown").await;
    // ...the same copy with the server's own key file does.
    let with_key = spawn_app_with(|s| {
        s.data_dir = copy_dir.clone();
        s.server_key_file = Some(app.settings.server_key_path());
    })
    .await;
    assert_eq!(with_key.enroll_device_response(&enrolled.code).await.status(), StatusCode::OK);
}

/// A code stored as before migration 0017 (plain SHA-256, no hash_kind given), expiring `hours` from now.
async fn legacy_code(app: &TestApp, patient_id: uuid::Uuid, hours: i64) -> EnrollmentCode {
    let code = loop {
        if let Some(code) = EnrollmentCode::from_random_bytes(&carepath_server::auth::random_bytes(32)) {
            break code;
        }
    };
    let now = Utc::now();
    sqlx::query("INSERT INTO enrollment_codes (code_hash, patient_id, created_at, expires_at) VALUES (?, ?, ?, ?)")
        .bind(token_hash(code.as_str()))
        .bind(patient_id.to_string())
        .bind(ts(now - Duration::hours(1)))
        .bind(ts(now + Duration::hours(hours)))
        .execute(&app.db)
        .await
        .unwrap();
    code
}

#[tokio::test]
async fn a_code_issued_before_the_upgrade_still_enrolls_until_it_expires() {
    // Rows from before migration 0017 hold the plain SHA-256 and no hash_kind (it defaults to 'sha256').
    let app = spawn_app().await;
    let desk = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let enrolled = app.enroll_patient(&desk, "Ana", Frequency::OnceDaily).await;
    let open = legacy_code(&app, enrolled.patient_id, 10).await;
    let expired = legacy_code(&app, enrolled.patient_id, -1).await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM enrollment_codes WHERE hash_kind = 'sha256'").await, 2);

    assert_error(app.enroll_device_response(expired.as_str()).await, 410, "enrollment_code_expired").await;
    app.enroll_device(&open.to_string()).await;
    assert_error(app.enroll_device_response(open.as_str()).await, 410, "enrollment_code_used").await;
    // The HMAC of a legacy code is not its row, and a legacy row is not matched as an HMAC row.
    let key = app.server_key();
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM enrollment_codes WHERE code_hash = '{}'", patients::code_hmac(&key, &open))).await, 0);
    sqlx::query("UPDATE enrollment_codes SET hash_kind = 'hmac-sha256' WHERE code_hash = ?")
        .bind(token_hash(expired.as_str()))
        .execute(&app.db)
        .await
        .unwrap();
    assert_error(app.enroll_device_response(expired.as_str()).await, 404, "enrollment_code_unknown").await;
}

#[tokio::test]
async fn two_hundred_bad_codes_from_twenty_addresses_meet_a_429_for_every_sites_codes() {
    // Issue #15 item 5: the limit was per address only, so 20 addresses × 10 guesses never saw a 429.
    let app = behind_proxy().await;
    let north = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let south = app.login_as(&app.pharmacist_at_new_site("South", "bob").await).await;
    let ana = app.enroll_patient(&north, "Ana", Frequency::OnceDaily).await;
    let rosa = app.enroll_patient(&south, "Rosa", Frequency::OnceDaily).await;

    let started = Instant::now();
    let mut answers = Vec::new();
    for guess in 0..200 {
        let from = format!("203.0.113.{}", guess % 20);
        let response = enroll_from(&app, &from, "2222-2222").await;
        let status = response.status().as_u16();
        match status {
            404 => assert_error(response, 404, "enrollment_code_unknown").await,
            _ => assert_error(response, 429, "too_many_attempts").await,
        };
        answers.push(status);
    }
    let elapsed = started.elapsed().as_secs();
    // Twenty failures from anywhere, then one attempt per 30 s: while this ran, a slot opened at most every 30 s.
    assert_eq!(&answers[..20], &[404; 20][..], "the first twenty are checked");
    assert_eq!(answers[20], 429, "the 21st is not");
    let checked = answers.iter().filter(|s| **s == 404).count() as u64;
    assert!(checked <= 20 + 1 + elapsed / 30, "{checked} guesses checked in {elapsed} s");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM attempts WHERE kind = 'enroll' AND outcome = 'failure'").await, checked as i64);

    // Slowed, not stopped: right now even a right code waits (from a fresh address, for either site)...
    assert_error(enroll_from(&app, "198.51.100.4", &ana.code).await, 429, "too_many_attempts").await;
    assert_error(enroll_from(&app, "198.51.100.5", &rosa.code).await, 429, "too_many_attempts").await;
    // ...and 30 s later (the attempts moved back in time) both patients get in.
    let earlier = ts(Utc::now() - Duration::seconds(31));
    app.execute(&format!("UPDATE attempts SET at = '{earlier}'")).await.unwrap();
    assert_eq!(enroll_from(&app, "198.51.100.4", &ana.code).await.status(), StatusCode::OK);
    assert_eq!(enroll_from(&app, "198.51.100.5", &rosa.code).await.status(), StatusCode::OK, "a success takes no slot");
    // The next bad guess is checked; the one after it waits again.
    assert_error(enroll_from(&app, "203.0.113.50", "2222-2222").await, 404, "enrollment_code_unknown").await;
    assert_error(enroll_from(&app, "203.0.113.51", "2222-2222").await, 429, "too_many_attempts").await;
    assert_eq!(app.count("devices").await, 2);
}

#[tokio::test]
async fn fewer_than_twenty_failures_from_anywhere_slow_nobody() {
    let app = behind_proxy().await;
    let desk = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let ana = app.enroll_patient(&desk, "Ana", Frequency::OnceDaily).await;
    for n in 0..19 {
        assert_error(enroll_from(&app, &format!("203.0.113.{n}"), "2222-2222").await, 404, "enrollment_code_unknown").await;
    }
    assert_eq!(enroll_from(&app, "198.51.100.4", &ana.code).await.status(), StatusCode::OK);
}
