//! Lossless sync as a property (issue #11, item 4): whatever order, duplication and batching a device's events
//! reach the server in — corrections before the records they correct, the same event twice in a batch or across
//! batches — the device ends up with every event acknowledged and the server holds exactly the device's events.
//! A correction that arrives before its record is answered `correction_target_missing` and sent again later, never
//! refused for good. The cases are pseudo-random from fixed seeds, so a failure replays.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use carepath_domain::adherence::{DoseOutcome, SkipReason};
use carepath_domain::checkin::CheckInAnswers;
use carepath_domain::regimen::DoseSlot;
use carepath_domain::sync::{ErrorBody, ErrorCode, EventBody, PatientEvent, SyncResponse};
use chrono::{Duration, NaiveDate, Utc};
use common::*;
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

/// xorshift64*: small, deterministic, good enough to shuffle.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

/// A device's history: doses over a few days, some corrected (chains of corrections too), check-ins and a
/// refill request, each recorded a second apart.
fn history(rng: &mut Rng, line: Uuid, today: NaiveDate) -> Vec<PatientEvent> {
    let mut events: Vec<PatientEvent> = Vec::new();
    let mut at = Utc::now() - Duration::hours(2);
    let mut tick = || {
        at += Duration::seconds(1);
        at
    };
    for day in 0..4 {
        let date = today - Duration::days(3 - day);
        let outcome = [DoseOutcome::Taken, DoseOutcome::Missed, DoseOutcome::Skipped { reason: SkipReason::Forgot }][rng.below(3)];
        let recorded_at = tick();
        let taken_at = outcome.has_time().then(|| date.and_hms_opt(9, 0, 0).unwrap().and_utc().min(recorded_at));
        let first = PatientEvent {
            id: Uuid::new_v4(),
            recorded_at,
            body: EventBody::DoseLogged { regimen_line_id: line, date, slot: DoseSlot::Daily, outcome, taken_at, supersedes: None },
        };
        let mut previous = first.id;
        events.push(first);
        for _ in 0..rng.below(3) {
            let recorded_at = tick();
            let taken_at = Some(date.and_hms_opt(10, 0, 0).unwrap().and_utc().min(recorded_at));
            let correction = PatientEvent {
                id: Uuid::new_v4(),
                recorded_at,
                body: EventBody::DoseLogged {
                    regimen_line_id: line,
                    date,
                    slot: DoseSlot::Daily,
                    outcome: DoseOutcome::TakenLate,
                    taken_at,
                    supersedes: Some(previous),
                },
            };
            previous = correction.id;
            events.push(correction);
        }
        if rng.below(2) == 0 {
            events.push(PatientEvent { id: Uuid::new_v4(), recorded_at: tick(), body: EventBody::CheckIn(CheckInAnswers::default()) });
        }
    }
    events.push(PatientEvent { id: Uuid::new_v4(), recorded_at: tick(), body: EventBody::RefillRequested { regimen_line_id: line } });
    events
}

