//! The API end to end: enrollment, profile, sync, the pharmacist queue, refused input and response headers.

mod common;

use carepath_domain::enrollment::ALPHABET;
use carepath_domain::regimen::DoseSlot;
use common::Frequency;
use carepath_domain::sync::{DeviceProfile, EventBody, EnrollPatientResponse, MAX_BATCH};
use chrono::{Duration, Utc};
use common::*;
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

fn is_readable_code(code: &str) -> bool {
    let groups: Vec<&str> = code.split('-').collect();
    groups.len() == 2 && groups.iter().all(|g| g.len() == 4 && g.bytes().all(|b| ALPHABET.contains(&b)))
}

#[tokio::test]
async fn a_patient_enrolled_by_a_pharmacist_reports_and_the_pharmacist_sees_it_in_the_queue() {
    let app = spawn_app().await;
    let pharmacist = app.pharmacist_at_new_site("North Oncology", "alice").await;
    let client = app.login_as(&pharmacist).await;

    // The pharmacist enrolls a patient: a one-time code, readable aloud, valid for the configured hours.
    let before = Utc::now();
    let enrolled: EnrollPatientResponse = app.enroll_patient(&client, "Ana Lopez", Frequency::TwiceDaily).await;
    assert!(is_readable_code(&enrolled.code), "code {:?} is not XXXX-XXXX", enrolled.code);
    assert!(enrolled.expires_at > Utc::now());
    let validity = enrolled.expires_at - before;
    assert!(validity > Duration::hours(71) && validity <= Duration::hours(72) + Duration::minutes(1), "{validity}");
    assert_eq!(app.count("patients").await, 1);
    assert_eq!(app.count("regimens").await, 1);
    assert_eq!(app.count("enrollment_codes").await, 1);

    // The patient types the code in lower case without the dash.
    let typed = enrolled.code.replace('-', "").to_lowercase();
    let (token, profile) = app.enroll_device(&typed).await;
    assert_eq!(profile.patient_id, enrolled.patient_id);
    assert_eq!(profile.display_name, "Ana Lopez");
    assert_eq!(profile.regimen.len(), 1);
    let line = &profile.regimen[0];
    assert_eq!((line.drug_name(), line.regimen.strength.as_str()), (DRUG, STRENGTH));
    let slots: Vec<DoseSlot> = line.regimen.doses.iter().map(|d| d.slot).collect();
    assert_eq!(slots, [DoseSlot::Morning, DoseSlot::Evening]);
    assert!(profile.caregiver.is_none(), "the patient's own device");
    assert_eq!(profile.site.name, "North Oncology");
    assert_eq!(profile.site.phone, "North Oncology phone +1 555 0100");
    assert_eq!(profile.site.after_hours_phone, "North Oncology after hours +1 555 0199");
    assert_eq!(app.count("devices").await, 1);

    // The profile endpoint returns the same thing later.
    let later = app.profile_response(&token).await;
    assert_eq!(later.status(), StatusCode::OK);
    assert_eq!(later.json::<DeviceProfile>().await.unwrap(), profile);

    // The patient takes the morning dose, then checks in.
    let dose = minutes_ago(dose_taken(line.id, DoseSlot::Morning), 10);
    let checkin = minutes_ago(check_in(Symptom::Diarrhea, 3, Some("since Sunday")), 2);
    let ack = app.sync_ok(&token, &[dose.clone(), checkin.clone()]).await;
    assert_eq!(ack.acknowledged, vec![dose.id, checkin.id]);
    assert_eq!(ack.newly_stored, 2);
    assert_eq!(app.count("events").await, 2);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM events WHERE kind = 'dose_taken'").await, 1);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM events WHERE kind = 'check_in'").await, 1);

    // The queue lists both, newest first, with the patient's name and the dose's drug.
    let queue = app.queue(&client).await;
    let items = queue["items"].as_array().expect("items");
    assert_eq!(items.len(), 2, "{queue}");
    assert_eq!(items[0]["event_id"], json!(checkin.id));
    assert_eq!(items[0]["patient_name"], "Ana Lopez");
    assert_eq!(items[0]["patient_id"], json!(enrolled.patient_id));
    assert_eq!(items[0]["body"], json!(checkin.body));
    assert!(items[0]["drug_name"].is_null(), "{queue}");
    assert_eq!(items[1]["event_id"], json!(dose.id));
    assert_eq!(items[1]["patient_name"], "Ana Lopez");
    assert_eq!(items[1]["body"], json!(dose.body));
    assert_eq!(items[1]["drug_name"], DRUG);
}

