//! The worklists with real synced events and regimens: each list's entry and exit, done-with-a-note (the item
//! leaves, the record stays), the stopped-logging alert raised once per episode, interventions stored with an alert
//! or an item and shown on the timeline, bad input refused with nothing stored, and every site seeing only its own.
//! Days that have not come yet are reached by running the status refresh with a later `now` (the background task's
//! own entry point), never by changing the server's clock.

mod common;

use carepath_domain::adherence::DoseOutcome;
use carepath_domain::regimen::DoseSlot;
use carepath_domain::sync::{EventBody, PatientEvent, PatientTimeline};
use carepath_domain::worklist::{Worklist, WorklistCounts, WorklistPage};
use carepath_server::worklist;
use chrono::{Duration, NaiveDate, Utc};
use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

async fn list(app: &TestApp, client: &reqwest::Client, list: Worklist) -> WorklistPage {
    let response = client.get(app.url(&format!("/api/pharmacy/worklists/{}", list.as_str()))).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn listed(app: &TestApp, client: &reqwest::Client, which: Worklist, patient: Uuid) -> Vec<String> {
    list(app, client, which).await.items.into_iter().filter(|i| i.patient_id == patient).map(|i| i.key).collect()
}

fn days_ago(days: i64) -> NaiveDate {
    Utc::now().date_naive() - Duration::days(days)
}

/// Adds a once-daily line that started `days` days ago; returns its id.
async fn add_line(app: &TestApp, client: &reqwest::Client, patient: Uuid, drug: &str, days: i64) -> Uuid {
    let mut regimen = regimen_json(drug, Frequency::OnceDaily);
    regimen["start"] = json!(days_ago(days).to_string());
    let response = client.post(app.url(&format!("/api/pharmacy/patients/{patient}/regimens"))).json(&regimen).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED, "{}", response.text().await.unwrap());
    let line: Value = response.json().await.unwrap();
    line["id"].as_str().unwrap().parse().unwrap()
}

/// A dose of `date` recorded as taken that morning, logged now.
fn dose(line: Uuid, date: NaiveDate, slot: DoseSlot) -> PatientEvent {
    let taken_at = date.and_hms_opt(8, 0, 0).unwrap().and_utc();
    PatientEvent {
        id: Uuid::new_v4(),
        recorded_at: Utc::now(),
        body: EventBody::DoseLogged { regimen_line_id: line, date, slot, outcome: DoseOutcome::Taken, taken_at: Some(taken_at), supersedes: None },
    }
}

/// A check-in that raises nothing (no symptom, no note).
fn quiet_check_in() -> PatientEvent {
    check_in(Symptom::Nausea, 0, None)
}

async fn done(app: &TestApp, client: &reqwest::Client, which: Worklist, body: Value) -> reqwest::Response {
    client.post(app.url(&format!("/api/pharmacy/worklists/{}/done", which.as_str()))).json(&body).send().await.unwrap()
}

async fn timeline(app: &TestApp, client: &reqwest::Client, patient: Uuid) -> PatientTimeline {
    client.get(app.url(&format!("/api/pharmacy/patients/{patient}/timeline"))).send().await.unwrap().json().await.unwrap()
}

async fn stopped_logging_alerts(app: &TestApp, patient: Uuid) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) FROM alerts WHERE patient_id = '{patient}' AND reasons LIKE '%stopped_logging%' AND tier = 'routine'"
    ))
    .await
}

