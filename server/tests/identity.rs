//! Knowing the patient (issue #12 items 1–4): identifiers at enrollment, search by date of birth or MRN, the
//! patient header, a reissued enrollment code and its printable handout.

mod common;

use carepath_domain::identity::{Handout, IssuedCode, Language, PatientHeader};
use carepath_domain::regimen::DoseSlot;
use carepath_domain::sync::EnrollPatientResponse;
use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// An enroll request with the identifiers the desk form sends.
fn enroll_body(name: &str, dob: &str, mrn: &str) -> Value {
    json!({
        "display_name": name,
        "regimen": regimen_json(DRUG, Frequency::TwiceDaily),
        "date_of_birth": dob,
        "mrn": mrn,
        "phone": "+1 (555) 010-2030",
        "language": "es",
    })
}

async fn enroll(app: &TestApp, client: &reqwest::Client, body: &Value) -> reqwest::Response {
    client.post(app.url("/api/pharmacy/patients")).json(body).send().await.expect("enroll request")
}

async fn enrolled(app: &TestApp, client: &reqwest::Client, body: &Value) -> EnrollPatientResponse {
    let response = enroll(app, client, body).await;
    assert_eq!(response.status(), StatusCode::CREATED, "{}", response.text().await.unwrap_or_default());
    response.json().await.unwrap()
}

async fn search(app: &TestApp, client: &reqwest::Client, q: &str) -> Vec<Value> {
    let response = client.get(app.url("/api/pharmacy/patients")).query(&[("q", q)]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let page: Value = response.json().await.unwrap();
    page["patients"].as_array().unwrap().clone()
}

fn names(rows: &[Value]) -> Vec<&str> {
    rows.iter().map(|p| p["display_name"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn enrolling_with_identifiers_stores_them_and_the_list_shows_them() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let created = enrolled(&app, &client, &enroll_body("Rosa Díaz", "1961-04-09", "  MRN-0042 ")).await;
    let sql = format!(
        "SELECT COUNT(*) FROM patients WHERE id = '{}' AND date_of_birth = '1961-04-09' AND mrn = 'MRN-0042'
         AND phone = '+1 (555) 010-2030' AND language = 'es'",
        created.patient_id
    );
    assert_eq!(app.scalar(&sql).await, 1, "the MRN is stored trimmed");
    let rows = search(&app, &client, "rosa").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["date_of_birth"], "1961-04-09");
    assert_eq!(rows[0]["mrn"], "MRN-0042");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'patient.create'").await, 1);
}

#[tokio::test]
async fn an_old_client_without_identifiers_still_enrolls_and_they_are_not_recorded() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let created = app.enroll_patient(&client, "Old Client", Frequency::OnceDaily).await;
    let header: PatientHeader =
        client.get(app.url(&format!("/api/pharmacy/patients/{}", created.patient_id))).send().await.unwrap().json().await.unwrap();
    assert_eq!((header.date_of_birth, header.mrn, header.phone, header.language), (None, None, None, Language::En));
    let rows = search(&app, &client, "old client").await;
    assert_eq!(rows[0]["date_of_birth"], Value::Null);
    assert_eq!(rows[0]["mrn"], Value::Null);
}

#[tokio::test]
async fn implausible_identifiers_are_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let tomorrow = (chrono::Utc::now().date_naive() + chrono::Days::new(1)).to_string();
    let cases: Vec<(&str, Value, u16, &str)> = vec![
        ("date of birth tomorrow", json!({ "date_of_birth": tomorrow }), 422, "invalid"),
        ("more than 120 years ago", json!({ "date_of_birth": "1890-01-01" }), 422, "invalid"),
        ("not a date", json!({ "date_of_birth": "04/09/1961" }), 400, "bad_json"),
        ("blank MRN", json!({ "mrn": "   " }), 422, "invalid"),
        ("MRN too long", json!({ "mrn": "9".repeat(33) }), 422, "invalid"),
        ("MRN with a control character", json!({ "mrn": "12\u{1b}[31m" }), 422, "invalid"),
        ("phone of words", json!({ "phone": "call my son" }), 422, "invalid"),
        ("phone too long", json!({ "phone": "5".repeat(33) }), 422, "invalid"),
        ("a language the handout has not", json!({ "language": "fr" }), 400, "bad_json"),
    ];
    for (what, change, status, code) in cases {
        let mut body = enroll_body("Bad Input", "1961-04-09", "MRN-1");
        for (key, value) in change.as_object().unwrap() {
            body[key] = value.clone();
        }
        let (detail, _) = assert_error(enroll(&app, &client, &body).await, status, code).await;
        assert!(!detail.message.is_empty(), "{what}");
    }
    assert_eq!(app.count("patients").await, 0);
    assert_eq!(app.count("regimens").await, 0);
    assert_eq!(app.count("enrollment_codes").await, 0);
}

