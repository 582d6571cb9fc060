//! Lost or replaced phones (issue #15 item 3): the patient page lists a patient's phones and removes any one's
//! access; a removed phone is refused on every device route with `device_revoked`, a phone unused past the idle
//! limit with `device_expired`; a phone can remove itself.

mod common;

use carepath_domain::sync::{DeviceAccess, DeviceView, PatientDevices, RevokedBy};
use carepath_server::store::ts;
use chrono::{Duration, Utc};
use common::*;
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

async fn devices(app: &TestApp, client: &reqwest::Client, patient: Uuid) -> PatientDevices {
    let response = client.get(app.url(&format!("/api/pharmacy/patients/{patient}/devices"))).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap_or_default());
    response.json().await.unwrap()
}

async fn revoke(app: &TestApp, client: &reqwest::Client, patient: Uuid, device: Uuid) -> reqwest::Response {
    client.post(app.url(&format!("/api/pharmacy/patients/{patient}/devices/{device}/revoke"))).json(&json!({})).send().await.unwrap()
}

async fn revoked_ok(app: &TestApp, client: &reqwest::Client, patient: Uuid, device: Uuid) -> DeviceView {
    let response = revoke(app, client, patient, device).await;
    assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap_or_default());
    response.json().await.unwrap()
}

/// The id of the device with this token (the phone itself never learns it).
async fn device_id(app: &TestApp, token: &str) -> Uuid {
    let id: String = sqlx::query_scalar("SELECT id FROM devices WHERE token_hash = ?")
        .bind(carepath_server::auth::token_hash(token))
        .fetch_one(&app.db)
        .await
        .unwrap();
    id.parse().unwrap()
}

/// Every route a phone calls, with its token; each answer is checked by the caller.
async fn every_device_route(app: &TestApp, token: &str) -> Vec<(&'static str, reqwest::Response)> {
    let c = &app.client;
    let subscription = json!({ "endpoint": "https://push.example.org/x", "keys": { "p256dh": "x", "auth": "y" } });
    let snooze = json!({ "regimen_line_id": Uuid::new_v4(), "date": Utc::now().date_naive().to_string(), "slot": "daily", "minutes": 15 });
    vec![
        ("profile", c.get(app.url("/api/device/profile")).bearer_auth(token).send().await.unwrap()),
        ("sync", app.sync(token, &[check_in(Symptom::Pain, 1, None)]).await),
        ("push key", c.get(app.url("/api/device/push/key")).bearer_auth(token).send().await.unwrap()),
        ("subscribe", c.put(app.url("/api/device/push/subscription")).bearer_auth(token).json(&subscription).send().await.unwrap()),
        ("unsubscribe", c.delete(app.url("/api/device/push/subscription")).bearer_auth(token).send().await.unwrap()),
        ("snooze", c.post(app.url("/api/device/push/snooze")).bearer_auth(token).json(&snooze).send().await.unwrap()),
        ("unenroll", c.post(app.url("/api/device/unenroll")).bearer_auth(token).json(&json!({})).send().await.unwrap()),
    ]
}

#[tokio::test]
async fn the_patient_page_lists_each_phone_with_whose_it_is_and_when_it_was_seen() {
    let app = spawn_app().await;
    let desk = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let before = Utc::now();
    let ana = app.new_patient(&desk, "Ana", Frequency::OnceDaily).await;
    let carmen = app.add_caregiver(&desk, ana.id, "Carmen (daughter)").await;
    let (carmen_token, _) = app.enroll_device(&carmen.code).await;
    // Another patient's phone is not Ana's.
    app.new_patient(&desk, "Ben", Frequency::OnceDaily).await;

    let listed = devices(&app, &desk, ana.id).await;
    assert_eq!(listed.idle_days, 180);
    let whose: Vec<_> = listed.devices.iter().map(|d| (d.caregiver.as_deref(), d.access)).collect();
    assert_eq!(whose, [(Some("Carmen (daughter)"), DeviceAccess::Active), (None, DeviceAccess::Active)], "newest enrolled first");
    for d in &listed.devices {
        assert!(d.enrolled_at >= before - Duration::seconds(1) && d.enrolled_at <= Utc::now());
        assert!(d.last_seen_at >= d.enrolled_at);
    }
    assert_eq!(listed.devices[0].id, device_id(&app, &carmen_token).await);
    assert_eq!(listed.devices[1].id, device_id(&app, &ana.token).await);
    // Last seen moves when the phone is in touch (kept to the minute).
    app.execute(&format!("UPDATE devices SET last_seen_at = '{}'", ts(Utc::now() - Duration::days(3)))).await.unwrap();
    app.sync_ok(&ana.token, &[]).await;
    let listed = devices(&app, &desk, ana.id).await;
    let own = listed.devices.iter().find(|d| d.caregiver.is_none()).unwrap();
    assert!(own.last_seen_at > Utc::now() - Duration::minutes(1));
    let carmens = listed.devices.iter().find(|d| d.caregiver.is_some()).unwrap();
    assert!(carmens.last_seen_at < Utc::now() - Duration::days(2));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'devices.read'").await, 2);
}

