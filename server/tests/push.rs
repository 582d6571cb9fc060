//! Web Push dose reminders end to end, against a real push service stand-in on loopback: npm `web-push-testing`
//! (pinned in tools/package.json) checks each request's VAPID JWT against the key the subscription was made with
//! and decrypts the aes128gcm payload with the subscription's own keys; a message it cannot verify or decrypt is
//! refused (and so counted as failed here). Rounds of the reminder task run at chosen instants around a dose due
//! a few minutes from now; one test lets the real background task send on its own.

mod common;
#[path = "common/push_service.rs"]
mod push_service;

use std::time::Duration as StdDuration;

use carepath_domain::push::PushKey;
use carepath_server::config::Secret;
use carepath_server::push::Push;
use carepath_server::reminders::{self, Round};
use carepath_server::{auth, store};
use chrono::{DateTime, Duration, NaiveTime, SubsecRound, Utc};
use common::*;
use push_service::{BrowserSubscription, PushService};
use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

// ---- set-up ----------------------------------------------------------------------------------------------------

/// A patient whose one daily dose is due at `due` (UTC), with one enrolled device.
struct Dosed {
    patient: Uuid,
    token: String,
    line: Uuid,
    due: DateTime<Utc>,
}

/// A dose due `minutes_from_now` minutes from now (whole seconds), once daily, in UTC.
async fn patient_with_dose(app: &TestApp, pharmacist: &reqwest::Client, minutes_from_now: i64) -> Dosed {
    let due = (Utc::now() + Duration::minutes(minutes_from_now)).trunc_subsecs(0);
    let mut regimen = regimen_json(DRUG, Frequency::OnceDaily);
    regimen["doses"][0]["time"] = json!(due.time().format("%H:%M:%S").to_string());
    let response = pharmacist
        .post(app.url("/api/pharmacy/patients"))
        .json(&json!({ "display_name": "Ana Reminder", "regimen": regimen }))
        .send()
        .await
        .expect("enroll patient");
    assert_eq!(response.status(), StatusCode::CREATED, "{}", response.text().await.unwrap_or_default());
    let enrolled: Value = response.json().await.expect("enrolled");
    let (token, profile) = app.enroll_device(enrolled["code"].as_str().expect("code")).await;
    let patient = enrolled["patient_id"].as_str().expect("patient id").parse().expect("uuid");
    Dosed { patient, token, line: profile.regimen[0].id, due }
}

async fn public_key(app: &TestApp, token: &str) -> String {
    let response = app.client.get(app.url("/api/device/push/key")).bearer_auth(token).send().await.expect("key");
    assert_eq!(response.status(), StatusCode::OK);
    let key: PushKey = response.json().await.expect("PushKey");
    key.public_key
}

async fn put_subscription(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.client.put(app.url("/api/device/push/subscription")).bearer_auth(token).json(&body).send().await.expect("PUT subscription")
}

fn subscription_json(s: &BrowserSubscription, quiet: Option<(NaiveTime, NaiveTime)>, overdue: Option<u16>) -> Value {
    json!({
        "endpoint": s.endpoint,
        "keys": { "p256dh": s.p256dh, "auth": s.auth },
        "quiet_hours": quiet.map(|(start, end)| json!({ "start": start.format("%H:%M:%S").to_string(), "end": end.format("%H:%M:%S").to_string() })),
        "overdue_after_minutes": overdue,
    })
}

/// Subscribes the device at the push service with the server's key, and tells the server.
async fn subscribe(app: &TestApp, service: &PushService, token: &str, quiet: Option<(NaiveTime, NaiveTime)>, overdue: Option<u16>) -> BrowserSubscription {
    let key = public_key(app, token).await;
    let subscription = service.subscribe(&key).await;
    let response = put_subscription(app, token, subscription_json(&subscription, quiet, overdue)).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT, "{}", response.text().await.unwrap_or_default());
    subscription
}

/// The server's own sender (same database, so the same VAPID key).
async fn push(app: &TestApp) -> Push {
    Push::load(&app.store, &app.settings).await.expect("push")
}

