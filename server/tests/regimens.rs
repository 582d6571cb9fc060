//! Regimens, the dosing diary, caregivers and refills, through the real server: a pharmacist's change reaches
//! the device at its next sync, diary records are append-only with corrections, caregivers log under their own
//! name, and missed doses, extra doses and refill requests reach the pharmacist's queue.

mod common;

use carepath_domain::adherence::{summarize, DoseOutcome, SkipReason};
use carepath_domain::regimen::DoseSlot;
use carepath_domain::schedule::DayPlan;
use carepath_domain::sync::{diary_records, DeviceProfile, EventBody, PatientDiary, PatientEvent};
use carepath_domain::triage::AlertReason;
use chrono::{Days, Duration, NaiveDate, Utc};
use common::Frequency;
use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

fn today() -> NaiveDate {
    Utc::now().date_naive() // test regimens are in UTC
}

fn logged(line: Uuid, date: NaiveDate, slot: DoseSlot, outcome: DoseOutcome) -> PatientEvent {
    let now = Utc::now();
    let taken_at = outcome.has_time().then(|| date.and_hms_opt(8, 5, 0).unwrap().and_utc().min(now));
    PatientEvent {
        id: Uuid::new_v4(),
        recorded_at: now,
        body: EventBody::DoseLogged { regimen_line_id: line, date, slot, outcome, taken_at, supersedes: None },
    }
}

fn correcting(mut event: PatientEvent, earlier: &PatientEvent) -> PatientEvent {
    if let EventBody::DoseLogged { supersedes, .. } = &mut event.body {
        *supersedes = Some(earlier.id);
    }
    event.recorded_at = earlier.recorded_at + Duration::seconds(1);
    event
}

async fn post(app: &TestApp, client: &reqwest::Client, path: &str, body: Value) -> reqwest::Response {
    client.post(app.url(path)).json(&body).send().await.unwrap()
}

