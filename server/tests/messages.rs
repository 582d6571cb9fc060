//! Two-way messages (#12 items 9 and 10): the patient's answers and questions through the sync, filed on the desk
//! (thread, alert card, a routine alert when none waits), refused when they break a rule (nothing stored), and the
//! push each subscribed phone gets when the pharmacy writes — with no words of the message in it.

mod common;
#[path = "common/push_service.rs"]
mod push_service;

use std::time::Duration as StdDuration;

use carepath_domain::messages::MAX_PATIENT_MESSAGE;
use carepath_domain::push::PushKey;
use carepath_domain::sync::{AlertQueue, EventBody, PatientEvent, PatientTimeline, PharmacyMessage};
use carepath_domain::triage::{AlertReason, Tier};
use chrono::Utc;
use common::*;
use push_service::{BrowserSubscription, PushService};
use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

fn sent(text: &str, in_reply_to: Option<Uuid>) -> PatientEvent {
    PatientEvent { id: Uuid::new_v4(), recorded_at: Utc::now(), body: EventBody::MessageSent { text: text.into(), in_reply_to } }
}

async fn reply(app: &TestApp, client: &reqwest::Client, patient: Uuid, body: &str, alert_id: Option<Uuid>) -> PharmacyMessage {
    write(app, client, patient, body, alert_id, false).await
}

/// A message the patient's caregivers may read too (server/tests/caregivers.rs has the rules of who reads what).
async fn reply_for_caregivers_too(app: &TestApp, client: &reqwest::Client, patient: Uuid, body: &str, alert_id: Option<Uuid>) -> PharmacyMessage {
    write(app, client, patient, body, alert_id, true).await
}

async fn write(app: &TestApp, client: &reqwest::Client, patient: Uuid, body: &str, alert_id: Option<Uuid>, to_caregivers: bool) -> PharmacyMessage {
    let response = client
        .post(app.url(&format!("/api/pharmacy/patients/{patient}/messages")))
        .json(&json!({ "body": body, "alert_id": alert_id, "to_caregivers": to_caregivers }))
        .send()
        .await
        .expect("reply");
    assert_eq!(response.status(), StatusCode::CREATED, "{}", response.text().await.unwrap_or_default());
    response.json().await.expect("PharmacyMessage")
}

async fn timeline(app: &TestApp, client: &reqwest::Client, patient: Uuid) -> PatientTimeline {
    let response = client.get(app.url(&format!("/api/pharmacy/patients/{patient}/timeline"))).send().await.expect("timeline");
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("PatientTimeline")
}

async fn alerts(app: &TestApp, client: &reqwest::Client) -> AlertQueue {
    let response = client.get(app.url("/api/pharmacy/alerts")).send().await.expect("alerts");
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("AlertQueue")
}

async fn setup(name: &str) -> (TestApp, reqwest::Client) {
    // The local push service stand-in is on plain http at 127.0.0.1.
    let app = spawn_app_with(allow_push_service).await;
    let pharmacist = app.pharmacist_at_new_site(&format!("{name} Pharmacy"), &format!("{name}.pharmacist")).await;
    let client = app.login_as(&pharmacist).await;
    (app, client)
}

#[tokio::test]
async fn a_question_joins_the_alert_that_waits_and_shows_in_the_thread() {
    let (app, desk) = setup("joins").await;
    let patient = app.new_patient(&desk, "Rosa Díaz", Frequency::OnceDaily).await;
    // A check-in with a note: a routine alert that waits for a pharmacist.
    app.sync_ok(&patient.token, &[minutes_ago(check_in(Symptom::Fatigue, 1, Some("tired")), 5)]).await;
    let question = sent("  Can I take it with milk?  ", None);
    app.sync_ok(&patient.token, std::slice::from_ref(&question)).await;

    let queue = alerts(&app, &desk).await;
    assert_eq!(queue.open.len(), 1, "no second alert while one waits");
    let card = &queue.open[0];
    assert_eq!(card.reasons, vec![AlertReason::Note]);
    assert_eq!(card.patient_messages.len(), 1);
    let m = &card.patient_messages[0];
    assert_eq!((m.id, m.body.as_str(), m.caregiver.as_deref(), m.alert_id), (question.id, "Can I take it with milk?", None, Some(card.id)));

    let thread = timeline(&app, &desk, patient.id).await;
    assert_eq!(thread.patient_messages.iter().map(|m| m.id).collect::<Vec<_>>(), [question.id]);
    // The desk's queue lists the event like any record.
    let feed = app.queue(&desk).await;
    assert!(feed["items"].as_array().unwrap().iter().any(|i| i["body"]["type"] == "message_sent"), "{feed}");
    // And the phone has its own half of the thread back in the profile.
    let profile: carepath_domain::sync::DeviceProfile = app.profile_response(&patient.token).await.json().await.unwrap();
    assert_eq!(profile.sent_messages.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(), ["Can I take it with milk?"]);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'sync' AND detail LIKE '%a message'").await, 1);
}

