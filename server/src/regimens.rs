//! Regimen lines, the care team's changes to them, dispenses, and the dosing diary read back from the event store.
//! Every write checks that the regimen and all its changes still make a schedule (the domain's
//! [`Schedule::new`](carepath_domain::schedule::Schedule::new)) before anything is stored.

use std::collections::HashMap;

use carepath_domain::adherence::{resolve_supersession, DiaryEntry, DiaryRecord};
use carepath_domain::regimen::{ChangeRequest, DispenseRequest, RecordedChange, RecordedDispense, RegimenLine};
use carepath_domain::schedule::Regimen;
use carepath_domain::sync::{diary_records, DiaryItem, PatientEvent};
use carepath_domain::ValidationError;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::SqliteConnection;
use uuid::Uuid;

use crate::error::ApiError;
use crate::store::{parse_ts, parse_uuid, ts, Db};

/// Checks `regimen` (it must make a schedule on its own) and stores it as a new line of the patient's treatment.
pub async fn insert(
    conn: &mut SqliteConnection,
    patient_id: &str,
    pharmacist_id: &str,
    regimen: Regimen,
    now: DateTime<Utc>,
) -> Result<Uuid, ApiError> {
    let regimen = regimen.validated()?;
    carepath_domain::regimen::check_dates(&regimen, &[], now.date_naive())?;
    carepath_domain::schedule::Schedule::new(&regimen, &[]).map_err(ValidationError::from)?;
    let id = Uuid::new_v4();
    sqlx::query("INSERT INTO regimens (id, patient_id, regimen, created_by, created_at) VALUES (?, ?, ?, ?, ?)")
        .bind(id.to_string())
        .bind(patient_id)
        .bind(serde_json::to_string(&regimen).map_err(anyhow::Error::from)?)
        .bind(pharmacist_id)
        .bind(ts(now))
        .execute(&mut *conn)
        .await?;
    history_changed(conn, patient_id).await?;
    // The new line may be due for its follow-up call, or change what else is due (enrollment stores one too).
    crate::worklist::refresh(conn, patient_id, now).await?;
    Ok(id)
}

/// The patient's regimen lines, oldest first, each with its changes and dispenses.
pub async fn lines(db: &Db, patient_id: &str) -> anyhow::Result<Vec<RegimenLine>> {
    lines_in(&mut *db.read().acquire().await?, patient_id).await
}

/// [`lines`] inside a transaction: three statements whatever the number of lines (a sync reads them every time).
pub async fn lines_in(conn: &mut SqliteConnection, patient_id: &str) -> anyhow::Result<Vec<RegimenLine>> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT id, regimen, refill_reminder_days FROM regimens WHERE patient_id = ? ORDER BY created_at, id",
    )
    .bind(patient_id)
    .fetch_all(&mut *conn)
    .await?;
    let changes: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT c.regimen_id, c.id, c.change, c.recorded_at, ph.display_name FROM regimens r
         JOIN regimen_changes c ON c.regimen_id = r.id JOIN pharmacists ph ON ph.id = c.pharmacist_id
         WHERE r.patient_id = ? ORDER BY c.regimen_id, c.seq",
    )
    .bind(patient_id)
    .fetch_all(&mut *conn)
    .await?;
    let dispenses: Vec<(String, String, String, i64, i64, String, String)> = sqlx::query_as(
        "SELECT d.regimen_id, d.id, d.date, d.tablets, d.days_supply, d.recorded_at, ph.display_name FROM regimens r
         JOIN dispenses d ON d.regimen_id = r.id JOIN pharmacists ph ON ph.id = d.pharmacist_id
         WHERE r.patient_id = ? ORDER BY d.regimen_id, d.date, d.recorded_at",
    )
    .bind(patient_id)
    .fetch_all(&mut *conn)
    .await?;
    // Each line's changes and dispenses, in their order.
    let mut changes_of: HashMap<String, Vec<RecordedChange>> = HashMap::new();
    for (line, id, change, at, by) in changes {
        let change = RecordedChange { id: parse_uuid(&id)?, change: serde_json::from_str(&change)?, recorded_at: parse_ts(&at)?, by };
        changes_of.entry(line).or_default().push(change);
    }
    let mut dispenses_of: HashMap<String, Vec<RecordedDispense>> = HashMap::new();
    for (line, id, date, tablets, days_supply, at, by) in dispenses {
        let dispense = RecordedDispense {
            id: parse_uuid(&id)?,
            dispense: carepath_domain::adherence::Dispense {
                date: date.parse()?,
                tablets: u32::try_from(tablets)?,
                days_supply: u32::try_from(days_supply)?,
            },
            recorded_at: parse_ts(&at)?,
            by,
        };
        dispenses_of.entry(line).or_default().push(dispense);
    }
    let mut lines = Vec::with_capacity(rows.len());
    for (id, regimen, refill_reminder_days) in rows {
        lines.push(RegimenLine {
            id: parse_uuid(&id)?,
            regimen: serde_json::from_str(&regimen)?,
            changes: changes_of.remove(&id).unwrap_or_default(),
            dispenses: dispenses_of.remove(&id).unwrap_or_default(),
            refill_reminder_days: u16::try_from(refill_reminder_days)?,
        });
    }
    Ok(lines)
}