/// One reminder round over `(due + from, due + to]` (minutes).
async fn round(app: &TestApp, dosed: &Dosed, from: i64, to: i64) -> Round {
    let push = push(app).await;
    reminders::run(&app.store, &push, dosed.due + Duration::minutes(from), dosed.due + Duration::minutes(to)).await.expect("round")
}

fn delivered(n: usize) -> Round {
    Round { delivered: n, ..Round::default() }
}

/// A caregiver of the dosed patient with one device, set up straight in the database; returns the device token.
async fn caregiver_device(app: &TestApp, dosed: &Dosed, name: &str) -> String {
    let pharmacist_id: String = sqlx::query_scalar("SELECT id FROM pharmacists").fetch_one(&app.db).await.expect("pharmacist");
    let caregiver_id = Uuid::new_v4().to_string();
    let token = auth::new_token();
    let now = store::ts(Utc::now());
    sqlx::query("INSERT INTO caregivers (id, patient_id, name, created_by, created_at) VALUES (?, ?, ?, ?, ?)")
        .bind(&caregiver_id)
        .bind(dosed.patient.to_string())
        .bind(name)
        .bind(&pharmacist_id)
        .bind(&now)
        .execute(&app.db)
        .await
        .expect("caregiver");
    sqlx::query("INSERT INTO devices (id, patient_id, caregiver_id, token_hash, enrolled_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(Uuid::new_v4().to_string())
        .bind(dosed.patient.to_string())
        .bind(&caregiver_id)
        .bind(auth::token_hash(&token))
        .bind(&now)
        .bind(&now)
        .execute(&app.db)
        .await
        .expect("device");
    token
}

/// A server that may reach the local push service (`allow_push_service`), with a signed-in pharmacist.
async fn setup(name: &str) -> (TestApp, reqwest::Client) {
    let app = spawn_app_with(allow_push_service).await;
    let pharmacist = app.pharmacist_at_new_site(&format!("{name} Pharmacy"), &format!("{name}.pharmacist")).await;
    let client = app.login_as(&pharmacist).await;
    (app, client)
}

// ---- tests -----------------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_reminder_arrives_signed_and_encrypted_with_no_health_information() {
    let (app, pharmacist) = setup("arrives").await;
    let service = PushService::start();
    let dosed = patient_with_dose(&app, &pharmacist, 10).await;
    let subscription = subscribe(&app, &service, &dosed.token, None, None).await;

    assert_eq!(round(&app, &dosed, -5, -1).await, Round::default(), "nothing before the dose time");
    assert_eq!(round(&app, &dosed, -1, 1).await, delivered(1));
    let messages = service.messages_json(&subscription).await;
    assert_eq!(
        messages,
        vec![json!({
            "kind": "dose_due",
            "url": "/",
            "regimen_line_id": dosed.line.to_string(),
            "date": dosed.due.date_naive().to_string(),
            "slot": "daily",
        })]
    );
    let text = messages[0].to_string();
    assert!(!text.contains(DRUG) && !text.contains("Ana") && !text.contains("mg"), "{text}");

    // The same window again (a restart, an overlapping round): nothing is sent twice.
    assert_eq!(round(&app, &dosed, -1, 1).await, Round::default());
    assert_eq!(round(&app, &dosed, -30, 30).await, Round::default());
    assert_eq!(service.messages_json(&subscription).await.len(), 1);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM push_reminders_sent WHERE outcome = 'delivered'").await, 1);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'push.subscribe'").await, 1);
}