async fn profile(app: &TestApp, token: &str) -> DeviceProfile {
    let r = app.profile_response(token).await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

async fn diary(app: &TestApp, client: &reqwest::Client, patient: Uuid) -> PatientDiary {
    let r = client.get(app.url(&format!("/api/pharmacy/patients/{patient}/diary"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

async fn open_reasons(app: &TestApp, client: &reqwest::Client) -> Vec<Vec<AlertReason>> {
    let queue: Value = client.get(app.url("/api/pharmacy/alerts")).send().await.unwrap().json().await.unwrap();
    queue["open"].as_array().unwrap().iter().map(|a| serde_json::from_value(a["reasons"].clone()).unwrap()).collect()
}

#[tokio::test]
async fn a_hold_placed_by_the_pharmacist_reaches_the_device_at_its_next_sync() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let ana = app.new_patient(&client, "Ana", Frequency::TwiceDaily).await;
    let line = &ana.profile.regimen[0];
    assert!(matches!(line.schedule().unwrap().day_plan(today()), DayPlan::Taking { .. }));

    let hold = json!({ "regimen_line_id": ana.line_id, "change": { "type": "hold", "from": today().to_string(), "until": null } });
    let r = post(&app, &client, &format!("/api/pharmacy/patients/{}/regimen-changes", ana.id), hold).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());

    let synced = profile(&app, &ana.token).await;
    let line = &synced.regimen[0];
    assert_eq!(line.changes.len(), 1);
    assert_eq!(line.changes[0].by, "Pharmacist alice");
    assert_eq!(line.schedule().unwrap().day_plan(today()), DayPlan::Held { since: today() });
    assert!(line.schedule().unwrap().expected_doses(today(), today()).is_empty(), "no dose is due while held");

    // Resume tomorrow; a second resume does not fit and stores nothing.
    let tomorrow = today() + Days::new(1);
    let resume = json!({ "regimen_line_id": ana.line_id, "change": { "type": "resume", "on": tomorrow.to_string() } });
    let path = format!("/api/pharmacy/patients/{}/regimen-changes", ana.id);
    assert_eq!(post(&app, &client, &path, resume.clone()).await.status(), StatusCode::OK);
    let (detail, _) = assert_error(post(&app, &client, &path, resume).await, 422, "invalid").await;
    assert!(detail.message.contains("not on hold"), "{}", detail.message);
    assert_eq!(app.count("regimen_changes").await, 2);
    let line = &profile(&app, &ana.token).await.regimen[0];
    assert!(matches!(line.schedule().unwrap().day_plan(tomorrow), DayPlan::Taking { .. }));

    // A dose change from tomorrow, and a change for a line that is not the patient's.
    let change = json!({ "regimen_line_id": ana.line_id, "change": { "type": "dose_changed", "on": tomorrow.to_string(),
        "doses": [{ "slot": "morning", "amount": { "mg": 1000, "half_tablets": 4 }, "time": "08:00:00", "food": "with_food" },
                  { "slot": "evening", "amount": { "mg": 1000, "half_tablets": 4 }, "time": "20:00:00", "food": "with_food" }] } });
    assert_eq!(post(&app, &client, &path, change).await.status(), StatusCode::OK);
    let line = &profile(&app, &ana.token).await.regimen[0];
    let DayPlan::Taking { doses } = line.schedule().unwrap().day_plan(tomorrow) else { panic!("taking tomorrow") };
    assert_eq!(doses[0].amount.mg, Some(1000));
    // A second medicine: a new line, on the device at its next sync; a regimen that makes no schedule is refused.
    let lines = format!("/api/pharmacy/patients/{}/regimens", ana.id);
    let r = post(&app, &client, &lines, regimen_json("Ondansetron", Frequency::OnceDaily)).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    let mut bad = regimen_json("Letrozole", Frequency::OnceDaily);
    bad["pattern"] = json!({ "type": "on_off", "days_on": 0, "days_off": 7 });
    assert_error(post(&app, &client, &lines, bad).await, 422, "invalid").await;
    let synced = profile(&app, &ana.token).await;
    assert_eq!(synced.regimen.iter().map(|l| l.drug_name()).collect::<Vec<_>>(), [DRUG, "Ondansetron"]);
    let south = app.login_as(&app.pharmacist_at_new_site("South", "sam").await).await;
    assert_error(post(&app, &south, &lines, regimen_json("X", Frequency::OnceDaily)).await, 404, "not_found").await;
    assert_eq!(app.count("regimens").await, 2);
    let stranger = json!({ "regimen_line_id": Uuid::new_v4(), "change": { "type": "stop", "on": today().to_string() } });
    assert_error(post(&app, &client, &path, stranger).await, 404, "not_found").await;
    assert_eq!(app.count("regimen_changes").await, 3);
}

#[tokio::test]
async fn diary_records_are_append_only_and_corrections_supersede() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let ana = app.new_patient(&client, "Ana", Frequency::TwiceDaily).await;
    let yesterday = today() - Days::new(1);
    let taken = logged(ana.line_id, yesterday, DoseSlot::Morning, DoseOutcome::Taken);
    let vomited = correcting(logged(ana.line_id, yesterday, DoseSlot::Morning, DoseOutcome::Vomited), &taken);
    let skipped = logged(ana.line_id, yesterday, DoseSlot::Evening, DoseOutcome::Skipped { reason: SkipReason::SideEffects });
    app.sync_ok(&ana.token, &[taken.clone(), vomited.clone(), skipped.clone()]).await;

    let seen = diary(&app, &client, ana.id).await;
    let items = &seen.lines[0].items;
    assert_eq!(items.len(), 3, "nothing is replaced");
    let first = items.iter().find(|i| i.event_id == taken.id).unwrap();
    assert!(first.superseded);
    let correction = items.iter().find(|i| i.event_id == vomited.id).unwrap();
    assert_eq!((correction.outcome, correction.supersedes, correction.superseded), (DoseOutcome::Vomited, Some(taken.id), false));
    assert!(items.iter().all(|i| i.logged_by.is_none()), "the patient logged these");

    // Adherence from the same records, with the domain's one function: vomited counts as taken, skipped does not.
    let records = diary_records(&[taken, vomited, skipped.clone()], ana.line_id);
    let summary = summarize(&seen.lines[0].line, &records, today()).unwrap();
    assert_eq!((summary.last_7_days.taken, summary.last_7_days.expected), (1, 14));

    // A correction of a record the server does not have is not stored; it is not refused for good either (the
    // record may still be on the phone): 409. A correction of another day's dose is refused whole.
    let mut ghost = logged(ana.line_id, yesterday, DoseSlot::Evening, DoseOutcome::Taken);
    if let EventBody::DoseLogged { supersedes, .. } = &mut ghost.body {
        *supersedes = Some(Uuid::new_v4());
    }
    assert_error(app.sync(&ana.token, &[ghost]).await, 409, "correction_target_missing").await;
    let other_day = correcting(logged(ana.line_id, today(), DoseSlot::Evening, DoseOutcome::Missed), &skipped);
    assert_error(app.sync(&ana.token, &[other_day]).await, 422, "invalid_event").await;
    // A time of day the regimen does not have, and an undo that names no record.
    let daily = logged(ana.line_id, yesterday, DoseSlot::Daily, DoseOutcome::Missed);
    assert_error(app.sync(&ana.token, &[daily]).await, 422, "invalid_event").await;
    let undo_of_nothing = logged(ana.line_id, yesterday, DoseSlot::Evening, DoseOutcome::EnteredInError);
    assert_error(app.sync(&ana.token, &[undo_of_nothing]).await, 422, "invalid_event").await;
    assert_eq!(app.count("events").await, 3);
    // Yesterday's evening dose, taken at a time the patient does not know (issue #14): kept without a time.
    let mut no_time = logged(ana.line_id, yesterday, DoseSlot::Evening, DoseOutcome::Taken);
    if let EventBody::DoseLogged { taken_at, .. } = &mut no_time.body {
        *taken_at = None;
    }
    app.sync_ok(&ana.token, &[no_time.clone()]).await;
    // And undone as logged by mistake: a correction, so nothing is deleted, and the dose is taken no more.
    let undo = correcting(logged(ana.line_id, yesterday, DoseSlot::Evening, DoseOutcome::EnteredInError), &no_time);
    app.sync_ok(&ana.token, &[undo.clone()]).await;
    assert_eq!(app.count("events").await, 5);
    let seen = diary(&app, &client, ana.id).await;
    let untimed = seen.lines[0].items.iter().find(|i| i.event_id == no_time.id).unwrap();
    assert_eq!((untimed.outcome, untimed.taken_at, untimed.superseded), (DoseOutcome::Taken, None, true), "no time made up");
    let withdrawn = seen.lines[0].items.iter().find(|i| i.event_id == undo.id).unwrap();
    assert_eq!((withdrawn.outcome, withdrawn.supersedes), (DoseOutcome::EnteredInError, Some(no_time.id)));
}

#[tokio::test]
async fn a_caregiver_enrolls_with_their_own_code_and_their_records_say_so_until_revoked() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let ana = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    let r = post(&app, &client, &format!("/api/pharmacy/patients/{}/caregivers", ana.id), json!({ "name": "  Maria (daughter) " })).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let added: Value = r.json().await.unwrap();
    let caregiver_id: Uuid = serde_json::from_value(added["caregiver"]["id"].clone()).unwrap();
    let (maria, maria_profile) = app.enroll_device(added["code"].as_str().unwrap()).await;
    assert_eq!(maria_profile.patient_id, ana.id);
    assert_eq!(maria_profile.caregiver.as_ref().map(|c| c.name.as_str()), Some("Maria (daughter)"));

    let dose = logged(ana.line_id, today(), DoseSlot::Daily, DoseOutcome::Taken);
    app.sync_ok(&maria, std::slice::from_ref(&dose)).await;
    let seen = diary(&app, &client, ana.id).await;
    assert_eq!(seen.lines[0].items[0].logged_by.as_deref(), Some("Maria (daughter)"));
    assert_eq!(seen.caregivers.len(), 1);
    assert_eq!(seen.caregivers[0].devices, 1);
    // The patient's own phone learns of the dose at its next sync, so it is not taken twice.
    let ana_sees = profile(&app, &ana.token).await;
    assert_eq!(ana_sees.diary.iter().map(|i| (i.event_id, i.logged_by.as_deref())).collect::<Vec<_>>(), [(dose.id, Some("Maria (daughter)"))]);

    // Revoked: her device is refused from the next request on; the patient's is not; her records stay.
    let r = post(&app, &client, &format!("/api/pharmacy/patients/{}/caregivers/{caregiver_id}/revoke", ana.id), json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_error(app.profile_response(&maria).await, 401, "device_revoked").await;
    assert_eq!(app.profile_response(&ana.token).await.status(), StatusCode::OK);
    assert_eq!(diary(&app, &client, ana.id).await.lines[0].items.len(), 1);
    let blank = post(&app, &client, &format!("/api/pharmacy/patients/{}/caregivers", ana.id), json!({ "name": " " })).await;
    assert_error(blank, 422, "invalid").await;
    assert_eq!(app.count("caregivers").await, 1);
}

#[tokio::test]
async fn missed_and_extra_doses_and_refill_requests_reach_the_queue_once() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let ana = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    let day = |n: u64| today() - Days::new(n);

    // One missed dose is not enough; a second within the week is; a third while that alert is open adds nothing.
    app.sync_ok(&ana.token, &[logged(ana.line_id, day(3), DoseSlot::Daily, DoseOutcome::Missed)]).await;
    assert!(open_reasons(&app, &client).await.is_empty());
    let forgot = DoseOutcome::Skipped { reason: SkipReason::Forgot };
    app.sync_ok(&ana.token, &[logged(ana.line_id, day(2), DoseSlot::Daily, forgot)]).await;
    assert_eq!(open_reasons(&app, &client).await, vec![vec![AlertReason::MissedDoses { count: 2, days: 7 }]]);
    app.sync_ok(&ana.token, &[logged(ana.line_id, day(1), DoseSlot::Daily, DoseOutcome::Missed)]).await;
    assert_eq!(open_reasons(&app, &client).await.len(), 1);
    // Skipped on the care team's advice is not a missed dose.
    let bob = app.new_patient(&client, "Bob", Frequency::OnceDaily).await;
    let advised = DoseOutcome::Skipped { reason: carepath_domain::adherence::SkipReason::CareTeamAdvice };
    app.sync_ok(&bob.token, &[logged(bob.line_id, day(2), DoseSlot::Daily, advised), logged(bob.line_id, day(1), DoseSlot::Daily, advised)]).await;
    assert_eq!(open_reasons(&app, &client).await.len(), 1);

    // An extra dose: flagged once, by date.
    let extra = logged(ana.line_id, today(), DoseSlot::Daily, DoseOutcome::ExtraDose);
    app.sync_ok(&ana.token, &[extra]).await;
    let reasons = open_reasons(&app, &client).await;
    assert!(reasons.iter().any(|r| r == &vec![AlertReason::ExtraDose { date: today() }]), "{reasons:?}");
    app.sync_ok(&ana.token, &[logged(ana.line_id, today(), DoseSlot::Daily, DoseOutcome::Taken)]).await;
    assert_eq!(open_reasons(&app, &client).await.len(), 2);

    // A refill request: one alert while it is open, whatever the patient taps.
    let refill = |line| PatientEvent { id: Uuid::new_v4(), recorded_at: Utc::now(), body: EventBody::RefillRequested { regimen_line_id: line } };
    app.sync_ok(&ana.token, &[refill(ana.line_id), refill(ana.line_id)]).await;
    let reasons = open_reasons(&app, &client).await;
    assert_eq!(reasons.iter().filter(|r| r.contains(&AlertReason::RefillRequested)).count(), 1, "{reasons:?}");
    assert_eq!(diary(&app, &client, ana.id).await.lines[0].refill_requests.len(), 2);
    assert_error(app.sync(&ana.token, &[refill(Uuid::new_v4())]).await, 422, "invalid_event").await;
}

#[tokio::test]
async fn a_dose_taken_before_a_same_day_hold_raises_no_extra_dose_alert_and_one_taken_after_it_does() {
    // Issue #14: today's morning dose taken, then the pharmacist holds the drug from today.
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let ana = app.new_patient(&client, "Ana", Frequency::TwiceDaily).await;
    app.sync_ok(&ana.token, &[logged(ana.line_id, today(), DoseSlot::Morning, DoseOutcome::Taken)]).await;
    let hold = json!({ "regimen_line_id": ana.line_id, "change": { "type": "hold", "from": today().to_string(), "until": null } });
    let r = post(&app, &client, &format!("/api/pharmacy/patients/{}/regimen-changes", ana.id), hold).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());

    // The phone's next diary record runs the diary's triage again: the morning dose was taken as planned.
    let advised = DoseOutcome::Skipped { reason: SkipReason::CareTeamAdvice };
    let evening = logged(ana.line_id, today(), DoseSlot::Evening, advised);
    app.sync_ok(&ana.token, std::slice::from_ref(&evening)).await;
    let reasons = open_reasons(&app, &client).await;
    assert!(!reasons.iter().flatten().any(|r| matches!(r, AlertReason::ExtraDose { .. })), "{reasons:?}");

    // The evening dose taken anyway, after the hold: beyond the plan, and the care team hears of it.
    let mut taken = correcting(logged(ana.line_id, today(), DoseSlot::Evening, DoseOutcome::Taken), &evening);
    if let EventBody::DoseLogged { taken_at, .. } = &mut taken.body {
        *taken_at = Some(taken.recorded_at.min(Utc::now()));
    }
    app.sync_ok(&ana.token, &[taken]).await;
    let reasons = open_reasons(&app, &client).await;
    assert!(reasons.iter().flatten().any(|r| r == &AlertReason::ExtraDose { date: today() }), "{reasons:?}");
}