#[tokio::test]
async fn an_answer_to_a_reply_raises_one_routine_alert_that_later_messages_join() {
    let (app, desk) = setup("answer").await;
    let patient = app.new_patient(&desk, "Ana Ruiz", Frequency::OnceDaily).await;
    app.sync_ok(&patient.token, &[minutes_ago(check_in(Symptom::Fatigue, 1, Some("tired")), 30)]).await;
    let first = alerts(&app, &desk).await.open[0].id;
    // The pharmacist answers about the alert (that acknowledges it), for the caregivers to read too.
    let asked = reply_for_caregivers_too(&app, &desk, patient.id, "Is the tiredness worse in the afternoon?", Some(first)).await;

    let answer = sent("Yes, after lunch.", Some(asked.id));
    let caregiver = app.add_caregiver(&desk, patient.id, "Maria (daughter)").await;
    let (caregiver_token, _) = app.enroll_device(&caregiver.code).await;
    let from_caregiver = recorded_at(sent("She naps at 3 pm.", Some(asked.id)), answer.recorded_at + chrono::Duration::seconds(1));
    app.sync_ok(&patient.token, std::slice::from_ref(&answer)).await;
    app.sync_ok(&caregiver_token, std::slice::from_ref(&from_caregiver)).await;
    // Sent again (an interrupted sync): nothing new.
    app.sync_ok(&patient.token, std::slice::from_ref(&answer)).await;

    let queue = alerts(&app, &desk).await;
    let message_alerts: Vec<_> = queue.open.iter().filter(|a| a.reasons == [AlertReason::PatientMessage]).collect();
    assert_eq!(message_alerts.len(), 1, "one alert for the messages: {:?}", queue.open);
    let card = message_alerts[0];
    assert_eq!(card.tier, Tier::Routine);
    assert_eq!(card.action, None, "the patient was told nothing to do");
    assert!(card.acknowledged.is_none());
    assert_eq!(queue.open[0].id, card.id, "it waits at the top, above the acknowledged alert");
    let written: Vec<_> = card.patient_messages.iter().map(|m| (m.body.as_str(), m.caregiver.as_deref(), m.in_reply_to)).collect();
    assert_eq!(written, [("Yes, after lunch.", None, Some(asked.id)), ("She naps at 3 pm.", Some("Maria (daughter)"), Some(asked.id))]);
    assert_eq!(app.count("patient_messages").await, 2);

    // The thread on the patient page: both directions.
    let thread = timeline(&app, &desk, patient.id).await;
    assert_eq!(thread.messages.iter().map(|m| m.id).collect::<Vec<_>>(), [asked.id]);
    let order: Vec<_> = carepath_domain::messages::thread(&thread.messages, &thread.patient_messages).iter().map(|e| e.id()).collect();
    assert_eq!(order, [asked.id, answer.id, from_caregiver.id]);

    // Once someone has seen it, the next message raises a new one.
    let seen = desk.post(app.url(&format!("/api/pharmacy/alerts/{}/resolve", card.id))).json(&json!({})).send().await.unwrap();
    assert_eq!(seen.status(), StatusCode::OK);
    app.sync_ok(&patient.token, &[sent("One more thing.", None)]).await;
    let queue = alerts(&app, &desk).await;
    assert_eq!(queue.open.iter().filter(|a| a.reasons == [AlertReason::PatientMessage]).count(), 1);
}

