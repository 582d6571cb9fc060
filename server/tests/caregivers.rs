//! Caregivers in their own words (issue #14 item 4): what a caregiver reports is marked with their name on the desk
//! (the alert it raised, the patient page's check-ins, the queue), and what the patient reports is not; and a
//! caregiver's phone reads only the pharmacy's messages addressed to caregivers, or all of them once the patient
//! allows it on their own phone (profile, pushes, answers).

mod common;

use carepath_domain::sync::{AlertQueue, DeviceProfile, EventBody, PatientEvent, PatientTimeline, PharmacyMessage};
use common::*;
use reqwest::StatusCode;

async fn alerts(app: &TestApp, client: &reqwest::Client) -> AlertQueue {
    let response = client.get(app.url("/api/pharmacy/alerts")).send().await.expect("alerts");
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("AlertQueue")
}

async fn timeline(app: &TestApp, client: &reqwest::Client, patient: uuid::Uuid) -> PatientTimeline {
    let response = client.get(app.url(&format!("/api/pharmacy/patients/{patient}/timeline"))).send().await.expect("timeline");
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("PatientTimeline")
}

#[tokio::test]
async fn a_check_in_made_on_a_caregivers_phone_is_reported_by_them_and_the_patients_own_by_nobody() {
    let app = spawn_app().await;
    let pharmacist = app.pharmacist_at_new_site("Reported Pharmacy", "reported.pharmacist").await;
    let desk = app.login_as(&pharmacist).await;
    let patient = app.new_patient(&desk, "Rosa Díaz", Frequency::OnceDaily).await;
    let carmen = app.add_caregiver(&desk, patient.id, "Carmen (daughter)").await;
    let (carmen_token, _) = app.enroll_device(&carmen.code).await;

    // Each a check-in with a note, so each raises a routine alert of its own.
    let by_carmen = minutes_ago(check_in(Symptom::Fatigue, 1, Some("She slept all afternoon")), 30);
    let by_rosa = minutes_ago(check_in(Symptom::Fatigue, 1, Some("Better today")), 10);
    app.sync_ok(&carmen_token, std::slice::from_ref(&by_carmen)).await;
    app.sync_ok(&patient.token, std::slice::from_ref(&by_rosa)).await;
    let dose = dose_taken(patient.line_id, carepath_domain::regimen::DoseSlot::Daily);
    app.sync_ok(&carmen_token, std::slice::from_ref(&dose)).await;

    // The alert queue: the card of each check-in says who made it.
    let queue = alerts(&app, &desk).await;
    let reported: Vec<_> = queue.open.iter().map(|a| (a.check_in.as_ref().and_then(|c| c.note.clone()), a.reported_by.clone())).collect();
    assert_eq!(reported.len(), 2, "{reported:?}");
    assert!(reported.contains(&(Some("She slept all afternoon".into()), Some("Carmen (daughter)".into()))), "{reported:?}");
    assert!(reported.contains(&(Some("Better today".into()), None)), "{reported:?}");

    // The patient page: its alerts and its check-ins, oldest first.
    let page = timeline(&app, &desk, patient.id).await;
    let check_ins: Vec<_> = page.check_ins.iter().map(|c| (c.event_id, c.reported_by.as_deref())).collect();
    assert_eq!(check_ins, [(by_carmen.id, Some("Carmen (daughter)")), (by_rosa.id, None)]);
    assert_eq!(page.alerts.iter().filter(|a| a.reported_by.as_deref() == Some("Carmen (daughter)")).count(), 1);
    assert_eq!(page.alerts.iter().filter(|a| a.reported_by.is_none()).count(), 1);

    // The site's queue: every event recorded on Carmen's phone (the dose too), none of Rosa's.
    let feed = app.queue(&desk).await;
    let items = feed["items"].as_array().expect("items");
    let by = |id: uuid::Uuid| items.iter().find(|i| i["event_id"] == id.to_string()).map(|i| i["reported_by"].clone()).expect("listed");
    assert_eq!(by(by_carmen.id), "Carmen (daughter)");
    assert_eq!(by(dose.id), "Carmen (daughter)");
    assert_eq!(by(by_rosa.id), serde_json::Value::Null);

    // A revoked caregiver's earlier reports still say who made them.
    let revoke = desk
        .post(app.url(&format!("/api/pharmacy/patients/{}/caregivers/{}/revoke", patient.id, carmen.caregiver.id)))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert!(revoke.status().is_success(), "{}", revoke.status());
    let page = timeline(&app, &desk, patient.id).await;
    assert_eq!(page.check_ins[0].reported_by.as_deref(), Some("Carmen (daughter)"));
}

