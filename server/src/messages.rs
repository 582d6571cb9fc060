//! The two-way thread (issue #12 items 9 and 10): what patients and caregivers write to the pharmacy, and the push
//! that tells their phones when the pharmacy writes.
//!
//! - A `message_sent` event is stored by the sync like any record; in the same transaction it is filed in
//!   `patient_messages` with who wrote it (a caregiver's device says which caregiver) under an open alert of the
//!   patient that still waits for a pharmacist (not acknowledged) — the one the answered message was about if it
//!   still waits, else the newest waiting one — or, when none waits, under a new routine alert "Message from the
//!   patient". So every message sits on an alert at the top of the queue until someone has seen it (an answer to a
//!   reply, which acknowledged its alert, is never buried under it), and there is one such alert waiting at a time:
//!   later messages join it. An answer must name a message of the same patient, and on a caregiver's phone one
//!   that caregivers may read ([`carepath_domain::message_audience`]).
//! - A pharmacy message queues one `message_pushes` row per subscribed device of the patient that may read it
//!   (the patient's own; a caregiver's when the message is addressed to caregivers or the patient lets them read
//!   every message) in the transaction
//!   that stores it; a background task sends them after the commit (never inside the request), with doubling
//!   retries like `notify.rs`, at least once. The push carries no words of the message
//!   ([`carepath_domain::messages::MessagePush`]); a push that fails loses nothing: the profile poll shows the message.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use carepath_domain::message_audience::Reader;
use carepath_domain::messages::{MessagePush, PatientMessage};
use carepath_domain::triage::{AlertReason, Tier};
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use sqlx::SqliteConnection;
use tokio::sync::Notify;
use uuid::Uuid;

use crate::config::Settings;
use crate::error::ApiError;
use crate::push::{Push, SendError, Subscription};
use crate::store::{self, parse_ts, parse_uuid, ts, Db};

/// Attempts per push before it is given up (the message still reaches the phone in its profile).
pub const MAX_PUSH_ATTEMPTS: i64 = 8;
/// Patient messages a device gets in its profile, and the timeline shows (the newest).
pub const THREAD_LIMIT: i64 = 200;
/// The task also looks for due pushes this often, whatever wakes it.
const IDLE_CHECK: StdDuration = StdDuration::from_secs(30);
/// Pushes sent per round.
const ROUND: i64 = 100;

const SELECT: &str = "SELECT pm.event_id, pm.body, pm.recorded_at, pm.received_at, pm.in_reply_to, c.name, pm.alert_id
    FROM patient_messages pm LEFT JOIN caregivers c ON c.id = pm.caregiver_id";

/// The patient's thread; `caregivers_only`: only what caregivers wrote (for a caregiver the patient has not let read
/// the patient's own messages).
fn thread_sql(caregivers_only: bool) -> String {
    let only = if caregivers_only { "AND pm.caregiver_id IS NOT NULL" } else { "" };
    format!("{SELECT} WHERE pm.patient_id = ? {only} ORDER BY pm.recorded_at DESC LIMIT ?")
}

/// The messages of a page of alerts (their ids as a JSON array); sorted in Rust, a page is small.
fn of_alerts_sql() -> String {
    format!("{SELECT} WHERE pm.alert_id IN (SELECT value FROM json_each(?))")
}

/// Every query the desk runs here, for checking their plans (server/tests/desk_paging.rs).
pub fn desk_queries() -> Vec<(&'static str, String)> {
    vec![("messages: patient's thread", thread_sql(false)), ("messages: patient messages of a page of alerts", of_alerts_sql())]
}

/// event_id, body, recorded_at, received_at, in_reply_to, caregiver name, alert_id.
type Row = (String, String, String, String, Option<String>, Option<String>, Option<String>);

