//! The program page's figures on a small known dataset (check-in completion by cadence, alert share, median time
//! to acknowledge per tier, interventions by type and outcome, PDC bands), the period parameter, site isolation, and
//! the CSV exports: proper quoting, and cells a spreadsheet would run as a formula made text.

mod common;

use carepath_domain::intervention::{InterventionKind, InterventionOutcome, ProgramFigures};
use carepath_domain::worklist::PdcBand;
use carepath_server::store;
use chrono::{Duration, Utc};
use common::*;
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

async fn figures(app: &TestApp, client: &reqwest::Client, days: u32) -> ProgramFigures {
    let response = client.get(app.url(&format!("/api/pharmacy/program?days={days}"))).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// An alert raised `raised_days_ago` days ago and acknowledged `minutes` later, straight into the database (its
/// triage is not under test here).
async fn acknowledged_alert(app: &TestApp, pharmacist: &Pharmacist, patient: Uuid, urgent: bool, raised_days_ago: i64, minutes: i64) {
    let raised = Utc::now() - Duration::days(raised_days_ago);
    sqlx::query(
        "INSERT INTO alerts (id, patient_id, site_id, tier, reasons, reported_at, raised_at, acknowledged_at, acknowledged_by)
         VALUES (?, ?, ?, ?, '[{\"reason\":\"note\"}]', ?, ?, ?, ?)",
    )
    .bind(Uuid::new_v4().to_string())
    .bind(patient.to_string())
    .bind(&pharmacist.site_id)
    .bind(if urgent { "urgent" } else { "routine" })
    .bind(store::ts(raised))
    .bind(store::ts(raised))
    .bind(store::ts(raised + Duration::minutes(minutes)))
    .bind(&pharmacist.id)
    .execute(&app.db)
    .await
    .unwrap();
}

async fn intervene(app: &TestApp, client: &reqwest::Client, patient: Uuid, kind: &str, outcome: &str, note: &str) {
    let response = client
        .post(app.url(&format!("/api/pharmacy/patients/{patient}/interventions")))
        .json(&json!({ "kind": kind, "outcome": outcome, "note": note }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED, "{}", response.text().await.unwrap());
}

#[tokio::test]
async fn the_figures_of_a_small_practice_are_counted_right() {
    let app = spawn_app().await;
    let ana = app.pharmacist_at_new_site("North", "ana").await;
    let client = app.login_as(&ana).await;
    let rosa = app.new_patient(&client, "Rosa", Frequency::OnceDaily).await;
    let lea = app.new_patient(&client, "Lea", Frequency::OnceDaily).await;
    // Enrolled 40 days ago (set-up, not under test), weekly: 4 check-ins each due in 30 days, 5 in 90.
    app.execute(&format!("UPDATE patients SET created_at = '{}'", store::ts(Utc::now() - Duration::days(40)))).await.unwrap();
    // Three check-ins; the one with a note raises an alert.
    app.sync_ok(&rosa.token, &[minutes_ago(check_in(Symptom::Nausea, 0, None), 90), check_in(Symptom::Nausea, 0, Some("Dizzy"))]).await;
    app.sync_ok(&lea.token, &[check_in(Symptom::Fatigue, 0, None)]).await;
    // Acknowledged: routine after 10, 20 and 60 minutes; urgent after 5 and 15; one urgent 50 days ago (outside 30).
    for minutes in [10, 20, 60] {
        acknowledged_alert(&app, &ana, rosa.id, false, 2, minutes).await;
    }
    for minutes in [5, 15] {
        acknowledged_alert(&app, &ana, lea.id, true, 3, minutes).await;
    }
    acknowledged_alert(&app, &ana, lea.id, true, 50, 120).await;
    intervene(&app, &client, rosa.id, "called_patient", "resolved", "").await;
    intervene(&app, &client, lea.id, "called_patient", "resolved", "").await;
    intervene(&app, &client, lea.id, "referred_to_clinic", "referred", "").await;
    // PDC: Rosa 10 of 20 days covered (50–79 band); Lea none dispensed (not counted).
    let response = client
        .post(app.url(&format!("/api/pharmacy/patients/{}/dispenses", rosa.id)))
        .json(&json!({ "regimen_line_id": rosa.line_id, "date": (Utc::now().date_naive() - Duration::days(20)), "tablets": 30, "days_supply": 10 }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);

    let f = figures(&app, &client, 30).await;
    assert_eq!((f.check_ins_received, f.check_ins_expected, f.check_ins_alerted), (3, 8, 1));
    assert_eq!((f.completion_percent(), f.alerted_percent()), (Some(37), Some(33)));
    assert_eq!((f.acknowledged_routine, f.median_minutes_routine), (3, Some(20)));
    assert_eq!((f.acknowledged_urgent, f.median_minutes_urgent), (2, Some(5)));
    assert_eq!(
        f.interventions,
        vec![
            (InterventionKind::CalledPatient, InterventionOutcome::Resolved, 2),
            (InterventionKind::ReferredToClinic, InterventionOutcome::Referred, 1)
        ]
    );
    assert_eq!(f.intervention_total(), 3);
    assert_eq!(
        f.pdc_bands,
        vec![(PdcBand::Below50, 0), (PdcBand::From50To79, 1), (PdcBand::From80To89, 0), (PdcBand::AtLeast90, 0)]
    );
    let f90 = figures(&app, &client, 90).await;
    assert_eq!(f90.check_ins_expected, 10);
    assert_eq!((f90.acknowledged_urgent, f90.median_minutes_urgent), (3, Some(15)));

    // Only 30 or 90 days; another site sees its own (nothing).
    let response = client.get(app.url("/api/pharmacy/program?days=45")).send().await.unwrap();
    assert_error(response, 422, "invalid").await;
    let bo = app.pharmacist_at_new_site("South", "bo").await;
    let other = app.login_as(&bo).await;
    let theirs = figures(&app, &other, 30).await;
    assert_eq!((theirs.check_ins_received, theirs.intervention_total(), theirs.acknowledged_urgent), (0, 0, 0));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'program.read'").await, 3);

    let response = client.get(app.url("/api/pharmacy/program/figures.csv?days=30")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-type"), "text/csv; charset=utf-8");
    let text = response.text().await.unwrap();
    let rows: Vec<(String, String)> =
        csv::Reader::from_reader(text.as_bytes()).deserialize().collect::<Result<_, _>>().unwrap();
    let value = |name: &str| rows.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap_or_else(|| panic!("{name}"));
    assert_eq!(value("check_in_completion_percent"), "37");
    assert_eq!(value("routine_median_minutes_to_acknowledge"), "20");
    assert_eq!(value("interventions_called_patient_resolved"), "2");
    assert_eq!(value("patients_pdc_50_to_79"), "1");
}

#[tokio::test]
async fn the_interventions_export_is_proper_csv_with_formulas_made_text() {
    let app = spawn_app().await;
    let ana = app.pharmacist_at_new_site("North", "ana").await;
    let client = app.login_as(&ana).await;
    let rosa = app.new_patient(&client, "Rosa, \"Rosie\" Díaz", Frequency::OnceDaily).await;
    let notes = ["=HYPERLINK(\"http://evil.example\",\"click\")", "Line one\nline two, with a comma", "+1 555", "-2", "@SUM(A1)", "Plain"];
    for note in notes {
        intervene(&app, &client, rosa.id, "educated_patient", "resolved", note).await;
    }
    let response = client.get(app.url("/api/pharmacy/program/interventions.csv?days=90")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-type"), "text/csv; charset=utf-8");
    assert_eq!(header(&response, "content-disposition"), "attachment; filename=\"interventions-90-days.csv\"");
    assert_eq!(header(&response, "cache-control"), "no-store");
    let text = response.text().await.unwrap();
    assert!(text.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\""), "{text}");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(headers, ["recorded_at", "patient_id", "patient", "type", "outcome", "worklist", "alert_id", "pharmacist", "note"]);
    let rows: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
    assert_eq!(rows.len(), notes.len());
    let got: Vec<&str> = rows.iter().map(|r| r[8].as_str()).collect();
    assert_eq!(got, ["'=HYPERLINK(\"http://evil.example\",\"click\")", "Line one\nline two, with a comma", "'+1 555", "'-2", "'@SUM(A1)", "Plain"]);
    assert!(rows.iter().all(|r| r[2] == "Rosa, \"Rosie\" Díaz" && r[3] == "educated_patient" && r[1] == rosa.id.to_string()));
    // Another site's export has the header only.
    let bo = app.pharmacist_at_new_site("South", "bo").await;
    let other = app.login_as(&bo).await;
    let text = other.get(app.url("/api/pharmacy/program/interventions.csv")).send().await.unwrap().text().await.unwrap();
    assert_eq!(csv::Reader::from_reader(text.as_bytes()).records().count(), 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'program.export'").await, 2);
}
