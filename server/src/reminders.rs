//! The dose-reminder task: every `reminder_tick_ms` it finds the devices with a push subscription, plans their
//! reminders with the domain's [`due_reminders`] (regimen, holds and dose changes, doses already logged, snoozes,
//! quiet hours) and sends each one by Web Push ([`crate::push`]).
//!
//! Each reminder is claimed in `push_reminders_sent` (unique per device, dose, kind and snooze round) before it is
//! sent, so a restart or two overlapping rounds never send one twice. A send that fails in a way worth retrying
//! gives the claim back, and the next rounds try again while the reminder is at most [`RETRY_WINDOW`] old. After
//! a restart, reminders missed while the server was down are still sent if at most [`MAX_LATE`] late. Delivery is
//! therefore at most once: if the server stops between claiming and sending, that reminder is lost.
//!
//! A patient's own devices get a reminder at each dose time; a caregiver's device gets none of those. Any device
//! that opted in (`overdue_after_minutes`) is also told when a dose is still not logged that long after its time.
//! A 404 or 410 from the push service deletes the subscription.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration as StdDuration;

use carepath_domain::push::PushPayload;
use carepath_domain::regimen::DoseSlot;
use carepath_domain::reminders::{due_reminders, QuietHours, ReminderSettings, Snoozes};
use carepath_domain::schedule::Schedule;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use uuid::Uuid;

use crate::config::Settings;
use crate::push::{Push, SendError, Subscription};
use crate::store::{self, parse_ts, ts, Audit, Db};

/// A reminder whose send failed is tried again by later rounds while it is at most this old.
pub const RETRY_WINDOW: Duration = Duration::minutes(15);
/// Reminders missed while the server was down are sent after a restart only if at most this late.
pub const MAX_LATE: Duration = Duration::hours(2);
/// Records of reminders sent are kept this long (longer than any window looks back).
const KEEP_SENT: Duration = Duration::days(30);

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    pub delivered: usize,
    /// Subscriptions deleted because the push service said they are gone.
    pub gone: usize,
    pub failed: usize,
}

/// Starts the reminder task. It runs until the runtime stops.
pub fn spawn(db: Db, settings: Arc<Settings>, push: Push) {
    tokio::spawn(async move {
        let tick = StdDuration::from_millis(settings.reminder_tick_ms.max(10));
        // The end of the last round that went through: the next one looks back at least to there.
        let mut last_ok = Utc::now() - MAX_LATE;
        loop {
            let now = Utc::now();
            let after = last_ok.min(now - RETRY_WINDOW).max(now - MAX_LATE);
            match run(&db, &push, after, now).await {
                Ok(round) => {
                    last_ok = now;
                    if round != Round::default() {
                        tracing::info!(?round, "dose reminders sent");
                    }
                }
                Err(e) => tracing::error!(error = %format!("{e:#}"), "dose reminders: round failed"),
            }
            tokio::time::sleep(tick).await;
        }
    });
}

/// One device's subscription as stored, with whose device it is.
struct Device {
    device_id: String,
    /// Set for a caregiver's device: no dose-time reminders, only overdue ones if opted in.
    caregiver_id: Option<String>,
    subscription: Subscription,
    settings: ReminderSettings,
    /// The lines the overdue opt-in is for; `None`: all of them.
    overdue_lines: Option<BTreeSet<Uuid>>,
    /// No reminder for a dose due before the device subscribed.
    since: DateTime<Utc>,
}

/// Plans and sends the reminders that fall in `(after, now]`. Public so tests can run a round at a chosen time.
pub async fn run(db: &Db, push: &Push, after: DateTime<Utc>, now: DateTime<Utc>) -> anyhow::Result<Round> {
    let mut round = Round::default();
    let mut by_patient: BTreeMap<String, Vec<Device>> = BTreeMap::new();
    for (patient_id, device) in subscribed_devices(db, push.device_idle_cutoff(now)).await? {
        by_patient.entry(patient_id).or_default().push(device);
    }
    for (patient_id, devices) in by_patient {
        // One patient's faulty data must not stop everyone else's reminders.
        if let Err(e) = run_patient(db, push, &patient_id, &devices, after, now, &mut round).await {
            tracing::error!(error = %format!("{e:#}"), patient = %patient_id, "dose reminders: a patient's round failed");
        }
    }
    sqlx::query("DELETE FROM push_reminders_sent WHERE sent_at < ?").bind(ts(now - KEEP_SENT)).execute(db.write()).await?;
    sqlx::query("DELETE FROM push_snoozes WHERE until < ?").bind(ts(now - MAX_LATE - Duration::days(1))).execute(db.write()).await?;
    Ok(round)
}

