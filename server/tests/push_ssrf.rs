//! Push endpoints are requests the server makes where a device chose (issue #15 item 6): only https to public
//! addresses, checked when the subscription is handed over and again when a message is sent. These servers run with
//! production's rule (no `CAREPATH_PUSH_ALLOWED_HOSTS`), except where a test says otherwise.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration as StdDuration;

use carepath_server::push::Push;
use carepath_server::reminders::{self, Round};
use chrono::{DateTime, Duration, SubsecRound, Utc};
use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

const P256DH: &str = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
const AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";

fn subscription(endpoint: &str) -> Value {
    json!({ "endpoint": endpoint, "keys": { "p256dh": P256DH, "auth": AUTH } })
}

async fn put_subscription(app: &TestApp, token: &str, endpoint: &str) -> reqwest::Response {
    app.client.put(app.url("/api/device/push/subscription")).bearer_auth(token).json(&subscription(endpoint)).send().await.unwrap()
}

/// A TCP listener on loopback that counts the connections made to it (and answers none).
async fn listener() -> (u16, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            drop(socket);
        }
    });
    (port, connections)
}

#[tokio::test]
async fn subscriptions_to_private_loopback_link_local_and_plain_http_endpoints_are_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let desk = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let patient = app.new_patient(&desk, "Ana", Frequency::OnceDaily).await;
    let refused = [
        "http://push.example.org/notify/x",          // plain http
        "http://127.0.0.1:8090/notify/x",            // plain http to loopback (allowed before for tests)
        "http://localhost:8090/notify/x",
        "https://10.0.0.1/x",
        "https://10.255.0.9:8443/x",
        "https://172.16.0.1/x",
        "https://172.31.255.254/x",
        "https://192.168.1.1/x",
        "https://127.0.0.1/x",
        "https://127.45.6.7/x",
        "https://169.254.169.254/latest/meta-data/", // cloud metadata
        "https://169.254.10.1/x",
        "https://0.0.0.0/x",
        "https://100.64.0.1/x",                      // CGNAT
        "https://100.127.255.254/x",
        "https://[::1]/x",
        "https://[::]/x",
        "https://[fc00::1]/x",
        "https://[fd00:ec2::254]/x",                 // ULA (AWS's IPv6 metadata)
        "https://[fe80::1]/x",
        "https://[febf::1]/x",
        "https://[::ffff:127.0.0.1]/x",              // IPv4-mapped IPv6
        "https://[::ffff:a9fe:a9fe]/x",
        "https://[::ffff:10.0.0.1]/x",
        "https://2130706433/x",                      // 127.0.0.1 in decimal
        "https://0x7f.0.0.1/x",
        "https://localhost/x",                       // a name that resolves to loopback
        "https://localhost./x",
    ];
    for endpoint in refused {
        let (detail, _) = assert_error(put_subscription(&app, &patient.token, endpoint).await, 422, "push_endpoint_refused").await;
        assert!(!detail.message.contains(endpoint), "the message does not repeat the endpoint: {}", detail.message);
    }
    assert_eq!(app.count("push_subscriptions").await, 0, "nothing stored");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'push.subscribe'").await, 0);
    // Not a URL the server could send to at all: a plain `invalid`.
    assert_error(put_subscription(&app, &patient.token, "ftp://push.example.org/x").await, 422, "invalid").await;
    assert_error(put_subscription(&app, &patient.token, "https://user:pw@push.example.org/x").await, 422, "invalid").await;

    // A public address is accepted (an address literal: no DNS needed here).
    assert_eq!(put_subscription(&app, &patient.token, "https://142.250.74.10/fcm/send/abc").await.status(), StatusCode::NO_CONTENT);
    assert_eq!(put_subscription(&app, &patient.token, "https://[2a00:1450:4007:80e::200a]/fcm/send/abc").await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.count("push_subscriptions").await, 1);
    // A refused one does not replace it.
    assert_error(put_subscription(&app, &patient.token, "https://10.0.0.1/x").await, 422, "push_endpoint_refused").await;
    let endpoint: String = sqlx::query_scalar("SELECT endpoint FROM push_subscriptions").fetch_one(&app.db).await.unwrap();
    assert_eq!(endpoint, "https://[2a00:1450:4007:80e::200a]/fcm/send/abc");
}

#[tokio::test]
async fn the_allow_list_lets_only_the_named_host_through() {
    let app = spawn_app_with(|s| s.push_allowed_hosts = vec!["127.0.0.1:8090".parse().unwrap()]).await;
    let desk = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let patient = app.new_patient(&desk, "Ana", Frequency::OnceDaily).await;
    assert_eq!(put_subscription(&app, &patient.token, "http://127.0.0.1:8090/notify/x").await.status(), StatusCode::NO_CONTENT);
    for endpoint in ["http://127.0.0.1:8091/notify/x", "https://127.0.0.1/x", "http://localhost:8090/notify/x", "https://[::1]:8090/x"] {
        assert_error(put_subscription(&app, &patient.token, endpoint).await, 422, "push_endpoint_refused").await;
    }
}