#[tokio::test]
async fn the_background_task_sends_on_its_own() {
    let app = spawn_app_with(|s| {
        allow_push_service(s);
        s.reminder_tick_ms = 200;
    })
    .await;
    let pharmacist = app.pharmacist_at_new_site("Task Pharmacy", "task.pharmacist").await;
    let pharmacist = app.login_as(&pharmacist).await;
    let service = PushService::start();
    // A dose due a few seconds from now; the device subscribes before then.
    let due = (Utc::now() + Duration::seconds(6)).trunc_subsecs(0);
    let mut regimen = regimen_json(DRUG, Frequency::OnceDaily);
    regimen["doses"][0]["time"] = json!(due.time().format("%H:%M:%S").to_string());
    let response = pharmacist
        .post(app.url("/api/pharmacy/patients"))
        .json(&json!({ "display_name": "Ben Task", "regimen": regimen }))
        .send()
        .await
        .expect("enroll");
    assert_eq!(response.status(), StatusCode::CREATED);
    let enrolled: Value = response.json().await.expect("enrolled");
    let (token, _) = app.enroll_device(enrolled["code"].as_str().expect("code")).await;
    let subscription = subscribe(&app, &service, &token, None, None).await;
    assert!(Utc::now() < due, "set-up took too long for this test");
    let mut arrived = Vec::new();
    for _ in 0..100 {
        arrived = service.messages_json(&subscription).await;
        if !arrived.is_empty() {
            break;
        }
        tokio::time::sleep(StdDuration::from_millis(200)).await;
    }
    assert!(Utc::now() >= due, "not before the dose time");
    assert_eq!(arrived.len(), 1, "the task sent the reminder");
    assert_eq!(arrived[0]["kind"], "dose_due");
    assert_eq!(arrived[0]["date"], due.date_naive().to_string());
    // More rounds go by: still one.
    tokio::time::sleep(StdDuration::from_millis(1000)).await;
    assert_eq!(service.messages_json(&subscription).await.len(), 1);
}

#[tokio::test]
async fn no_reminder_for_a_held_day_or_a_logged_dose() {
    let (app, pharmacist) = setup("held").await;
    let service = PushService::start();

    // Held: the pharmacist holds the dose's day.
    let held = patient_with_dose(&app, &pharmacist, 10).await;
    let subscription = subscribe(&app, &service, &held.token, None, None).await;
    let pharmacist_id: String = sqlx::query_scalar("SELECT id FROM pharmacists").fetch_one(&app.db).await.expect("pharmacist");
    let day = held.due.date_naive();
    sqlx::query("INSERT INTO regimen_changes (id, regimen_id, change, recorded_at, pharmacist_id) VALUES (?, ?, ?, ?, ?)")
        .bind(Uuid::new_v4().to_string())
        .bind(held.line.to_string())
        .bind(json!({ "type": "hold", "from": day, "until": day }).to_string())
        .bind(store::ts(Utc::now()))
        .bind(&pharmacist_id)
        .execute(&app.db)
        .await
        .expect("hold");
    assert_eq!(round(&app, &held, -1, 60).await, Round::default());
    assert!(service.messages_json(&subscription).await.is_empty());

    // Logged: the patient records the dose (taken early) before it is due.
    let logged = patient_with_dose(&app, &pharmacist, 10).await;
    let subscription = subscribe(&app, &service, &logged.token, None, Some(30)).await;
    let now = Utc::now();
    let event = json!({
        "id": Uuid::new_v4(),
        "recorded_at": now,
        "body": { "type": "dose_logged", "regimen_line_id": logged.line, "date": logged.due.date_naive(),
                  "slot": "daily", "outcome": { "type": "taken" }, "taken_at": now },
    });
    let response = app.sync_json(&logged.token, &json!({ "events": [event] })).await;
    assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap_or_default());
    assert_eq!(round(&app, &logged, -1, 60).await, Round::default(), "no dose-due and no overdue reminder");
    assert!(service.messages_json(&subscription).await.is_empty());
}