#[tokio::test]
async fn an_alert_raised_by_something_else_than_a_check_in_names_no_reporter() {
    let app = spawn_app().await;
    let pharmacist = app.pharmacist_at_new_site("Message Pharmacy", "message.pharmacist").await;
    let desk = app.login_as(&pharmacist).await;
    let patient = app.new_patient(&desk, "Rosa Díaz", Frequency::OnceDaily).await;
    let carmen = app.add_caregiver(&desk, patient.id, "Carmen (daughter)").await;
    let (carmen_token, _) = app.enroll_device(&carmen.code).await;
    // A question from Carmen raises "Message from the patient": the message names her, the alert reports nobody.
    let question = carepath_domain::sync::PatientEvent {
        id: uuid::Uuid::new_v4(),
        recorded_at: chrono::Utc::now(),
        body: carepath_domain::sync::EventBody::MessageSent { text: "Can she take it with milk?".into(), in_reply_to: None },
    };
    app.sync_ok(&carmen_token, &[question]).await;
    let queue = alerts(&app, &desk).await;
    assert_eq!(queue.open.len(), 1);
    assert_eq!(queue.open[0].reported_by, None);
    assert_eq!(queue.open[0].patient_messages[0].caregiver.as_deref(), Some("Carmen (daughter)"));
}

// ---- who reads the pharmacy's messages ----------------------------------------------------------------------

/// A pharmacist's message, for the patient only or for their caregivers too.
async fn write(app: &TestApp, desk: &reqwest::Client, patient: uuid::Uuid, body: &str, to_caregivers: bool) -> PharmacyMessage {
    let response = desk
        .post(app.url(&format!("/api/pharmacy/patients/{patient}/messages")))
        .json(&serde_json::json!({ "body": body, "to_caregivers": to_caregivers }))
        .send()
        .await
        .expect("message");
    assert_eq!(response.status(), StatusCode::CREATED, "{}", response.text().await.unwrap_or_default());
    response.json().await.expect("PharmacyMessage")
}

async fn profile(app: &TestApp, token: &str) -> DeviceProfile {
    let response = app.profile_response(token).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("DeviceProfile")
}

fn event(body: EventBody) -> PatientEvent {
    PatientEvent { id: uuid::Uuid::new_v4(), recorded_at: chrono::Utc::now(), body }
}

fn sent(text: &str, in_reply_to: Option<uuid::Uuid>) -> PatientEvent {
    event(EventBody::MessageSent { text: text.into(), in_reply_to })
}

fn sharing(caregivers_may_read: bool, minutes_before: i64) -> PatientEvent {
    minutes_ago(event(EventBody::MessageSharing { caregivers_may_read }), minutes_before)
}

/// The bodies of the pharmacy's and the patient's side's messages a device's profile carries.
fn carried(profile: &DeviceProfile) -> (Vec<String>, Vec<String>) {
    (profile.messages.iter().map(|m| m.body.clone()).collect(), profile.sent_messages.iter().map(|m| m.body.clone()).collect())
}

struct Family {
    app: TestApp,
    desk: reqwest::Client,
    patient: Patient,
    carmen: String,
}

async fn family(name: &str) -> Family {
    // `subscribe` below hands over endpoints on plain http at 127.0.0.1 (nothing listens there).
    let app = spawn_app_with(allow_push_service).await;
    let pharmacist = app.pharmacist_at_new_site(&format!("{name} Pharmacy"), &format!("{name}.pharmacist")).await;
    let desk = app.login_as(&pharmacist).await;
    let patient = app.new_patient(&desk, "Rosa Díaz", Frequency::OnceDaily).await;
    let carmen = app.add_caregiver(&desk, patient.id, "Carmen (daughter)").await;
    let (carmen, _) = app.enroll_device(&carmen.code).await;
    Family { app, desk, patient, carmen }
}

