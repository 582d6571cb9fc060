//! The pharmacists' second factor (issue #15 item 1): every pharmacist route needs a session that passed both
//! the password and a code; setting up with a QR code; a code accepted once; recovery codes; the limits.

mod common;

use carepath_domain::sign_in::{SecondFactorEnabled, SecondFactorPassed, SecondFactorSetup};
use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn cookie(session: &str) -> String {
    format!("{SESSION_COOKIE}={session}")
}

/// The session id after the password alone.
async fn password_only(app: &TestApp, pharmacist: &Pharmacist) -> String {
    let login = app.login_response(&pharmacist.username, &pharmacist.password).await;
    assert_eq!(login.status(), StatusCode::OK);
    session_cookie(&login)
}

/// Every pharmacist route in the router, as (method, path) with its path parameters filled in.
fn pharmacist_routes(patient: &str, alert: &str) -> Vec<(String, String)> {
    let source = include_str!("../src/lib.rs");
    let mut routes = Vec::new();
    for line in source.lines().map(str::trim).filter(|l| l.starts_with(".route(\"/pharmacy/")) {
        let path = line.split('"').nth(1).unwrap();
        if ["/pharmacy/login", "/pharmacy/logout"].contains(&path) || path.starts_with("/pharmacy/second-factor") {
            continue;
        }
        let path = path
            .replace("{id}", if path.starts_with("/pharmacy/alerts") { alert } else { patient })
            .replace("{caregiver_id}", patient)
            .replace("{list}", "new_starts");
        let handlers = &line[line.find(',').unwrap()..];
        for (method, call) in [("GET", "get("), ("POST", "post("), ("PUT", "put(")] {
            if handlers.contains(&format!("routing::{call}")) || handlers.contains(&format!(" {call}")) || handlers.contains(&format!(".{call}")) {
                routes.push((method.to_string(), format!("/api{path}")));
            }
        }
    }
    routes
}

#[tokio::test]
async fn every_pharmacist_route_refuses_a_session_that_passed_only_the_password() {
    let app = spawn_app().await;
    let pharmacist = app.pharmacist_at_new_site("North", "alice").await;
    let client = app.login_as(&pharmacist).await;
    let patient = app.new_patient(&client, "Ana", Frequency::OnceDaily).await.id.to_string();
    let half = password_only(&app, &pharmacist).await;

    let routes = pharmacist_routes(&patient, &uuid::Uuid::new_v4().to_string());
    assert!(routes.len() >= 28, "every route of src/lib.rs is read: {routes:?}");
    for (method, path) in &routes {
        let request = match method.as_str() {
            "GET" => app.client.get(app.url(path)),
            "POST" => app.client.post(app.url(path)).json(&json!({})),
            _ => app.client.put(app.url(path)).json(&json!({})),
        };
        let response = request.header("cookie", cookie(&half)).send().await.unwrap();
        let (detail, _) = assert_error(response, 401, "second_factor_required").await;
        assert!(detail.message.contains("authenticator"), "{method} {path}: {}", detail.message);
    }
    // The same session, once past the second factor, reaches them.
    let passed = app.second_factor_response(&half, &app.totp_code("alice").await).await;
    assert_eq!(passed.status(), StatusCode::OK);
    let me = app.client.get(app.url("/api/pharmacy/me")).header("cookie", cookie(&session_cookie(&passed))).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    // The password-only session id is not the one that passed: it is gone.
    let old = app.client.get(app.url("/api/pharmacy/me")).header("cookie", cookie(&half)).send().await.unwrap();
    assert_error(old, 401, "unauthorized").await;
}