#[tokio::test]
async fn quiet_hours_move_the_reminder_to_their_end() {
    let (app, pharmacist) = setup("quiet").await;
    let service = PushService::start();
    let dosed = patient_with_dose(&app, &pharmacist, 10).await;
    let start = (dosed.due - Duration::minutes(5)).time();
    let end = (dosed.due + Duration::minutes(20)).time();
    let subscription = subscribe(&app, &service, &dosed.token, Some((start, end)), None).await;

    assert_eq!(round(&app, &dosed, -1, 19).await, Round::default(), "quiet at the dose time");
    assert_eq!(round(&app, &dosed, 19, 21).await, delivered(1));
    let planned: String = sqlx::query_scalar("SELECT planned_at FROM push_reminders_sent").fetch_one(&app.db).await.expect("sent");
    assert_eq!(planned, store::ts(dosed.due + Duration::minutes(20)));
    assert_eq!(service.messages_json(&subscription).await.len(), 1);
}

#[tokio::test]
async fn a_snooze_reminds_again_later() {
    let (app, pharmacist) = setup("snooze").await;
    let service = PushService::start();
    let dosed = patient_with_dose(&app, &pharmacist, 3).await;
    let subscription = subscribe(&app, &service, &dosed.token, None, None).await;
    assert_eq!(round(&app, &dosed, -1, 0).await, delivered(1));

    // "Snooze 15 min" (from now, a little before the dose time here).
    let snooze = |minutes: u16| {
        json!({ "regimen_line_id": dosed.line, "date": dosed.due.date_naive(), "slot": "daily", "minutes": minutes })
    };
    let before = Utc::now();
    let response =
        app.client.post(app.url("/api/device/push/snooze")).bearer_auth(&dosed.token).json(&snooze(15)).send().await.expect("snooze");
    assert_eq!(response.status(), StatusCode::NO_CONTENT, "{}", response.text().await.unwrap_or_default());
    let until = before + Duration::minutes(15);
    let minutes_to_until = (until - dosed.due).num_minutes();
    assert_eq!(round(&app, &dosed, 0, minutes_to_until - 1).await, Round::default(), "quiet while snoozed");
    assert_eq!(round(&app, &dosed, minutes_to_until - 1, minutes_to_until + 1).await, delivered(1));
    assert_eq!(round(&app, &dosed, 0, minutes_to_until + 30).await, Round::default(), "once per snooze");
    let messages = service.messages_json(&subscription).await;
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0], messages[1]);

    // Bad snoozes.
    let post = |body: Value, token: String| {
        let request = app.client.post(app.url("/api/device/push/snooze")).bearer_auth(token).json(&body);
        async move { request.send().await.expect("snooze") }
    };
    assert_error(post(snooze(200), dosed.token.clone()).await, 422, "invalid").await;
    let mut other_line = snooze(15);
    other_line["regimen_line_id"] = json!(Uuid::new_v4());
    assert_error(post(other_line, dosed.token.clone()).await, 404, "not_found").await;
    let mut long_ago = snooze(15);
    long_ago["date"] = json!((dosed.due - Duration::days(10)).date_naive());
    assert_error(post(long_ago, dosed.token.clone()).await, 422, "invalid").await;
}

#[tokio::test]
async fn an_expired_subscription_is_deleted() {
    let (app, pharmacist) = setup("expired").await;
    let service = PushService::start();
    let dosed = patient_with_dose(&app, &pharmacist, 10).await;
    let subscription = subscribe(&app, &service, &dosed.token, None, None).await;
    service.expire(&subscription).await;
    assert_eq!(round(&app, &dosed, -1, 1).await, Round { gone: 1, ..Round::default() });
    assert_eq!(app.count("push_subscriptions").await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'push.subscription_gone'").await, 1);
    // With no subscription, nothing more is tried.
    assert_eq!(round(&app, &dosed, -60, 60).await, Round::default());
}

#[tokio::test]
async fn a_caregiver_is_told_of_an_overdue_dose_only_if_they_opted_in() {
    let (app, pharmacist) = setup("caregiver").await;
    let service = PushService::start();
    let dosed = patient_with_dose(&app, &pharmacist, 10).await;
    let caregiver_tokens = [caregiver_device(&app, &dosed, "Maria (daughter)").await, caregiver_device(&app, &dosed, "Jon (son)").await];
    let opted_in = subscribe(&app, &service, &caregiver_tokens[0], None, Some(45)).await;
    let not_opted_in = subscribe(&app, &service, &caregiver_tokens[1], None, None).await;

    assert_eq!(round(&app, &dosed, -1, 44).await, Round::default(), "caregivers get no dose-time reminder");
    assert_eq!(round(&app, &dosed, 44, 46).await, delivered(1));
    let messages = service.messages_json(&opted_in).await;
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["kind"], "overdue");
    assert!(service.messages_json(&not_opted_in).await.is_empty());
}

