//! The sync protocol's guarantees: resending is harmless, a batch is stored all-or-nothing, and a stored
//! event can never be replaced, by its own patient or anyone else.

mod common;

use carepath_domain::regimen::DoseSlot;
use common::Frequency;
use carepath_domain::sync::{EventBody, PatientEvent};
use chrono::{Duration, Utc};
use common::*;
use serde_json::{json, Value};
use uuid::Uuid;

async fn stored_payload(app: &TestApp, id: Uuid) -> PatientEvent {
    let payload: String = sqlx::query_scalar("SELECT payload FROM events WHERE id = ?")
        .bind(id.to_string())
        .fetch_one(&app.db)
        .await
        .expect("stored event");
    serde_json::from_str(&payload).expect("payload is a PatientEvent")
}

async fn stored_patient(app: &TestApp, id: Uuid) -> String {
    sqlx::query_scalar("SELECT patient_id FROM events WHERE id = ?").bind(id.to_string()).fetch_one(&app.db).await.unwrap()
}

// ---- idempotency ------------------------------------------------------------------------------------------

#[tokio::test]
async fn resending_a_batch_acknowledges_everything_and_stores_nothing_new() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let patient = app.new_patient(&client, "Ana", Frequency::TwiceDaily).await;
    let batch = vec![
        dose_taken(patient.line_id, DoseSlot::Morning),
        check_in(Symptom::Nausea, 2, Some("after breakfast")),
        dose_taken(patient.line_id, DoseSlot::Evening),
    ];
    let ids: Vec<Uuid> = batch.iter().map(|e| e.id).collect();

    let first = app.sync_ok(&patient.token, &batch).await;
    assert_eq!((first.acknowledged.clone(), first.newly_stored), (ids.clone(), 3));
    assert_eq!(app.count("events").await, 3);

    let second = app.sync_ok(&patient.token, &batch).await;
    assert_eq!(second.acknowledged, ids);
    assert_eq!(second.newly_stored, 0);
    assert_eq!(app.count("events").await, 3);

    // A partly new batch (an interrupted sync that resumes with more) stores only the new one.
    let extra = check_in(Symptom::Fatigue, 1, None);
    let mut resumed = batch.clone();
    resumed.push(extra.clone());
    let third = app.sync_ok(&patient.token, &resumed).await;
    assert_eq!(third.newly_stored, 1);
    assert_eq!(third.acknowledged.len(), 4);
    assert_eq!(app.count("events").await, 4);
    assert_eq!(stored_payload(&app, extra.id).await, extra);
}

#[tokio::test]
async fn the_same_event_twice_in_one_batch_is_stored_once() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let patient = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    let event = check_in(Symptom::Pain, 2, None);

    let ack = app.sync_ok(&patient.token, &[event.clone(), event.clone()]).await;
    assert_eq!(ack.newly_stored, 1);
    assert!(ack.acknowledged.iter().all(|id| *id == event.id) && !ack.acknowledged.is_empty());
    assert_eq!(app.count("events").await, 1);
}

#[tokio::test]
async fn a_resend_from_another_device_of_the_same_patient_is_acknowledged_not_duplicated() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let patient = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    let (code, _) = carepath_server::patients::new_code(&app.store, &app.server_key(), patient.id, Duration::hours(1)).await.unwrap();
    let (second_device, _) = app.enroll_device(&code.to_string()).await;
    let event = dose_taken(patient.line_id, DoseSlot::Daily);

    app.sync_ok(&patient.token, &[event.clone()]).await;
    let ack = app.sync_ok(&second_device, &[event.clone()]).await;
    assert_eq!((ack.acknowledged, ack.newly_stored), (vec![event.id], 0));
    assert_eq!(app.count("events").await, 1);
}

#[tokio::test]
async fn an_empty_batch_is_acknowledged_and_stores_nothing() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let patient = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    let ack = app.sync_ok(&patient.token, &[]).await;
    assert!(ack.acknowledged.is_empty());
    assert_eq!(ack.newly_stored, 0);
    assert!((ack.server_time - Utc::now()).num_seconds().abs() < 60);
    assert_eq!(app.count("events").await, 0);
}

