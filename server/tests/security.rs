//! Who may do what: device tokens, pharmacist sessions, isolation between patients and sites, sign-in
//! throttling, and the append-only audit log and event store.

mod common;

use carepath_domain::regimen::DoseSlot;
use common::Frequency;
use carepath_domain::sync::DeviceProfile;
use carepath_server::store::ts;
use chrono::{Duration, Utc};
use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn cookie(value: &str) -> String {
    format!("{SESSION_COOKIE}={value}")
}

// ---- device authentication --------------------------------------------------------------------------------

#[tokio::test]
async fn device_routes_require_a_bearer_token() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let patient = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    let events = json!({ "events": [check_in(Symptom::Pain, 1, None)] });

    let no_token = app.client.get(app.url("/api/device/profile")).send().await.unwrap();
    assert_error(no_token, 401, "unauthorized").await;
    let no_token = app.client.post(app.url("/api/device/sync")).json(&events).send().await.unwrap();
    assert_error(no_token, 401, "unauthorized").await;

    // The token in other places or shapes is not accepted either.
    let wrong_scheme = app
        .client
        .get(app.url("/api/device/profile"))
        .header("authorization", format!("Token {}", patient.token))
        .send()
        .await
        .unwrap();
    assert_error(wrong_scheme, 401, "unauthorized").await;
    let as_cookie =
        app.client.get(app.url("/api/device/profile")).header("cookie", cookie(&patient.token)).send().await.unwrap();
    assert_error(as_cookie, 401, "unauthorized").await;
    assert_eq!(app.count("events").await, 0);
}

#[tokio::test]
async fn a_forged_device_token_is_refused() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let patient = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    let mut tampered = patient.token.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    // The hash the server stores is not a token either.
    let stored_hash: String = sqlx::query_scalar("SELECT token_hash FROM devices").fetch_one(&app.db).await.unwrap();
    assert_ne!(stored_hash, patient.token);

    for forged in [carepath_server::auth::new_token(), tampered, stored_hash, "".into(), "null".into()] {
        assert_error(app.profile_response(&forged).await, 401, "unauthorized").await;
        assert_error(app.sync(&forged, &[check_in(Symptom::Pain, 1, None)]).await, 401, "unauthorized").await;
    }
    assert_eq!(app.count("events").await, 0);
}

#[tokio::test]
async fn a_revoked_device_is_refused_on_its_next_request() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let patient = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    app.sync_ok(&patient.token, &[check_in(Symptom::Pain, 1, None)]).await;

    let revoked = app.execute(&format!("UPDATE devices SET revoked_at = '{}'", ts(Utc::now()))).await.unwrap();
    assert_eq!(revoked, 1);

    // Its own code, so the phone wipes that profile instead of retrying (tests/devices.rs: every device route).
    assert_error(app.profile_response(&patient.token).await, 401, "device_revoked").await;
    assert_error(app.sync(&patient.token, &[check_in(Symptom::Pain, 2, None)]).await, 401, "device_revoked").await;
    assert_eq!(app.count("events").await, 1);
}

// ---- pharmacist authentication ----------------------------------------------------------------------------

#[tokio::test]
async fn pharmacist_routes_require_a_session() {
    let app = spawn_app().await;
    let pharmacist = app.pharmacist_at_new_site("North", "alice").await;
    let client = app.login_as(&pharmacist).await;
    let patient = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    let new_patient = json!({
        "display_name": "Eve",
        "regimen": regimen_json("X", Frequency::OnceDaily)
    });

    // No cookie; a device token as the session cookie; a device token as a bearer token; a made-up session.
    let attempts: Vec<(&str, String)> = vec![
        ("none", String::new()),
        ("cookie", cookie(&patient.token)),
        ("bearer", format!("Bearer {}", patient.token)),
        ("cookie", cookie(&carepath_server::auth::new_token())),
    ];
    for (how, value) in attempts {
        let with = |request: reqwest::RequestBuilder| match how {
            "cookie" => request.header("cookie", value.clone()),
            "bearer" => request.header("authorization", value.clone()),
            _ => request,
        };
        for request in [
            app.client.get(app.url("/api/pharmacy/queue")),
            app.client.get(app.url("/api/pharmacy/patients")),
            app.client.get(app.url("/api/pharmacy/me")),
            app.client.post(app.url("/api/pharmacy/logout")),
            app.client.post(app.url("/api/pharmacy/patients")).json(&new_patient),
            app.client.get(app.url(&format!("/api/pharmacy/patients/{}/diary", patient.id))),
            app.client.post(app.url(&format!("/api/pharmacy/patients/{}/regimen-changes", patient.id)))
                .json(&json!({ "regimen_line_id": patient.line_id, "change": { "type": "stop", "on": "2026-01-01" } })),
            app.client.post(app.url(&format!("/api/pharmacy/patients/{}/dispenses", patient.id)))
                .json(&json!({ "regimen_line_id": patient.line_id, "date": "2026-01-01", "tablets": 1, "days_supply": 1 })),
            app.client.put(app.url(&format!("/api/pharmacy/patients/{}/refill-reminder", patient.id)))
                .json(&json!({ "regimen_line_id": patient.line_id, "days": 3 })),
            app.client.post(app.url(&format!("/api/pharmacy/patients/{}/caregivers", patient.id))).json(&json!({ "name": "Eve" })),
        ] {
            assert_error(with(request).send().await.unwrap(), 401, "unauthorized").await;
        }
    }
    assert_eq!(app.count("patients").await, 1);
    assert_eq!(app.count("pharmacist_sessions").await, 1);
    for table in ["regimen_changes", "dispenses", "caregivers"] {
        assert_eq!(app.count(table).await, 0, "{table}");
    }
}