#[tokio::test]
async fn a_caregivers_phone_carries_only_the_messages_addressed_to_caregivers_and_what_caregivers_wrote() {
    let Family { app, desk, patient, carmen } = family("addressed").await;
    let private = write(&app, &desk, patient.id, "Your scan results are in: please call us.", false).await;
    let shared = write(&app, &desk, patient.id, "Please bring all the tablets to Monday's visit.", true).await;
    assert!(!private.to_caregivers && shared.to_caregivers);
    app.sync_ok(&patient.token, &[sent("Can I call tomorrow?", Some(private.id))]).await;
    app.sync_ok(&carmen, &[sent("I will bring them.", Some(shared.id))]).await;

    // The patient's own phone: everything, as before.
    let (messages, written) = carried(&profile(&app, &patient.token).await);
    assert_eq!(messages, [shared.body.as_str(), private.body.as_str()]);
    assert_eq!(written, ["I will bring them.", "Can I call tomorrow?"]);
    // Carmen's: the message addressed to caregivers, and what caregivers wrote.
    let on_carmens = profile(&app, &carmen).await;
    let (messages, written) = carried(&on_carmens);
    assert_eq!(messages, [shared.body.as_str()]);
    assert_eq!(written, ["I will bring them."]);
    assert!(on_carmens.messages[0].to_caregivers);
    assert_eq!(on_carmens.message_sharing, None, "the patient has not chosen");

    // The desk sees the whole thread, with which messages caregivers can read, and that the patient has caregivers.
    let page = timeline(&app, &desk, patient.id).await;
    let audience: Vec<_> = page.messages.iter().map(|m| (m.id, m.to_caregivers)).collect();
    assert_eq!(audience, [(shared.id, true), (private.id, false)]);
    assert!(page.has_caregivers);
    assert_eq!(page.message_sharing, None);
    assert_eq!(page.patient_messages.len(), 2);
    // The alert card (the patient's answer raised one) says the patient has caregivers, for the reply form.
    let queue = alerts(&app, &desk).await;
    assert!(queue.open.iter().all(|a| a.patient_has_caregivers), "{:?}", queue.open);
    // A patient with no caregivers: nothing to choose on the desk.
    let alone = app.new_patient(&desk, "Luis Vega", Frequency::OnceDaily).await;
    assert!(!timeline(&app, &desk, alone.id).await.has_caregivers);
}

#[tokio::test]
async fn once_the_patient_allows_it_caregivers_read_every_message_until_they_withdraw_it() {
    let Family { app, desk, patient, carmen } = family("allowed").await;
    let private = write(&app, &desk, patient.id, "How is the rash on your hands?", false).await;
    app.sync_ok(&patient.token, &[sent("Better since Monday.", Some(private.id))]).await;
    assert_eq!(carried(&profile(&app, &carmen).await), (vec![], vec![]));

    // On the patient's own phone: "Let my caregivers read my messages".
    let allowed = sharing(true, 10);
    app.sync_ok(&patient.token, std::slice::from_ref(&allowed)).await;
    let on_carmens = profile(&app, &carmen).await;
    assert_eq!(carried(&on_carmens), (vec![private.body.clone()], vec!["Better since Monday.".to_string()]));
    let choice = on_carmens.message_sharing.expect("the choice");
    assert!(choice.caregivers_may_read);
    assert_eq!(carepath_server::store::ts(choice.recorded_at), carepath_server::store::ts(allowed.recorded_at));
    assert!(timeline(&app, &desk, patient.id).await.message_sharing.is_some_and(|s| s.caregivers_may_read));
    // Now Carmen may answer it, and open it.
    app.sync_ok(&carmen, &[sent("She put the cream on twice.", Some(private.id)), event(EventBody::MessageRead { message_id: private.id })]).await;

    // An older choice arriving late (a phone that was offline) changes nothing: the newest by recorded time wins.
    app.sync_ok(&patient.token, &[sharing(false, 60)]).await;
    assert!(profile(&app, &carmen).await.message_sharing.is_some_and(|s| s.caregivers_may_read));

    // Withdrawn: back to what is addressed to caregivers (and what caregivers wrote).
    app.sync_ok(&patient.token, &[sharing(false, 1)]).await;
    let on_carmens = profile(&app, &carmen).await;
    assert_eq!(carried(&on_carmens), (vec![], vec!["She put the cream on twice.".to_string()]));
    assert!(on_carmens.message_sharing.is_some_and(|s| !s.caregivers_may_read));
    let page = timeline(&app, &desk, patient.id).await;
    assert!(page.message_sharing.is_some_and(|s| !s.caregivers_may_read));
    // The patient's own phones still have everything.
    assert_eq!(carried(&profile(&app, &patient.token).await).0, [private.body.clone()]);
    // Within one batch, the newest of several choices counts, in whatever order they come.
    let newest = event(EventBody::MessageSharing { caregivers_may_read: true });
    let older = recorded_at(event(EventBody::MessageSharing { caregivers_may_read: false }), newest.recorded_at - chrono::Duration::seconds(30));
    app.sync_ok(&patient.token, &[newest, older]).await;
    assert!(profile(&app, &carmen).await.message_sharing.is_some_and(|s| s.caregivers_may_read));
}