/// The line `regimen_line_id` of this patient, or 404 (another patient's line is not found either).
async fn line_of(conn: &mut SqliteConnection, patient_id: &str, regimen_line_id: Uuid) -> Result<RegimenLine, ApiError> {
    lines_in(conn, patient_id).await?.into_iter().find(|l| l.id == regimen_line_id).ok_or(ApiError::NotFound)
}

/// Appends a care-team change after checking that the line with it still makes a schedule.
pub async fn add_change(
    conn: &mut SqliteConnection,
    patient_id: &str,
    pharmacist_id: &str,
    request: &ChangeRequest,
    now: DateTime<Utc>,
) -> Result<RegimenLine, ApiError> {
    let mut line = line_of(conn, patient_id, request.regimen_line_id).await?;
    let id = Uuid::new_v4();
    line.changes.push(RecordedChange { id, change: request.change.clone(), recorded_at: now, by: String::new() });
    carepath_domain::regimen::check_dates(&line.regimen, std::slice::from_ref(&request.change), now.date_naive())?;
    line.schedule().map_err(ValidationError::from)?;
    sqlx::query("INSERT INTO regimen_changes (id, regimen_id, change, recorded_at, pharmacist_id) VALUES (?, ?, ?, ?, ?)")
        .bind(id.to_string())
        .bind(line.id.to_string())
        .bind(serde_json::to_string(&request.change).map_err(anyhow::Error::from)?)
        .bind(ts(now))
        .bind(pharmacist_id)
        .execute(&mut *conn)
        .await?;
    history_changed(conn, patient_id).await?;
    Ok(line)
}

pub async fn add_dispense(
    conn: &mut SqliteConnection,
    patient_id: &str,
    pharmacist_id: &str,
    request: DispenseRequest,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let dispense = request.validated()?;
    let line = line_of(conn, patient_id, request.regimen_line_id).await?;
    carepath_domain::regimen::date_within("date", dispense.date, now.date_naive(), carepath_domain::regimen::MAX_START_DAYS_BACK, 1)?;
    sqlx::query(
        "INSERT INTO dispenses (id, regimen_id, date, tablets, days_supply, recorded_at, pharmacist_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(Uuid::new_v4().to_string())
    .bind(line.id.to_string())
    .bind(dispense.date.to_string())
    .bind(i64::from(dispense.tablets))
    .bind(i64::from(dispense.days_supply))
    .bind(ts(now))
    .bind(pharmacist_id)
    .execute(&mut *conn)
    .await?;
    history_changed(conn, patient_id).await?;
    Ok(())
}

pub async fn set_refill_reminder(conn: &mut SqliteConnection, patient_id: &str, regimen_line_id: Uuid, days: u16) -> Result<(), ApiError> {
    let updated = sqlx::query("UPDATE regimens SET refill_reminder_days = ? WHERE id = ? AND patient_id = ?")
        .bind(i64::from(days))
        .bind(regimen_line_id.to_string())
        .bind(patient_id)
        .execute(&mut *conn)
        .await?;
    if updated.rows_affected() == 0 {
        return Err(ApiError::NotFound);
    }
    history_changed(conn, patient_id).await?;
    Ok(())
}

/// A stored diary event with the name of the caregiver who logged it (`None`: the patient).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDiaryEvent {
    pub event: PatientEvent,
    pub logged_by: Option<String>,
}