#[tokio::test]
async fn dispenses_reach_the_device_and_make_a_run_out_date() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let ana = app.new_patient(&client, "Ana", Frequency::OnceDaily).await; // 3 tablets a day
    let path = format!("/api/pharmacy/patients/{}/dispenses", ana.id);
    let fill = json!({ "regimen_line_id": ana.line_id, "date": today().to_string(), "tablets": 30, "days_supply": 10 });
    assert_eq!(post(&app, &client, &path, fill).await.status(), StatusCode::CREATED);
    for bad in [json!({ "regimen_line_id": ana.line_id, "date": today().to_string(), "tablets": 0, "days_supply": 10 }),
                json!({ "regimen_line_id": ana.line_id, "date": (today() + Days::new(5)).to_string(), "tablets": 3, "days_supply": 1 })] {
        assert_error(post(&app, &client, &path, bad).await, 422, "invalid").await;
    }
    assert_eq!(app.count("dispenses").await, 1);
    let r = client.put(app.url(&format!("/api/pharmacy/patients/{}/refill-reminder", ana.id)))
        .json(&json!({ "regimen_line_id": ana.line_id, "days": 10 })).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    let line = &profile(&app, &ana.token).await.regimen[0];
    assert_eq!(line.dispenses.len(), 1);
    assert_eq!(line.refill_reminder_days, 10);
    let summary = summarize(line, &[], today()).unwrap();
    assert_eq!(summary.run_out, Some(today() + Days::new(10)), "30 tablets at 3 a day last 10 days");
    assert!(summary.refill_due, "within 10 days of running out");

    // Another site's pharmacist finds none of this.
    let south = app.login_as(&app.pharmacist_at_new_site("South", "sam").await).await;
    let r = south.get(app.url(&format!("/api/pharmacy/patients/{}/diary", ana.id))).send().await.unwrap();
    assert_error(r, 404, "not_found").await;
    let fill = json!({ "regimen_line_id": ana.line_id, "date": today().to_string(), "tablets": 30, "days_supply": 10 });
    assert_error(post(&app, &south, &path, fill).await, 404, "not_found").await;
    let r = post(&app, &south, &format!("/api/pharmacy/patients/{}/caregivers", ana.id), json!({ "name": "Eve" })).await;
    assert_error(r, 404, "not_found").await;
    assert_eq!(app.count("dispenses").await, 1);
}