/// Another site's pharmacist gets 404 from every route about a patient's regimen and caregivers, and changes nothing.
#[tokio::test]
async fn regimen_and_caregiver_routes_are_scoped_to_the_pharmacists_site() {
    let app = spawn_app().await;
    let north = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let south = app.login_as(&app.pharmacist_at_new_site("South", "sam").await).await;
    let ana = app.new_patient(&north, "Ana", Frequency::OnceDaily).await;
    let caregiver = app.add_caregiver(&north, ana.id, "Maria").await.caregiver.id;
    let base = format!("/api/pharmacy/patients/{}", ana.id);
    for request in [
        south.get(app.url(&format!("{base}/diary"))),
        south.post(app.url(&format!("{base}/regimen-changes")))
            .json(&json!({ "regimen_line_id": ana.line_id, "change": { "type": "stop", "on": Utc::now().date_naive().to_string() } })),
        south.post(app.url(&format!("{base}/dispenses")))
            .json(&json!({ "regimen_line_id": ana.line_id, "date": Utc::now().date_naive().to_string(), "tablets": 1, "days_supply": 1 })),
        south.put(app.url(&format!("{base}/refill-reminder"))).json(&json!({ "regimen_line_id": ana.line_id, "days": 3 })),
        south.post(app.url(&format!("{base}/caregivers"))).json(&json!({ "name": "Eve" })),
        south.post(app.url(&format!("{base}/caregivers/{caregiver}/revoke"))).json(&json!({})),
    ] {
        assert_error(request.send().await.unwrap(), 404, "not_found").await;
    }
    assert_eq!(app.count("regimen_changes").await, 0);
    assert_eq!(app.count("dispenses").await, 0);
    assert_eq!(app.count("caregivers").await, 1);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM caregivers WHERE revoked_at IS NOT NULL").await, 0);
}

/// A caregiver's device is bound to the patient they help: it sees that patient only and cannot log doses against
/// another patient's regimen (the IDOR matrix's "caregiver of B").
#[tokio::test]
async fn a_caregiver_sees_and_logs_only_for_the_patient_they_help() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let ana = app.new_patient(&client, "Ana Alpha", Frequency::OnceDaily).await;
    let ben = app.new_patient(&client, "Ben Beta", Frequency::OnceDaily).await;
    let added = app.add_caregiver(&client, ben.id, "Bea (Ben's wife)").await;
    let (bea, profile) = app.enroll_device(&added.code).await;
    assert_eq!(profile.patient_id, ben.id);
    let text = app.profile_response(&bea).await.text().await.unwrap();
    assert!(!text.contains("Ana Alpha") && !text.contains(&ana.id.to_string()) && !text.contains(&ana.line_id.to_string()));
    assert_error(app.sync(&bea, &[dose_taken(ana.line_id, DoseSlot::Daily)]).await, 422, "invalid_event").await;
    assert_eq!(app.count("events").await, 0);
}

#[tokio::test]
async fn a_session_cookie_is_http_only_same_site_strict_and_stored_only_as_a_hash() {
    let app = spawn_app().await;
    let pharmacist = app.pharmacist_at_new_site("North", "alice").await;
    let response = app.login_response(&pharmacist.username, &pharmacist.password).await;
    assert_eq!(response.status(), StatusCode::OK);
    let set_cookie = set_cookie_header(&response);
    let session = session_cookie(&response);
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set_cookie.contains(attribute), "{set_cookie} lacks {attribute}");
    }
    let next: Value = response.json().await.unwrap();
    assert_eq!(next, json!({ "next": "second_factor" }), "the password alone signs nobody in");

    // The session that passed the second factor too is a new one, with the same attributes.
    let passed = app.second_factor_response(&session, &app.totp_code("alice").await).await;
    assert_eq!(passed.status(), StatusCode::OK);
    let set_cookie = set_cookie_header(&passed);
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set_cookie.contains(attribute), "{set_cookie} lacks {attribute}");
    }
    let session = session_cookie(&passed);
    let me: Value = passed.json().await.unwrap();
    assert_eq!(me["pharmacist"]["username"], "alice");
    assert_eq!(me["pharmacist"]["site"]["name"], "North");

    let stored: String = sqlx::query_scalar("SELECT token_hash FROM pharmacist_sessions").fetch_one(&app.db).await.unwrap();
    assert_ne!(stored, session);
    assert_eq!(stored, carepath_server::auth::token_hash(&session));
    // The stored hash does not work as a cookie.
    let with_hash = app.client.get(app.url("/api/pharmacy/me")).header("cookie", cookie(&stored)).send().await.unwrap();
    assert_error(with_hash, 401, "unauthorized").await;
}