#[tokio::test]
async fn a_second_patient_with_the_same_mrn_is_a_409_and_nothing_is_stored() {
    let app = spawn_app().await;
    let north = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    enrolled(&app, &north, &enroll_body("Rosa Díaz", "1961-04-09", "MRN-0042")).await;
    let (before_patients, before_codes) = (app.count("patients").await, app.count("enrollment_codes").await);

    let (detail, _) = assert_error(enroll(&app, &north, &enroll_body("Rosa Diaz", "1961-04-09", " MRN-0042 ")).await, 409, "mrn_taken").await;
    assert!(detail.message.contains("medical record number"), "{}", detail.message);
    assert_eq!(app.count("patients").await, before_patients);
    assert_eq!(app.count("regimens").await, before_patients);
    assert_eq!(app.count("enrollment_codes").await, before_codes);

    // Another site numbers its own patients: the same MRN is theirs to use.
    let south = app.login_as(&app.pharmacist_at_new_site("South", "bob").await).await;
    enrolled(&app, &south, &enroll_body("Someone Else", "1970-01-01", "MRN-0042")).await;
    // And the unique index holds even against a write that skips the check.
    let bypass = app
        .execute("INSERT INTO patients (id, site_id, display_name, created_by, created_at, mrn) SELECT 'x', site_id, 'x', created_by, created_at, 'MRN-0042' FROM patients LIMIT 1")
        .await;
    assert!(bypass.is_err(), "patients_site_mrn is unique");
}