fn read(rows: Vec<Row>) -> Vec<PatientMessage> {
    rows.into_iter()
        .filter_map(|(id, body, recorded_at, received_at, in_reply_to, caregiver, alert_id)| {
            let parsed = (|| {
                Ok(PatientMessage {
                    id: parse_uuid(&id)?,
                    body,
                    recorded_at: parse_ts(&recorded_at)?,
                    received_at: parse_ts(&received_at)?,
                    in_reply_to: in_reply_to.as_deref().map(parse_uuid).transpose()?,
                    caregiver,
                    alert_id: alert_id.as_deref().map(parse_uuid).transpose()?,
                })
            })();
            store::readable("patient message", &id, parsed)
        })
        .collect()
}

/// What the patient's side wrote that `reader` may read, newest first (the newest [`THREAD_LIMIT`]).
pub async fn thread(conn: &mut SqliteConnection, patient_id: &str, reader: Reader) -> anyhow::Result<Vec<PatientMessage>> {
    let sql = thread_sql(!reader.reads_patient_message(false));
    Ok(read(sqlx::query_as(&sql).bind(patient_id).bind(THREAD_LIMIT).fetch_all(&mut *conn).await?))
}

/// The patient messages of alerts `ids_json` (a JSON array of ids), by alert, oldest first.
pub async fn of_alerts(conn: &mut SqliteConnection, ids_json: &str) -> anyhow::Result<HashMap<String, Vec<PatientMessage>>> {
    let mut by_alert: HashMap<String, Vec<PatientMessage>> = HashMap::new();
    for m in read(sqlx::query_as(&of_alerts_sql()).bind(ids_json).fetch_all(&mut *conn).await?) {
        by_alert.entry(m.alert_id.map(|a| a.to_string()).unwrap_or_default()).or_default().push(m);
    }
    for list in by_alert.values_mut() {
        list.sort_by_key(|m| (m.recorded_at, m.id));
    }
    Ok(by_alert)
}

