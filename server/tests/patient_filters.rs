//! The patient list's filters (`GET /api/pharmacy/patients?show=…&drug=…`, issue #12 item 1): on hold, taking a
//! drug, no check-in in N days, adherence below 80 %, refill due; limited to the pharmacist's site; bad values a 422.

mod common;

use chrono::{Duration, Utc};
use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn names(app: &TestApp, client: &reqwest::Client, query: &str) -> Vec<String> {
    let r = client.get(app.url(&format!("/api/pharmacy/patients?{query}"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{query}: {}", r.text().await.unwrap());
    let page: Value = r.json().await.unwrap();
    let mut names: Vec<String> =
        page["patients"].as_array().unwrap().iter().map(|p| p["display_name"].as_str().unwrap().to_string()).collect();
    names.sort();
    names
}

async fn post(client: &reqwest::Client, url: String, body: Value) {
    let r = client.post(url).json(&body).send().await.unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
}

#[tokio::test]
async fn the_list_keeps_patients_on_hold_taking_a_drug_or_without_a_recent_check_in() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let ana = app.new_patient(&client, "Ana Held", Frequency::OnceDaily).await;
    let ben = app.new_patient(&client, "Ben Olaparib", Frequency::OnceDaily).await;
    app.new_patient(&client, "Cleo New", Frequency::OnceDaily).await;
    // Another site's patient on hold is never shown.
    let other = app.login_as(&app.pharmacist_at_new_site("South", "bob").await).await;
    let dan = app.new_patient(&other, "Dan Elsewhere", Frequency::OnceDaily).await;

    let today = Utc::now().date_naive().to_string();
    for (client, patient) in [(&client, &ana), (&other, &dan)] {
        let hold = json!({ "regimen_line_id": patient.line_id, "change": { "type": "hold", "from": today, "until": null } });
        post(client, app.url(&format!("/api/pharmacy/patients/{}/regimen-changes", patient.id)), hold).await;
    }
    let mut olaparib = regimen_json("Olaparib", Frequency::OnceDaily);
    olaparib["start"] = json!(today);
    post(&client, app.url(&format!("/api/pharmacy/patients/{}/regimens", ben.id)), olaparib).await;

    assert_eq!(names(&app, &client, "show=on_hold").await, ["Ana Held"]);
    assert_eq!(names(&app, &other, "show=on_hold").await.len(), 1, "each site sees its own");
    assert_eq!(names(&app, &client, "drug=olaparib").await, ["Ben Olaparib"]);
    assert_eq!(names(&app, &client, "drug=CAPE").await, ["Ana Held", "Ben Olaparib", "Cleo New"]);
    assert_eq!(names(&app, &client, "drug=olaparib&show=on_hold").await, Vec::<String>::new(), "both must hold");
    assert_eq!(names(&app, &client, "show=on_hold&q=ana").await, ["Ana Held"]);
    assert_eq!(names(&app, &client, "show=all").await.len(), 3);
    // A search by date of birth or MRN is filtered too.
    for (id, mrn) in [(ana.id, "M-1"), (ben.id, "M-2")] {
        app.execute(&format!("UPDATE patients SET date_of_birth = '1960-01-01', mrn = '{mrn}' WHERE id = '{id}'")).await.unwrap();
    }
    assert_eq!(names(&app, &client, "q=1960-01-01").await, ["Ana Held", "Ben Olaparib"]);
    assert_eq!(names(&app, &client, "q=01/01/1960&show=on_hold").await, ["Ana Held"]);
    assert_eq!(names(&app, &client, "q=M-2&drug=olaparib").await, ["Ben Olaparib"]);
    assert_eq!(names(&app, &client, "q=M-2&show=on_hold").await, Vec::<String>::new());

    // Ana and Ben were enrolled 20 days ago; Ana checked in 30 hours ago; Cleo was enrolled today.
    let back = carepath_server::store::ts(Utc::now() - Duration::days(20));
    for id in [ana.id, ben.id] {
        app.execute(&format!("UPDATE patients SET created_at = '{back}' WHERE id = '{id}'")).await.unwrap();
    }
    app.sync_ok(&ana.token, &[minutes_ago(check_in(Symptom::Fatigue, 0, None), 30 * 60)]).await;
    assert_eq!(names(&app, &client, "show=no_check_in").await, ["Ben Olaparib"], "14 days unless asked");
    assert_eq!(names(&app, &client, "show=no_check_in&days=1").await, ["Ana Held", "Ben Olaparib"]);
}

#[tokio::test]
async fn adherence_and_refill_filters_read_the_figures_kept_for_the_worklists() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let low = app.new_patient(&client, "Low Adherence", Frequency::OnceDaily).await;
    let due = app.new_patient(&client, "Refill Due", Frequency::OnceDaily).await;
    app.new_patient(&client, "All Good", Frequency::OnceDaily).await;
    // The figures themselves are worked out and tested in server/tests/worklists.rs; here they are set as a
    // refresh would have left them.
    let today = Utc::now().date_naive();
    app.execute("UPDATE patient_status SET pdc_30_per_mille = 950, refill_due_on = NULL").await.unwrap();
    app.execute(&format!("UPDATE patient_status SET pdc_30_per_mille = 790 WHERE patient_id = '{}'", low.id)).await.unwrap();
    app.execute(&format!("UPDATE patient_status SET refill_due_on = '{today}' WHERE patient_id = '{}'", due.id)).await.unwrap();
    assert_eq!(names(&app, &client, "show=low_adherence").await, ["Low Adherence"]);
    assert_eq!(names(&app, &client, "show=refill_due").await, ["Refill Due"]);
    app.execute(&format!("UPDATE patient_status SET refill_due_on = '{}' WHERE patient_id = '{}'", today + Duration::days(3), due.id))
        .await
        .unwrap();
    assert!(names(&app, &client, "show=refill_due").await.is_empty(), "due in 3 days is not due yet");
}

#[tokio::test]
async fn a_filter_the_list_does_not_know_is_refused() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    for query in ["show=sickest", "show=no_check_in&days=0", "show=no_check_in&days=365", &format!("drug={}", "x".repeat(61))] {
        let r = client.get(app.url(&format!("/api/pharmacy/patients?{query}"))).send().await.unwrap();
        assert_error(r, 422, "invalid").await;
    }
}