/// The overdue opt-in is configurable per regimen line: a caregiver told only about another line hears nothing
/// about this one; a line of another patient is refused.
#[tokio::test]
async fn a_caregivers_overdue_opt_in_names_the_regimen_lines_it_is_for() {
    let (app, pharmacist) = setup("perline").await;
    let service = PushService::start();
    let dosed = patient_with_dose(&app, &pharmacist, 10).await;
    let other = patient_with_dose(&app, &pharmacist, 10).await;
    let [for_this, for_none] = [caregiver_device(&app, &dosed, "Maria").await, caregiver_device(&app, &dosed, "Jon").await];
    let key = public_key(&app, &for_this).await;
    let mut subscriptions = Vec::new();
    for (token, lines) in [(&for_this, vec![dosed.line]), (&for_none, vec![])] {
        let subscription = service.subscribe(&key).await;
        let mut body = subscription_json(&subscription, None, Some(45));
        body["overdue_lines"] = json!(lines);
        assert_eq!(put_subscription(&app, token, body).await.status(), StatusCode::NO_CONTENT);
        subscriptions.push(subscription);
    }
    let mut foreign = subscription_json(&subscriptions[0], None, Some(45));
    foreign["overdue_lines"] = json!([other.line]);
    assert_error(put_subscription(&app, &for_this, foreign).await, 422, "invalid").await;

    assert_eq!(round(&app, &dosed, 44, 46).await, delivered(1));
    assert_eq!(service.messages_json(&subscriptions[0]).await.len(), 1);
    assert!(service.messages_json(&subscriptions[1]).await.is_empty(), "opted in for no line of this patient");
}

#[tokio::test]
async fn subscriptions_are_checked_replaced_and_deleted() {
    let (app, pharmacist) = setup("subscriptions").await;
    let service = PushService::start();
    let dosed = patient_with_dose(&app, &pharmacist, 10).await;

    // Only enrolled devices.
    let response = app.client.get(app.url("/api/device/push/key")).send().await.expect("key");
    assert_error(response, 401, "unauthorized").await;
    let response = app.client.put(app.url("/api/device/push/subscription")).json(&json!({})).send().await.expect("put");
    assert_error(response, 401, "unauthorized").await;

    let first = subscribe(&app, &service, &dosed.token, None, None).await;
    let mut bad = subscription_json(&first, None, None);
    bad["endpoint"] = json!("http://push.example.org/notify/x");
    assert_error(put_subscription(&app, &dosed.token, bad).await, 422, "push_endpoint_refused").await;
    let mut bad = subscription_json(&first, None, None);
    bad["endpoint"] = json!("ftp://push.example.org/notify/x");
    assert_error(put_subscription(&app, &dosed.token, bad).await, 422, "invalid").await;
    let mut bad = subscription_json(&first, None, None);
    bad["keys"]["auth"] = json!("c2hvcnQ");
    assert_error(put_subscription(&app, &dosed.token, bad).await, 422, "invalid").await;
    let mut bad = subscription_json(&first, None, Some(2));
    bad["quiet_hours"] = Value::Null;
    assert_error(put_subscription(&app, &dosed.token, bad).await, 422, "invalid").await;

    // A second subscription replaces the first: one per device, and only the new one gets reminders.
    let second = subscribe(&app, &service, &dosed.token, None, None).await;
    assert_eq!(app.count("push_subscriptions").await, 1);
    assert_eq!(round(&app, &dosed, -1, 1).await, delivered(1));
    assert!(service.messages_json(&first).await.is_empty());
    assert_eq!(service.messages_json(&second).await.len(), 1);

    let response = app.client.delete(app.url("/api/device/push/subscription")).bearer_auth(&dosed.token).send().await.expect("delete");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.count("push_subscriptions").await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'push.unsubscribe'").await, 1);
}