#[tokio::test]
async fn the_queue_is_ordered_by_when_events_were_recorded_not_when_they_arrived() {
    let app = spawn_app().await;
    let pharmacist = app.pharmacist_at_new_site("North Oncology", "alice").await;
    let client = app.login_as(&pharmacist).await;
    let patient = app.new_patient(&client, "Ana Lopez", Frequency::OnceDaily).await;

    let newest = check_in(Symptom::Fatigue, 1, None);
    let oldest = minutes_ago(check_in(Symptom::Nausea, 2, None), 120);
    let middle = minutes_ago(dose_taken(patient.line_id, DoseSlot::Daily), 30);
    app.sync_ok(&patient.token, &[newest.clone()]).await;
    app.sync_ok(&patient.token, &[oldest.clone(), middle.clone()]).await;

    let queue = app.queue(&client).await;
    let ids: Vec<_> = queue["items"].as_array().unwrap().iter().map(|i| i["event_id"].clone()).collect();
    assert_eq!(ids, vec![json!(newest.id), json!(middle.id), json!(oldest.id)]);
}

#[tokio::test]
async fn enrollment_codes_are_accepted_in_any_case_with_or_without_the_dash() {
    let app = spawn_app().await;
    let pharmacist = app.pharmacist_at_new_site("North Oncology", "alice").await;
    let client = app.login_as(&pharmacist).await;
    let typings: [fn(&str) -> String; 4] = [
        |code| code.to_string(),
        |code| code.to_lowercase(),
        |code| code.replace('-', ""),
        |code| format!("  {} ", code.replace('-', " ").to_lowercase()),
    ];
    for (n, typed) in typings.iter().enumerate() {
        let enrolled = app.enroll_patient(&client, &format!("Patient {n}"), Frequency::OnceDaily).await;
        let (_, profile) = app.enroll_device(&typed(&enrolled.code)).await;
        assert_eq!(profile.patient_id, enrolled.patient_id);
    }
    assert_eq!(app.count("devices").await, 4);
}

// ---- refused input ----------------------------------------------------------------------------------------

#[tokio::test]
async fn malformed_json_is_refused_with_bad_json_and_nothing_is_stored() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let patient = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;

    let response = app.sync_raw(&patient.token, r#"{"events": [ {"id": "#, Some("application/json")).await;
    assert_error(response, 400, "bad_json").await;
    assert_eq!(app.count("events").await, 0);
}

#[tokio::test]
async fn wrongly_typed_json_is_refused_with_a_json_error_and_nothing_is_stored() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let patient = app.new_patient(&client, "Ana", Frequency::TwiceDaily).await;
    let valid = event_json(&check_in(Symptom::Pain, 1, None));

    let mut wrong_severity_type = valid.clone();
    wrong_severity_type["body"]["answers"]["pain"]["responses"]["frequency"] = json!("3");
    let mut bad_uuid = valid.clone();
    bad_uuid["id"] = json!("not-a-uuid");
    let mut unknown_symptom = valid.clone();
    unknown_symptom["body"]["emergency_yes"] = json!(["headache"]);
    let mut unknown_type = valid.clone();
    unknown_type["body"] = json!({ "type": "dose_deleted" });
    let mut extra_field = valid.clone();
    extra_field["body"]["grade"] = json!(3);
    let mut bad_time = valid.clone();
    bad_time["recorded_at"] = json!("yesterday");

    for body in [
        json!({ "events": "all of them" }),
        json!({ "events": [1, 2, 3] }),
        json!({ "events": [valid.clone(), wrong_severity_type] }),
        json!({ "events": [valid.clone(), bad_uuid] }),
        json!({ "events": [valid.clone(), unknown_symptom] }),
        json!({ "events": [valid.clone(), unknown_type] }),
        json!({ "events": [valid.clone(), extra_field] }),
        json!({ "events": [valid.clone(), bad_time] }),
        json!({ "events": [valid.clone()], "force": true }),
        json!([valid.clone()]),
        json!(null),
    ] {
        let response = app.sync_json(&patient.token, &body).await;
        let status = response.status().as_u16();
        assert!(status == 400 || status == 422, "{status} for {body}");
        let code = if status == 400 { "bad_json" } else { "invalid_event" };
        assert_error(response, status, code).await;
    }
    assert_eq!(app.count("events").await, 0);
}