#[tokio::test]
async fn after_logout_the_same_session_cookie_is_refused() {
    let app = spawn_app().await;
    let pharmacist = app.pharmacist_at_new_site("North", "alice").await;
    let session = app.sign_in_session(&pharmacist.username, &pharmacist.password).await;
    let me = || app.client.get(app.url("/api/pharmacy/me")).header("cookie", cookie(&session)).send();
    assert_eq!(me().await.unwrap().status(), StatusCode::OK);

    let logout = app.client.post(app.url("/api/pharmacy/logout")).header("cookie", cookie(&session)).send().await.unwrap();
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    // The browser is told to forget the cookie...
    let removal = set_cookie_header(&logout);
    assert!(removal.starts_with(&format!("{SESSION_COOKIE}=;")), "{removal}");
    assert!(removal.contains("Max-Age=0") || removal.contains("Expires="), "{removal}");
    // ...and the server forgets the session, so a copy of the cookie is useless.
    assert_eq!(app.count("pharmacist_sessions").await, 0);
    assert_error(me().await.unwrap(), 401, "unauthorized").await;
    let queue = app.client.get(app.url("/api/pharmacy/queue")).header("cookie", cookie(&session)).send().await.unwrap();
    assert_error(queue, 401, "unauthorized").await;
}

/// A sign-in from a browser that still sends the session cookie `session`.
async fn login_sending_cookie(app: &TestApp, session: &str, username: &str, password: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/pharmacy/login"))
        .header("cookie", cookie(session))
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .unwrap()
}

/// Every `Set-Cookie` header of a response.
fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response.headers().get_all(reqwest::header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).map(str::to_string).collect()
}