/// Subscribed phones still let in: not revoked, and seen since `idle_cutoff`.
async fn subscribed_devices(db: &Db, idle_cutoff: DateTime<Utc>) -> anyhow::Result<Vec<(String, Device)>> {
    type Row = (String, String, Option<String>, String, String, String, Option<String>, Option<String>, Option<i64>, String, Option<String>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT d.patient_id, s.device_id, d.caregiver_id, s.endpoint, s.p256dh, s.auth, s.quiet_start, s.quiet_end,
                s.overdue_after_minutes, s.created_at, s.overdue_lines
         FROM push_subscriptions s JOIN devices d ON d.id = s.device_id
         WHERE d.revoked_at IS NULL AND d.last_seen_at >= ? ORDER BY d.patient_id, s.device_id",
    )
    .bind(ts(idle_cutoff))
    .fetch_all(db.read())
    .await?;
    let mut devices = Vec::with_capacity(rows.len());
    for (patient_id, device_id, caregiver_id, endpoint, p256dh, auth, quiet_start, quiet_end, overdue, created_at, overdue_lines) in rows {
        let quiet_hours = match (quiet_start, quiet_end) {
            (Some(start), Some(end)) => Some(QuietHours { start: parse_time(&start)?, end: parse_time(&end)? }),
            _ => None,
        };
        let settings = ReminderSettings {
            dose_due: caregiver_id.is_none(),
            overdue_after: overdue.map(Duration::minutes),
            quiet_hours,
        };
        let device = Device {
            device_id,
            caregiver_id,
            subscription: Subscription { endpoint, p256dh, auth },
            settings,
            overdue_lines: overdue_lines.as_deref().map(serde_json::from_str).transpose()?,
            since: parse_ts(&created_at)?,
        };
        devices.push((patient_id, device));
    }
    Ok(devices)
}

/// A regimen line ready for planning.
struct Line {
    id: Uuid,
    schedule: Schedule,
    /// Doses (date, time of day) that have an outcome in the diary.
    logged: BTreeSet<(NaiveDate, DoseSlot)>,
}

/// The patient's regimen lines with their schedules and logged doses. Lines that do not make a schedule are
/// left out (they cannot be stored that way; this only guards against a damaged row).
async fn patient_lines(db: &Db, patient_id: &str) -> anyhow::Result<Vec<Line>> {
    let mut lines = Vec::new();
    for line in crate::regimens::lines(db, patient_id).await? {
        let schedule = match line.schedule() {
            Ok(schedule) => schedule,
            Err(e) => {
                tracing::warn!(line = %line.id, error = %e, "dose reminders: a regimen line makes no schedule");
                continue;
            }
        };
        let logged = crate::regimens::logged_doses(db, patient_id, line.id)
            .await?
            .into_iter()
            .filter(|e| !e.superseded && e.kind.settles_the_dose())
            .map(|e| (e.date, e.slot))
            .collect();
        lines.push(Line { id: line.id, schedule, logged });
    }
    Ok(lines)
}

async fn run_patient(
    db: &Db,
    push: &Push,
    patient_id: &str,
    devices: &[Device],
    after: DateTime<Utc>,
    now: DateTime<Utc>,
    round: &mut Round,
) -> anyhow::Result<()> {
    let lines = patient_lines(db, patient_id).await?;
    'devices: for device in devices {
        let after = after.max(device.since);
        for line in &lines {
            let snoozes = snoozes(db, &device.device_id, line.id).await?;
            let until: Snoozes = snoozes.iter().map(|(dose, (until, _))| (*dose, *until)).collect();
            let mut settings = device.settings;
            if device.overdue_lines.as_ref().is_some_and(|lines| !lines.contains(&line.id)) {
                settings.overdue_after = None;
            }
            for reminder in due_reminders(&line.schedule, &line.logged, &settings, &until, after, now) {
                let snooze_round = snoozes.get(&(reminder.date, reminder.slot)).map_or(0, |(_, round)| *round);
                let claimed = sqlx::query(
                    "INSERT INTO push_reminders_sent
                       (device_id, regimen_line_id, date, slot, kind, round, planned_at, sent_at, outcome)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'sending') ON CONFLICT DO NOTHING",
                )
                .bind(&device.device_id)
                .bind(line.id.to_string())
                .bind(reminder.date.to_string())
                .bind(slot_name(reminder.slot))
                .bind(reminder.kind.as_str())
                .bind(snooze_round)
                .bind(ts(reminder.at))
                .bind(ts(Utc::now()))
                .execute(db.write())
                .await?;
                if claimed.rows_affected() == 0 {
                    continue; // sent before
                }
                let claim = Claim {
                    device_id: &device.device_id,
                    line: line.id.to_string(),
                    date: reminder.date.to_string(),
                    slot: slot_name(reminder.slot),
                    kind: reminder.kind.as_str(),
                    round: snooze_round,
                };
                let payload = PushPayload {
                    kind: reminder.kind,
                    url: "/".into(),
                    regimen_line_id: line.id,
                    date: reminder.date,
                    slot: reminder.slot,
                };
                match push.send(&device.subscription, &payload).await {
                    Ok(()) => {
                        settle(db, &claim, Some("delivered")).await?;
                        round.delivered += 1;
                    }
                    // Gone at the push service, or an endpoint the server no longer sends to (one stored before
                    // issue #15 item 6, or a name now resolving to a private address): forget it.
                    Err(why @ (SendError::Gone(_) | SendError::Refused(_))) => {
                        settle(db, &claim, Some("gone")).await?;
                        forget_subscription(db, device, patient_id, &why).await?;
                        round.gone += 1;
                        continue 'devices;
                    }
                    Err(SendError::Failed(e)) => {
                        // Give the claim back: a later round tries again while the reminder is recent enough.
                        settle(db, &claim, None).await?;
                        tracing::warn!(device = %device.device_id, error = %format!("{e:#}"), "dose reminder not delivered; will retry");
                        round.failed += 1;
                        continue 'devices;
                    }
                }
            }
        }
    }
    Ok(())
}