#[tokio::test]
async fn only_the_patients_own_phone_chooses_and_a_refused_choice_stores_nothing() {
    let Family { app, desk: _, patient: _, carmen } = family("chooser").await;
    let before = app.count("events").await;
    let (detail, _) =
        assert_error(app.sync(&carmen, &[check_in(Symptom::Fatigue, 1, None), sharing(true, 0)]).await, 422, "invalid_event").await;
    assert_eq!(detail.event_index, Some(1));
    assert_eq!(app.count("events").await, before, "the whole batch is rolled back");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM patients WHERE message_sharing_at IS NOT NULL").await, 0);
    assert_eq!(app.count("alerts").await, 0);
}

#[tokio::test]
async fn a_caregiver_cannot_answer_or_open_a_message_they_cannot_see() {
    let Family { app, desk, patient, carmen } = family("unseen").await;
    let private = write(&app, &desk, patient.id, "Your blood counts are low this week.", false).await;
    let before = app.count("events").await;
    for batch in [
        vec![sent("What does that mean?", Some(private.id))],
        vec![check_in(Symptom::Fatigue, 1, Some("tired")), sent("What does that mean?", Some(private.id))],
        vec![event(EventBody::MessageRead { message_id: private.id })],
    ] {
        let (detail, _) = assert_error(app.sync(&carmen, &batch).await, 422, "invalid_event").await;
        assert_eq!(detail.event_index, Some(batch.len() - 1));
    }
    assert_eq!(app.count("events").await, before, "nothing stored");
    assert_eq!(app.count("patient_messages").await, 0);
    assert_eq!(app.count("alerts").await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM messages WHERE read_at IS NOT NULL").await, 0);
    // The patient's own phone answers it, and a question of Carmen's own is fine.
    app.sync_ok(&patient.token, &[sent("I will rest.", Some(private.id))]).await;
    app.sync_ok(&carmen, &[sent("Should she rest more?", None)]).await;
    assert_eq!(app.count("patient_messages").await, 2);
}

/// A push subscription the server accepts (on the allow-list, see `family`); nothing receives it (these tests count
/// the pushes queued).
async fn subscribe(app: &TestApp, token: &str) {
    let body = serde_json::json!({
        "endpoint": format!("http://127.0.0.1:9/push/{}", uuid::Uuid::new_v4()),
        "keys": { "p256dh": format!("B{}", "A".repeat(86)), "auth": "A".repeat(22) },
    });
    let response = app.client.put(app.url("/api/device/push/subscription")).bearer_auth(token).json(&body).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT, "{}", response.text().await.unwrap_or_default());
}

#[tokio::test]
async fn a_message_pushes_to_a_caregivers_phone_only_when_they_may_read_it() {
    let Family { app, desk, patient, carmen } = family("pushes").await;
    subscribe(&app, &patient.token).await;
    subscribe(&app, &carmen).await;
    let pushed_to = |message: uuid::Uuid| {
        let app = &app;
        async move {
            let sql = format!(
                "SELECT COALESCE(GROUP_CONCAT(who), '') FROM (SELECT CASE WHEN d.caregiver_id IS NULL THEN 'patient' ELSE 'caregiver' END AS who
                 FROM message_pushes mp JOIN devices d ON d.id = mp.device_id WHERE mp.message_id = '{message}' ORDER BY who DESC)"
            );
            sqlx::query_scalar::<_, String>(&sql).fetch_one(&app.db).await.unwrap()
        }
    };
    let private = write(&app, &desk, patient.id, "For you only.", false).await;
    assert_eq!(pushed_to(private.id).await, "patient");
    let shared = write(&app, &desk, patient.id, "For you and Carmen.", true).await;
    assert_eq!(pushed_to(shared.id).await, "patient,caregiver");
    app.sync_ok(&patient.token, &[sharing(true, 1)]).await;
    let once_allowed = write(&app, &desk, patient.id, "Written after you allowed it.", false).await;
    assert_eq!(pushed_to(once_allowed.id).await, "patient,caregiver");
    app.sync_ok(&patient.token, &[sharing(false, 0)]).await;
    let withdrawn = write(&app, &desk, patient.id, "Written after you withdrew it.", false).await;
    assert_eq!(pushed_to(withdrawn.id).await, "patient");
}