#[tokio::test]
async fn a_new_start_is_due_for_its_call_from_day_7_and_done_with_a_call_leaves_the_list_and_is_kept() {
    let app = spawn_app().await;
    let ana = app.pharmacist_at_new_site("North", "ana").await;
    let client = app.login_as(&ana).await;
    let rosa = app.new_patient(&client, "Rosa Díaz", Frequency::OnceDaily).await;
    // The enrollment line started 60 days ago: no new-start call.
    assert!(listed(&app, &client, Worklist::FollowUp, rosa.id).await.is_empty());
    let eight = add_line(&app, &client, rosa.id, "Temozolomide", 8).await;
    let three = add_line(&app, &client, rosa.id, "Abiraterone", 3).await;
    let page = list(&app, &client, Worklist::FollowUp).await;
    let item = page.items.iter().find(|i| i.patient_id == rosa.id).expect("listed");
    assert_eq!((item.key.clone(), item.regimen_line_id, item.drug_name.as_deref()), (eight.to_string(), Some(eight), Some("Temozolomide")));
    assert_eq!(item.due_on, days_ago(1));
    assert_eq!(item.patient_name, "Rosa Díaz");
    assert_eq!(listed(&app, &client, Worklist::FollowUp, rosa.id).await, vec![eight.to_string()], "day 3 is not due yet");
    // Four days on, the line started three days ago is due too (the background refresh, a week later).
    let mut tx = carepath_server::store::begin_write(&app.store).await.unwrap();
    worklist::refresh(&mut tx, &rosa.id.to_string(), Utc::now() + Duration::days(4)).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(listed(&app, &client, Worklist::FollowUp, rosa.id).await.len(), 2);
    let mut tx = carepath_server::store::begin_write(&app.store).await.unwrap();
    worklist::refresh(&mut tx, &rosa.id.to_string(), Utc::now()).await.unwrap();
    tx.commit().await.unwrap();

    // Another site sees nothing and cannot mark it done.
    let bo = app.pharmacist_at_new_site("South", "bo").await;
    let other = app.login_as(&bo).await;
    assert!(list(&app, &other, Worklist::FollowUp).await.items.is_empty());
    let counts: WorklistCounts = other.get(app.url("/api/pharmacy/worklists")).send().await.unwrap().json().await.unwrap();
    assert_eq!(counts.of(Worklist::FollowUp), 0);
    let body = json!({ "patient_id": rosa.id, "key": eight.to_string(), "note": "called",
                       "intervention": { "kind": "called_patient", "outcome": "resolved", "note": "Day 8 call" } });
    assert_error(done(&app, &other, Worklist::FollowUp, body.clone()).await, 404, "not_found").await;
    assert_eq!(app.count("worklist_done").await, 0);

    let counts: WorklistCounts = client.get(app.url("/api/pharmacy/worklists")).send().await.unwrap().json().await.unwrap();
    assert_eq!(counts.of(Worklist::FollowUp), 1);
    let response = done(&app, &client, Worklist::FollowUp, body.clone()).await;
    assert_eq!(response.status(), StatusCode::CREATED, "{}", response.text().await.unwrap());
    assert!(listed(&app, &client, Worklist::FollowUp, rosa.id).await.is_empty());
    // Kept: who, when, the note, and the intervention with it.
    let (note, by, list_name): (String, String, String) =
        sqlx::query_as("SELECT note, pharmacist_id, list FROM worklist_done").fetch_one(&app.db).await.unwrap();
    assert_eq!((note.as_str(), by.as_str(), list_name.as_str()), ("called", ana.id.as_str(), "follow_up"));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM worklist_done WHERE intervention_id IS NOT NULL").await, 1);
    assert!(app.execute("DELETE FROM worklist_done").await.is_err(), "append-only");
    assert!(app.execute("UPDATE interventions SET note = 'x'").await.is_err(), "append-only");
    // A new sync refreshes the status: done stays done.
    app.sync_ok(&rosa.token, &[quiet_check_in()]).await;
    assert!(listed(&app, &client, Worklist::FollowUp, rosa.id).await.is_empty());
    // Done twice: the item is no longer there.
    assert_error(done(&app, &client, Worklist::FollowUp, body).await, 404, "not_found").await;

    let shown = timeline(&app, &client, rosa.id).await;
    assert_eq!(shown.interventions.len(), 1);
    let shown = &shown.interventions[0];
    assert_eq!(shown.note, "Day 8 call");
    assert_eq!(shown.worklist, Some(Worklist::FollowUp));
    assert_eq!(shown.by, "Pharmacist ana");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'worklist.done'").await, 1);
    let _ = three;
}

