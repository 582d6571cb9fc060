//! Group commit (issue #16): the batches waiting for the writer are written in one transaction, each in a savepoint,
//! and answered once that transaction is committed. A batch that fails takes nothing of the others with it; a commit
//! that fails stores none of them and answers each with the error.

mod common;

use std::time::Duration as StdDuration;

use carepath_server::error::ApiError;
use carepath_server::group_commit::Work;
use common::*;
use reqwest::StatusCode;

/// A batch that inserts `values` into the test table `t`, each its own statement.
fn inserting(values: &'static [i64]) -> Work<(), ApiError> {
    Box::new(move |conn| {
        Box::pin(async move {
            for value in values {
                sqlx::query("INSERT INTO t (x) VALUES (?)").bind(value).execute(&mut *conn).await?;
            }
            Ok(())
        })
    })
}

async fn stored(app: &TestApp) -> Vec<i64> {
    sqlx::query_scalar("SELECT x FROM t ORDER BY x").fetch_all(&app.db).await.unwrap()
}

#[tokio::test]
async fn a_batch_that_fails_is_rolled_back_alone_and_the_rest_of_its_group_is_stored() {
    let app = spawn_app().await;
    app.execute("CREATE TABLE t (x INTEGER UNIQUE)").await.unwrap();
    let groups = app.store.groups().clone();
    let (groups_before, batches_before) = groups.committed();

    // While another write holds the writer, four batches wait: they are written together once it is free.
    let held = carepath_server::store::begin_write(&app.store).await.unwrap();
    let send = |work: Work<(), ApiError>| {
        let groups = groups.clone();
        tokio::spawn(async move { groups.write(work).await })
    };
    let first = send(inserting(&[1, 2]));
    // Its second insert breaks the unique rule after its first went in: the whole batch goes, the 3 with it.
    let refused = send(inserting(&[3, 1]));
    let panics: Work<(), ApiError> = Box::new(|conn| {
        Box::pin(async move {
            sqlx::query("INSERT INTO t (x) VALUES (5)").execute(&mut *conn).await?;
            panic!("a bug in a batch's work");
        })
    });
    let panicked = send(panics);
    let last = send(inserting(&[4]));
    tokio::time::sleep(StdDuration::from_millis(300)).await;
    assert!(!first.is_finished() && !last.is_finished(), "nothing is answered before it is written");
    held.rollback().await.unwrap();

    first.await.unwrap().expect("the first batch is stored");
    last.await.unwrap().expect("the last batch is stored");
    let error = refused.await.unwrap().expect_err("the batch that breaks the rule is refused");
    assert!(matches!(&error, ApiError::Internal(e) if format!("{e:#}").contains("UNIQUE")), "{error:?}");
    assert!(panicked.await.unwrap().is_err(), "a batch whose work panics fails, and only it");
    assert_eq!(stored(&app).await, [1, 2, 4]);

    let (groups_after, batches_after) = groups.committed();
    assert_eq!(batches_after - batches_before, 4);
    assert!(groups_after - groups_before < 4, "the batches that waited were committed together");
    // The writer is still good for the next one.
    groups.write(inserting(&[6])).await.unwrap();
    assert_eq!(stored(&app).await, [1, 2, 4, 6]);
}

#[tokio::test]
async fn when_a_groups_commit_fails_none_of_its_batches_is_stored_and_each_is_told() {
    let app = spawn_app().await;
    app.execute("CREATE TABLE t (x INTEGER UNIQUE)").await.unwrap();
    app.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)").await.unwrap();
    app.execute("CREATE TABLE child (parent INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)").await.unwrap();
    let groups = app.store.groups().clone();

    let held = carepath_server::store::begin_write(&app.store).await.unwrap();
    let send = |work: Work<(), ApiError>| {
        let groups = groups.clone();
        tokio::spawn(async move { groups.write(work).await })
    };
    let good = send(inserting(&[1]));
    // Its statement passes; the foreign key it breaks is checked at COMMIT, so the group's commit fails.
    let dangling: Work<(), ApiError> = Box::new(|conn| {
        Box::pin(async move {
            sqlx::query("INSERT INTO child (parent) VALUES (99)").execute(&mut *conn).await?;
            Ok(())
        })
    });
    let dangling = send(dangling);
    let also_good = send(inserting(&[2]));
    tokio::time::sleep(StdDuration::from_millis(300)).await;
    held.rollback().await.unwrap();

    // Whichever group each landed in, the one with the dangling row is not committed and all of it is answered failed.
    let results = [good.await.unwrap().is_ok(), dangling.await.unwrap().is_ok(), also_good.await.unwrap().is_ok()];
    assert!(!results[1], "the dangling row's group did not commit");
    let children: i64 = app.scalar("SELECT COUNT(*) FROM child").await;
    assert_eq!(children, 0);
    let answered_stored: Vec<i64> = [(1, results[0]), (2, results[2])].into_iter().filter(|(_, ok)| *ok).map(|(x, _)| x).collect();
    assert_eq!(stored(&app).await, answered_stored, "a batch answered stored is stored, and one answered failed is not");
    assert!(results.iter().filter(|ok| !**ok).count() >= 2, "a good batch in the failed group is told so too: {results:?}");
}

#[tokio::test]
async fn syncs_from_many_phones_at_once_are_each_stored_once_and_answered_after_their_group() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let mut patients = Vec::new();
    for n in 0..12 {
        patients.push(app.new_patient(&client, &format!("Patient {n}"), Frequency::OnceDaily).await);
    }
    let before = app.count("events").await;
    let (groups_before, batches_before) = app.store.groups().committed();
    let held = carepath_server::store::begin_write(&app.store).await.unwrap();
    let mut syncs = Vec::new();
    for patient in &patients {
        let (base, token) = (app.address.clone(), patient.token.clone());
        let events = vec![check_in(Symptom::Nausea, 1, None), check_in(Symptom::Fatigue, 2, None)];
        syncs.push(tokio::spawn(async move {
            reqwest::Client::new()
                .post(format!("{base}/api/device/sync"))
                .bearer_auth(&token)
                .json(&serde_json::json!({ "events": events }))
                .send()
                .await
                .unwrap()
        }));
    }
    tokio::time::sleep(StdDuration::from_millis(500)).await;
    held.rollback().await.unwrap();
    for sync in syncs {
        let response = sync.await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());
    }
    assert_eq!(app.count("events").await, before + 24);
    let (groups_after, batches_after) = app.store.groups().committed();
    assert_eq!(batches_after - batches_before, 12);
    assert!(groups_after - groups_before < 12, "syncs that waited together were committed together");
    // Each patient's worklist status saw its own check-ins (the savepoints kept the batches apart).
    let refreshed: i64 = app.scalar("SELECT COUNT(*) FROM patient_status WHERE last_check_in IS NOT NULL").await;
    assert_eq!(refreshed, 12);
}