// ---- all or nothing ---------------------------------------------------------------------------------------

/// Sends two valid events and an invalid third; expects the given error and nothing stored; then shows the
/// two valid events were not half-stored by sending them alone.
async fn assert_batch_refused_whole(app: &TestApp, patient: &Patient, invalid: Value, status: u16, code: &str) {
    let valid = [dose_taken(patient.line_id, DoseSlot::Daily), check_in(Symptom::Rash, 1, None)];
    let before = app.count("events").await;
    let batch = json!({ "events": [event_json(&valid[0]), event_json(&valid[1]), invalid] });

    let (error, body) = assert_error(app.sync_json(&patient.token, &batch).await, status, code).await;
    assert_eq!(app.count("events").await, before, "{code}: {}", error.message);
    for event in &valid {
        let stored = app.scalar(&format!("SELECT COUNT(*) FROM events WHERE id = '{}'", event.id)).await;
        assert_eq!(stored, 0, "{body}");
    }
    let ack = app.sync_ok(&patient.token, &valid).await;
    assert_eq!(ack.newly_stored, 2, "the valid events had been stored by the refused batch");
}

#[tokio::test]
async fn a_batch_with_an_out_of_range_answer_stores_nothing() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let patient = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    let mut invalid = event_json(&check_in(Symptom::Diarrhea, 4, None));
    invalid["body"]["answers"]["diarrhea"]["responses"]["frequency"] = json!(9);
    assert_batch_refused_whole(&app, &patient, invalid, 422, "invalid_event").await;
}

#[tokio::test]
async fn a_batch_with_an_unknown_regimen_line_stores_nothing() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let patient = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    let invalid = event_json(&dose_taken(Uuid::new_v4(), DoseSlot::Daily));
    assert_batch_refused_whole(&app, &patient, invalid, 422, "invalid_event").await;
}

#[tokio::test]
async fn a_batch_with_a_dose_slot_not_in_the_regimen_stores_nothing() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let once_daily = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    for slot in [DoseSlot::Evening, DoseSlot::Morning] {
        let invalid = event_json(&dose_taken(once_daily.line_id, slot));
        assert_batch_refused_whole(&app, &once_daily, invalid, 422, "invalid_event").await;
    }
    // And the other way round: a twice-daily regimen has no "daily" dose.
    let twice_daily = app.new_patient(&client, "Ben", Frequency::TwiceDaily).await;
    let invalid = dose_taken(twice_daily.line_id, DoseSlot::Daily);
    assert_error(app.sync(&twice_daily.token, &[invalid]).await, 422, "invalid_event").await;
}

#[tokio::test]
async fn a_batch_with_a_note_over_2000_characters_stores_nothing() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let patient = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    // 2001 characters, multi-byte: the limit counts characters, not bytes.
    let invalid = event_json(&check_in(Symptom::Other, 2, Some(&"é".repeat(2001))));
    assert_batch_refused_whole(&app, &patient, invalid, 422, "invalid_event").await;
    // Exactly 2000 is accepted.
    let ok = app.sync_ok(&patient.token, &[check_in(Symptom::Other, 2, Some(&"é".repeat(2000)))]).await;
    assert_eq!(ok.newly_stored, 1);
}

#[tokio::test]
async fn a_batch_with_an_event_recorded_days_in_the_future_stores_nothing() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let patient = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    let invalid = event_json(&recorded_at(check_in(Symptom::Pain, 1, None), Utc::now() + Duration::days(3)));
    assert_batch_refused_whole(&app, &patient, invalid, 422, "invalid_event").await;
}

#[tokio::test]
async fn a_batch_with_a_dose_whose_day_does_not_match_when_it_was_taken_stores_nothing() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let patient = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    let mut invalid = event_json(&dose_taken(patient.line_id, DoseSlot::Daily));
    invalid["body"]["date"] = json!((Utc::now() - Duration::days(10)).date_naive());
    assert_batch_refused_whole(&app, &patient, invalid, 422, "invalid_event").await;
}