#[tokio::test]
async fn a_first_sign_in_sets_up_the_authenticator_from_a_qr_code_and_gets_ten_recovery_codes() {
    let app = spawn_app().await;
    let site = app.add_site("North").await;
    let pharmacist = app.add_pharmacist_without_second_factor(&site, "alice").await;
    let login = app.login_response("alice", &pharmacist.password).await;
    assert_eq!(login.status(), StatusCode::OK);
    let half = session_cookie(&login);
    assert_eq!(login.json::<Value>().await.unwrap(), json!({ "next": "set_up_second_factor" }));
    let me = app.client.get(app.url("/api/pharmacy/me")).header("cookie", cookie(&half)).send().await.unwrap();
    assert_error(me, 401, "second_factor_setup_required").await;
    // Without a second factor there is nothing to verify yet.
    assert_error(app.second_factor_response(&half, "123456").await, 401, "second_factor_setup_required").await;

    let setup = || app.client.get(app.url("/api/pharmacy/second-factor/setup")).header("cookie", cookie(&half)).send();
    let first: SecondFactorSetup = setup().await.unwrap().json().await.unwrap();
    let again: SecondFactorSetup = setup().await.unwrap().json().await.unwrap();
    assert_eq!(first, again, "one secret for the whole sign-in (a reload shows the same QR code)");
    let secret = first.secret.replace(' ', "");
    assert_eq!(secret.len(), 32, "160 bits in base32: {}", first.secret);
    assert!(first.otpauth_uri.starts_with("otpauth://totp/Carepath:alice?"), "{}", first.otpauth_uri);
    assert_eq!(decode_qr(&first.qr_svg), first.otpauth_uri, "the QR code holds the otpauth URI");
    assert!(!first.qr_svg.contains("<script") && !first.qr_svg.contains("href"), "a plain drawing");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM pharmacists WHERE totp_secret IS NOT NULL").await, 0, "nothing on the account yet");

    let enable = |code: String| {
        app.client
            .post(app.url("/api/pharmacy/second-factor/setup"))
            .header("cookie", cookie(&half))
            .json(&json!({ "code": code }))
            .send()
    };
    let right = totp_code_for(&secret, None).await;
    let wrong = format!("{:06}", (right.parse::<u32>().unwrap() + 1) % 1_000_000);
    assert_error(enable(wrong).await.unwrap(), 401, "bad_second_factor").await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM pharmacists WHERE totp_enabled_at IS NOT NULL").await, 0, "a wrong code turns nothing on");
    assert_eq!(app.count("pharmacist_recovery_codes").await, 0);

    let enabled = enable(right).await.unwrap();
    assert_eq!(enabled.status(), StatusCode::OK);
    let full = session_cookie(&enabled);
    assert_ne!(full, half, "a new session id once both factors passed");
    let enabled: SecondFactorEnabled = enabled.json().await.unwrap();
    assert_eq!(enabled.pharmacist.username, "alice");
    assert_eq!(enabled.recovery_codes.len(), 10);
    let distinct: std::collections::HashSet<_> = enabled.recovery_codes.iter().collect();
    assert_eq!(distinct.len(), 10);
    // Kept only as hashes.
    for code in &enabled.recovery_codes {
        let plain = code.replace('-', "");
        assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM pharmacist_recovery_codes WHERE code_hash LIKE '%{plain}%'")).await, 0);
        let hash = carepath_server::auth::token_hash(&plain);
        assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM pharmacist_recovery_codes WHERE code_hash = '{hash}'")).await, 1);
    }
    let me = app.client.get(app.url("/api/pharmacy/me")).header("cookie", cookie(&full)).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    // The secret is kept sealed with the server key, not as the key a database copy could use.
    let stored: String = sqlx::query_scalar("SELECT totp_secret FROM pharmacists").fetch_one(&app.db).await.unwrap();
    assert!(stored.starts_with("v1.") && !stored.contains(&secret), "{stored}");
    assert_eq!(app.server_key().open(carepath_server::second_factor::SEAL_PURPOSE, &stored).unwrap(), secret.as_bytes());
    // Set up once: the next sign-in asks for a code, and the setup is closed.
    let next = app.login_response("alice", &pharmacist.password).await;
    let next_half = session_cookie(&next);
    assert_eq!(next.json::<Value>().await.unwrap(), json!({ "next": "second_factor" }));
    let reopen = app.client.get(app.url("/api/pharmacy/second-factor/setup")).header("cookie", cookie(&next_half)).send().await.unwrap();
    assert_error(reopen, 401, "second_factor_required").await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'second_factor.enable' AND outcome = 'failure'").await, 1);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'second_factor.enable' AND outcome = 'success'").await, 1);
}