/// A patient whose one daily dose is due `minutes` from now (whole seconds, UTC), with one enrolled device.
async fn dosed_patient(app: &TestApp, desk: &reqwest::Client, minutes: i64) -> (Patient, DateTime<Utc>) {
    let due = (Utc::now() + Duration::minutes(minutes)).trunc_subsecs(0);
    let mut regimen = regimen_json(DRUG, Frequency::OnceDaily);
    regimen["doses"][0]["time"] = json!(due.time().format("%H:%M:%S").to_string());
    let response = desk.post(app.url("/api/pharmacy/patients")).json(&json!({ "display_name": "Ana", "regimen": regimen })).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let enrolled: Value = response.json().await.unwrap();
    let (token, profile) = app.enroll_device(enrolled["code"].as_str().unwrap()).await;
    let id = enrolled["patient_id"].as_str().unwrap().parse().unwrap();
    let line_id = profile.regimen[0].id;
    (Patient { id, name: "Ana".into(), token, profile, line_id }, due)
}

/// Stores `endpoint` as the device's subscription straight in the database, as one accepted before this rule.
async fn store_subscription(app: &TestApp, token: &str, endpoint: &str) {
    let device: String = sqlx::query_scalar("SELECT id FROM devices WHERE token_hash = ?")
        .bind(carepath_server::auth::token_hash(token))
        .fetch_one(&app.db)
        .await
        .unwrap();
    sqlx::query("INSERT INTO push_subscriptions (device_id, endpoint, p256dh, auth, created_at) VALUES (?, ?, ?, ?, ?)")
        .bind(device)
        .bind(endpoint)
        .bind(P256DH)
        .bind(AUTH)
        .bind(carepath_server::store::ts(Utc::now()))
        .execute(&app.db)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_stored_subscription_to_a_loopback_address_is_never_contacted_and_is_forgotten() {
    let app = spawn_app().await;
    let desk = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let (port, connections) = listener().await;
    // Three phones with doses due now whose subscriptions point at this machine: by name, by address over
    // https, and over plain http.
    let mut dosed = Vec::new();
    for endpoint in [format!("https://localhost:{port}/push/a"), format!("https://127.0.0.1:{port}/push/b"), format!("http://127.0.0.1:{port}/push/c")] {
        let (patient, due) = dosed_patient(&app, &desk, 10).await;
        store_subscription(&app, &patient.token, &endpoint).await;
        dosed.push((patient, due));
    }
    let push = Push::load(&app.store, &app.settings).await.unwrap();
    let due = dosed.iter().map(|(_, due)| *due).max().unwrap();
    let round = reminders::run(&app.store, &push, due - Duration::minutes(2), due + Duration::minutes(1)).await.unwrap();
    assert_eq!(round, Round { gone: 3, ..Round::default() });
    assert_eq!(connections.load(Ordering::SeqCst), 0, "no connection was made");
    assert_eq!(app.count("push_subscriptions").await, 0, "forgotten");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'push.subscription_refused'").await, 3);

    // A pharmacy message's push takes the same way: refused, never sent, the subscription forgotten.
    let (patient, _) = &dosed[0];
    store_subscription(&app, &patient.token, &format!("https://[::ffff:127.0.0.1]:{port}/push/d")).await;
    let response = desk
        .post(app.url(&format!("/api/pharmacy/patients/{}/messages", patient.id)))
        .json(&json!({ "body": "Please call us.", "alert_id": null, "to_caregivers": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED, "{}", response.text().await.unwrap_or_default());
    let deadline = std::time::Instant::now() + StdDuration::from_secs(15);
    while app.scalar("SELECT COUNT(*) FROM message_pushes WHERE outcome = 'gone'").await < 1 {
        assert!(std::time::Instant::now() < deadline, "the message push was not settled");
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    assert_eq!(connections.load(Ordering::SeqCst), 0);
    assert_eq!(app.count("push_subscriptions").await, 0);
    let error: String = sqlx::query_scalar("SELECT last_error FROM message_pushes").fetch_one(&app.db).await.unwrap();
    assert!(error.contains("not a public address"), "{error}");
}

#[tokio::test]
async fn the_same_listener_is_reached_when_its_host_is_allowed() {
    // The control for the test above: on the allow-list, the same kind of endpoint is contacted.
    let app = spawn_app_with(allow_push_service).await;
    let desk = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let (port, connections) = listener().await;
    let (patient, due) = dosed_patient(&app, &desk, 10).await;
    assert_eq!(put_subscription(&app, &patient.token, &format!("http://127.0.0.1:{port}/push/a")).await.status(), StatusCode::NO_CONTENT);
    let push = Push::load(&app.store, &app.settings).await.unwrap();
    let round = reminders::run(&app.store, &push, due - Duration::minutes(1), due + Duration::minutes(1)).await.unwrap();
    assert_eq!(round, Round { failed: 1, ..Round::default() }, "the listener hangs up: tried again later");
    assert!(connections.load(Ordering::SeqCst) >= 1);
    assert_eq!(app.count("push_subscriptions").await, 1, "kept");
}