#[tokio::test]
async fn a_refused_batch_writes_no_sync_audit_row() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let patient = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    let invalid = dose_taken(Uuid::new_v4(), DoseSlot::Daily);
    assert_error(app.sync(&patient.token, &[check_in(Symptom::Pain, 1, None), invalid]).await, 422, "invalid_event").await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'sync' AND outcome = 'success'").await, 0);
}

// ---- stored events cannot be replaced ---------------------------------------------------------------------

#[tokio::test]
async fn the_same_id_with_different_content_is_refused_and_the_original_kept() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let patient = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    let original = check_in(Symptom::Diarrhea, 2, Some("twice today"));
    app.sync_ok(&patient.token, &[original.clone()]).await;

    let mut altered = original.clone();
    altered.body = EventBody::CheckIn(answers(Symptom::Diarrhea, 4, Some("twice today")));
    let fresh = check_in(Symptom::Pain, 1, None);
    let response = app.sync(&patient.token, &[fresh.clone(), altered]).await;
    assert_error(response, 422, "invalid_event").await;

    assert_eq!(app.count("events").await, 1);
    assert_eq!(stored_payload(&app, original.id).await, original);
    // The fresh event in the refused batch was rolled back with it.
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM events WHERE id = '{}'", fresh.id)).await, 0);

    // Changing only recorded_at counts as different content too.
    let moved = minutes_ago(original.clone(), 60);
    assert_error(app.sync(&patient.token, &[moved]).await, 422, "invalid_event").await;
    assert_eq!(stored_payload(&app, original.id).await, original);
}

#[tokio::test]
async fn another_patient_cannot_reuse_or_overwrite_an_event_id_and_learns_nothing_about_its_owner() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let ana = app.new_patient(&client, "Ana Secretname", Frequency::OnceDaily).await;
    let ben = app.new_patient(&client, "Ben", Frequency::OnceDaily).await;
    let anas_event = check_in(Symptom::MouthSores, 3, Some("private note"));
    app.sync_ok(&ana.token, &[anas_event.clone()]).await;

    // Ben's device sends the very same event (same id, same content), then a different one with that id.
    let mut bens_version = dose_taken(ben.line_id, DoseSlot::Daily);
    bens_version.id = anas_event.id;
    for attempt in [anas_event.clone(), bens_version] {
        let (_, body) = assert_error(app.sync(&ben.token, &[attempt]).await, 422, "invalid_event").await;
        assert!(!body.contains(&ana.id.to_string()), "{body}");
        assert!(!body.contains("Secretname"), "{body}");
        assert!(!body.contains("private note"), "{body}");
    }

    assert_eq!(app.count("events").await, 1);
    assert_eq!(stored_patient(&app, anas_event.id).await, ana.id.to_string());
    assert_eq!(stored_payload(&app, anas_event.id).await, anas_event);
}

// ---- concurrency ------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_devices_syncing_at_once_all_succeed_and_a_batch_raced_against_itself_is_stored_once() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let mut patients = Vec::new();
    for n in 0..8 {
        patients.push(app.new_patient(&client, &format!("Patient {n}"), Frequency::TwiceDaily).await);
    }

    let mut handles = Vec::new();
    for patient in &patients {
        let batch = vec![dose_taken(patient.line_id, DoseSlot::Morning), check_in(Symptom::Fatigue, 1, None)];
        // Each batch is sent three times at once, as a flaky network might.
        for _ in 0..3 {
            let (http, url, token) = (app.client.clone(), app.url("/api/device/sync"), patient.token.clone());
            let body = json!({ "events": batch });
            handles.push(tokio::spawn(async move {
                let response = http.post(url).bearer_auth(token).json(&body).send().await.unwrap();
                (response.status().as_u16(), response.text().await.unwrap())
            }));
        }
    }
    let mut newly_stored = 0;
    for handle in handles {
        let (status, body) = handle.await.unwrap();
        assert_eq!(status, 200, "{body}");
        newly_stored += serde_json::from_str::<Value>(&body).unwrap()["newly_stored"].as_u64().unwrap();
    }
    assert_eq!(newly_stored, 16);
    assert_eq!(app.count("events").await, 16);
}