#[tokio::test]
async fn any_order_duplication_and_batching_ends_with_exactly_the_devices_events() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let today = Utc::now().date_naive();
    for seed in 1..=12u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let patient = app.new_patient(&client, &format!("Patient {seed}"), Frequency::OnceDaily).await;
        let device_events = history(&mut rng, patient.line_id, today);
        let by_id: BTreeMap<Uuid, PatientEvent> = device_events.iter().map(|e| (e.id, e.clone())).collect();

        // The network: every event once, a third of them twice, in a random order, cut into random batches.
        let mut deliveries: Vec<Uuid> = device_events.iter().map(|e| e.id).collect();
        deliveries.extend(device_events.iter().filter(|_| rng.below(3) == 0).map(|e| e.id));
        rng.shuffle(&mut deliveries);
        let mut acknowledged: BTreeSet<Uuid> = BTreeSet::new();
        let mut waiting: Vec<Uuid> = Vec::new();
        let mut rounds = 0;
        while !deliveries.is_empty() || !waiting.is_empty() {
            rounds += 1;
            assert!(rounds < 200, "seed {seed}: no progress");
            // What waits goes again after this round's deliveries (the phone retries it later).
            let mut queue: Vec<Uuid> = std::mem::take(&mut deliveries);
            queue.append(&mut waiting);
            while !queue.is_empty() {
                let size = 1 + rng.below(queue.len().min(6));
                let batch: Vec<PatientEvent> = queue.drain(..size).map(|id| by_id[&id].clone()).collect();
                let response = app.sync(&patient.token, &batch).await;
                match response.status() {
                    StatusCode::OK => {
                        let ack: SyncResponse = response.json().await.unwrap();
                        acknowledged.extend(ack.acknowledged);
                    }
                    StatusCode::CONFLICT => {
                        let body: ErrorBody = response.json().await.unwrap();
                        assert_eq!(body.error.code, ErrorCode::CorrectionTargetMissing, "seed {seed}");
                        // The phone sends the batch one by one; each correction still early waits for a later round.
                        for event in batch {
                            let one = app.sync(&patient.token, std::slice::from_ref(&event)).await;
                            match one.status() {
                                StatusCode::OK => {
                                    acknowledged.insert(event.id);
                                }
                                StatusCode::CONFLICT => waiting.push(event.id),
                                other => panic!("seed {seed}: {other} {}", one.text().await.unwrap_or_default()),
                            }
                        }
                    }
                    other => panic!("seed {seed}: a batch of honest events answered {other}: {}", response.text().await.unwrap_or_default()),
                }
            }
            waiting.sort();
            waiting.dedup();
            waiting.retain(|id| !acknowledged.contains(id));
        }

        let expected: BTreeSet<Uuid> = by_id.keys().copied().collect();
        assert_eq!(acknowledged, expected, "seed {seed}: the device has every event acknowledged");
        let stored: Vec<(String, String)> = sqlx::query_as("SELECT id, payload FROM events WHERE patient_id = ?")
            .bind(patient.id.to_string())
            .fetch_all(&app.db)
            .await
            .unwrap();
        let stored: BTreeMap<Uuid, PatientEvent> =
            stored.into_iter().map(|(id, payload)| (id.parse().unwrap(), serde_json::from_str(&payload).unwrap())).collect();
        assert_eq!(stored, by_id, "seed {seed}: the server holds exactly the device's events");
    }
}

#[tokio::test]
async fn a_correction_is_checked_against_its_batch_as_against_the_store() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("North", "alice").await).await;
    let ana = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    let today = Utc::now().date_naive();
    let dose = |date: NaiveDate, supersedes: Option<Uuid>| PatientEvent {
        id: Uuid::new_v4(),
        recorded_at: Utc::now(),
        body: EventBody::DoseLogged {
            regimen_line_id: ana.line_id,
            date,
            slot: DoseSlot::Daily,
            outcome: DoseOutcome::Missed,
            taken_at: None,
            supersedes,
        },
    };
    let check_in = check_in_with(CheckInAnswers::default());
    // A correction naming a check-in, or another day's dose, is refused whether the two arrive together or apart.
    let of_check_in = dose(today, Some(check_in.id));
    let r = app.sync(&ana.token, &[check_in.clone(), of_check_in.clone()]).await;
    assert_error(r, 422, "invalid_event").await;
    let yesterday = dose(today - Duration::days(1), None);
    let other_day = dose(today, Some(yesterday.id));
    assert_error(app.sync(&ana.token, &[yesterday.clone(), other_day.clone()]).await, 422, "invalid_event").await;
    assert_eq!(app.count("events").await, 0, "all or nothing");
    app.sync_ok(&ana.token, &[check_in, yesterday]).await;
    assert_error(app.sync(&ana.token, &[of_check_in]).await, 422, "invalid_event").await;
    assert_error(app.sync(&ana.token, &[other_day]).await, 422, "invalid_event").await;
    // A correction whose record has not arrived: 409, with the event's position, nothing stored.
    let early = dose(today, Some(Uuid::new_v4()));
    let response = app.sync_json(&ana.token, &json!({ "events": [dose(today, None), early] })).await;
    let (detail, _) = assert_error(response, 409, "correction_target_missing").await;
    assert_eq!(detail.event_index, Some(1));
    assert_eq!(app.count("events").await, 2);
}