#[tokio::test]
async fn a_code_is_accepted_once_and_a_replay_is_refused() {
    let app = spawn_app().await;
    let pharmacist = app.pharmacist_at_new_site("North", "alice").await;
    let code = app.totp_code("alice").await;
    let first = password_only(&app, &pharmacist).await;
    assert_eq!(app.second_factor_response(&first, &code).await.status(), StatusCode::OK);

    // Someone who saw the code (over a shoulder, or in a proxy's log) and knows the password cannot reuse it.
    let second = password_only(&app, &pharmacist).await;
    assert_error(app.second_factor_response(&second, &code).await, 401, "bad_second_factor").await;
    // Nor an older step's code.
    let step = app.scalar("SELECT totp_last_step FROM pharmacists").await;
    let older = totp_code_for(TOTP_SECRET, Some(step - 3)).await;
    if older != code {
        assert_error(app.second_factor_response(&second, &older).await, 401, "bad_second_factor").await;
    }
    let me = app.client.get(app.url("/api/pharmacy/me")).header("cookie", cookie(&second)).send().await.unwrap();
    assert_error(me, 401, "second_factor_required").await;
    // A later code still works.
    assert_eq!(app.second_factor_response(&second, &app.totp_code("alice").await).await.status(), StatusCode::OK);
    assert!(app.scalar("SELECT totp_last_step FROM pharmacists").await > step);
}

#[tokio::test]
async fn a_code_sent_twice_at_once_signs_in_only_one_of_them() {
    let app = spawn_app().await;
    let pharmacist = app.pharmacist_at_new_site("North", "alice").await;
    let code = app.totp_code("alice").await;
    let (a, b) = (password_only(&app, &pharmacist).await, password_only(&app, &pharmacist).await);
    let (ra, rb) = tokio::join!(app.second_factor_response(&a, &code), app.second_factor_response(&b, &code));
    let mut statuses = [ra.status().as_u16(), rb.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 401]);
}