#[tokio::test]
async fn the_list_finds_patients_by_date_of_birth_mrn_or_name_within_the_site() {
    let app = spawn_app().await;
    let north = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    enrolled(&app, &north, &enroll_body("Rosa Díaz", "1961-04-09", "MRN-0042")).await;
    enrolled(&app, &north, &enroll_body("Ana Twin", "1961-04-09", "MRN-0043")).await;
    enrolled(&app, &north, &enroll_body("Chen Wei", "1975-11-30", "A-77")).await;
    let south = app.login_as(&app.pharmacist_at_new_site("South", "bob").await).await;
    enrolled(&app, &south, &enroll_body("South Patient", "1961-04-09", "S-1")).await;

    assert_eq!(names(&search(&app, &north, "1961-04-09").await), ["Ana Twin", "Rosa Díaz"], "newest first");
    assert_eq!(names(&search(&app, &north, "04/09/1961").await), ["Ana Twin", "Rosa Díaz"], "as US desks type it");
    assert_eq!(names(&search(&app, &north, "4/9/1961").await), ["Ana Twin", "Rosa Díaz"]);
    assert!(search(&app, &north, "1961-04-10").await.is_empty());
    assert_eq!(names(&search(&app, &north, "MRN-0042").await), ["Rosa Díaz"]);
    assert_eq!(names(&search(&app, &north, " A-77 ").await), ["Chen Wei"]);
    assert!(search(&app, &north, "MRN-004").await.is_empty(), "an MRN matches exactly, not by its start");
    assert!(search(&app, &north, "S-1").await.is_empty(), "another site's MRN");
    assert_eq!(names(&search(&app, &north, "diaz").await), ["Rosa Díaz"], "names as before");

    // A date search pages like the list.
    let first: Value = north.get(app.url("/api/pharmacy/patients?q=1961-04-09&limit=1")).send().await.unwrap().json().await.unwrap();
    assert_eq!(names(first["patients"].as_array().unwrap()), ["Ana Twin"]);
    let cursor = first["next_cursor"].as_str().expect("a second page").to_string();
    let second: Value = north
        .get(app.url("/api/pharmacy/patients"))
        .query(&[("q", "1961-04-09"), ("limit", "1"), ("cursor", cursor.as_str())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(names(second["patients"].as_array().unwrap()), ["Rosa Díaz"]);
    assert_eq!(second["next_cursor"], Value::Null);
}

#[tokio::test]
async fn the_header_tells_who_the_patient_is_and_how_treatment_stands() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let created = enrolled(&app, &client, &enroll_body("Rosa Díaz", "1961-04-09", "MRN-0042")).await;
    let (token, profile) = app.enroll_device(&created.code).await;
    let line = profile.regimen[0].id;
    app.add_caregiver(&client, created.patient_id, "Luis Díaz").await;
    let revoked = app.add_caregiver(&client, created.patient_id, "Gone Away").await;
    let revoke = client
        .post(app.url(&format!("/api/pharmacy/patients/{}/caregivers/{}/revoke", created.patient_id, revoked.caregiver.id)))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), StatusCode::OK);
    let check_in = minutes_ago(check_in(Symptom::Pain, 4, None), 30);
    let dose = minutes_ago(dose_taken(line, DoseSlot::Morning), 10);
    app.sync_ok(&token, &[check_in.clone(), dose.clone()]).await;

    let response = client.get(app.url(&format!("/api/pharmacy/patients/{}", created.patient_id))).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "cache-control"), "no-store");
    let head: PatientHeader = response.json().await.unwrap();
    assert_eq!(head.display_name, "Rosa Díaz");
    assert_eq!(head.date_of_birth, Some("1961-04-09".parse().unwrap()));
    assert_eq!(head.mrn.as_deref(), Some("MRN-0042"));
    assert_eq!(head.phone.as_deref(), Some("+1 (555) 010-2030"));
    assert_eq!(head.language, Language::Es);
    assert_eq!(head.drugs.len(), 1);
    assert_eq!(head.drugs[0].drug_name, DRUG);
    assert!(head.drugs[0].today.is_some(), "{:?}", head.drugs[0]);
    assert_eq!(head.last_check_in.map(|t| t.timestamp()), Some(check_in.recorded_at.timestamp()));
    assert_eq!(head.last_dose_logged.map(|t| t.timestamp()), Some(dose.recorded_at.timestamp()));
    assert_eq!(head.open_alerts, 1, "pain 4 raises an alert");
    assert_eq!(head.caregivers, ["Luis Díaz"], "revoked caregivers are not shown");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'patient.header.read'").await, 1);

    // Another site's pharmacist cannot tell the patient exists.
    let south = app.login_as(&app.pharmacist_at_new_site("South", "bob").await).await;
    let other = south.get(app.url(&format!("/api/pharmacy/patients/{}", created.patient_id))).send().await.unwrap();
    assert_error(other, 404, "not_found").await;
    let nobody = client.get(app.url(&format!("/api/pharmacy/patients/{}", uuid::Uuid::new_v4()))).send().await.unwrap();
    assert_error(nobody, 404, "not_found").await;
    let signed_out = app.client.get(app.url(&format!("/api/pharmacy/patients/{}", created.patient_id))).send().await.unwrap();
    assert_error(signed_out, 401, "unauthorized").await;
}

async fn reissue(app: &TestApp, client: &reqwest::Client, patient: uuid::Uuid) -> reqwest::Response {
    client.post(app.url(&format!("/api/pharmacy/patients/{patient}/enrollment-codes"))).send().await.unwrap()
}