/// A reminder claimed in `push_reminders_sent`.
struct Claim<'a> {
    device_id: &'a str,
    line: String,
    date: String,
    slot: &'static str,
    kind: &'static str,
    round: i64,
}

/// Marks a claimed reminder delivered or gone, or (None) removes the claim so it is tried again.
async fn settle(db: &Db, claim: &Claim<'_>, outcome: Option<&str>) -> anyhow::Result<()> {
    const WHERE: &str = "WHERE device_id = ? AND regimen_line_id = ? AND date = ? AND slot = ? AND kind = ? AND round = ?";
    let sql = match outcome {
        Some(_) => format!("UPDATE push_reminders_sent SET outcome = ?, sent_at = ? {WHERE}"),
        None => format!("DELETE FROM push_reminders_sent {WHERE}"),
    };
    let mut query = sqlx::query(&sql);
    if let Some(outcome) = outcome {
        query = query.bind(outcome).bind(ts(Utc::now()));
    }
    query
        .bind(claim.device_id)
        .bind(&claim.line)
        .bind(&claim.date)
        .bind(claim.slot)
        .bind(claim.kind)
        .bind(claim.round)
        .execute(db.write())
        .await?;
    Ok(())
}

/// The push service no longer knows the subscription: delete it (the app subscribes again when next opened).
async fn forget_subscription(db: &Db, device: &Device, patient_id: &str, why: &SendError) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM push_subscriptions WHERE device_id = ? AND endpoint = ?")
        .bind(&device.device_id)
        .bind(&device.subscription.endpoint)
        .execute(db.write())
        .await?;
    let (action, reason) = match why {
        SendError::Refused(refusal) => ("push.subscription_refused", refusal.to_string()),
        SendError::Gone(status) => ("push.subscription_gone", format!("push service answered {status}")),
        SendError::Failed(_) => ("push.subscription_gone", why.to_string()),
    };
    store::audit(
        db.write(),
        Audit {
            actor_kind: "system",
            actor_id: None,
            patient_id: Some(patient_id.to_string()),
            action,
            outcome: "success",
            detail: Some(format!("device {}; {reason}", device.device_id)),
            source_ip: None,
        },
    )
    .await?;
    tracing::info!(device = %device.device_id, caregiver = device.caregiver_id.is_some(), %reason, "push subscription forgotten");
    Ok(())
}

/// The device's snoozes of one line's doses: until when, and the snooze round.
async fn snoozes(db: &Db, device_id: &str, line: Uuid) -> anyhow::Result<BTreeMap<(NaiveDate, DoseSlot), (DateTime<Utc>, i64)>> {
    let rows: Vec<(String, String, String, i64)> =
        sqlx::query_as("SELECT date, slot, until, round FROM push_snoozes WHERE device_id = ? AND regimen_line_id = ?")
            .bind(device_id)
            .bind(line.to_string())
            .fetch_all(db.read())
            .await?;
    let mut found = BTreeMap::new();
    for (date, slot, until, round) in rows {
        found.insert((date.parse()?, parse_slot(&slot)?), (parse_ts(&until)?, round));
    }
    Ok(found)
}

/// The name a slot has in JSON and in the database.
pub fn slot_name(slot: DoseSlot) -> &'static str {
    match slot {
        DoseSlot::Daily => "daily",
        DoseSlot::Morning => "morning",
        DoseSlot::Evening => "evening",
    }
}

fn parse_slot(s: &str) -> anyhow::Result<DoseSlot> {
    Ok(serde_json::from_value(serde_json::Value::String(s.to_string()))?)
}

fn parse_time(s: &str) -> anyhow::Result<NaiveTime> {
    Ok(NaiveTime::parse_from_str(s, "%H:%M:%S")?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_names_match_the_json() {
        for slot in [DoseSlot::Daily, DoseSlot::Morning, DoseSlot::Evening] {
            assert_eq!(serde_json::to_value(slot).unwrap(), slot_name(slot));
            assert_eq!(parse_slot(slot_name(slot)).unwrap(), slot);
        }
    }
}