#[tokio::test]
async fn a_removed_phone_is_refused_on_every_device_route_with_its_own_code() {
    let app = spawn_app().await;
    let desk = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let ana = app.new_patient(&desk, "Ana", Frequency::OnceDaily).await;
    let carmen = app.add_caregiver(&desk, ana.id, "Carmen").await;
    let (carmen_token, _) = app.enroll_device(&carmen.code).await;
    app.sync_ok(&ana.token, &[check_in(Symptom::Pain, 1, None)]).await;
    let lost = device_id(&app, &ana.token).await;

    let removed = revoked_ok(&app, &desk, ana.id, lost).await;
    let DeviceAccess::Revoked { at, by: RevokedBy::Pharmacy } = removed.access else { panic!("{removed:?}") };
    assert_eq!((removed.id, removed.caregiver.as_deref()), (lost, None));

    for (route, response) in every_device_route(&app, &ana.token).await {
        let (detail, _) = assert_error(response, 401, "device_revoked").await;
        assert!(detail.message.contains("pharmacy"), "{route}: {}", detail.message);
    }
    assert_eq!(app.count("events").await, 1, "nothing more was stored");
    assert_eq!(app.count("push_subscriptions").await, 0);
    // An unknown token is still only unauthorized: the code tells nothing about tokens that never were.
    assert_error(app.profile_response(&carepath_server::auth::new_token()).await, 401, "unauthorized").await;
    // The caregiver's phone goes on.
    assert_eq!(app.profile_response(&carmen_token).await.status(), StatusCode::OK);
    app.sync_ok(&carmen_token, &[check_in(Symptom::Nausea, 1, None)]).await;

    // Removing it again changes nothing and says the same; both requests are in the audit log.
    let again = revoked_ok(&app, &desk, ana.id, lost).await;
    assert_eq!(again, removed);
    let audited: Vec<(String, String)> =
        sqlx::query_as("SELECT actor_id, detail FROM audit_log WHERE action = 'device.revoke' ORDER BY id").fetch_all(&app.db).await.unwrap();
    let pharmacist: String = sqlx::query_scalar("SELECT id FROM pharmacists").fetch_one(&app.db).await.unwrap();
    assert_eq!(audited, [(pharmacist.clone(), format!("device {lost}")), (pharmacist, format!("device {lost} (already removed)"))]);
    let listed = devices(&app, &desk, ana.id).await;
    assert_eq!(listed.devices.iter().map(|d| d.access).collect::<Vec<_>>(), [DeviceAccess::Active, DeviceAccess::Revoked { at, by: RevokedBy::Pharmacy }], "the ones still let in first");

    // A new code connects a new phone for the patient.
    let code = desk.post(app.url(&format!("/api/pharmacy/patients/{}/enrollment-codes", ana.id))).json(&json!({})).send().await.unwrap();
    assert_eq!(code.status(), StatusCode::CREATED, "{}", code.text().await.unwrap_or_default());
    let code: serde_json::Value = code.json().await.unwrap();
    let (new_phone, _) = app.enroll_device(code["code"].as_str().unwrap()).await;
    app.sync_ok(&new_phone, &[check_in(Symptom::Pain, 1, None)]).await;
}

#[tokio::test]
async fn ending_a_caregivers_access_shows_on_their_phones() {
    let app = spawn_app().await;
    let desk = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let ana = app.new_patient(&desk, "Ana", Frequency::OnceDaily).await;
    let carmen = app.add_caregiver(&desk, ana.id, "Carmen").await;
    let (carmen_token, _) = app.enroll_device(&carmen.code).await;
    let ended = desk
        .post(app.url(&format!("/api/pharmacy/patients/{}/caregivers/{}/revoke", ana.id, carmen.caregiver.id)))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), StatusCode::OK);
    assert_error(app.profile_response(&carmen_token).await, 401, "device_revoked").await;
    let listed = devices(&app, &desk, ana.id).await;
    assert_eq!(listed.devices[0].access, DeviceAccess::Active);
    assert!(matches!(listed.devices[1].access, DeviceAccess::Revoked { by: RevokedBy::CaregiverEnded, .. }), "{listed:?}");
    assert_eq!(listed.devices[1].caregiver.as_deref(), Some("Carmen"));
}