#[tokio::test]
async fn another_patients_device_cannot_answer_into_this_thread() {
    let (app, desk) = setup("idor").await;
    let rosa = app.new_patient(&desk, "Rosa", Frequency::OnceDaily).await;
    let other = app.new_patient(&desk, "Other", Frequency::OnceDaily).await;
    let to_rosa = reply(&app, &desk, rosa.id, "How are you today?", None).await;
    let events_before = app.count("events").await;
    let intrusion = sent("I am fine", Some(to_rosa.id));
    let (detail, _) = assert_error(app.sync(&other.token, &[intrusion]).await, 422, "invalid_event").await;
    assert_eq!(detail.event_index, Some(0));
    let unknown = sent("I am fine", Some(Uuid::new_v4()));
    assert_error(app.sync(&other.token, &[sent("fine", None), unknown]).await, 422, "invalid_event").await;
    assert_eq!(app.count("events").await, events_before, "the whole batch is rolled back");
    assert_eq!(app.count("patient_messages").await, 0);
    assert_eq!(app.count("alerts").await, 0);
}

#[tokio::test]
async fn too_long_or_control_characters_are_refused_with_nothing_stored() {
    let (app, desk) = setup("refused").await;
    let patient = app.new_patient(&desk, "Rosa", Frequency::OnceDaily).await;
    let longest = "é".repeat(MAX_PATIENT_MESSAGE);
    for bad in ["x".repeat(MAX_PATIENT_MESSAGE + 1), "ring\u{7}".into(), "\u{1b}[2Jcleared".into(), "rtl \u{202e}txt".into(), "   ".into()] {
        let (detail, _) = assert_error(app.sync(&patient.token, &[sent(&bad, None)]).await, 422, "invalid_event").await;
        assert_eq!(detail.event_index, Some(0), "{bad:?}");
    }
    assert_eq!(app.count("events").await, 0);
    assert_eq!(app.count("patient_messages").await, 0);
    assert_eq!(app.count("alerts").await, 0);
    app.sync_ok(&patient.token, &[sent(&longest, None)]).await;
    assert_eq!(app.count("patient_messages").await, 1);
}

async fn subscribe(app: &TestApp, service: &PushService, token: &str) -> BrowserSubscription {
    let response = app.client.get(app.url("/api/device/push/key")).bearer_auth(token).send().await.expect("key");
    let key: PushKey = response.json().await.expect("PushKey");
    let subscription = service.subscribe(&key.public_key).await;
    let body = json!({ "endpoint": subscription.endpoint, "keys": { "p256dh": subscription.p256dh, "auth": subscription.auth } });
    let response = app.client.put(app.url("/api/device/push/subscription")).bearer_auth(token).json(&body).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT, "{}", response.text().await.unwrap_or_default());
    subscription
}