/// A patient's regimen lines and every dose record: all that a sync's diary triage and its worklist refresh work from.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    pub lines: Vec<RegimenLine>,
    pub events: Vec<StoredDiaryEvent>,
}

impl History {
    pub async fn read(conn: &mut SqliteConnection, patient_id: &str) -> anyhow::Result<History> {
        Ok(History { lines: lines_in(conn, patient_id).await?, events: diary_events(conn, patient_id).await? })
    }

    /// Reads the history on a read connection, before a sync takes the writer (issue #16: reading every dose record
    /// inside the write transaction was most of a sync's time holding the writer, and it grows with the history).
    /// `caregiver_id` is who the sync's device belongs to: the name its new records are logged under. The patient's
    /// site and its triage settings come with it, in the same statement as the version.
    pub async fn snapshot(db: &Db, patient_id: &str, caregiver_id: Option<&str>) -> anyhow::Result<Snapshot> {
        // One read transaction: the version and the history are of the same moment.
        let mut tx = db.read().begin().await?;
        let (version, site_id, fever, window): (i64, String, i64, i64) = sqlx::query_as(
            "SELECT p.history_version, s.id, s.fever_threshold_c_tenths, s.acknowledged_window_hours
             FROM patients p JOIN sites s ON s.id = p.site_id WHERE p.id = ?",
        )
        .bind(patient_id)
        .fetch_one(&mut *tx)
        .await?;
        let site = crate::triage::SiteTriage { site_id, settings: crate::triage::site_settings(fever, window)? };
        let history = History::read(&mut tx, patient_id).await?;
        let logged_by = match caregiver_id {
            Some(id) => Some(sqlx::query_scalar("SELECT name FROM caregivers WHERE id = ?").bind(id).fetch_one(&mut *tx).await?),
            None => None,
        };
        tx.commit().await?;
        Ok(Snapshot { history, version, logged_by, site })
    }
}

/// A patient's [`History`] read before the writer was taken, with the version of the history it was read at.
pub struct Snapshot {
    pub history: History,
    version: i64,
    logged_by: Option<String>,
    pub site: crate::triage::SiteTriage,
}

impl Snapshot {
    /// The history as it is now inside the write transaction `conn`, once `stored` (the dose records this
    /// transaction inserted) are in it: the snapshot with them, or, when another write changed the history since
    /// the snapshot was read (a regimen change, another phone's sync), a fresh read. Either way it equals
    /// [`History::read`] in `conn`. When `stored` is not empty it is counted as a change of the history
    /// ([`history_changed`], whose new version is read back).
    pub async fn current(self, conn: &mut SqliteConnection, patient_id: &str, stored: &[&PatientEvent]) -> anyhow::Result<History> {
        let unchanged = if stored.is_empty() {
            history_version(conn, patient_id).await? == self.version
        } else {
            history_changed(conn, patient_id).await? == self.version + 1
        };
        if !unchanged {
            return History::read(conn, patient_id).await;
        }
        let mut history = self.history;
        // In the order `diary_events` reads them: by the stored text of recorded_at, then id.
        let key = |event: &PatientEvent| (ts(event.recorded_at), event.id.to_string());
        for &event in stored {
            let new = key(event);
            let at = history.events.partition_point(|e| key(&e.event) <= new);
            history.events.insert(at, StoredDiaryEvent { event: event.clone(), logged_by: self.logged_by.clone() });
        }
        Ok(history)
    }
}

async fn history_version(conn: &mut SqliteConnection, patient_id: &str) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar("SELECT history_version FROM patients WHERE id = ?").bind(patient_id).fetch_one(conn).await?)
}

/// Counts a write to the patient's history (a regimen line, a change, a dispense, dose records), inside that write's
/// transaction, so a [`Snapshot`] read before it is not taken for current. Returns the new version.
pub async fn history_changed(conn: &mut SqliteConnection, patient_id: &str) -> anyhow::Result<i64> {
    let version = sqlx::query_scalar("UPDATE patients SET history_version = history_version + 1 WHERE id = ? RETURNING history_version")
        .bind(patient_id)
        .fetch_one(conn)
        .await?;
    Ok(version)
}