#[tokio::test]
async fn removing_a_phone_is_scoped_to_the_pharmacists_site_and_the_patient() {
    let app = spawn_app().await;
    let north = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let south = app.login_as(&app.pharmacist_at_new_site("South", "sam").await).await;
    let ana = app.new_patient(&north, "Ana", Frequency::OnceDaily).await;
    let ben = app.new_patient(&north, "Ben", Frequency::OnceDaily).await;
    let anas = device_id(&app, &ana.token).await;
    let bens = device_id(&app, &ben.token).await;

    assert_error(south.get(app.url(&format!("/api/pharmacy/patients/{}/devices", ana.id))).send().await.unwrap(), 404, "not_found").await;
    assert_error(revoke(&app, &south, ana.id, anas).await, 404, "not_found").await;
    // Ben's phone under Ana's page, and a phone that does not exist.
    assert_error(revoke(&app, &north, ana.id, bens).await, 404, "not_found").await;
    assert_error(revoke(&app, &north, ana.id, Uuid::new_v4()).await, 404, "not_found").await;
    let bad = north.post(app.url(&format!("/api/pharmacy/patients/{}/devices/not-a-uuid/revoke", ana.id))).json(&json!({})).send().await.unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    // Without a session.
    let anonymous = app.client.post(app.url(&format!("/api/pharmacy/patients/{}/devices/{anas}/revoke", ana.id))).json(&json!({})).send().await.unwrap();
    assert_error(anonymous, 401, "unauthorized").await;
    assert_error(app.client.get(app.url(&format!("/api/pharmacy/patients/{}/devices", ana.id))).send().await.unwrap(), 401, "unauthorized").await;

    assert_eq!(app.scalar("SELECT COUNT(*) FROM devices WHERE revoked_at IS NOT NULL").await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'device.revoke'").await, 0);
    for token in [&ana.token, &ben.token] {
        assert_eq!(app.profile_response(token).await.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn a_phone_unused_past_the_idle_limit_expires() {
    let app = spawn_app().await;
    let desk = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let ana = app.new_patient(&desk, "Ana", Frequency::OnceDaily).await;
    let ben = app.new_patient(&desk, "Ben", Frequency::OnceDaily).await;
    let long_ago = ts(Utc::now() - Duration::days(181));
    let nearly = ts(Utc::now() - Duration::days(179));
    app.execute(&format!("UPDATE devices SET last_seen_at = '{long_ago}' WHERE patient_id = '{}'", ana.id)).await.unwrap();
    app.execute(&format!("UPDATE devices SET last_seen_at = '{nearly}' WHERE patient_id = '{}'", ben.id)).await.unwrap();

    for (route, response) in every_device_route(&app, &ana.token).await {
        let (detail, _) = assert_error(response, 401, "device_expired").await;
        assert!(detail.message.contains("new code"), "{route}: {}", detail.message);
    }
    assert_eq!(app.count("events").await, 0);
    // Refused requests do not make it seen again.
    let seen: String = sqlx::query_scalar("SELECT last_seen_at FROM devices WHERE patient_id = ?").bind(ana.id.to_string()).fetch_one(&app.db).await.unwrap();
    assert_eq!(seen, long_ago);
    assert_eq!(devices(&app, &desk, ana.id).await.devices[0].access, DeviceAccess::Expired);

    // A day short of the limit it works, and is seen again.
    app.sync_ok(&ben.token, &[check_in(Symptom::Pain, 1, None)]).await;
    assert_eq!(devices(&app, &desk, ben.id).await.devices[0].access, DeviceAccess::Active);

    // An expired phone can still be removed for good.
    let removed = revoked_ok(&app, &desk, ana.id, device_id(&app, &ana.token).await).await;
    assert!(matches!(removed.access, DeviceAccess::Revoked { by: RevokedBy::Pharmacy, .. }));
    assert_error(app.profile_response(&ana.token).await, 401, "device_revoked").await;
}

#[tokio::test]
async fn the_idle_limit_is_a_setting() {
    let app = spawn_app_with(|s| s.device_idle_days = 7).await;
    let desk = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let ana = app.new_patient(&desk, "Ana", Frequency::OnceDaily).await;
    assert_eq!(devices(&app, &desk, ana.id).await.idle_days, 7);
    app.execute(&format!("UPDATE devices SET last_seen_at = '{}'", ts(Utc::now() - Duration::days(8)))).await.unwrap();
    assert_error(app.profile_response(&ana.token).await, 401, "device_expired").await;
}

#[tokio::test]
async fn a_phone_removes_itself() {
    let app = spawn_app().await;
    let desk = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let ana = app.new_patient(&desk, "Ana", Frequency::OnceDaily).await;
    let response = app.client.post(app.url("/api/device/unenroll")).bearer_auth(&ana.token).json(&json!({})).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap_or_default());
    assert_error(app.profile_response(&ana.token).await, 401, "device_revoked").await;
    assert!(matches!(devices(&app, &desk, ana.id).await.devices[0].access, DeviceAccess::Revoked { by: RevokedBy::Phone, .. }));
    let audited: (String, String) = sqlx::query_as("SELECT actor_kind, patient_id FROM audit_log WHERE action = 'device.unenroll'").fetch_one(&app.db).await.unwrap();
    assert_eq!(audited, ("device".to_string(), ana.id.to_string()));
    // The pharmacy removing it afterwards keeps who removed it first.
    let removed = revoked_ok(&app, &desk, ana.id, device_id(&app, &ana.token).await).await;
    assert!(matches!(removed.access, DeviceAccess::Revoked { by: RevokedBy::Phone, .. }));
}
