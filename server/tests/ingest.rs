//! Ingest on one machine (issue #16): writes of this server queue for its one writer connection instead of polling
//! SQLite's file lock, so a write that waits behind a long one is late, never a "database is locked" 500; reads have
//! connections of their own that cannot write.

mod common;

use std::time::{Duration as StdDuration, Instant};

use carepath_domain::regimen::DoseSlot;
use common::*;
use reqwest::StatusCode;

#[tokio::test]
async fn a_sync_behind_a_write_longer_than_the_busy_timeout_waits_its_turn_instead_of_failing() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let ana = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    let before = app.count("events").await;

    // Another write of the server (here the test's own) holds the write lock for longer than SQLite's 5 s busy
    // timeout. With every pooled connection free to write, the sync's connection polled for the lock and answered
    // 500 "database is locked" after 5 s.
    let mut held = carepath_server::store::begin_write(&app.store).await.unwrap();
    sqlx::query("UPDATE sites SET name = name").execute(&mut *held).await.unwrap();
    let token = ana.token.clone();
    let started = Instant::now();
    let sync = {
        let base = app.address.clone();
        tokio::spawn(async move {
            let event = check_in(Symptom::Nausea, 1, None);
            reqwest::Client::new()
                .post(format!("{base}/api/device/sync"))
                .bearer_auth(&token)
                .json(&serde_json::json!({ "events": [event] }))
                .send()
                .await
                .unwrap()
        })
    };
    tokio::time::sleep(StdDuration::from_millis(6_000)).await;
    assert!(!sync.is_finished(), "the sync waits while the write lock is held");
    held.commit().await.unwrap();

    let response = sync.await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());
    assert!(started.elapsed() >= StdDuration::from_secs(6));
    assert_eq!(app.count("events").await, before + 1);
}

#[tokio::test]
async fn reads_go_through_connections_that_cannot_write() {
    let app = spawn_app().await;
    let refused = sqlx::query("UPDATE sites SET name = name").execute(app.store.read()).await;
    let error = refused.expect_err("a read connection refuses a write").to_string();
    assert!(error.contains("readonly"), "{error}");
    // …and they read what the writer committed.
    app.add_site("South").await;
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sites WHERE name = 'South'").fetch_one(app.store.read()).await.unwrap();
    assert_eq!(n, 1);
}

/// A dose record as the sync stores it, in the test's own transaction (the stand-in for a batch's insert).
async fn insert_dose_record(conn: &mut sqlx::SqliteConnection, patient: &Patient, event: &carepath_domain::sync::PatientEvent) {
    let device_id: String = sqlx::query_scalar("SELECT id FROM devices WHERE patient_id = ?")
        .bind(patient.id.to_string())
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    sqlx::query("INSERT INTO events (id, patient_id, device_id, kind, recorded_at, received_at, payload) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .bind(event.id.to_string())
        .bind(patient.id.to_string())
        .bind(device_id)
        .bind(event.body.kind())
        .bind(carepath_server::store::ts(event.recorded_at))
        .bind(carepath_server::store::ts(chrono::Utc::now()))
        .bind(serde_json::to_string(event).unwrap())
        .execute(&mut *conn)
        .await
        .unwrap();
}

/// A sync reads the patient's history before it takes the writer (issue #16: that read was most of its time holding
/// it). Inside the write transaction the snapshot, with the batch's own records put in recorded order, must be the
/// history a read there would give.
#[tokio::test]
async fn the_history_read_before_the_writer_with_the_batchs_records_is_the_history_inside_the_transaction() {
    use carepath_server::regimens::History;
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let ana = app.new_patient(&client, "Ana", Frequency::TwiceDaily).await;
    let pid = ana.id.to_string();
    let stored = [minutes_ago(dose_taken(ana.line_id, DoseSlot::Morning), 30), minutes_ago(dose_taken(ana.line_id, DoseSlot::Evening), 10)];
    app.sync_ok(&ana.token, &stored).await;

    let snapshot = History::snapshot(&app.store, &pid, None).await.unwrap();
    assert_eq!(snapshot.history.events.len(), 2);
    // The batch: one record older than both stored ones, one between them, one newer.
    let batch = [
        minutes_ago(dose_taken(ana.line_id, DoseSlot::Morning), 40),
        minutes_ago(dose_taken(ana.line_id, DoseSlot::Evening), 20),
        dose_taken(ana.line_id, DoseSlot::Evening),
    ];
    let mut tx = carepath_server::store::begin_write(&app.store).await.unwrap();
    for event in &batch {
        insert_dose_record(&mut tx, &ana, event).await;
    }
    let current = snapshot.current(&mut tx, &pid, &batch.iter().collect::<Vec<_>>()).await.unwrap();
    let read_here = History::read(&mut tx, &pid).await.unwrap();
    assert_eq!(current, read_here);
    let order: Vec<_> = current.events.iter().map(|e| e.event.id).collect();
    assert_eq!(order, [batch[0].id, stored[0].id, batch[1].id, stored[1].id, batch[2].id]);
}

/// When another write changed the history after the snapshot was read (a pharmacist's dispense, another phone's
/// records), the snapshot is not taken for current: the history is read again inside the transaction.
#[tokio::test]
async fn a_history_changed_after_the_snapshot_is_read_again_inside_the_transaction() {
    use carepath_server::regimens::History;
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let ana = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    let pid = ana.id.to_string();
    let caregiver = app.add_caregiver(&client, ana.id, "Maria").await;
    let (maria, _) = app.enroll_device(&caregiver.code).await;

    // A dispense between the snapshot and the transaction.
    let snapshot = History::snapshot(&app.store, &pid, None).await.unwrap();
    let fill = serde_json::json!({ "regimen_line_id": ana.line_id, "date": chrono::Utc::now().date_naive().to_string(), "tablets": 30, "days_supply": 10 });
    let r = client.post(app.url(&format!("/api/pharmacy/patients/{}/dispenses", ana.id))).json(&fill).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let mut tx = carepath_server::store::begin_write(&app.store).await.unwrap();
    let current = snapshot.current(&mut tx, &pid, &[]).await.unwrap();
    assert_eq!(current.lines[0].dispenses.len(), 1, "the dispense made after the snapshot is in");
    assert_eq!(current, History::read(&mut tx, &pid).await.unwrap());
    tx.rollback().await.unwrap();

    // The caregiver's phone stores a record between the snapshot and the transaction.
    let snapshot = History::snapshot(&app.store, &pid, None).await.unwrap();
    let by_maria = dose_taken(ana.line_id, DoseSlot::Daily);
    app.sync_ok(&maria, std::slice::from_ref(&by_maria)).await;
    let mut tx = carepath_server::store::begin_write(&app.store).await.unwrap();
    let current = snapshot.current(&mut tx, &pid, &[]).await.unwrap();
    assert_eq!(current.events.iter().map(|e| (e.event.id, e.logged_by.as_deref())).collect::<Vec<_>>(), [(by_maria.id, Some("Maria"))]);
    assert_eq!(current, History::read(&mut tx, &pid).await.unwrap());
}
