//! Caregivers in their own words (issue #14 item 4): what a caregiver reports is marked with their name on the desk
//! (the alert it raised, the patient page's check-ins, the queue), and what the patient reports is not.

mod common;

use carepath_domain::sync::{AlertQueue, PatientTimeline};
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