/// The query of [`diary_events`].
const DIARY_SQL: &str = "SELECT e.payload, c.name FROM events e JOIN devices d ON d.id = e.device_id
         LEFT JOIN caregivers c ON c.id = d.caregiver_id
         WHERE e.patient_id = ? AND e.kind IN ('dose_taken', 'dose_logged') ORDER BY e.recorded_at, e.id";

/// The query of [`diary_events_since`]: through the dose-day index, whatever the length of the history.
const DIARY_SINCE_SQL: &str = "SELECT e.payload, c.name FROM events e JOIN devices d ON d.id = e.device_id
         LEFT JOIN caregivers c ON c.id = d.caregiver_id
         WHERE e.patient_id = ? AND e.dose_date IS NOT NULL AND e.dose_date >= ? ORDER BY e.recorded_at, e.id";

/// The phone's queries, for the index check of server/tests/desk_paging.rs.
pub fn device_queries() -> Vec<(&'static str, String)> {
    vec![("profile: the diary's last days", DIARY_SINCE_SQL.into())]
}

/// Every dose record of the patient (`dose_taken`, `dose_logged`), in recorded order.
pub async fn diary_events(conn: &mut SqliteConnection, patient_id: &str) -> anyhow::Result<Vec<StoredDiaryEvent>> {
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(DIARY_SQL).bind(patient_id).fetch_all(conn).await?;
    Ok(stored_diary_events(patient_id, rows))
}

/// The dose records of the patient for a dose day from `since` on, in recorded order. A correction is of the same
/// dose day as the record it corrects, so both are in or both are out.
pub async fn diary_events_since(conn: &mut SqliteConnection, patient_id: &str, since: NaiveDate) -> anyhow::Result<Vec<StoredDiaryEvent>> {
    let rows: Vec<(String, Option<String>)> =
        sqlx::query_as(DIARY_SINCE_SQL).bind(patient_id).bind(since.to_string()).fetch_all(conn).await?;
    Ok(stored_diary_events(patient_id, rows))
}

fn stored_diary_events(patient_id: &str, rows: Vec<(String, Option<String>)>) -> Vec<StoredDiaryEvent> {
    rows.into_iter()
        .filter_map(|(payload, logged_by)| {
            let event = crate::store::readable("dose record", patient_id, serde_json::from_str(&payload).map_err(anyhow::Error::from))?;
            Some(StoredDiaryEvent { event, logged_by })
        })
        .collect()
}

/// The diary records of one line, in recorded order.
pub fn records_of(events: &[StoredDiaryEvent], regimen_line_id: Uuid) -> Vec<DiaryRecord> {
    diary_records(events.iter().map(|e| &e.event), regimen_line_id)
}

/// The diary of one line, supersession resolved (what adherence reads).
pub async fn logged_doses(db: &Db, patient_id: &str, regimen_line_id: Uuid) -> anyhow::Result<Vec<DiaryEntry>> {
    let events = diary_events(&mut *db.read().acquire().await?, patient_id).await?;
    Ok(resolve_supersession(&records_of(&events, regimen_line_id)))
}

/// The pharmacist's view of one line's diary: every record, corrections marked, who logged it.
pub fn diary_items(events: &[StoredDiaryEvent], regimen_line_id: Uuid) -> Vec<DiaryItem> {
    let superseded: std::collections::HashSet<Uuid> = events
        .iter()
        .filter_map(|e| e.event.diary_record())
        .filter_map(|(_, record)| record.supersedes)
        .collect();
    events
        .iter()
        .filter_map(|e| {
            let (line, record) = e.event.diary_record()?;
            (line == regimen_line_id).then(|| DiaryItem {
                event_id: record.id,
                regimen_line_id,
                date: record.date,
                slot: record.slot,
                outcome: record.kind,
                taken_at: e.event.taken_at(),
                recorded_at: e.event.recorded_at,
                logged_by: e.logged_by.clone(),
                supersedes: record.supersedes,
                superseded: superseded.contains(&record.id),
            })
        })
        .collect()
}

/// The patient's calendar date now, in the time zone of their first line (UTC if none).
pub fn patient_today(lines: &[RegimenLine], now: DateTime<Utc>) -> NaiveDate {
    match lines.first() {
        Some(line) => now.with_timezone(&line.regimen.time_zone).date_naive(),
        None => now.date_naive(),
    }
}