#[tokio::test]
async fn the_vapid_key_outlives_a_restart_or_comes_from_the_settings() {
    let app = spawn_app().await;
    let a = push(&app).await;
    let b = push(&app).await;
    assert_eq!(a.public_key(), b.public_key(), "made once, then read back");
    assert_eq!(app.count("vapid_keys").await, 1);

    let key = carepath_server::push::new_private_key().expect("key");
    let configured = spawn_app_with(|s| s.vapid_private_key = Some(Secret::new(key.clone()))).await;
    let mut settings = configured.settings.clone();
    settings.vapid_private_key = Some(Secret::new(key));
    let expected = Push::load(&configured.store, &settings).await.expect("push");
    assert_ne!(expected.public_key(), a.public_key());
    assert_eq!(push(&configured).await.public_key(), expected.public_key());
    assert_eq!(configured.count("vapid_keys").await, 0, "nothing stored when the key is set");

    let broken = configured.settings.clone();
    let mut broken = broken;
    broken.vapid_private_key = Some(Secret::new("not-a-key"));
    assert!(Push::load(&configured.store, &broken).await.is_err());
}

#[tokio::test]
async fn the_push_service_refuses_a_message_signed_with_another_key() {
    let (app, pharmacist) = setup("wrongkey").await;
    let service = PushService::start();
    let dosed = patient_with_dose(&app, &pharmacist, 10).await;
    // The browser subscribed with some other server's key (e.g. before a key was changed).
    let mut other = app.settings.clone();
    other.vapid_private_key = Some(Secret::new(carepath_server::push::new_private_key().expect("key")));
    let other_key = Push::load(&app.store, &other).await.expect("push").public_key().to_string();
    let subscription = service.subscribe(&other_key).await;
    let response = put_subscription(&app, &dosed.token, subscription_json(&subscription, None, None)).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    assert_eq!(round(&app, &dosed, -1, 1).await, Round { failed: 1, ..Round::default() });
    assert!(service.messages_json(&subscription).await.is_empty());
    assert_eq!(app.count("push_reminders_sent").await, 0, "the claim is given back, to be tried again");
    assert_eq!(app.count("push_subscriptions").await, 1, "a refused message does not delete the subscription");
}

/// A phone unused past the idle limit (issue #15 item 3) or removed is refused, and gets no reminders either: a
/// lost phone in a drawer must not keep lighting up.
#[tokio::test]
async fn an_expired_or_removed_phone_gets_no_reminder() {
    let (app, pharmacist) = setup("idle").await;
    let service = PushService::start();
    let idle = patient_with_dose(&app, &pharmacist, 10).await;
    let removed = patient_with_dose(&app, &pharmacist, 10).await;
    let kept = patient_with_dose(&app, &pharmacist, 10).await;
    let idle_subscription = subscribe(&app, &service, &idle.token, None, None).await;
    let removed_subscription = subscribe(&app, &service, &removed.token, None, None).await;
    let kept_subscription = subscribe(&app, &service, &kept.token, None, None).await;
    let long_ago = store::ts(Utc::now() - Duration::days(181));
    app.execute(&format!("UPDATE devices SET last_seen_at = '{long_ago}' WHERE patient_id = '{}'", idle.patient)).await.unwrap();
    let response = app.client.post(app.url("/api/device/unenroll")).bearer_auth(&removed.token).json(&json!({})).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    let push = push(&app).await;
    let round = reminders::run(&app.store, &push, kept.due - Duration::minutes(1), kept.due + Duration::minutes(1)).await.expect("round");
    assert_eq!(round, delivered(1));
    assert_eq!(service.messages_json(&kept_subscription).await.len(), 1);
    assert!(service.messages_json(&idle_subscription).await.is_empty());
    assert!(service.messages_json(&removed_subscription).await.is_empty());
}
