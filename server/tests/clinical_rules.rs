//! The drug-specific triage rules through the real server (content/checkin/rules.toml, library.toml yes/no
//! questions): what a capecitabine, temozolomide or venetoclax patient's report raises, what the device's form
//! carries to run the same rules offline, and what is refused.

mod common;

use carepath_domain::adherence::DoseOutcome;
use carepath_domain::checkin::CheckInAnswers;
use carepath_domain::regimen::DoseSlot;
use carepath_domain::sync::{AlertQueue, DeviceProfile, EventBody, PatientEvent};
use carepath_domain::triage::{Action, AlertReason, RedFlag, Tier};
use chrono::{Duration, NaiveDate, Utc};
use common::*;
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

async fn alerts(app: &TestApp, client: &reqwest::Client) -> AlertQueue {
    let r = client.get(app.url("/api/pharmacy/alerts")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

/// Enrolls a patient on `drug` (once daily, continuous, started `days_ago` days ago) and one device.
async fn patient_on(app: &TestApp, client: &reqwest::Client, name: &str, drug: &str, days_ago: i64) -> (String, DeviceProfile) {
    let mut regimen = regimen_json(drug, Frequency::OnceDaily);
    regimen["start"] = json!((Utc::now().date_naive() - Duration::days(days_ago)).to_string());
    let r = client.post(app.url("/api/pharmacy/patients")).json(&json!({ "display_name": name, "regimen": regimen })).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap_or_default());
    let enrolled: carepath_domain::sync::EnrollPatientResponse = r.json().await.unwrap();
    app.enroll_device(&enrolled.code).await
}

fn dose(line: Uuid, date: NaiveDate, outcome: DoseOutcome) -> PatientEvent {
    let now = Utc::now();
    let taken_at = outcome.has_time().then(|| date.and_hms_opt(9, 5, 0).unwrap().and_utc().min(now));
    PatientEvent {
        id: Uuid::new_v4(),
        recorded_at: now,
        body: EventBody::DoseLogged { regimen_line_id: line, date, slot: DoseSlot::Daily, outcome, taken_at, supersedes: None },
    }
}

#[tokio::test]
async fn five_stools_above_usual_on_capecitabine_is_urgent_and_the_form_carries_the_rule() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let ana = app.new_patient(&client, "Ana", Frequency::TwiceDaily).await; // the harness's drug: capecitabine

    // The device gets what it needs to tell the patient the same offline.
    let form = ana.profile.check_in.clone().expect("a form");
    assert_eq!(form.drugs, vec!["capecitabine".to_string()]);
    assert!(form.rules.iter().any(|r| r.id == "capecitabine_stools_4"), "{:?}", form.rules.iter().map(|r| &r.id).collect::<Vec<_>>());
    assert!(form.rules.iter().any(|r| r.id == "stools_7_everyone"));
    assert!(!form.rules.iter().any(|r| r.id.starts_with("temozolomide")), "another drug's rules are not sent");
    assert!(form.yes_no.iter().any(|q| q.id == "vomited_twice_24h"), "capecitabine's own emergency question");
    assert!(form.yes_no.iter().any(|q| q.id == "feverish_or_chills"));
    assert!(!form.yes_no.iter().any(|q| q.id == "possible_pregnancy"), "a lenalidomide question is not asked");
    assert!(form.self_care.iter().any(|a| a.item == "diarrhea"), "self-care advice for the form's items");

    let report = check_in_with(CheckInAnswers { stools_above_usual: Some(5), ..CheckInAnswers::default() });
    app.sync_ok(&ana.token, &[report]).await;
    let queue = alerts(&app, &client).await;
    assert_eq!(queue.open.len(), 1, "{queue:?}");
    let alert = &queue.open[0];
    assert_eq!(alert.tier, Tier::Urgent);
    assert_eq!(alert.action, Some(Action::CallNow));
    assert_eq!(alert.reasons, vec![AlertReason::Rule { rule: "capecitabine_stools_4".into() }]);
    assert_eq!(
        queue.term_names["capecitabine_stools_4"]["en"], "4 or more stools a day more than usual, on capecitabine",
        "the desk words the rule from the content"
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM notifications").await, 0, "no channel configured, nothing queued");
}

#[tokio::test]
async fn a_note_is_never_ignored_and_a_yes_calls_for_the_questions_own_action() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let ana = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;

    let note = check_in_with(CheckInAnswers { note: Some("My feet feel strange".into()), ..CheckInAnswers::default() });
    app.sync_ok(&ana.token, &[minutes_ago(note, 10)]).await;
    let mut yes = CheckInAnswers::default();
    yes.emergency_yes.insert("chest_pain".into());
    app.sync_ok(&ana.token, &[check_in_with(yes)]).await;

    let queue = alerts(&app, &client).await;
    assert_eq!(queue.open.len(), 2, "{queue:?}");
    let chest = &queue.open[0];
    assert_eq!((chest.tier, chest.action), (Tier::Urgent, Some(Action::Call911)));
    assert_eq!(chest.reasons, vec![AlertReason::RedFlag(RedFlag::Answered("chest_pain".into()))]);
    let noted = &queue.open[1];
    assert_eq!((noted.tier, noted.action), (Tier::Routine, Some(Action::WithinADay)));
    assert_eq!(noted.reasons, vec![AlertReason::Note]);
}