#[tokio::test]
async fn a_body_without_json_content_type_is_refused_with_415() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let patient = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    let body = json!({ "events": [check_in(Symptom::Pain, 1, None)] }).to_string();

    assert_error(app.sync_raw(&patient.token, body.clone(), None).await, 415, "not_json").await;
    assert_error(app.sync_raw(&patient.token, body, Some("text/plain")).await, 415, "not_json").await;
    assert_eq!(app.count("events").await, 0);

    let enroll = app.client.post(app.url("/api/enroll")).body(r#"{"code":"2222-2222"}"#).send().await.unwrap();
    assert_error(enroll, 415, "not_json").await;
}

#[tokio::test]
async fn a_body_over_512_kib_is_refused_with_413_too_large() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let patient = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    // Valid events whose notes are within limits, but too many bytes in all.
    let note = "n".repeat(2000);
    let events: Vec<_> = (0..270).map(|_| check_in(Symptom::Other, 1, Some(&note))).collect();
    let body = json!({ "events": events }).to_string();
    assert!(body.len() > carepath_server::MAX_BODY_BYTES);

    assert_error(app.sync_raw(&patient.token, body, Some("application/json")).await, 413, "too_large").await;
    assert_eq!(app.count("events").await, 0);
}

#[tokio::test]
async fn a_batch_of_more_than_200_events_is_refused_with_batch_too_large() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let patient = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;

    let events: Vec<_> = (0..=MAX_BATCH).map(|_| check_in(Symptom::Fatigue, 1, None)).collect();
    assert_eq!(events.len(), 201);
    assert_error(app.sync(&patient.token, &events).await, 413, "batch_too_large").await;
    assert_eq!(app.count("events").await, 0);

    // Exactly 200 is fine.
    let ack = app.sync_ok(&patient.token, &events[..MAX_BATCH]).await;
    assert_eq!(ack.newly_stored, MAX_BATCH);
    assert_eq!(app.count("events").await, MAX_BATCH as i64);
}

#[tokio::test]
async fn an_unknown_or_garbage_enrollment_code_is_404_and_enrolls_nothing() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let enrolled = app.enroll_patient(&client, "Ana", Frequency::OnceDaily).await;
    // A well-formed code that was never issued (one character changed).
    let first = enrolled.code.as_bytes()[0];
    let other = ALPHABET.iter().copied().find(|c| *c != first).unwrap() as char;
    let unknown = format!("{other}{}", &enrolled.code[1..]);

    for code in [unknown.as_str(), "hello world!", "", "O0O0-I1I1", "2345-6789-ABCD", "'; DROP TABLE devices; --"] {
        let (_, body) = assert_error(app.enroll_device_response(code).await, 404, "enrollment_code_unknown").await;
        assert!(!body.contains(&enrolled.patient_id.to_string()));
    }
    assert_eq!(app.count("devices").await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM enrollment_codes WHERE used_at IS NOT NULL").await, 0);
}

#[tokio::test]
async fn an_expired_enrollment_code_is_410_and_enrolls_nothing() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let enrolled = app.enroll_patient(&client, "Ana", Frequency::OnceDaily).await;
    let past = carepath_server::store::ts(Utc::now() - Duration::minutes(1));
    assert_eq!(app.execute(&format!("UPDATE enrollment_codes SET expires_at = '{past}'")).await.unwrap(), 1);

    assert_error(app.enroll_device_response(&enrolled.code).await, 410, "enrollment_code_expired").await;
    assert_eq!(app.count("devices").await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM enrollment_codes WHERE used_at IS NOT NULL").await, 0);
}

#[tokio::test]
async fn an_enrollment_code_works_only_once() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let enrolled = app.enroll_patient(&client, "Ana", Frequency::OnceDaily).await;
    let (first_token, _) = app.enroll_device(&enrolled.code).await;

    let (_, body) = assert_error(app.enroll_device_response(&enrolled.code).await, 410, "enrollment_code_used").await;
    assert!(!body.contains(&first_token));
    assert_eq!(app.count("devices").await, 1);
    // The first device still works.
    assert_eq!(app.profile_response(&first_token).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_new_code_for_an_existing_patient_enrolls_a_second_device() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let patient = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    let (code, _) = carepath_server::patients::new_code(&app.store, &app.server_key(), patient.id, Duration::hours(1)).await.unwrap();

    let (second_token, profile) = app.enroll_device(&code.to_string()).await;
    assert_ne!(second_token, patient.token);
    assert_eq!(profile, patient.profile);
    assert_eq!(app.count("devices").await, 2);
}