#[tokio::test]
async fn over_https_logout_deletes_the_host_cookie_with_the_attributes_it_was_set_with() {
    // Issue #15 item 8: a `__Host-` cookie is only replaced by one that is Secure, Path=/ and has no Domain; a
    // deletion without Secure is ignored by browsers, which then keep sending the stale cookie.
    let app = spawn_app_with(|s| s.public_url = "https://pharmacy.example".into()).await;
    let pharmacist = app.pharmacist_at_new_site("North", "alice").await;
    let login = app.login_response(&pharmacist.username, &pharmacist.password).await;
    let set = set_cookies(&login);
    let session = set
        .iter()
        .find_map(|c| c.strip_prefix("__Host-carepath_session=")?.split(';').next().map(str::to_string))
        .unwrap_or_else(|| panic!("no __Host- session cookie in {set:?}"));
    let cookie = format!("__Host-carepath_session={session}");
    let logout = app.client.post(app.url("/api/pharmacy/logout")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    let removal = set_cookies(&logout).into_iter().find(|c| c.starts_with("__Host-carepath_session=;")).expect("a deletion");
    for attribute in ["Secure", "Path=/", "HttpOnly", "SameSite=Strict"] {
        assert!(removal.split("; ").any(|a| a == attribute), "{attribute} missing from {removal}");
    }
    assert!(removal.contains("Max-Age=0"), "{removal}");
    assert!(!removal.contains("Domain="), "{removal}");
}

#[tokio::test]
async fn signing_in_again_ends_the_session_the_browser_had() {
    // Issue #15 item 8: a new sign-in replaced the cookie but left the old session valid on the server.
    let app = spawn_app().await;
    let pharmacist = app.pharmacist_at_new_site("North", "alice").await;
    let old = app.sign_in_session(&pharmacist.username, &pharmacist.password).await;
    let other_browser = app.sign_in_session(&pharmacist.username, &pharmacist.password).await;
    let me = |session: String| app.client.get(app.url("/api/pharmacy/me")).header("cookie", cookie(&session)).send();
    assert_eq!(me(old.clone()).await.unwrap().status(), StatusCode::OK);

    // A wrong password with the old cookie ends nothing.
    let wrong = login_sending_cookie(&app, &old, &pharmacist.username, "not the password at all").await;
    assert_error(wrong, 401, "bad_credentials").await;
    assert_eq!(me(old.clone()).await.unwrap().status(), StatusCode::OK);

    let again = login_sending_cookie(&app, &old, &pharmacist.username, &pharmacist.password).await;
    let half = session_cookie(&again);
    // The right password alone already ends the old session.
    assert_error(me(old).await.unwrap(), 401, "unauthorized").await;
    let passed = app.second_factor_response(&half, &app.totp_code(&pharmacist.username).await).await;
    assert_eq!(passed.status(), StatusCode::OK);
    assert_eq!(me(session_cookie(&passed)).await.unwrap().status(), StatusCode::OK);
    assert_eq!(me(other_browser).await.unwrap().status(), StatusCode::OK, "another browser's session stays");
    assert_eq!(app.count("pharmacist_sessions").await, 2);
}

#[tokio::test]
async fn logging_out_with_a_cookie_client_ends_that_session_only() {
    let app = spawn_app().await;
    let pharmacist = app.pharmacist_at_new_site("North", "alice").await;
    let laptop = app.login_as(&pharmacist).await;
    let desktop = app.login_as(&pharmacist).await;
    assert_eq!(app.count("pharmacist_sessions").await, 2);

    let logout = laptop.post(app.url("/api/pharmacy/logout")).send().await.unwrap();
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    assert_error(laptop.get(app.url("/api/pharmacy/me")).send().await.unwrap(), 401, "unauthorized").await;
    assert_eq!(desktop.get(app.url("/api/pharmacy/me")).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(app.count("pharmacist_sessions").await, 1);
}

#[tokio::test]
async fn every_login_gets_a_new_session_id() {
    let app = spawn_app().await;
    let pharmacist = app.pharmacist_at_new_site("North", "alice").await;
    let first = session_cookie(&app.login_response(&pharmacist.username, &pharmacist.password).await);
    let second = session_cookie(&app.login_response(&pharmacist.username, &pharmacist.password).await);
    assert_ne!(first, second);
    assert!(first.len() >= 43, "session id {first:?} is too short to be 256 bits");

    // Signing in again while sending the old cookie still issues a fresh id (no session fixation).
    let again = login_sending_cookie(&app, &first, &pharmacist.username, &pharmacist.password).await;
    let third = session_cookie(&again);
    assert_ne!(third, first);
    assert_ne!(third, second);
    // ...and ends the session of the cookie it replaced (signing_in_again_ends_the_session_the_browser_had).
    assert_eq!(app.count("pharmacist_sessions").await, 2);
}

#[tokio::test]
async fn a_session_idle_for_more_than_30_minutes_is_refused_and_deleted() {
    let app = spawn_app().await;
    let pharmacist = app.pharmacist_at_new_site("North", "alice").await;
    let client = app.login_as(&pharmacist).await;
    assert_eq!(client.get(app.url("/api/pharmacy/me")).send().await.unwrap().status(), StatusCode::OK);

    let idle_since = ts(Utc::now() - Duration::minutes(31));
    app.execute(&format!("UPDATE pharmacist_sessions SET last_seen_at = '{idle_since}'")).await.unwrap();

    assert_error(client.get(app.url("/api/pharmacy/queue")).send().await.unwrap(), 401, "unauthorized").await;
    assert_eq!(app.count("pharmacist_sessions").await, 0);
}

#[tokio::test]
async fn activity_keeps_a_session_alive() {
    let app = spawn_app().await;
    let pharmacist = app.pharmacist_at_new_site("North", "alice").await;
    let client = app.login_as(&pharmacist).await;
    let idle_since = ts(Utc::now() - Duration::minutes(29));
    app.execute(&format!("UPDATE pharmacist_sessions SET last_seen_at = '{idle_since}'")).await.unwrap();

    assert_eq!(client.get(app.url("/api/pharmacy/me")).send().await.unwrap().status(), StatusCode::OK);
    let last_seen: String = sqlx::query_scalar("SELECT last_seen_at FROM pharmacist_sessions").fetch_one(&app.db).await.unwrap();
    assert!(last_seen > idle_since, "last_seen_at was not refreshed: {last_seen}");
}

#[tokio::test]
async fn a_session_older_than_12_hours_is_refused_however_active() {
    let app = spawn_app().await;
    let pharmacist = app.pharmacist_at_new_site("North", "alice").await;
    let client = app.login_as(&pharmacist).await;
    let created = ts(Utc::now() - Duration::hours(12) - Duration::minutes(1));
    app.execute(&format!("UPDATE pharmacist_sessions SET created_at = '{created}', last_seen_at = '{}'", ts(Utc::now())))
        .await
        .unwrap();

    assert_error(client.get(app.url("/api/pharmacy/me")).send().await.unwrap(), 401, "unauthorized").await;
    assert_eq!(app.count("pharmacist_sessions").await, 0);
}

// ---- sign-in ----------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_answer() {
    let app = spawn_app().await;
    let pharmacist = app.pharmacist_at_new_site("North", "alice").await;

    let (wrong_password, _) =
        assert_error(app.login_response("alice", "not the password at all").await, 401, "bad_credentials").await;
    let (unknown_user, _) = assert_error(app.login_response("mallory", &pharmacist.password).await, 401, "bad_credentials").await;
    assert_eq!(wrong_password.message, unknown_user.message);
    let empty = app.login_response("", "").await;
    assert_error(empty, 401, "bad_credentials").await;
    let huge = app.login_response("alice", &"x".repeat(10_000)).await;
    assert_error(huge, 401, "bad_credentials").await;
    assert_eq!(app.count("pharmacist_sessions").await, 0);

    // Usernames are matched without regard to case or surrounding spaces.
    assert_eq!(app.login_response("  ALICE ", &pharmacist.password).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn after_five_wrong_passwords_the_account_is_locked_even_for_the_right_password() {
    let app = spawn_app().await;
    let alice = app.pharmacist_at_new_site("North", "alice").await;
    let bob = app.add_pharmacist(&alice.site_id, "bob").await;

    for attempt in 0..5 {
        let response = app
            .client
            .post(app.url("/api/pharmacy/login"))
            .header("x-forwarded-for", format!("203.0.113.{attempt}"))
            .json(&json!({ "username": "alice", "password": format!("guess number {attempt}") }))
            .send()
            .await
            .unwrap();
        assert_error(response, 401, "bad_credentials").await;
    }

    let right_password = app.login_response("alice", &alice.password).await;
    assert_error(right_password, 429, "too_many_attempts").await;
    // Another claimed address, or another spelling of the username, does not reset the count.
    let forwarded = app
        .client
        .post(app.url("/api/pharmacy/login"))
        .header("x-forwarded-for", "198.51.100.77")
        .header("x-real-ip", "198.51.100.77")
        .json(&json!({ "username": "alice", "password": alice.password }))
        .send()
        .await
        .unwrap();
    assert_error(forwarded, 429, "too_many_attempts").await;
    assert_error(app.login_response(" Alice", &alice.password).await, 429, "too_many_attempts").await;
    assert_eq!(app.count("pharmacist_sessions").await, 0);

    // Other accounts are not affected.
    assert_eq!(app.login_response("bob", &bob.password).await.status(), StatusCode::OK);
}

/// Ten wrong enrollment codes "from" `client` (as `X-Forwarded-For` says), then whether the right code still works
/// from `other`.
async fn enrollment_after_ten_bad_codes_from_another_client(app: &TestApp, client: &str, other: &str) -> reqwest::Response {
    let pharmacist = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let enrolled = app.enroll_patient(&pharmacist, "Ana", Frequency::OnceDaily).await;
    let enroll = |from: &str, code: &str| {
        app.client.post(app.url("/api/enroll")).header("x-forwarded-for", from).json(&json!({ "code": code })).send()
    };
    for _ in 0..10 {
        assert_error(enroll(client, "2222-2222").await.unwrap(), 404, "enrollment_code_unknown").await;
    }
    assert_error(enroll(client, &enrolled.code).await.unwrap(), 429, "too_many_attempts").await;
    enroll(other, &enrolled.code).await.unwrap()
}

#[tokio::test]
async fn behind_a_trusted_proxy_one_clients_bad_codes_do_not_stop_everyone_elses_enrollment() {
    // Issue #15 item 4: behind a proxy every request came from the proxy's address.
    let app = spawn_app_with(|s| s.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()]).await;
    let response = enrollment_after_ten_bad_codes_from_another_client(&app, "203.0.113.9", "198.51.100.4").await;
    assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());
    // The attempts and the audit name the client, not the proxy.
    assert_eq!(app.scalar("SELECT COUNT(*) FROM attempts WHERE source_ip = '203.0.113.9'").await, 10, "the ten bad codes (the refused one is not counted)");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM attempts WHERE source_ip = '198.51.100.4' AND outcome = 'success'").await, 1);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM attempts WHERE kind = 'enroll' AND source_ip = '127.0.0.1'").await, 0);
}