#[tokio::test]
async fn a_question_the_check_in_does_not_have_is_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let ana = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    let mut answers = CheckInAnswers::default();
    answers.emergency_yes.insert("headache".into());
    let response = app.sync(&ana.token, &[check_in_with(answers)]).await;
    assert_error(response, 422, "invalid_event").await;
    assert_eq!(app.count("events").await, 0);
    assert_eq!(app.count("alerts").await, 0);

    // A retired question from an older phone is still accepted, and still a call now.
    let mut retired = CheckInAnswers::default();
    retired.emergency_yes.insert("severe_diarrhea".into());
    app.sync_ok(&ana.token, &[check_in_with(retired)]).await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM alerts WHERE tier = 'urgent' AND patient_action = 'call_now'").await, 1);
}

#[tokio::test]
async fn an_extra_temozolomide_dose_is_urgent_and_one_missed_dose_is_reported() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let (token, profile) = patient_on(&app, &client, "Tomás", "Temozolomide", 3).await;
    let line = profile.regimen[0].id;
    let today = Utc::now().date_naive();

    app.sync_ok(&token, &[dose(line, today - Duration::days(1), DoseOutcome::Missed)]).await;
    let queue = alerts(&app, &client).await;
    assert_eq!(queue.open.len(), 1, "one missed temozolomide dose is reported: {queue:?}");
    assert_eq!(queue.open[0].tier, Tier::Routine);
    assert_eq!(queue.open[0].reasons, vec![AlertReason::Rule { rule: "temozolomide_missed_dose".into() }]);

    app.sync_ok(&token, &[dose(line, today, DoseOutcome::Taken), dose(line, today, DoseOutcome::ExtraDose)]).await;
    let queue = alerts(&app, &client).await;
    let extra = queue.open.iter().find(|a| a.reasons.contains(&AlertReason::Rule { rule: "temozolomide_extra_dose".into() }));
    let extra = extra.unwrap_or_else(|| panic!("no extra-dose alert: {queue:?}"));
    assert_eq!((extra.tier, extra.action), (Tier::Urgent, Some(Action::CallNow)));
    assert!(extra.reasons.contains(&AlertReason::ExtraDose { date: today }), "the date too: {:?}", extra.reasons);
}

#[tokio::test]
async fn a_missed_venetoclax_dose_is_urgent_in_the_ramp_up_only() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let today = Utc::now().date_naive();

    let (ramping, profile) = patient_on(&app, &client, "Rosa", "Venetoclax", 10).await;
    app.sync_ok(&ramping, &[dose(profile.regimen[0].id, today - Duration::days(1), DoseOutcome::Missed)]).await;
    let (settled, profile) = patient_on(&app, &client, "Luis", "Venetoclax", 90).await;
    app.sync_ok(&settled, &[dose(profile.regimen[0].id, today - Duration::days(1), DoseOutcome::Missed)]).await;

    let queue = alerts(&app, &client).await;
    assert_eq!(queue.open.len(), 1, "only the ramp-up patient: {queue:?}");
    assert_eq!(queue.open[0].patient_name, "Rosa");
    assert_eq!(queue.open[0].tier, Tier::Urgent);
    assert_eq!(queue.open[0].reasons, vec![AlertReason::Rule { rule: "venetoclax_ramp_up_missed".into() }]);
}

#[tokio::test]
async fn two_vomited_doses_in_two_days_are_reported_for_any_drug() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let (token, profile) = patient_on(&app, &client, "Eva", "Letrozole", 30).await;
    let line = profile.regimen[0].id;
    let today = Utc::now().date_naive();
    app.sync_ok(&token, &[dose(line, today - Duration::days(1), DoseOutcome::Vomited)]).await;
    assert_eq!(app.count("alerts").await, 0, "one vomited dose raises nothing on its own");
    app.sync_ok(&token, &[dose(line, today, DoseOutcome::Vomited)]).await;
    let queue = alerts(&app, &client).await;
    assert_eq!(queue.open.len(), 1, "{queue:?}");
    assert_eq!(queue.open[0].reasons, vec![AlertReason::VomitedDoses { count: 2, hours: 48 }]);
    assert_eq!(queue.open[0].tier, Tier::Routine);
}