#[tokio::test]
async fn invalid_patient_details_from_a_pharmacist_are_422_and_create_nothing() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;

    let blank_name = app.enroll_patient_response(&client, "   ", Frequency::OnceDaily).await;
    assert_error(blank_name, 422, "invalid").await;
    let long_name = app.enroll_patient_response(&client, &"x".repeat(101), Frequency::OnceDaily).await;
    assert_error(long_name, 422, "invalid").await;
    let long_drug = client
        .post(app.url("/api/pharmacy/patients"))
        .json(&json!({ "display_name": "Ana", "regimen": regimen_json(&"d".repeat(121), Frequency::OnceDaily) }))
        .send()
        .await
        .unwrap();
    assert_error(long_drug, 422, "invalid").await;
    let mut bad_pattern = regimen_json("d", Frequency::OnceDaily);
    bad_pattern["pattern"] = json!({ "type": "hourly" });
    let bad_pattern = client
        .post(app.url("/api/pharmacy/patients"))
        .json(&json!({ "display_name": "Ana", "regimen": bad_pattern }))
        .send()
        .await
        .unwrap();
    assert_error(bad_pattern, 400, "bad_json").await;
    // Well-formed but not a regimen: no days on; a dose of nothing; the same time of day twice.
    for (field, value) in [
        ("pattern", json!({ "type": "on_off", "days_on": 0, "days_off": 7 })),
        ("doses", json!([{ "slot": "daily", "amount": {}, "time": "09:00:00", "food": "with_food" }])),
        ("doses", json!([
            { "slot": "daily", "amount": { "mg": 100 }, "time": "09:00:00", "food": "with_food" },
            { "slot": "daily", "amount": { "mg": 100 }, "time": "10:00:00", "food": "with_food" }
        ])),
    ] {
        let mut regimen = regimen_json("d", Frequency::OnceDaily);
        regimen[field] = value;
        let r = client.post(app.url("/api/pharmacy/patients")).json(&json!({ "display_name": "Ana", "regimen": regimen })).send().await.unwrap();
        assert_error(r, 422, "invalid").await;
    }
    assert_eq!(app.count("regimens").await, 0, "nothing is stored half-way");

    for table in ["patients", "regimens", "enrollment_codes"] {
        assert_eq!(app.count(table).await, 0, "{table}");
    }
}

#[tokio::test]
async fn guide_views_are_stored_and_invalid_ones_refused() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let patient = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    let viewed = |drug: &str, lang: &str| carepath_domain::sync::PatientEvent {
        id: Uuid::new_v4(),
        recorded_at: Utc::now(),
        body: EventBody::GuideViewed { drug: drug.into(), lang: lang.into() },
    };

    let ack = app.sync_ok(&patient.token, &[viewed("capecitabine", "es")]).await;
    assert_eq!(ack.newly_stored, 1);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM events WHERE kind = 'guide_viewed'").await, 1);

    assert_error(app.sync(&patient.token, &[viewed("../etc/passwd", "en")]).await, 422, "invalid_event").await;
    assert_error(app.sync(&patient.token, &[viewed("capecitabine", "fr")]).await, 422, "invalid_event").await;
    assert_eq!(app.count("events").await, 1);
}

// ---- headers and routing ----------------------------------------------------------------------------------

#[tokio::test]
async fn the_app_shell_is_served_with_a_strict_content_security_policy() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let csp = header(&response, "content-security-policy");
    for directive in ["'wasm-unsafe-eval'", "object-src 'none'", "frame-ancestors 'none'", "default-src 'self'"] {
        assert!(csp.contains(directive), "CSP lacks {directive}: {csp}");
    }
    assert!(!csp.contains("'unsafe-inline'") && !csp.contains("'unsafe-eval'"), "{csp}");
    assert_eq!(header(&response, "x-content-type-options"), "nosniff");
    assert_eq!(header(&response, "x-frame-options"), "DENY");
    assert_eq!(header(&response, "referrer-policy"), "no-referrer");
    assert!(header(&response, "strict-transport-security").contains("max-age="));
    assert_eq!(header(&response, "cache-control"), "no-cache");
    assert!(header(&response, "content-type").starts_with("text/html"));
    assert_eq!(response.text().await.unwrap(), INDEX_HTML);
}