#[tokio::test]
async fn without_trusted_proxies_a_client_cannot_choose_its_address_with_x_forwarded_for() {
    let app = spawn_app().await;
    let response = enrollment_after_ten_bad_codes_from_another_client(&app, "203.0.113.9", "198.51.100.4").await;
    assert_error(response, 429, "too_many_attempts").await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM attempts WHERE source_ip = '203.0.113.9'").await, 0);
}

/// A sign-in through the trusted proxy, for the client `from` (its `X-Forwarded-For`).
async fn login_from(app: &TestApp, from: &str, username: &str, password: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/pharmacy/login"))
        .header("x-forwarded-for", from)
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_sign_in_limit_per_address_counts_each_client() {
    let app = spawn_app_with(|s| s.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()]).await;
    let alice = app.pharmacist_at_new_site("North", "alice").await;
    // 20 failed sign-ins with random usernames from one client use up that client's address limit...
    for n in 0..20 {
        assert_error(login_from(&app, "203.0.113.9", &format!("nobody{n}"), "wrong password here").await, 401, "bad_credentials").await;
    }
    assert_error(login_from(&app, "203.0.113.9", "alice", &alice.password).await, 429, "too_many_attempts").await;
    // ...not the pharmacy's: Alice at her own desk signs in.
    assert_eq!(login_from(&app, "198.51.100.4", "alice", &alice.password).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn wrong_passwords_from_many_addresses_slow_the_account_without_locking_its_pharmacist_out() {
    // Issue #15 item 4: five wrong passwords from five addresses locked the account for everyone for 15 minutes.
    let app = spawn_app_with(|s| s.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()]).await;
    let alice = app.pharmacist_at_new_site("North", "alice").await;
    for n in 0..5 {
        assert_error(login_from(&app, &format!("203.0.113.{n}"), "alice", &format!("guess number {n}")).await, 401, "bad_credentials").await;
    }
    // Now slowed: one attempt on the account per 30 s, from anywhere (a sixth guess at once is refused)...
    assert_error(login_from(&app, "203.0.113.9", "alice", "guess number 9").await, 429, "too_many_attempts").await;
    assert_error(login_from(&app, "198.51.100.4", "alice", &alice.password).await, 429, "too_many_attempts").await;
    // ...and 30 s later (the attempts moved back in time) Alice at her own desk gets in: not locked out.
    let earlier = carepath_server::store::ts(Utc::now() - chrono::Duration::seconds(31));
    app.execute(&format!("UPDATE attempts SET at = '{earlier}'")).await.unwrap();
    assert_eq!(login_from(&app, "198.51.100.4", "alice", &alice.password).await.status(), StatusCode::OK);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM attempts WHERE outcome = 'failure'").await, 5, "refused attempts are not counted");
}

#[tokio::test]
async fn five_wrong_passwords_from_one_address_lock_the_account_for_that_address_only() {
    let app = spawn_app_with(|s| s.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()]).await;
    let alice = app.pharmacist_at_new_site("North", "alice").await;
    for n in 0..5 {
        assert_error(login_from(&app, "203.0.113.9", "alice", &format!("guess number {n}")).await, 401, "bad_credentials").await;
    }
    let earlier = carepath_server::store::ts(Utc::now() - chrono::Duration::seconds(31));
    app.execute(&format!("UPDATE attempts SET at = '{earlier}'")).await.unwrap();
    // Past the spacing the guesser's address is still locked out of the account, even with the right password...
    assert_error(login_from(&app, "203.0.113.9", "alice", &alice.password).await, 429, "too_many_attempts").await;
    // ...the pharmacist's is not.
    assert_eq!(login_from(&app, "198.51.100.4", "alice", &alice.password).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn four_wrong_passwords_do_not_lock_the_account() {
    let app = spawn_app().await;
    let alice = app.pharmacist_at_new_site("North", "alice").await;
    for attempt in 0..4 {
        assert_error(app.login_response("alice", &format!("guess number {attempt}")).await, 401, "bad_credentials").await;
    }
    assert_eq!(app.login_response("alice", &alice.password).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn repeated_wrong_enrollment_codes_from_one_address_are_throttled() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let enrolled = app.enroll_patient(&client, "Ana", Frequency::OnceDaily).await;

    for _ in 0..10 {
        assert_error(app.enroll_device_response("2222-2222").await, 404, "enrollment_code_unknown").await;
    }
    // Even the right code is refused for now.
    assert_error(app.enroll_device_response(&enrolled.code).await, 429, "too_many_attempts").await;
    assert_eq!(app.count("devices").await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM enrollment_codes WHERE used_at IS NOT NULL").await, 0);
}

#[tokio::test]
async fn parallel_wrong_enrollment_codes_cannot_get_past_the_ten_attempt_limit() {
    let app = spawn_app().await;

    let handles: Vec<_> = (0..20)
        .map(|_| {
            let (http, url) = (app.client.clone(), app.url("/api/enroll"));
            tokio::spawn(async move {
                http.post(url).json(&json!({ "code": "2222-2222" })).send().await.unwrap().status().as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for handle in handles {
        statuses.push(handle.await.unwrap());
    }
    let checked = statuses.iter().filter(|s| **s == 404).count();
    assert!(statuses.iter().all(|s| *s == 404 || *s == 429), "{statuses:?}");
    assert!(checked <= 10, "{checked} codes were tried in one burst (limit 10): {statuses:?}");
    assert_eq!(app.count("devices").await, 0);
}

// ---- isolation --------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_device_sees_only_its_own_patient() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let ana = app.new_patient(&client, "Ana Alpha", Frequency::OnceDaily).await;
    let ben = app.new_patient(&client, "Ben Beta", Frequency::TwiceDaily).await;

    let response = app.profile_response(&ana.token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    let profile: DeviceProfile = serde_json::from_str(&text).unwrap();
    assert_eq!(profile.patient_id, ana.id);
    assert_eq!(profile.display_name, "Ana Alpha");
    assert_eq!(profile.regimen.iter().map(|l| l.id).collect::<Vec<_>>(), vec![ana.line_id]);
    assert!(!text.contains(&ben.id.to_string()) && !text.contains("Ben Beta") && !text.contains(&ben.line_id.to_string()));
}

#[tokio::test]
async fn a_device_cannot_record_a_dose_against_another_patients_regimen() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let ana = app.new_patient(&client, "Ana Alpha", Frequency::TwiceDaily).await;
    let ben = app.new_patient(&client, "Ben Beta", Frequency::TwiceDaily).await;

    let (_, body) = assert_error(app.sync(&ana.token, &[dose_taken(ben.line_id, DoseSlot::Morning)]).await, 422, "invalid_event").await;
    assert!(!body.contains("Ben Beta") && !body.contains(DRUG), "{body}");
    assert_eq!(app.count("events").await, 0);
}

#[tokio::test]
async fn a_pharmacist_sees_nothing_from_another_site() {
    let app = spawn_app().await;
    let north = app.pharmacist_at_new_site("North", "alice").await;
    let south = app.pharmacist_at_new_site("South", "sam").await;
    let north_client = app.login_as(&north).await;
    let south_client = app.login_as(&south).await;

    let ana = app.new_patient(&north_client, "Ana North", Frequency::TwiceDaily).await;
    app.sync_ok(&ana.token, &[dose_taken(ana.line_id, DoseSlot::Morning), check_in(Symptom::Vomiting, 4, Some("all night"))])
        .await;
    let sol = app.new_patient(&south_client, "Sol South", Frequency::OnceDaily).await;
    let sols_event = check_in(Symptom::Fatigue, 1, None);
    app.sync_ok(&sol.token, &[sols_event.clone()]).await;
    assert_eq!(app.count("events").await, 3);

    // South's queue holds only South's event.
    let queue = app.queue(&south_client).await;
    let items = queue["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{queue}");
    assert_eq!(items[0]["event_id"], json!(sols_event.id));
    let text = queue.to_string();
    assert!(!text.contains("Ana North") && !text.contains(&ana.id.to_string()), "{text}");

    // South's patient list holds only South's patient.
    let response = south_client.get(app.url("/api/pharmacy/patients")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let patients: Value = response.json().await.unwrap();
    let names: Vec<&str> = patients.as_array().unwrap().iter().map(|p| p["display_name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["Sol South"]);
    assert_eq!(patients[0]["patient_id"], json!(sol.id));
    assert_eq!(patients[0]["enrolled_devices"], 1);

    // And the other way round.
    assert_eq!(app.queue(&north_client).await["items"].as_array().unwrap().len(), 2);
    let north_patients: Value = north_client.get(app.url("/api/pharmacy/patients")).send().await.unwrap().json().await.unwrap();
    assert!(!north_patients.to_string().contains("Sol South"));
    assert_eq!(north_patients.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_patient_enrolled_by_one_site_belongs_to_that_site() {
    let app = spawn_app().await;
    let south = app.pharmacist_at_new_site("South", "sam").await;
    let client = app.login_as(&south).await;
    let sol = app.new_patient(&client, "Sol", Frequency::OnceDaily).await;
    let site: String =
        sqlx::query_scalar("SELECT site_id FROM patients WHERE id = ?").bind(sol.id.to_string()).fetch_one(&app.db).await.unwrap();
    assert_eq!(site, south.site_id);
    assert_eq!(sol.profile.site.name, "South");
}

// ---- audit log and immutability ---------------------------------------------------------------------------

async fn audit_rows(app: &TestApp, action: &str, outcome: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = ? AND outcome = ?")
        .bind(action)
        .bind(outcome)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn sign_ins_enrollments_and_syncs_are_audited() {
    let app = spawn_app().await;
    let pharmacist = app.pharmacist_at_new_site("North", "alice").await;

    assert_error(app.login_response("alice", "a wrong password!").await, 401, "bad_credentials").await;
    assert_eq!(audit_rows(&app, "login", "failure").await, 1);
    let failure: (String, Option<String>, Option<String>) =
        sqlx::query_as("SELECT actor_kind, detail, source_ip FROM audit_log WHERE action = 'login' AND outcome = 'failure'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    // The username typed is kept only as a keyed hash (it may be a password typed in the wrong box).
    let keyed = app.server_key().hmac_hex(carepath_server::routes::pharmacy::REFUSED_USERNAME_PURPOSE, b"alice");
    assert_eq!(failure, ("anonymous".into(), Some(format!("username hmac:{}", &keyed[..32])), Some("127.0.0.1".into())));
    assert_error(app.login_response("Tr0ub4dor&3 typed as a name", "a wrong password!").await, 401, "bad_credentials").await;
    let details: Vec<String> = sqlx::query_scalar("SELECT COALESCE(detail, '') FROM audit_log").fetch_all(&app.db).await.unwrap();
    assert!(details.iter().all(|d| !d.to_lowercase().contains("tr0ub4dor")), "{details:?}");

    let client = app.login_as(&pharmacist).await;
    assert_eq!(audit_rows(&app, "login", "success").await, 1);
    let actor: Option<String> = sqlx::query_scalar("SELECT actor_id FROM audit_log WHERE action = 'login' AND outcome = 'success'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(actor, Some(pharmacist.id.clone()));

    let enrolled = app.enroll_patient(&client, "Ana", Frequency::OnceDaily).await;
    let created: Option<String> = sqlx::query_scalar("SELECT patient_id FROM audit_log WHERE action = 'patient.create'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(created, Some(enrolled.patient_id.to_string()));

    assert_error(app.enroll_device_response("2222-2222").await, 404, "enrollment_code_unknown").await;
    assert_eq!(audit_rows(&app, "enroll", "failure").await, 1);
    let (token, _) = app.enroll_device(&enrolled.code).await;
    let device_id: String = sqlx::query_scalar("SELECT id FROM devices").fetch_one(&app.db).await.unwrap();
    let enroll: (String, Option<String>, Option<String>) =
        sqlx::query_as("SELECT actor_kind, actor_id, patient_id FROM audit_log WHERE action = 'enroll' AND outcome = 'success'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(enroll, ("device".into(), Some(device_id.clone()), Some(enrolled.patient_id.to_string())));

    app.sync_ok(&token, &[check_in(Symptom::Pain, 1, None)]).await;
    let sync: (Option<String>, Option<String>) =
        sqlx::query_as("SELECT actor_id, patient_id FROM audit_log WHERE action = 'sync' AND outcome = 'success'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(sync, (Some(device_id), Some(enrolled.patient_id.to_string())));

    app.queue(&client).await;
    assert_eq!(audit_rows(&app, "queue.read", "success").await, 1);

    // No secrets in the log.
    let everything: Vec<String> = sqlx::query_scalar("SELECT COALESCE(detail, '') || ' ' || COALESCE(actor_id, '') FROM audit_log")
        .fetch_all(&app.db)
        .await
        .unwrap();
    for row in everything {
        assert!(!row.contains("a wrong password!") && !row.contains(PASSWORD), "{row}");
        assert!(!row.contains(&token) && !row.contains(&enrolled.code.replace('-', "")), "{row}");
    }
}

#[tokio::test]
async fn the_audit_log_cannot_be_changed_or_deleted() {
    let app = spawn_app().await;
    let pharmacist = app.pharmacist_at_new_site("North", "alice").await;
    app.login_as(&pharmacist).await;
    let rows = app.count("audit_log").await;
    assert!(rows >= 1);

    let update = app.execute("UPDATE audit_log SET outcome = 'failure'").await;
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = app.execute("DELETE FROM audit_log").await;
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    assert_eq!(app.count("audit_log").await, rows);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE outcome = 'failure'").await, 0);
}

#[tokio::test]
async fn stored_events_cannot_be_changed_or_deleted() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let patient = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    app.sync_ok(&patient.token, &[check_in(Symptom::Pain, 1, None)]).await;
    let payload: String = sqlx::query_scalar("SELECT payload FROM events").fetch_one(&app.db).await.unwrap();

    let update = app.execute("UPDATE events SET payload = '{}'").await;
    assert!(update.unwrap_err().to_string().contains("immutable"));
    let delete = app.execute("DELETE FROM events").await;
    assert!(delete.unwrap_err().to_string().contains("immutable"));
    assert_eq!(app.count("events").await, 1);
    let after: String = sqlx::query_scalar("SELECT payload FROM events").fetch_one(&app.db).await.unwrap();
    assert_eq!(after, payload);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_wrong_passwords_cannot_get_past_the_five_attempt_limit() {
    let app = spawn_app().await;
    app.pharmacist_at_new_site("North", "alice").await;

    // A guesser sends a burst at once instead of one after another.
    let handles: Vec<_> = (0..12)
        .map(|n| {
            let (http, url) = (app.client.clone(), app.url("/api/pharmacy/login"));
            tokio::spawn(async move {
                let body = json!({ "username": "alice", "password": format!("parallel guess {n}") });
                http.post(url).json(&body).send().await.unwrap().status().as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for handle in handles {
        statuses.push(handle.await.unwrap());
    }
    let checked = statuses.iter().filter(|s| **s == 401).count();
    assert!(statuses.iter().all(|s| *s == 401 || *s == 429), "{statuses:?}");
    assert!(checked <= 5, "{checked} passwords were tried in one burst (limit 5): {statuses:?}");
}

#[tokio::test]
async fn the_profile_is_compressed_as_asked_but_never_an_answer_carrying_a_device_token() {
    use std::io::Read;
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let enrolled = app.enroll_patient(&client, "Ana", Frequency::TwiceDaily).await;
    // The answer to /enroll holds the new device token: sent as is, whatever the phone asks for.
    let enroll = app
        .client
        .post(app.url("/api/enroll"))
        .header("accept-encoding", "gzip, deflate, br")
        .json(&json!({ "code": enrolled.code }))
        .send()
        .await
        .unwrap();
    assert_eq!(enroll.status(), StatusCode::OK);
    assert!(enroll.headers().get("content-encoding").is_none(), "the enroll answer must not be compressed");
    let token = enroll.json::<Value>().await.unwrap()["device_token"].as_str().unwrap().to_string();

    let plain = app.profile_response(&token).await;
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = plain.bytes().await.unwrap();
    let compressed = app
        .client
        .get(app.url("/api/device/profile"))
        .bearer_auth(&token)
        .header("accept-encoding", "gzip, deflate, br")
        .send()
        .await
        .unwrap();
    assert_eq!(header(&compressed, "content-encoding"), "br");
    assert_eq!(header(&compressed, "cache-control"), "no-store");
    let body = compressed.bytes().await.unwrap();
    let mut decoded = Vec::new();
    brotli_decompressor::Decompressor::new(&body[..], 4096).read_to_end(&mut decoded).unwrap();
    let (decoded, plain): (Value, Value) = (serde_json::from_slice(&decoded).unwrap(), serde_json::from_slice(&plain).unwrap());
    assert_eq!(decoded, plain, "the same profile");
    assert!(body.len() < serde_json::to_vec(&plain).unwrap().len(), "smaller");
}