/// Files a `message_sent` event just stored (same transaction) under an open alert of the patient that waits for a
/// pharmacist, raising a routine one if none waits. `in_reply_to` must be a message to this patient that `reader` (the
/// device that sent it) may read: otherwise the batch is refused.
#[allow(clippy::too_many_arguments)]
pub async fn file_sent(
    conn: &mut SqliteConnection,
    index: usize,
    patient_id: &str,
    caregiver_id: Option<&str>,
    reader: Reader,
    event_id: Uuid,
    recorded_at: DateTime<Utc>,
    text: &str,
    in_reply_to: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let body = carepath_domain::required_text("text", text, carepath_domain::messages::MAX_PATIENT_MESSAGE)
        .map_err(|e| ApiError::InvalidEvent { index, message: e.to_string() })?;
    let mut alert_id: Option<String> = None;
    if let Some(reply_to) = in_reply_to {
        let found: Option<(Option<String>, bool)> = sqlx::query_as(
            "SELECT a.id, m.to_caregivers FROM messages m
             LEFT JOIN alerts a ON a.id = m.alert_id AND a.resolved_at IS NULL AND a.acknowledged_at IS NULL
             WHERE m.id = ? AND m.patient_id = ?",
        )
        .bind(reply_to.to_string())
        .bind(patient_id)
        .fetch_optional(&mut *conn)
        .await?;
        let Some((open, to_caregivers)) = found else {
            return Err(ApiError::InvalidEvent { index, message: "no such message for this patient".into() });
        };
        if !reader.reads_pharmacy_message(to_caregivers) {
            // A message the caregiver cannot see is, for them, no message at all.
            return Err(ApiError::InvalidEvent { index, message: "no such message for this caregiver".into() });
        }
        alert_id = open;
    }
    if alert_id.is_none() {
        alert_id = sqlx::query_scalar(
            "SELECT id FROM alerts WHERE patient_id = ? AND resolved_at IS NULL AND acknowledged_at IS NULL
             ORDER BY raised_at DESC LIMIT 1",
        )
        .bind(patient_id)
        .fetch_optional(&mut *conn)
        .await?;
    }
    let alert_id = match alert_id {
        Some(id) => id,
        None => raise_alert(conn, patient_id, event_id, recorded_at, now).await?,
    };
    sqlx::query(
        "INSERT INTO patient_messages (event_id, patient_id, alert_id, caregiver_id, in_reply_to, body, recorded_at, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(event_id.to_string())
    .bind(patient_id)
    .bind(&alert_id)
    .bind(caregiver_id)
    .bind(in_reply_to.map(|m| m.to_string()))
    .bind(&body)
    .bind(ts(recorded_at))
    .bind(ts(now))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A routine alert "Message from the patient", hung on the message's event. The patient was told nothing to do
/// (`patient_action` stays NULL, so the card says no "Told to …").
async fn raise_alert(
    conn: &mut SqliteConnection,
    patient_id: &str,
    event_id: Uuid,
    recorded_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let (site_id,): (String,) = sqlx::query_as("SELECT site_id FROM patients WHERE id = ?").bind(patient_id).fetch_one(&mut *conn).await?;
    let id = Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO alerts (id, patient_id, site_id, event_id, tier, reasons, reported_at, raised_at, patient_action)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)",
    )
    .bind(&id)
    .bind(patient_id)
    .bind(&site_id)
    .bind(event_id.to_string())
    .bind(crate::triage::tier_text(Tier::Routine))
    .bind(serde_json::to_string(&[AlertReason::PatientMessage])?)
    .bind(ts(recorded_at))
    .bind(ts(now))
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

// ---- the push when the pharmacy writes --------------------------------------------------------------------------

/// Wakes the push task when pushes are queued.
#[derive(Debug, Clone, Default)]
pub struct PushWaker(Arc<Notify>);

impl PushWaker {
    pub fn wake(&self) {
        self.0.notify_one();
    }
}

/// Queues a push for each subscribed device (not revoked, seen since `idle_cutoff`) of the patient that may read message `message_id`
/// (`to_caregivers`: addressed to the caregivers too), in the transaction that stores it. Returns how many.
pub async fn queue_pushes(
    conn: &mut SqliteConnection,
    patient_id: &str,
    message_id: Uuid,
    to_caregivers: bool,
    now: DateTime<Utc>,
    idle_cutoff: DateTime<Utc>,
) -> anyhow::Result<u64> {
    let all = crate::message_audience::sharing(conn, patient_id).await?.is_some_and(|s| s.caregivers_may_read);
    let caregivers = Reader::Caregiver { all };
    let queued = sqlx::query(
        "INSERT INTO message_pushes (message_id, device_id, created_at, next_attempt_at)
         SELECT ?, s.device_id, ?, ? FROM devices d JOIN push_subscriptions s ON s.device_id = d.id
         WHERE d.patient_id = ? AND d.revoked_at IS NULL AND d.last_seen_at >= ? AND (d.caregiver_id IS NULL OR ?)",
    )
    .bind(message_id.to_string())
    .bind(ts(now))
    .bind(ts(now))
    .bind(patient_id)
    .bind(ts(idle_cutoff))
    .bind(caregivers.reads_pharmacy_message(to_caregivers))
    .execute(&mut *conn)
    .await?;
    Ok(queued.rows_affected())
}

/// Starts the push task. It runs until the runtime stops.
pub fn spawn(db: Db, settings: Arc<Settings>, push: Push, waker: PushWaker) {
    tokio::spawn(async move {
        loop {
            if let Err(e) = prune_settled(&db, Utc::now()).await {
                tracing::error!(error = %format!("{e:#}"), "message pushes: pruning failed");
            }
            let wait = match deliver_due(&db, &settings, &push).await {
                Ok(Some(next)) => (next - Utc::now()).to_std().unwrap_or_default().min(IDLE_CHECK),
                Ok(None) => IDLE_CHECK,
                Err(e) => {
                    tracing::error!(error = %format!("{e:#}"), "message pushes: round failed");
                    IDLE_CHECK
                }
            };
            tokio::select! {
                _ = waker.0.notified() => {}
                _ = tokio::time::sleep(wait) => {}
            }
        }
    });
}

/// How long a settled push's record is kept.
pub const KEEP_SETTLED_DAYS: i64 = 30;

/// Deletes the records of pushes settled more than [`KEEP_SETTLED_DAYS`] before `now` (read through
/// `message_pushes_settled`); returns how many.
pub async fn prune_settled(db: &Db, now: DateTime<Utc>) -> anyhow::Result<u64> {
    let before = ts(now - Duration::days(KEEP_SETTLED_DAYS));
    let done = sqlx::query("DELETE FROM message_pushes WHERE outcome IS NOT NULL AND next_attempt_at < ?").bind(before).execute(db.write()).await?;
    Ok(done.rows_affected())
}

/// One topic for every message push: a newer one replaces one still waiting at the push service (it says the same).
fn topic() -> String {
    crate::auth::hex(&Sha256::digest(b"carepath message")[..16])
}

/// Sends every push that is due; returns when the next waiting one falls due. Public so tests can run a round.
pub async fn deliver_due(db: &Db, settings: &Settings, push: &Push) -> anyhow::Result<Option<DateTime<Utc>>> {
    type Due = (String, String, i64, Option<String>, Option<String>, Option<String>);
    let due: Vec<Due> = sqlx::query_as(
        "SELECT mp.message_id, mp.device_id, mp.attempts, s.endpoint, s.p256dh, s.auth
         FROM message_pushes mp LEFT JOIN push_subscriptions s ON s.device_id = mp.device_id
         WHERE mp.outcome IS NULL AND mp.next_attempt_at <= ? ORDER BY mp.next_attempt_at LIMIT ?",
    )
    .bind(ts(Utc::now()))
    .bind(ROUND)
    .fetch_all(db.read())
    .await?;
    let payload = MessagePush::new();
    for (message_id, device_id, attempts, endpoint, p256dh, auth) in due {
        let settle = |outcome: Option<&'static str>, next: DateTime<Utc>, error: Option<String>| {
            sqlx::query(
                "UPDATE message_pushes SET outcome = ?, attempts = attempts + 1, next_attempt_at = ?, last_error = ?
                 WHERE message_id = ? AND device_id = ?",
            )
            .bind(outcome)
            .bind(ts(next))
            .bind(error)
            .bind(message_id.clone())
            .bind(device_id.clone())
        };
        let (Some(endpoint), Some(p256dh), Some(auth)) = (endpoint, p256dh, auth) else {
            // The device unsubscribed since.
            settle(Some("gone"), Utc::now(), None).execute(db.write()).await?;
            continue;
        };
        match push.send_json(&Subscription { endpoint, p256dh, auth }, &payload, &topic()).await {
            Ok(()) => {
                settle(Some("delivered"), Utc::now(), None).execute(db.write()).await?;
            }
            Err(SendError::Gone(status)) => {
                settle(Some("gone"), Utc::now(), None).execute(db.write()).await?;
                sqlx::query("DELETE FROM push_subscriptions WHERE device_id = ?").bind(&device_id).execute(db.write()).await?;
                tracing::info!(device = %device_id, status, "message push: the subscription is gone; forgotten");
            }
            // An endpoint the server does not send to (not https, or not a public address): forgotten too.
            Err(SendError::Refused(refusal)) => {
                settle(Some("gone"), Utc::now(), Some(refusal.to_string())).execute(db.write()).await?;
                sqlx::query("DELETE FROM push_subscriptions WHERE device_id = ?").bind(&device_id).execute(db.write()).await?;
                tracing::warn!(device = %device_id, %refusal, "message push: the endpoint is refused; subscription forgotten");
            }
            Err(SendError::Failed(e)) => {
                let error = format!("{e:#}");
                let last = attempts + 1 >= MAX_PUSH_ATTEMPTS;
                let next = Utc::now() + Duration::from_std(crate::notify::retry_delay(settings.notify_retry_ms, attempts))?;
                tracing::warn!(device = %device_id, attempt = attempts + 1, error = %error, "message push not delivered");
                settle(last.then_some("failed"), next, Some(error)).execute(db.write()).await?;
            }
        }
    }
    let next: Option<String> = sqlx::query_scalar("SELECT MIN(next_attempt_at) FROM message_pushes WHERE outcome IS NULL")
        .fetch_one(db.read())
        .await?;
    next.map(|t| parse_ts(&t)).transpose()
}