#[tokio::test]
async fn a_reply_pushes_once_to_each_subscribed_phone_with_no_words_of_the_message() {
    let (app, desk) = setup("pushed").await;
    let service = PushService::start();
    let patient = app.new_patient(&desk, "Rosa", Frequency::OnceDaily).await;
    let caregiver = app.add_caregiver(&desk, patient.id, "Maria").await;
    let (caregiver_token, _) = app.enroll_device(&caregiver.code).await;
    let not_subscribed = app.add_caregiver(&desk, patient.id, "Luis").await;
    app.enroll_device(&not_subscribed.code).await;
    let someone_else = app.new_patient(&desk, "Other", Frequency::OnceDaily).await;
    let phones = [subscribe(&app, &service, &patient.token).await, subscribe(&app, &service, &caregiver_token).await];
    let other_phone = subscribe(&app, &service, &someone_else.token).await;

    let text = "Your blood results are back: please call us.";
    // Addressed to the caregivers too, so Maria's phone gets it (otherwise only the patient's would).
    let message = reply_for_caregivers_too(&app, &desk, patient.id, text, None).await;
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM message_pushes WHERE message_id = '{}'", message.id)).await, 2);

    // The background task sends them after the reply was answered.
    let deadline = std::time::Instant::now() + StdDuration::from_secs(15);
    while app.scalar("SELECT COUNT(*) FROM message_pushes WHERE outcome = 'delivered'").await < 2 {
        assert!(std::time::Instant::now() < deadline, "pushes not delivered");
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    tokio::time::sleep(StdDuration::from_millis(500)).await;
    for phone in &phones {
        let received = service.messages(phone).await;
        assert_eq!(received.len(), 1, "exactly one push per phone: {received:?}");
        let payload: Value = serde_json::from_str(&received[0]).expect("JSON");
        assert_eq!(payload, json!({ "kind": "message", "url": "/messages" }));
        assert!(!received[0].contains("blood") && !received[0].contains("Rosa"), "{}", received[0]);
    }
    assert!(service.messages(&other_phone).await.is_empty(), "another patient's phone hears nothing");
    // The message itself is in the profile whatever the push did.
    let profile: carepath_domain::sync::DeviceProfile = app.profile_response(&patient.token).await.json().await.unwrap();
    assert_eq!(profile.messages[0].body, text);
}

#[tokio::test]
async fn a_push_that_fails_is_retried_and_never_loses_the_message() {
    let (app, desk) = setup("retried").await;
    let patient = app.new_patient(&desk, "Rosa", Frequency::OnceDaily).await;
    // A subscription whose push service is not there (nothing listens on the port).
    let body = json!({
        "endpoint": "http://127.0.0.1:9/push/gone",
        "keys": { "p256dh": format!("B{}", "A".repeat(86)), "auth": "A".repeat(22) },
    });
    let response = app.client.put(app.url("/api/device/push/subscription")).bearer_auth(&patient.token).json(&body).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT, "{}", response.text().await.unwrap_or_default());
    let message = reply(&app, &desk, patient.id, "Hello", None).await;
    let deadline = std::time::Instant::now() + StdDuration::from_secs(15);
    while app.scalar("SELECT COALESCE(MAX(attempts), 0) FROM message_pushes").await < 2 {
        assert!(std::time::Instant::now() < deadline, "not retried");
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM message_pushes WHERE outcome IS NULL AND last_error IS NOT NULL").await, 1);
    let profile: carepath_domain::sync::DeviceProfile = app.profile_response(&patient.token).await.json().await.unwrap();
    assert_eq!(profile.messages.iter().map(|m| m.id).collect::<Vec<_>>(), [message.id]);
}

#[tokio::test]
async fn settled_push_records_are_kept_thirty_days_and_waiting_ones_always() {
    let (app, desk) = setup("pruned").await;
    let patient = app.new_patient(&desk, "Rosa", Frequency::OnceDaily).await;
    let device: String = sqlx::query_scalar("SELECT id FROM devices").fetch_one(&app.db).await.unwrap();
    let mut messages = Vec::new();
    for text in ["one", "two", "three", "four"] {
        messages.push(reply(&app, &desk, patient.id, text, None).await.id);
    }
    let now = chrono::Utc::now();
    let at = |days: i64| carepath_server::store::ts(now - chrono::Duration::days(days));
    // Settled 31 days ago, settled 29 days ago, failed 40 days ago, and one still waiting since 40 days.
    for (message, outcome, days) in [(&messages[0], Some("delivered"), 31), (&messages[1], Some("gone"), 29), (&messages[2], Some("failed"), 40), (&messages[3], None, 40)] {
        sqlx::query("INSERT INTO message_pushes (message_id, device_id, created_at, next_attempt_at, outcome) VALUES (?, ?, ?, ?, ?)")
            .bind(message.to_string())
            .bind(&device)
            .bind(at(days))
            .bind(at(days))
            .bind(outcome)
            .execute(&app.db)
            .await
            .unwrap();
    }
    // The server's own push task prunes too, at each of its rounds; whichever runs first, the same two go.
    let pruned = carepath_server::messages::prune_settled(&app.store, now).await.unwrap();
    assert!(pruned <= 2);
    let left: Vec<String> =
        sqlx::query_scalar("SELECT message_id FROM message_pushes ORDER BY created_at DESC").fetch_all(&app.db).await.unwrap();
    assert_eq!(left, [messages[1].to_string(), messages[3].to_string()]);
    assert_eq!(app.count("messages").await, 4, "the messages themselves stay");
}