#[tokio::test]
async fn api_responses_are_never_cached_and_carry_the_security_headers() {
    let app = spawn_app().await;
    let health = app.client.get(app.url("/api/health")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(header(&health, "cache-control"), "no-store");
    assert!(header(&health, "content-security-policy").contains("frame-ancestors 'none'"));
    assert_eq!(header(&health, "x-content-type-options"), "nosniff");

    // Errors too.
    let unauthorized = app.client.get(app.url("/api/pharmacy/queue")).send().await.unwrap();
    assert_eq!(header(&unauthorized, "cache-control"), "no-store");
    assert_eq!(header(&unauthorized, "x-content-type-options"), "nosniff");
    assert_error(unauthorized, 401, "unauthorized").await;

    // And successful data responses.
    let pharmacist = app.pharmacist_at_new_site("North", "alice").await;
    let login = app.login_response(&pharmacist.username, &pharmacist.password).await;
    assert_eq!(login.status(), StatusCode::OK);
    assert_eq!(header(&login, "cache-control"), "no-store");
}

#[tokio::test]
async fn an_unknown_api_route_is_a_json_404() {
    let app = spawn_app().await;
    for path in ["/api/nope", "/api/pharmacy/nope", "/api/device/profile/extra"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(header(&response, "cache-control"), "no-store", "{path}");
        let (_, body) = assert_error(response, 404, "not_found").await;
        assert!(!body.contains("carepath-test-shell"), "{path} served the app shell");
    }
    let post = app.client.post(app.url("/api/nope")).json(&json!({})).send().await.unwrap();
    assert_error(post, 404, "not_found").await;
}

#[tokio::test]
async fn an_unknown_page_outside_the_api_falls_back_to_the_app_shell() {
    let app = spawn_app().await;
    // The desk's page (its own bundle) for /pharmacy and everything under it; the patient app's everywhere else.
    for (path, page) in [("/pharmacy", DESK_HTML), ("/pharmacy/queue", DESK_HTML), ("/pharmacy/patients/0b6c/handout", DESK_HTML),
        ("/checkin/today", INDEX_HTML), ("/pharmacyx", INDEX_HTML)]
    {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(header(&response, "content-type").starts_with("text/html"), "{path}");
        assert!(header(&response, "content-security-policy").contains("'wasm-unsafe-eval'"), "{path}");
        assert_eq!(header(&response, "cache-control"), "no-cache", "{path}");
        assert_eq!(response.text().await.unwrap(), page, "{path}");
    }
}

// ---- concurrency ------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn devices_enrolling_at_the_same_time_all_succeed() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let mut codes = Vec::new();
    for n in 0..8 {
        codes.push(app.enroll_patient(&client, &format!("Patient {n}"), Frequency::OnceDaily).await.code);
    }

    let handles: Vec<_> = codes
        .into_iter()
        .map(|code| {
            let (http, url) = (app.client.clone(), app.url("/api/enroll"));
            tokio::spawn(async move {
                let response = http.post(url).json(&json!({ "code": code })).send().await.unwrap();
                (response.status(), response.text().await.unwrap())
            })
        })
        .collect();
    let mut failures = Vec::new();
    for handle in handles {
        let (status, body) = handle.await.unwrap();
        if status != StatusCode::OK {
            failures.push(format!("{status} {body}"));
        }
    }
    assert!(failures.is_empty(), "{} of 8 concurrent enrollments failed: {failures:#?}", failures.len());
    assert_eq!(app.count("devices").await, 8);
}

#[tokio::test]
async fn static_file_requests_cannot_reach_outside_the_app_folder() {
    let app = spawn_app().await;
    let root = app.settings.static_dir.parent().unwrap();
    std::fs::write(root.join("secret.txt"), "top secret").unwrap();
    assert!(app.settings.database_path().exists());

    for path in ["/..%2fsecret.txt", "/..%2f..%2fsecret.txt", "/..%2fdata%2fcarepath.db", "/%2e%2e%2fsecret.txt", "/..\\secret.txt"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        let status = response.status();
        let body = response.bytes().await.unwrap();
        assert!(!body.windows(10).any(|w| w == b"top secret"), "{path} leaked a file outside the app folder");
        assert!(!body.starts_with(b"SQLite format"), "{path} leaked the database");
        assert!(status == StatusCode::OK || status.is_client_error(), "{path}: {status}");
    }
}

#[tokio::test]
async fn a_wrong_method_on_an_api_route_is_a_json_error() {
    let app = spawn_app().await;
    let wrong_method = app.client.post(app.url("/api/device/profile")).json(&json!({})).send().await.unwrap();
    assert_eq!(wrong_method.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(header(&wrong_method, "cache-control"), "no-store");
    let body = wrong_method.text().await.unwrap();
    let parsed: serde_json::Value = serde_json::from_str(&body)
        .unwrap_or_else(|_| panic!("405 body is not the API's JSON error shape: {body:?}"));
    assert!(parsed["error"]["code"].is_string() && parsed["error"]["message"].is_string(), "{body}");
}

#[tokio::test]
async fn the_api_prefix_with_a_trailing_slash_is_a_json_404_not_the_app_shell() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/api/")).send().await.unwrap();
    assert_error(response, 404, "not_found").await;
}