#[tokio::test]
async fn a_reissued_code_ends_the_older_unused_ones_and_enrolls_a_phone() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let created = enrolled(&app, &client, &enroll_body("Rosa Díaz", "1961-04-09", "MRN-0042")).await;
    let caregiver = app.add_caregiver(&client, created.patient_id, "Luis Díaz").await;

    let response = reissue(&app, &client, created.patient_id).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(header(&response, "cache-control"), "no-store");
    let first: IssuedCode = response.json().await.unwrap();
    let second: IssuedCode = reissue(&app, &client, created.patient_id).await.json().await.unwrap();
    assert_ne!(first.code, second.code);

    // Only the newest works: the lost handouts read as expired ("ask your pharmacy for a new code").
    assert_error(app.enroll_device_response(&created.code).await, 410, "enrollment_code_expired").await;
    assert_error(app.enroll_device_response(&first.code).await, 410, "enrollment_code_expired").await;
    let (_, profile) = app.enroll_device(&second.code).await;
    assert_eq!(profile.patient_id, created.patient_id);
    assert_error(app.enroll_device_response(&second.code).await, 410, "enrollment_code_used").await;
    // A caregiver's code is theirs: a new code for the patient's phone leaves it working.
    app.enroll_device(&caregiver.code).await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'patient.code.reissue'").await, 2);

    let south = app.login_as(&app.pharmacist_at_new_site("South", "bob").await).await;
    assert_error(reissue(&app, &south, created.patient_id).await, 404, "not_found").await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'patient.code.reissue'").await, 2);
}

async fn handout(app: &TestApp, client: &reqwest::Client, patient: uuid::Uuid, code: &str) -> reqwest::Response {
    client.post(app.url(&format!("/api/pharmacy/patients/{patient}/handout"))).json(&json!({ "code": code })).send().await.unwrap()
}

#[tokio::test]
async fn the_handout_holds_the_code_and_a_qr_of_the_enrollment_link_for_the_sites_pharmacists_only() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let created = enrolled(&app, &client, &enroll_body("Rosa Díaz", "1961-04-09", "MRN-0042")).await;
    let issued: IssuedCode = reissue(&app, &client, created.patient_id).await.json().await.unwrap();

    let response = handout(&app, &client, created.patient_id, &issued.code.to_lowercase()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "cache-control"), "no-store", "a one-time secret is never cached");
    let sheet: Handout = response.json().await.unwrap();
    assert_eq!(sheet.code, issued.code);
    assert_eq!(sheet.language, Language::Es);
    assert_eq!(sheet.patient_name, "Rosa Díaz");
    assert_eq!(sheet.app_url, "http://127.0.0.1");
    assert_eq!(sheet.enroll_url, format!("http://127.0.0.1/?code={}", issued.code));
    assert_eq!(sheet.expires_at.timestamp_millis(), issued.expires_at.timestamp_millis());
    assert!(sheet.qr_svg.starts_with("<svg") && sheet.qr_svg.trim_end().ends_with("</svg>"), "{}", &sheet.qr_svg[..80]);
    assert_eq!(decode_qr(&sheet.qr_svg), sheet.enroll_url, "the QR opens the enroll screen with the code");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'patient.handout'").await, 1);

    // Codes that no longer work get no handout: the replaced one, a used one, one never issued.
    assert_error(handout(&app, &client, created.patient_id, &created.code).await, 410, "enrollment_code_expired").await;
    assert_error(handout(&app, &client, created.patient_id, "2345-6789").await, 404, "enrollment_code_unknown").await;
    assert_error(handout(&app, &client, created.patient_id, "not a code").await, 404, "enrollment_code_unknown").await;
    // Nor another patient's code under this patient, nor another site's pharmacist.
    let other = enrolled(&app, &client, &enroll_body("Chen Wei", "1975-11-30", "A-77")).await;
    assert_error(handout(&app, &client, other.patient_id, &issued.code).await, 404, "enrollment_code_unknown").await;
    let south = app.login_as(&app.pharmacist_at_new_site("South", "bob").await).await;
    assert_error(handout(&app, &south, created.patient_id, &issued.code).await, 404, "not_found").await;
    assert_error(handout(&app, &app.client, created.patient_id, &issued.code).await, 401, "unauthorized").await;
    app.enroll_device(&issued.code).await;
    assert_error(handout(&app, &client, created.patient_id, &issued.code).await, 410, "enrollment_code_used").await;
}

