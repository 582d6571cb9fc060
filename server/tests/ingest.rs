//! Ingest on one machine (issue #16): writes of this server queue for its one writer connection instead of polling
//! SQLite's file lock, so a write that waits behind a long one is late, never a "database is locked" 500; reads have
//! connections of their own that cannot write.

mod common;

use std::time::{Duration as StdDuration, Instant};

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