#[tokio::test]
async fn a_recovery_code_signs_in_once() {
    let app = spawn_app().await;
    let site = app.add_site("North").await;
    let pharmacist = app.add_pharmacist_without_second_factor(&site, "alice").await;
    let half = password_only(&app, &pharmacist).await;
    let setup: SecondFactorSetup =
        app.client.get(app.url("/api/pharmacy/second-factor/setup")).header("cookie", cookie(&half)).send().await.unwrap().json().await.unwrap();
    let code = totp_code_for(&setup.secret.replace(' ', ""), None).await;
    let enabled: SecondFactorEnabled = app
        .client
        .post(app.url("/api/pharmacy/second-factor/setup"))
        .header("cookie", cookie(&half))
        .json(&json!({ "code": code }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    let recovery = &enabled.recovery_codes[3];
    let session = password_only(&app, &pharmacist).await;
    // Typed as people do: lower case, spaces instead of dashes.
    let typed = recovery.to_lowercase().replace('-', " ");
    let passed = app.second_factor_response(&session, &typed).await;
    assert_eq!(passed.status(), StatusCode::OK);
    let passed: SecondFactorPassed = passed.json().await.unwrap();
    assert!(passed.used_recovery_code);
    assert_eq!(passed.recovery_codes_left, 9);

    let again = password_only(&app, &pharmacist).await;
    assert_error(app.second_factor_response(&again, recovery).await, 401, "bad_second_factor").await;
    // Another account's codes are not this one's.
    let bob = app.add_pharmacist(&site, "bob").await;
    let bobs = password_only(&app, &bob).await;
    assert_error(app.second_factor_response(&bobs, &enabled.recovery_codes[4]).await, 401, "bad_second_factor").await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'second_factor' AND outcome = 'success' AND detail = 'recovery code'").await,
        1
    );
}

#[tokio::test]
async fn wrong_codes_are_limited_per_address_and_per_day() {
    let app = spawn_app().await;
    let pharmacist = app.pharmacist_at_new_site("North", "alice").await;
    let session = password_only(&app, &pharmacist).await;
    let right = app.totp_code("alice").await;
    let wrong = format!("{:06}", (right.parse::<u32>().unwrap() + 500_000) % 1_000_000);
    for _ in 0..5 {
        assert_error(app.second_factor_response(&session, &wrong).await, 401, "bad_second_factor").await;
    }
    // The sixth try is refused before it is checked, even with the right code.
    assert_error(app.second_factor_response(&session, &right).await, 429, "too_many_attempts").await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'second_factor' AND outcome = 'failure'").await, 5);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'second_factor' AND outcome = 'limited'").await, 1);

    // 20 wrong codes in a day (from anywhere, outside the 15-minute window): no more that day.
    let bob = app.pharmacist_at_new_site("South", "bob").await;
    let earlier = carepath_server::store::ts(chrono::Utc::now() - chrono::Duration::hours(3));
    for i in 0..20 {
        sqlx::query("INSERT INTO attempts (kind, subject, source_ip, at, outcome) VALUES ('second_factor', ?, ?, ?, 'failure')")
            .bind(&bob.id)
            .bind(format!("203.0.113.{i}"))
            .bind(&earlier)
            .execute(&app.db)
            .await
            .unwrap();
    }
    let bobs = password_only(&app, &bob).await;
    assert_error(app.second_factor_response(&bobs, &app.totp_code("bob").await).await, 429, "too_many_attempts").await;
    // Resetting the second factor (the account's owner proved who she is) lifts it.
    assert!(carepath_server::second_factor::reset(&app.store, &bob.id).await.unwrap());
    let after_reset = app.login_response("bob", &bob.password).await;
    assert_eq!(after_reset.json::<Value>().await.unwrap(), json!({ "next": "set_up_second_factor" }));
}

#[tokio::test]
async fn a_password_only_session_lasts_ten_minutes_and_can_be_signed_out() {
    let app = spawn_app().await;
    let pharmacist = app.pharmacist_at_new_site("North", "alice").await;
    let stale = password_only(&app, &pharmacist).await;
    let eleven_minutes_ago = carepath_server::store::ts(chrono::Utc::now() - chrono::Duration::minutes(11));
    sqlx::query("UPDATE pharmacist_sessions SET created_at = ?").bind(&eleven_minutes_ago).execute(&app.db).await.unwrap();
    assert_error(app.second_factor_response(&stale, &app.totp_code("alice").await).await, 401, "unauthorized").await;
    assert_eq!(app.count("pharmacist_sessions").await, 0, "deleted");

    // Giving up half-way ("Cancel") ends the session too.
    let half = password_only(&app, &pharmacist).await;
    let logout = app.client.post(app.url("/api/pharmacy/logout")).header("cookie", cookie(&half)).send().await.unwrap();
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.count("pharmacist_sessions").await, 0);
}

#[tokio::test]
async fn resetting_the_second_factor_ends_every_session_and_asks_for_a_new_setup() {
    let app = spawn_app().await;
    let pharmacist = app.pharmacist_at_new_site("North", "alice").await;
    let client = app.login_as(&pharmacist).await;
    assert_eq!(client.get(app.url("/api/pharmacy/me")).send().await.unwrap().status(), StatusCode::OK);
    assert!(carepath_server::second_factor::reset(&app.store, &pharmacist.id).await.unwrap());
    assert_error(client.get(app.url("/api/pharmacy/me")).send().await.unwrap(), 401, "unauthorized").await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM pharmacists WHERE totp_secret IS NOT NULL").await, 0);
    let login = app.login_response("alice", &pharmacist.password).await;
    assert_eq!(login.json::<Value>().await.unwrap(), json!({ "next": "set_up_second_factor" }));
}