async fn refresh_at(app: &TestApp, patient: Uuid, days: i64) {
    let mut tx = carepath_server::store::begin_write(&app.store).await.unwrap();
    worklist::refresh(&mut tx, &patient.to_string(), Utc::now() + Duration::days(days)).await.unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn a_patient_who_stops_logging_is_listed_and_alerted_once_until_a_dose_is_logged() {
    let app = spawn_app().await;
    let ana = app.pharmacist_at_new_site("North", "ana").await;
    let client = app.login_as(&ana).await;
    let rosa = app.new_patient(&client, "Rosa", Frequency::TwiceDaily).await;
    // Enrolled today on a regimen of 60 days: the doses before enrollment could not be logged in the app.
    app.sync_ok(&rosa.token, &[quiet_check_in()]).await;
    assert!(listed(&app, &client, Worklist::StoppedLogging, rosa.id).await.is_empty());
    assert_eq!(stopped_logging_alerts(&app, rosa.id).await, 0);
    // Three days on with nothing logged: 6 doses (today, tomorrow, the day after).
    refresh_at(&app, rosa.id, 3).await;
    let page = list(&app, &client, Worklist::StoppedLogging).await;
    let item = page.items.iter().find(|i| i.patient_id == rosa.id).expect("listed");
    assert_eq!((item.unrecorded_doses, item.key.as_str()), (6, "none"));
    assert_eq!(stopped_logging_alerts(&app, rosa.id).await, 1);
    let reasons: String =
        sqlx::query_scalar("SELECT reasons FROM alerts WHERE reasons LIKE '%stopped_logging%'").fetch_one(&app.db).await.unwrap();
    assert_eq!(serde_json::from_str::<Value>(&reasons).unwrap(), json!([{ "reason": "stopped_logging", "count": 6 }]));
    // The next days' refreshes and more syncs: still one alert (once per episode, not daily).
    app.sync_ok(&rosa.token, &[quiet_check_in()]).await;
    refresh_at(&app, rosa.id, 4).await;
    refresh_at(&app, rosa.id, 5).await;
    assert_eq!(listed(&app, &client, Worklist::StoppedLogging, rosa.id).await, vec!["none".to_string()]);
    assert_eq!(stopped_logging_alerts(&app, rosa.id).await, 1);

    // A dose logged for today ends the episode: off the list.
    let today = Utc::now().date_naive();
    app.sync_ok(&rosa.token, &[dose(rosa.line_id, today, DoseSlot::Morning)]).await;
    assert!(listed(&app, &client, Worklist::StoppedLogging, rosa.id).await.is_empty());
    refresh_at(&app, rosa.id, 2).await;
    assert!(listed(&app, &client, Worklist::StoppedLogging, rosa.id).await.is_empty(), "2 doses unrecorded: under 4");
    // Three days on without records (4 doses): a new episode, a new alert.
    refresh_at(&app, rosa.id, 3).await;
    assert_eq!(listed(&app, &client, Worklist::StoppedLogging, rosa.id).await, vec![today.to_string()]);
    assert_eq!(stopped_logging_alerts(&app, rosa.id).await, 2);
}

#[tokio::test]
async fn the_site_sets_how_many_unrecorded_doses_flag_a_patient() {
    let app = spawn_app().await;
    let ana = app.pharmacist_at_new_site("North", "ana").await;
    let client = app.login_as(&ana).await;
    let rosa = app.new_patient(&client, "Rosa", Frequency::OnceDaily).await;
    // Logged today, then nothing: 4 days on, 4 doses unrecorded, listed at the default 4.
    app.sync_ok(&rosa.token, &[dose(rosa.line_id, Utc::now().date_naive(), DoseSlot::Daily)]).await;
    refresh_at(&app, rosa.id, 5).await;
    assert_eq!(listed(&app, &client, Worklist::StoppedLogging, rosa.id).await.len(), 1);
    assert!(worklist::update_site_setting(&app.store, "North", 1).await.is_err(), "below the bound");
    assert!(worklist::update_site_setting(&app.store, "North", 29).await.is_err(), "above the bound");
    assert!(worklist::update_site_setting(&app.store, "Nowhere", 5).await.is_err());
    worklist::update_site_setting(&app.store, "North", 5).await.unwrap();
    // The background refresh picks the site's patients up.
    assert!(worklist::refresh_due(&app.store, Utc::now() + Duration::days(5), 200).await.unwrap() >= 1);
    assert!(listed(&app, &client, Worklist::StoppedLogging, rosa.id).await.is_empty());
}

#[tokio::test]
async fn a_check_in_is_overdue_once_the_cadence_passes_and_a_check_in_clears_it() {
    let app = spawn_app().await;
    let ana = app.pharmacist_at_new_site("North", "ana").await;
    let client = app.login_as(&ana).await;
    let rosa = app.new_patient(&client, "Rosa", Frequency::OnceDaily).await;
    let refresh_at = |days: i64| {
        let db = app.store.clone();
        let id = rosa.id.to_string();
        async move {
            let mut tx = carepath_server::store::begin_write(&db).await.unwrap();
            worklist::refresh(&mut tx, &id, Utc::now() + Duration::days(days)).await.unwrap();
            tx.commit().await.unwrap();
        }
    };
    // Enrolled today, weekly: due in 7 days, overdue on day 8.
    refresh_at(7).await;
    assert!(listed(&app, &client, Worklist::CheckInOverdue, rosa.id).await.is_empty());
    refresh_at(8).await;
    let page = list(&app, &client, Worklist::CheckInOverdue).await;
    let item = page.items.iter().find(|i| i.patient_id == rosa.id).expect("overdue");
    assert_eq!(item.due_on, Utc::now().date_naive() + Duration::days(7));
    // Every 14 days instead: not overdue on day 8.
    let response = client
        .put(app.url(&format!("/api/pharmacy/patients/{}/check-in-cadence", rosa.id)))
        .json(&json!({ "check_in_every_days": 14 }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    refresh_at(8).await;
    assert!(listed(&app, &client, Worklist::CheckInOverdue, rosa.id).await.is_empty());
    refresh_at(15).await;
    assert_eq!(listed(&app, &client, Worklist::CheckInOverdue, rosa.id).await.len(), 1);
    // A check-in today: not overdue 15 days on... until its own 14 days pass.
    app.sync_ok(&rosa.token, &[quiet_check_in()]).await;
    refresh_at(14).await;
    assert!(listed(&app, &client, Worklist::CheckInOverdue, rosa.id).await.is_empty());
}

#[tokio::test]
async fn refills_due_or_requested_are_listed_until_a_dispense_and_low_pdc_is_listed() {
    let app = spawn_app().await;
    let ana = app.pharmacist_at_new_site("North", "ana").await;
    let client = app.login_as(&ana).await;
    let rosa = app.new_patient(&client, "Rosa", Frequency::OnceDaily).await;
    let dispense = |date: NaiveDate, tablets: u32, days_supply: u32| {
        let client = client.clone();
        let url = app.url(&format!("/api/pharmacy/patients/{}/dispenses", rosa.id));
        let line = rosa.line_id;
        async move {
            let response = client
                .post(url)
                .json(&json!({ "regimen_line_id": line, "date": date, "tablets": tablets, "days_supply": days_supply }))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::CREATED, "{}", response.text().await.unwrap());
        }
    };
    assert!(listed(&app, &client, Worklist::Refill, rosa.id).await.is_empty());
    // A request from the phone.
    let request = PatientEvent {
        id: Uuid::new_v4(),
        recorded_at: Utc::now() - Duration::minutes(5),
        body: EventBody::RefillRequested { regimen_line_id: rosa.line_id },
    };
    app.sync_ok(&rosa.token, &[request.clone()]).await;
    assert_eq!(listed(&app, &client, Worklist::Refill, rosa.id).await, vec![format!("request:{}", request.id)]);
    // Dispensed today: a week's supply (3 tablets a dose) runs out in 7 days, within the 7-day reminder: due.
    dispense(Utc::now().date_naive(), 21, 7).await;
    let keys = listed(&app, &client, Worklist::Refill, rosa.id).await;
    assert_eq!(keys.len(), 1);
    assert!(keys[0].starts_with(&format!("due:{}:", rosa.line_id)), "{keys:?}");
    // Three months' supply: no refill due.
    dispense(Utc::now().date_naive(), 270, 90).await;
    assert!(listed(&app, &client, Worklist::Refill, rosa.id).await.is_empty());

    // PDC: 10 days covered of the 20 since the first dispense 20 days ago.
    let maria = app.new_patient(&client, "María", Frequency::OnceDaily).await;
    let response = client
        .post(app.url(&format!("/api/pharmacy/patients/{}/dispenses", maria.id)))
        .json(&json!({ "regimen_line_id": maria.line_id, "date": days_ago(20), "tablets": 30, "days_supply": 10 }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let page = list(&app, &client, Worklist::LowPdc).await;
    let item = page.items.iter().find(|i| i.patient_id == maria.id).expect("low PDC");
    assert_eq!(item.pdc_30_per_mille, Some(500));
    assert!(page.items.iter().all(|i| i.patient_id != rosa.id), "Rosa's first dispense is today: no PDC yet");
    // Done for this month.
    let key = item.key.clone();
    let response = done(&app, &client, Worklist::LowPdc, json!({ "patient_id": maria.id, "key": key, "note": "" })).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert!(listed(&app, &client, Worklist::LowPdc, maria.id).await.is_empty());
}

#[tokio::test]
async fn interventions_are_stored_with_an_alert_and_bad_ones_store_nothing() {
    let app = spawn_app().await;
    let ana = app.pharmacist_at_new_site("North", "ana").await;
    let client = app.login_as(&ana).await;
    let rosa = app.new_patient(&client, "Rosa", Frequency::OnceDaily).await;
    let lea = app.new_patient(&client, "Lea", Frequency::OnceDaily).await;
    app.sync_ok(&rosa.token, &[check_in(Symptom::Nausea, 0, Some("I feel dizzy"))]).await;
    let alert_id: String = sqlx::query_scalar("SELECT id FROM alerts WHERE reasons LIKE '%note%'").fetch_one(&app.db).await.unwrap();
    let post = |patient: Uuid, body: Value| {
        let client = client.clone();
        let url = app.url(&format!("/api/pharmacy/patients/{patient}/interventions"));
        async move { client.post(url).json(&body).send().await.unwrap() }
    };
    for bad in [
        json!({ "kind": "phoned", "outcome": "resolved" }),
        json!({ "kind": "called_patient", "outcome": "fine" }),
        json!({ "kind": "called_patient", "outcome": "resolved", "note": "x".repeat(2001) }),
        json!({ "kind": "called_patient", "outcome": "resolved", "note": "a\u{202e}b" }),
        json!({ "kind": "called_patient", "outcome": "resolved", "acknowledge": true }),
    ] {
        assert_error(post(rosa.id, bad).await, 422, "invalid").await;
    }
    // Rosa's alert named on Lea's record: not found.
    assert_error(post(lea.id, json!({ "kind": "other", "outcome": "resolved", "alert_id": alert_id })).await, 404, "not_found").await;
    assert_eq!(app.count("interventions").await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM alerts WHERE acknowledged_at IS NOT NULL").await, 0);

    let response = post(
        rosa.id,
        json!({ "kind": "advised_dose_hold", "outcome": "follow_up_needed", "note": "Hold until Monday", "alert_id": alert_id,
                "acknowledge": true }),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM alerts WHERE acknowledged_at IS NOT NULL").await, 1);
    // On the patient alone.
    let response = post(rosa.id, json!({ "kind": "educated_patient", "outcome": "resolved" })).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let shown = timeline(&app, &client, rosa.id).await;
    assert_eq!(shown.interventions.len(), 2);
    assert_eq!(shown.interventions[1].alert_id.map(|a| a.to_string()), Some(alert_id));
    assert_eq!(shown.interventions[1].note, "Hold until Monday");
    assert!(timeline(&app, &client, lea.id).await.interventions.is_empty());
    // Another site: the patient is not found.
    let bo = app.pharmacist_at_new_site("South", "bo").await;
    let other = app.login_as(&bo).await;
    let response = other
        .post(app.url(&format!("/api/pharmacy/patients/{}/interventions", rosa.id)))
        .json(&json!({ "kind": "other", "outcome": "resolved" }))
        .send()
        .await
        .unwrap();
    assert_error(response, 404, "not_found").await;
    assert_eq!(app.count("interventions").await, 2);
}

#[tokio::test]
async fn lists_are_paged_and_unknown_lists_and_cursors_are_refused() {
    let app = spawn_app().await;
    let ana = app.pharmacist_at_new_site("North", "ana").await;
    let client = app.login_as(&ana).await;
    let mut ids = Vec::new();
    for name in ["A", "B", "C"] {
        let patient = app.new_patient(&client, name, Frequency::OnceDaily).await;
        add_line(&app, &client, patient.id, "Temozolomide", 9).await;
        ids.push(patient.id);
    }
    let first: WorklistPage =
        client.get(app.url("/api/pharmacy/worklists/follow_up?limit=2")).send().await.unwrap().json().await.unwrap();
    assert_eq!(first.items.len(), 2);
    let cursor = first.next_cursor.clone().expect("a next page");
    let second: WorklistPage = client
        .get(app.url(&format!("/api/pharmacy/worklists/follow_up?limit=2&cursor={cursor}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(second.items.len(), 1);
    assert!(second.next_cursor.is_none());
    let mut seen: Vec<Uuid> = first.items.iter().chain(&second.items).map(|i| i.patient_id).collect();
    seen.sort();
    ids.sort();
    assert_eq!(seen, ids);
    assert_error(client.get(app.url("/api/pharmacy/worklists/everything")).send().await.unwrap(), 404, "not_found").await;
    let response = client.get(app.url(&format!("/api/pharmacy/worklists/refill?cursor={cursor}"))).send().await.unwrap();
    assert_error(response, 422, "invalid").await;
    assert_error(app.client.get(app.url("/api/pharmacy/worklists")).send().await.unwrap(), 401, "unauthorized").await;
}