/// A phone's profile carries the diary's last 60 days (`PROFILE_DIARY_DAYS`), read through the dose-day index
/// (issue #16: the server read every record of the patient to keep those 60 days). A correction is of its record's
/// day, so it comes with it or stays out with it.
#[tokio::test]
async fn the_profile_carries_the_last_60_days_of_diary_and_each_correction_with_its_record() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let mut regimen = regimen_json(DRUG, Frequency::OnceDaily);
    regimen["start"] = json!((today() - Days::new(100)).to_string());
    let enrolled: carepath_domain::sync::EnrollPatientResponse =
        post(&app, &client, "/api/pharmacy/patients", json!({ "display_name": "Ana", "regimen": regimen })).await.json().await.unwrap();
    let (token, first) = app.enroll_device(&enrolled.code).await;
    let line = first.regimen[0].id;

    let day = |days_ago: u64| today() - Days::new(days_ago);
    let old = logged(line, day(61), DoseSlot::Daily, DoseOutcome::Taken);
    let old_fixed = correcting(logged(line, day(61), DoseSlot::Daily, DoseOutcome::Skipped { reason: SkipReason::Forgot }), &old);
    let edge = logged(line, day(60), DoseSlot::Daily, DoseOutcome::Taken);
    let recent = logged(line, day(1), DoseSlot::Daily, DoseOutcome::Taken);
    let recent_fixed = correcting(logged(line, day(1), DoseSlot::Daily, DoseOutcome::Skipped { reason: SkipReason::Forgot }), &recent);
    app.sync_ok(&token, &[old, old_fixed, edge.clone(), recent.clone(), recent_fixed.clone()]).await;

    let diary = profile(&app, &token).await.diary;
    let mut ids: Vec<(Uuid, bool)> = diary.iter().map(|i| (i.event_id, i.superseded)).collect();
    ids.sort();
    let mut expected = vec![(edge.id, false), (recent.id, true), (recent_fixed.id, false)];
    expected.sort();
    assert_eq!(ids, expected, "days 60 and 1 with the correction marked; day 61 left out, record and correction");
    // The pharmacist's diary still has all of it.
    let all: PatientDiary =
        client.get(app.url(&format!("/api/pharmacy/patients/{}/diary", enrolled.patient_id))).send().await.unwrap().json().await.unwrap();
    assert_eq!(all.lines[0].items.len(), 5);
}
