//! The check-in loop on the server: reports are triaged as they are stored, urgent alerts go out to a real webhook
//! receiver and a real SMTP sink on loopback (with no health information), pharmacists acknowledge, note, resolve
//! and reply, and the reply reaches the device with its read state.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use carepath_domain::checkin::{CheckInAnswers, Temperature, TemperatureUnit};
use common::Frequency;
use carepath_domain::sync::{AlertQueue, DeviceProfile, EventBody, PatientEvent, PatientTimeline, PharmacyMessage};
use carepath_domain::triage::{AlertReason, RedFlag, Tier};
use carepath_server::config::Secret;
use chrono::Utc;
use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use uuid::Uuid;

// ---- receivers on loopback ---------------------------------------------------------------------------------

/// An HTTP endpoint that records every JSON body posted to it; the first `fail_first` requests get a 500.
#[derive(Clone)]
struct WebhookReceiver {
    url: String,
    received: Arc<Mutex<Vec<Value>>>,
    requests: Arc<Mutex<usize>>,
}

async fn webhook_receiver(fail_first: usize) -> WebhookReceiver {
    let received = Arc::new(Mutex::new(Vec::new()));
    let requests = Arc::new(Mutex::new(0usize));
    let (r, n) = (received.clone(), requests.clone());
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |axum::Json(body): axum::Json<Value>| {
            let (r, n) = (r.clone(), n.clone());
            async move {
                let count = {
                    let mut n = n.lock().unwrap();
                    *n += 1;
                    *n
                };
                if count <= fail_first {
                    return StatusCode::INTERNAL_SERVER_ERROR;
                }
                r.lock().unwrap().push(body);
                StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    WebhookReceiver { url, received, requests }
}

/// A minimal SMTP server (RFC 5321 happy path) that keeps every message's DATA.
async fn smtp_sink() -> (String, Arc<Mutex<Vec<String>>>) {
    let mails = Arc::new(Mutex::new(Vec::new()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let store = mails.clone();
    tokio::spawn(async move {
        loop {
            let (socket, _) = listener.accept().await.unwrap();
            let store = store.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 sink.test ESMTP\r\n").await.unwrap();
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(body) = data.as_mut() {
                        if line == "." {
                            store.lock().unwrap().push(std::mem::take(body));
                            data = None;
                            write.write_all(b"250 queued\r\n").await.unwrap();
                        } else {
                            body.push_str(&line);
                            body.push('\n');
                        }
                        continue;
                    }
                    let verb = line.split_whitespace().next().unwrap_or_default().to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 sink.test\r\n",
                        "MAIL" | "RCPT" | "RSET" | "NOOP" => b"250 ok\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go ahead\r\n"
                        }
                        "QUIT" => {
                            write.write_all(b"221 bye\r\n").await.unwrap();
                            return;
                        }
                        _ => b"502 not implemented\r\n",
                    };
                    write.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (url, mails)
}

/// Waits until `count()` reaches `want` (or 15 s pass), then a little longer to catch any extra delivery.
async fn settle(count: impl Fn() -> usize, want: usize) -> usize {
    for _ in 0..150 {
        if count() >= want {
            break;
        }
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    tokio::time::sleep(StdDuration::from_millis(1500)).await;
    count()
}

// ---- helpers ---------------------------------------------------------------------------------------------

fn fever(celsius: &str) -> PatientEvent {
    let temperature = Temperature::parse(celsius, TemperatureUnit::Celsius).expect("temperature");
    check_in_with(CheckInAnswers { temperature: Some(temperature), ..CheckInAnswers::default() })
}

async fn alerts(app: &TestApp, client: &reqwest::Client) -> AlertQueue {
    let response = client.get(app.url("/api/pharmacy/alerts")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn post_json(app: &TestApp, client: &reqwest::Client, path: &str, body: Value) -> reqwest::Response {
    client.post(app.url(path)).json(&body).send().await.unwrap()
}

async fn profile(app: &TestApp, token: &str) -> DeviceProfile {
    app.client.get(app.url("/api/device/profile")).bearer_auth(token).send().await.unwrap().json().await.unwrap()
}

// ---- tests -----------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_fever_raises_one_urgent_alert_that_tops_the_queue_and_one_notice_per_channel() {
    let hook = webhook_receiver(0).await;
    let (smtp_url, mails) = smtp_sink().await;
    let app = spawn_app_with(|s| {
        s.alert_webhook_url = Some(Secret::new(hook.url.clone()));
        s.smtp_url = Some(Secret::new(smtp_url.clone()));
        s.alert_email_to = Some("team@pharmacy.test".into());
        s.public_url = "https://carepath.pharmacy.test".into();
    })
    .await;
    let client = app.login_as(&app.pharmacist_at_new_site("Northside", "alice").await).await;
    let ana = app.new_patient(&client, "Ana Lopez", Frequency::TwiceDaily).await;

    // An earlier routine alert (worse by two grades; fatigue has no lower line for capecitabine), then the fever.
    app.sync_ok(&ana.token, &[minutes_ago(check_in(Symptom::Fatigue, 0, None), 60)]).await;
    app.sync_ok(&ana.token, &[minutes_ago(check_in(Symptom::Fatigue, 2, None), 30)]).await;
    let hot = fever("38.5");
    app.sync_ok(&ana.token, &[hot.clone()]).await;

    let queue = alerts(&app, &client).await;
    assert_eq!(queue.open.len(), 2, "{queue:?}");
    let top = &queue.open[0];
    assert_eq!(top.tier, Tier::Urgent);
    assert_eq!(top.reasons, vec![AlertReason::RedFlag(RedFlag::Fever { celsius_tenths: 385 })]);
    assert_eq!(top.patient_name, "Ana Lopez");
    assert_eq!(queue.open[1].tier, Tier::Routine, "older routine alert comes after the urgent one");
    assert!(matches!(&queue.open[1].reasons[0], AlertReason::Worsened { term, .. } if term == "fatigue"));
    assert_eq!(queue.stats.check_ins, 3);
    assert_eq!(queue.stats.check_ins_with_alert, 2);
    assert_eq!(queue.stats.alert_rate_per_mille, Some(666));
    assert!(queue.term_names["nausea"].contains_key("es"));

    // Exactly one notice per channel, for the urgent alert only, with no health information.
    assert_eq!(settle(|| hook.received.lock().unwrap().len(), 1).await, 1);
    assert_eq!(settle(|| mails.lock().unwrap().len(), 1).await, 1);
    let notice = hook.received.lock().unwrap()[0].clone();
    assert_eq!(notice["tier"], "urgent");
    assert_eq!(notice["site"], "Northside");
    assert_eq!(notice["link"], format!("https://carepath.pharmacy.test/pharmacy?alert={}", top.id));
    let mail = mails.lock().unwrap()[0].clone();
    assert!(mail.contains("To: team@pharmacy.test"), "{mail}");
    assert!(mail.contains("Subject: Carepath: urgent alert for Northside"), "{mail}");
    // What people read: the webhook without its timestamp, the mail's subject and body (not the Date and
    // Message-ID headers, whose digits could spell "101" by chance).
    let mut readable = notice.clone();
    readable.as_object_mut().unwrap().remove("raised_at");
    let readable = readable.to_string().to_lowercase();
    let subject = mail.lines().find(|l| l.starts_with("Subject:")).unwrap_or_default();
    let unix = mail.replace("\r\n", "\n");
    let body = unix.split("\n\n").skip(1).collect::<Vec<_>>().join("\n");
    assert!(!body.trim().is_empty(), "{mail}");
    let mail_text = format!("{subject}\n{body}").to_lowercase();
    for leak in ["Ana", "Lopez", "fever", "38.5", "101.3", "nausea", "Capecitabine"] {
        assert!(!readable.contains(&leak.to_lowercase()), "webhook leaks {leak}: {notice}");
        assert!(!mail_text.contains(&leak.to_lowercase()), "email leaks {leak}: {mail}");
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM notifications WHERE delivered_at IS NOT NULL").await, 2);

    // Resending the same report raises nothing new and sends nothing new.
    app.sync_ok(&ana.token, &[hot]).await;
    assert_eq!(app.count("alerts").await, 2);
    assert_eq!(settle(|| hook.received.lock().unwrap().len(), 1).await, 1);
}

#[tokio::test]
async fn a_failing_webhook_is_retried_and_never_blocks_the_report() {
    let hook = webhook_receiver(2).await;
    let app = spawn_app_with(|s| s.alert_webhook_url = Some(Secret::new(hook.url.clone()))).await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let ana = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    let mut answers = CheckInAnswers::default();
    answers.emergency_yes.insert("chest_pain".into());
    let report = check_in_with(answers);
    // Stored and acknowledged at once, whatever the receiver does.
    app.sync_ok(&ana.token, &[report]).await;
    assert_eq!(app.count("alerts").await, 1);
    assert_eq!(settle(|| hook.received.lock().unwrap().len(), 1).await, 1);
    assert_eq!(*hook.requests.lock().unwrap(), 3, "two failures, then delivered once");
    assert_eq!(app.scalar("SELECT attempts FROM notifications").await, 3);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM notifications WHERE delivered_at IS NOT NULL AND last_error IS NULL").await, 1);
}

#[tokio::test]
async fn an_acknowledged_unchanged_grade_three_stays_quiet_until_the_window_ends() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let ana = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;

    app.sync_ok(&ana.token, &[minutes_ago(check_in(Symptom::Pain, 4, None), 30)]).await;
    let queue = alerts(&app, &client).await;
    assert_eq!(queue.open.len(), 1);
    assert_eq!(queue.open[0].tier, Tier::Urgent, "a new grade 3");
    let id = queue.open[0].id;
    let response = post_json(&app, &client, &format!("/api/pharmacy/alerts/{id}/acknowledge"), json!({})).await;
    assert_eq!(response.status(), StatusCode::OK);

    // Same grade again: acknowledged within the window, so no new alert.
    app.sync_ok(&ana.token, &[minutes_ago(check_in(Symptom::Pain, 4, None), 10)]).await;
    assert_eq!(app.count("alerts").await, 1);

    // The site shortens the window to nothing: the unchanged grade 3 is routine now.
    app.execute("UPDATE sites SET acknowledged_window_hours = 0").await.unwrap();
    app.sync_ok(&ana.token, &[check_in(Symptom::Pain, 4, None)]).await;
    let queue = alerts(&app, &client).await;
    assert_eq!(app.count("alerts").await, 2);
    let newest = queue.open.iter().find(|a| a.id != id).expect("second alert");
    assert_eq!(newest.tier, Tier::Routine);
    assert!(matches!(&newest.reasons[..], [AlertReason::GradeThreeOrMore { term, .. }] if term == "pain"));
}

#[tokio::test]
async fn the_pharmacist_loop_acknowledge_note_reply_read_resolve() {
    let app = spawn_app().await;
    let alice = app.pharmacist_at_new_site("North", "alice").await;
    let client = app.login_as(&alice).await;
    let ana = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    assert!(ana.profile.check_in.as_ref().is_some_and(|f| f.items.iter().any(|i| i.id == "hand_foot_skin")), "capecitabine items");
    assert_eq!(ana.profile.triage.fever_threshold_c_tenths, 380);

    app.sync_ok(&ana.token, &[fever("39.0")]).await;
    let alert = alerts(&app, &client).await.open.remove(0);
    assert!(alert.acknowledged.is_none());

    // Bad input: a clear error, nothing stored.
    let empty = post_json(&app, &client, &format!("/api/pharmacy/alerts/{}/notes", alert.id), json!({ "body": "  " })).await;
    assert_error(empty, 422, "invalid").await;
    let not_json = client.post(app.url(&format!("/api/pharmacy/alerts/{}/acknowledge", alert.id))).send().await.unwrap();
    assert_error(not_json, 415, "not_json").await;
    assert_eq!(app.count("alert_notes").await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM alerts WHERE acknowledged_at IS NOT NULL").await, 0);

    let noted = post_json(&app, &client, &format!("/api/pharmacy/alerts/{}/notes", alert.id), json!({ "body": "Called, no answer" })).await;
    assert_eq!(noted.status(), StatusCode::OK);
    let reply = post_json(
        &app,
        &client,
        &format!("/api/pharmacy/patients/{}/messages", ana.id),
        json!({ "body": "Please go to the emergency department now.", "alert_id": alert.id }),
    )
    .await;
    assert_eq!(reply.status(), StatusCode::CREATED);
    let sent: PharmacyMessage = reply.json().await.unwrap();

    let open = alerts(&app, &client).await.open.remove(0);
    assert_eq!(open.acknowledged.as_ref().map(|a| a.by.as_str()), Some("Pharmacist alice"));
    assert!(open.minutes_to_acknowledge.is_some());
    assert_eq!(open.notes[0].body, "Called, no answer");
    assert_eq!(open.replies.len(), 1);
    assert_eq!(open.replies[0].read_at, None);

    // The device gets the reply on its next sync, and reports reading it (offline-first, as an event).
    let on_device = profile(&app, &ana.token).await;
    assert_eq!(on_device.messages, vec![sent.clone()]);
    let read = PatientEvent { id: Uuid::new_v4(), recorded_at: Utc::now(), body: EventBody::MessageRead { message_id: sent.id } };
    app.sync_ok(&ana.token, &[read.clone()]).await;
    app.sync_ok(&ana.token, &[read]).await;
    let on_device = profile(&app, &ana.token).await;
    assert!(on_device.messages[0].read_at.is_some());
    let open = alerts(&app, &client).await.open.remove(0);
    assert!(open.replies[0].read_at.is_some(), "the pharmacist sees it was read");

    let resolved = post_json(&app, &client, &format!("/api/pharmacy/alerts/{}/resolve", alert.id), json!({})).await;
    assert_eq!(resolved.status(), StatusCode::OK);
    let queue = alerts(&app, &client).await;
    assert!(queue.open.is_empty());
    assert_eq!(queue.resolved.len(), 1);
    assert_eq!(queue.stats.acknowledged, 1);
    assert!(queue.stats.median_minutes_to_acknowledge.is_some());

    // The timeline has the check-in, the alert and the message; the audit log has every action.
    let timeline: PatientTimeline =
        client.get(app.url(&format!("/api/pharmacy/patients/{}/timeline", ana.id))).send().await.unwrap().json().await.unwrap();
    assert_eq!(timeline.check_ins.len(), 1);
    assert_eq!(timeline.alerts.len(), 1);
    assert_eq!(timeline.messages.len(), 1);
    for action in ["alert.note", "message.send", "alert.resolve", "alerts.read", "timeline.read"] {
        let n = app.scalar(&format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}' AND actor_id = '{}'", alice.id)).await;
        assert!(n >= 1, "no audit entry for {action}");
    }
}

#[tokio::test]
async fn another_site_cannot_see_or_touch_an_alert_or_message_a_patient() {
    let app = spawn_app().await;
    let north = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let south = app.login_as(&app.pharmacist_at_new_site("South", "bob").await).await;
    let ana = app.new_patient(&north, "Ana", Frequency::OnceDaily).await;
    let sol = app.new_patient(&south, "Sol", Frequency::OnceDaily).await;
    app.sync_ok(&ana.token, &[fever("38.8")]).await;
    let alert = alerts(&app, &north).await.open.remove(0);

    assert!(alerts(&app, &south).await.open.is_empty());
    for path in ["acknowledge", "resolve"] {
        let r = post_json(&app, &south, &format!("/api/pharmacy/alerts/{}/{path}", alert.id), json!({})).await;
        assert_error(r, 404, "not_found").await;
    }
    let r = post_json(&app, &south, &format!("/api/pharmacy/alerts/{}/notes", alert.id), json!({ "body": "x" })).await;
    assert_error(r, 404, "not_found").await;
    let r = post_json(&app, &south, &format!("/api/pharmacy/patients/{}/messages", ana.id), json!({ "body": "hi" })).await;
    assert_error(r, 404, "not_found").await;
    // Replying to one's own patient "about" another site's alert is refused too.
    let r = post_json(&app, &south, &format!("/api/pharmacy/patients/{}/messages", sol.id), json!({ "body": "hi", "alert_id": alert.id })).await;
    assert_error(r, 404, "not_found").await;
    let r = south.get(app.url(&format!("/api/pharmacy/patients/{}/timeline", ana.id))).send().await.unwrap();
    assert_error(r, 404, "not_found").await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM alerts WHERE acknowledged_at IS NOT NULL OR resolved_at IS NOT NULL").await, 0);
    assert_eq!(app.count("messages").await, 0);
    assert_eq!(app.count("alert_notes").await, 0);
    let r = app.client.get(app.url("/api/pharmacy/alerts")).send().await.unwrap();
    assert_error(r, 401, "unauthorized").await;

    // A device cannot mark another patient's message read; the batch is refused whole.
    let sent: PharmacyMessage =
        post_json(&app, &north, &format!("/api/pharmacy/patients/{}/messages", ana.id), json!({ "body": "Call us" })).await.json().await.unwrap();
    let read = PatientEvent { id: Uuid::new_v4(), recorded_at: Utc::now(), body: EventBody::MessageRead { message_id: sent.id } };
    assert_error(app.sync(&sol.token, &[check_in(Symptom::Fatigue, 1, None), read]).await, 422, "invalid_event").await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM messages WHERE read_at IS NOT NULL").await, 0);
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM events WHERE patient_id = '{}'", sol.id)).await, 0);
}

#[tokio::test]
async fn the_device_gets_its_check_in_form_and_the_site_fever_threshold() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    app.execute("UPDATE sites SET fever_threshold_c_tenths = 383").await.unwrap();
    let ana = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    let form = ana.profile.check_in.expect("form");
    assert_eq!(form.every_days, 7);
    assert_eq!(form.recall_days, 7);
    let ids: Vec<&str> = form.items.iter().map(|i| i.id.as_str()).collect();
    for id in ["diarrhea", "hand_foot_skin", "mouth_sores", "nausea"] {
        assert!(ids.contains(&id), "capecitabine asks about {id}: {ids:?}");
    }
    assert_eq!(ana.profile.triage.fever_threshold_c_tenths, 383);

    // 38.2 °C is under this site's threshold: stored, no alert. 38.3 is a red flag.
    app.sync_ok(&ana.token, &[fever("38.2")]).await;
    assert_eq!(app.count("alerts").await, 0);
    app.sync_ok(&ana.token, &[fever("38.3")]).await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM alerts WHERE tier = 'urgent'").await, 1);

    // The cadence is the pharmacist's choice, within 1–28 days.
    let r = post_json(&app, &client, "/api/pharmacy/patients", json!({
        "display_name": "Sol", "regimen": regimen_json("Ibrutinib", Frequency::OnceDaily),
        "check_in_every_days": 29,
    }))
    .await;
    assert_error(r, 422, "invalid").await;
    let r = post_json(&app, &client, "/api/pharmacy/patients", json!({
        "display_name": "Sol", "regimen": regimen_json("Ibrutinib", Frequency::OnceDaily),
        "check_in_every_days": 14,
    }))
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let code = r.json::<Value>().await.unwrap()["code"].as_str().unwrap().to_string();
    let (_, sol) = app.enroll_device(&code).await;
    let form = sol.check_in.expect("form");
    assert_eq!(form.every_days, 14);
    assert!(form.items.iter().any(|i| i.id == "bruising"), "ibrutinib items");
}

#[tokio::test]
async fn reports_are_compared_in_the_order_the_patient_made_them_even_when_synced_out_of_order() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let ana = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    // Made: none (2 h ago), then moderate (1 h ago). Sent newest first in one batch.
    let earlier = minutes_ago(check_in(Symptom::Fatigue, 0, None), 120);
    let later = minutes_ago(check_in(Symptom::Fatigue, 2, None), 60);
    app.sync_ok(&ana.token, &[later, earlier]).await;
    let queue = alerts(&app, &client).await;
    assert_eq!(queue.open.len(), 1, "{queue:?}");
    assert!(matches!(&queue.open[0].reasons[..], [AlertReason::Worsened { term, from, to, .. }]
        if term == "fatigue" && from.number() == 0 && to.number() == 2));
}

#[tokio::test]
async fn a_refused_batch_raises_no_alert_and_sends_no_notice() {
    let hook = webhook_receiver(0).await;
    let app = spawn_app_with(|s| s.alert_webhook_url = Some(Secret::new(hook.url.clone()))).await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let ana = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    let mut bad = serde_json::to_value(check_in(Symptom::Pain, 1, None)).unwrap();
    bad["body"]["answers"]["pain"]["responses"]["severity"] = json!(null);
    let body = json!({ "events": [fever("39.5"), bad] });
    let response = app.sync_json(&ana.token, &body).await;
    assert_error(response, 422, "invalid_event").await;
    assert_eq!(app.count("events").await, 0);
    assert_eq!(app.count("alerts").await, 0);
    assert_eq!(app.count("notifications").await, 0);
    assert_eq!(settle(|| hook.received.lock().unwrap().len(), 0).await, 0);
}

#[tokio::test]
async fn a_site_sets_its_own_fever_threshold_and_devices_get_it_at_the_next_sync() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let ana = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    assert_eq!(ana.profile.triage.fever_threshold_c_tenths, 380);

    // Out of range or unknown site: refused, nothing changes.
    assert!(carepath_server::patients::update_site_settings(&app.store, "North", Some(365), None).await.is_err());
    // Above 38.3 °C (the IDSA single-reading fever) a site would miss fevers: refused.
    assert!(carepath_server::patients::update_site_settings(&app.store, "North", Some(384), None).await.is_err());
    assert!(carepath_server::patients::update_site_settings(&app.store, "North", None, Some(721)).await.is_err());
    assert!(carepath_server::patients::update_site_settings(&app.store, "Nowhere", Some(383), None).await.is_err());
    assert_eq!(profile(&app, &ana.token).await.triage.fever_threshold_c_tenths, 380);

    let now = carepath_server::patients::update_site_settings(&app.store, "North", Some(383), Some(24)).await.unwrap();
    assert_eq!((now.fever_threshold_c_tenths, now.acknowledged_window_hours), (383, 24));
    let on_device = profile(&app, &ana.token).await.triage;
    assert_eq!((on_device.fever_threshold_c_tenths, on_device.acknowledged_window_hours), (383, 24));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'site.settings'").await, 1);
}

#[tokio::test]
async fn a_sites_thermometer_unit_and_office_hours_reach_its_phones_and_a_typed_drug_name_reads_in_each_language() {
    use carepath_server::patients::{update_site_contact, SiteContactSettings};
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let ana = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    assert_eq!((ana.profile.triage.temperature_unit, ana.profile.site.office_hours.clone()), (None, None), "nothing set: by language, night");
    // "Capecitabine" as the pharmacist typed it is the guide's generic name: the phone gets it in each language.
    let names = &ana.profile.drug_names[&ana.line_id];
    assert_eq!((names["en"].as_str(), names["es"].as_str()), ("Capecitabine", "Capecitabina"));
    assert_eq!(ana.profile.clone().in_language("es").regimen[0].drug_name(), "Capecitabina");

    let hours = carepath_domain::site::OfficeHours::parse("08:00-17:00", "mon-fri").unwrap();
    let change = SiteContactSettings { temperature_unit: Some(Some(TemperatureUnit::Celsius)), office_hours: Some(Some(hours.clone())) };
    assert!(update_site_contact(&app.store, "Nowhere", change).await.is_err(), "an unknown site");
    let change = SiteContactSettings { temperature_unit: Some(Some(TemperatureUnit::Celsius)), office_hours: Some(Some(hours.clone())) };
    update_site_contact(&app.store, "North", change).await.unwrap();
    let on_device = profile(&app, &ana.token).await;
    assert_eq!(on_device.triage.temperature_unit, Some(TemperatureUnit::Celsius));
    assert_eq!(on_device.site.office_hours, Some(hours.clone()));
    assert_eq!(on_device.triage.fever_threshold_c_tenths, 380, "the fever threshold is untouched");

    // One setting changed, the other kept; `Some(None)` clears.
    let change = SiteContactSettings { temperature_unit: Some(None), office_hours: None };
    let (info, settings) = update_site_contact(&app.store, "North", change).await.unwrap();
    assert_eq!((settings.temperature_unit, info.office_hours), (None, Some(hours)));
    // A fever threshold change keeps the thermometer unit and hours (they are other columns).
    carepath_server::patients::update_site_settings(&app.store, "North", Some(383), None).await.unwrap();
    assert!(profile(&app, &ana.token).await.site.office_hours.is_some());
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'site.settings'").await, 3);
}

#[tokio::test]
async fn i_feel_fine_and_one_symptom_are_stored_as_such_and_refused_when_they_say_otherwise() {
    use carepath_domain::checkin::CheckInScope;
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let ana = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    let fine = check_in_with(CheckInAnswers { scope: CheckInScope::FeelingFine, ..CheckInAnswers::default() });
    app.sync_ok(&ana.token, &[fine.clone()]).await;
    assert_eq!(app.count("alerts").await, 0, "feeling fine raises nothing");

    // "Fine" with a yes to a danger sign, or "one symptom" with two, is refused and nothing of the batch is stored.
    let mut fine_but = CheckInAnswers { scope: CheckInScope::FeelingFine, ..CheckInAnswers::default() };
    fine_but.emergency_yes.insert("chest_pain".into());
    let mut two = answers(Symptom::Pain, 1, None);
    two.answers.extend(answers(Symptom::Nausea, 1, None).answers);
    two.scope = CheckInScope::OneSymptom;
    for bad in [fine_but, two] {
        let response = app.sync(&ana.token, &[check_in(Symptom::Pain, 1, None), check_in_with(bad)]).await;
        assert_error(response, 422, "invalid_event").await;
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM events WHERE kind = 'check_in'").await, 1);

    // One severe symptom on its own is triaged like any check-in.
    let mut one = answers(Symptom::Pain, 3, None);
    one.scope = CheckInScope::OneSymptom;
    app.sync_ok(&ana.token, &[check_in_with(one)]).await;
    assert_eq!(app.count("alerts").await, 1);
}

#[tokio::test]
async fn failing_notices_show_on_the_pharmacists_dashboard_until_delivered() {
    // The receiver refuses the first request; the retry comes 3 s later and is delivered.
    let hook = webhook_receiver(1).await;
    let app = spawn_app_with(|s| {
        s.alert_webhook_url = Some(Secret::new(hook.url.clone()));
        s.notify_retry_ms = 3000;
    })
    .await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let ana = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    app.sync_ok(&ana.token, &[fever("39.1")]).await;
    for _ in 0..50 {
        if app.scalar("SELECT attempts FROM notifications").await >= 1 {
            break;
        }
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
    assert_eq!(alerts(&app, &client).await.stats.notices_failing, 1);
    assert_eq!(settle(|| hook.received.lock().unwrap().len(), 1).await, 1);
    assert_eq!(alerts(&app, &client).await.stats.notices_failing, 0);
}

#[tokio::test]
async fn the_pharmacist_changes_the_check_in_cadence_and_the_device_gets_it() {
    let app = spawn_app().await;
    let north = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let south = app.login_as(&app.pharmacist_at_new_site("South", "bob").await).await;
    let ana = app.new_patient(&north, "Ana", Frequency::OnceDaily).await;
    let path = format!("/api/pharmacy/patients/{}/check-in-cadence", ana.id);
    let put = |client: &reqwest::Client, body: Value| client.put(app.url(&path)).json(&body).send();

    assert_error(put(&north, json!({ "check_in_every_days": 0 })).await.unwrap(), 422, "invalid").await;
    assert_error(put(&north, json!({ "check_in_every_days": "weekly" })).await.unwrap(), 400, "bad_json").await;
    assert_error(put(&south, json!({ "check_in_every_days": 3 })).await.unwrap(), 404, "not_found").await;
    assert_eq!(profile(&app, &ana.token).await.check_in.unwrap().every_days, 7, "nothing changed");

    let ok = put(&north, json!({ "check_in_every_days": 3 })).await.unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(profile(&app, &ana.token).await.check_in.unwrap().every_days, 3);
    let timeline: PatientTimeline =
        north.get(app.url(&format!("/api/pharmacy/patients/{}/timeline", ana.id))).send().await.unwrap().json().await.unwrap();
    assert_eq!(timeline.check_in_every_days, 3);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'patient.cadence'").await, 1);
}
