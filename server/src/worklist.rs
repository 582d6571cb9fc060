//! The worklists' stored state: each patient's figures (`patient_status`) and what each list holds
//! (`worklist_items`), worked out by the domain (`carepath_domain::worklist::patient_status`) and refreshed
//! - in the sync transaction that stores a patient's new events, and with every regimen line, change and dispense;
//! - by a background task for patients whose figures aged with the calendar (`next_refresh_at`: the patient's next
//!   local midnight; a new patient's row is due at once), every [`REFRESH_EVERY`] in batches of [`REFRESH_BATCH`].
//!
//! So a list is a paged index read at any size. A refresh also raises the stopped-logging alert (routine, once per
//! episode: `patient_status.logging_alerted`).

use std::time::Duration as StdDuration;

use carepath_domain::triage::AlertReason;
use carepath_domain::worklist::{patient_status, PatientFacts, PatientStatus, SiteWorklistSettings};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use sqlx::SqliteConnection;
use uuid::Uuid;

use crate::store::{self, parse_ts, parse_uuid, ts, Db};

pub const REFRESH_EVERY: StdDuration = StdDuration::from_secs(15 * 60);
pub const REFRESH_BATCH: i64 = 200;

// ---- the queries (each read through an index: see `desk_queries` and server/tests/desk_paging.rs) -----------

/// The patient, their site's setting, their last check-in, their last refill request (its id, and when) and the
/// stopped-logging episode already alerted: one statement, as it runs in every sync's write transaction.
const PATIENT_SQL: &str = "SELECT p.site_id, p.created_at, p.check_in_every_days, s.unrecorded_doses_alert,
            (SELECT MAX(e.recorded_at) FROM events e WHERE e.patient_id = p.id AND e.kind = 'check_in'),
            (SELECT ps.logging_alerted FROM patient_status ps WHERE ps.patient_id = p.id),
            (SELECT e.id FROM events e WHERE e.patient_id = p.id AND e.kind = 'refill_requested'
              ORDER BY e.recorded_at DESC LIMIT 1),
            (SELECT MAX(e.recorded_at) FROM events e WHERE e.patient_id = p.id AND e.kind = 'refill_requested')
     FROM patients p JOIN sites s ON s.id = p.site_id WHERE p.id = ?";
/// The list items' replacement, after the patient's old items are deleted: each due item not marked done
/// (`worklist_done`), all in one statement (`VALUES` rows pushed by [`store_items`]).
const ITEMS_SQL: &str = "INSERT OR IGNORE INTO worklist_items (site_id, list, due_on, patient_id, item_key, regimen_line_id)
     SELECT due.column1, due.column2, due.column3, due.column4, due.column5, due.column6 FROM (";
const ITEMS_NOT_DONE_SQL: &str = ") due WHERE NOT EXISTS (SELECT 1 FROM worklist_done d
         WHERE d.patient_id = due.column4 AND d.list = due.column2 AND d.item_key = due.column5)";
const DUE_SQL: &str = "SELECT patient_id FROM patient_status WHERE next_refresh_at <= ? ORDER BY next_refresh_at LIMIT ?";

/// The refresh's queries, by name, for checking their plans.
pub fn desk_queries() -> Vec<(&'static str, String)> {
    vec![
        ("worklist refresh: patient", PATIENT_SQL.into()),
        ("worklist refresh: items not done", format!("{ITEMS_SQL}VALUES ('s', 'l', 'd', 'p', 'k', NULL), ('s', 'l', 'd', 'p', 'k2', NULL){ITEMS_NOT_DONE_SQL}")),
        ("worklist refresh: patients due", DUE_SQL.into()),
    ]
}

/// Works out the patient's status as of `now` and stores it with their list items (leaving out items marked done),
/// inside the caller's transaction. Raises the stopped-logging alert once per episode.
pub async fn refresh(conn: &mut SqliteConnection, patient_id: &str, now: DateTime<Utc>) -> anyhow::Result<PatientStatus> {
    let history = crate::regimens::History::read(conn, patient_id).await?;
    refresh_from(conn, patient_id, now, &history).await
}

/// A row of [`PATIENT_SQL`].
type PatientRow = (String, String, i64, i64, Option<String>, Option<String>, Option<String>, Option<String>);

/// [`refresh`] from the patient's history already read in this transaction.
pub async fn refresh_from(
    conn: &mut SqliteConnection,
    patient_id: &str,
    now: DateTime<Utc>,
    history: &crate::regimens::History,
) -> anyhow::Result<PatientStatus> {
    let (site_id, enrolled_at, every, unrecorded_alert, last_check_in, mut logging_alerted, request_id, request_at): PatientRow =
        sqlx::query_as(PATIENT_SQL).bind(patient_id).fetch_one(&mut *conn).await?;
    let lines = &history.lines;
    let records: Vec<_> = lines.iter().map(|l| (l.id, crate::regimens::records_of(&history.events, l.id))).collect();
    let last_check_in = last_check_in.map(|t| parse_ts(&t)).transpose()?;
    let request = request_id.zip(request_at);
    // A request is open until a dispense is recorded after it.
    let last_dispense = lines.iter().flat_map(|l| l.dispenses.iter().map(|d| d.recorded_at)).max();
    let today = crate::regimens::patient_today(lines, now);
    let open_refill_request = match request {
        Some((id, at)) => {
            let at = parse_ts(&at)?;
            last_dispense.is_none_or(|d| d < at).then(|| Ok::<_, anyhow::Error>((parse_uuid(&id)?, at.date_naive()))).transpose()?
        }
        None => None,
    };
    let facts = PatientFacts {
        lines,
        records: &records,
        last_check_in,
        open_refill_request,
        enrolled_at: parse_ts(&enrolled_at)?,
        check_in_every_days: u16::try_from(every)?,
        today,
        settings: SiteWorklistSettings { unrecorded_doses_alert: u32::try_from(unrecorded_alert)? },
    };
    let status = patient_status(&facts);

    store_items(conn, patient_id, &site_id, &status.due).await?;

    if status.stopped_logging() && logging_alerted.as_deref() != Some(status.logging_episode.as_str()) {
        raise_stopped_logging(conn, patient_id, &site_id, status.unrecorded_doses, now).await?;
        logging_alerted = Some(status.logging_episode.clone());
    }

    let time_zone = lines.first().map(|l| l.regimen.time_zone).unwrap_or(chrono_tz::UTC);
    let (drugs, on_hold) = list_facts(lines, today);
    sqlx::query(
        "INSERT INTO patient_status (patient_id, site_id, last_check_in, last_dose_date, unrecorded_doses, pdc_30_per_mille,
                                     refill_due_on, check_in_due_on, logging_alerted, refreshed_at, next_refresh_at,
                                     drugs, on_hold)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (patient_id) DO UPDATE SET site_id = excluded.site_id, last_check_in = excluded.last_check_in,
             last_dose_date = excluded.last_dose_date, unrecorded_doses = excluded.unrecorded_doses,
             pdc_30_per_mille = excluded.pdc_30_per_mille, refill_due_on = excluded.refill_due_on,
             check_in_due_on = excluded.check_in_due_on, logging_alerted = excluded.logging_alerted,
             refreshed_at = excluded.refreshed_at, next_refresh_at = excluded.next_refresh_at,
             drugs = excluded.drugs, on_hold = excluded.on_hold",
    )
    .bind(patient_id)
    .bind(&site_id)
    .bind(last_check_in.map(ts))
    .bind(status.last_dose_date.map(|d| d.to_string()))
    .bind(i64::from(status.unrecorded_doses))
    .bind(status.pdc_30_per_mille.map(i64::from))
    .bind(status.refill_due_on.map(|d| d.to_string()))
    .bind(status.check_in_due_on.to_string())
    .bind(logging_alerted)
    .bind(ts(now))
    .bind(ts(next_local_midnight(time_zone, today, now)))
    .bind(drugs)
    .bind(on_hold)
    .execute(&mut *conn)
    .await?;
    Ok(status)
}

/// Replaces the patient's list items with `due`, leaving out those marked done: one round trip to SQLite (the
/// delete and the insert are two statements of one query).
async fn store_items(
    conn: &mut SqliteConnection,
    patient_id: &str,
    site_id: &str,
    due: &[carepath_domain::worklist::DueItem],
) -> anyhow::Result<()> {
    let mut query = sqlx::QueryBuilder::<sqlx::Sqlite>::new("DELETE FROM worklist_items WHERE patient_id = ");
    query.push_bind(patient_id);
    if !due.is_empty() {
        query.push(";\n").push(ITEMS_SQL);
        query.push_values(due, |mut row, item| {
            row.push_bind(site_id)
                .push_bind(item.list.as_str())
                .push_bind(item.due_on.to_string())
                .push_bind(patient_id)
                .push_bind(&item.key)
                .push_bind(item.regimen_line_id.map(|l| l.to_string()));
        });
        query.push(ITEMS_NOT_DONE_SQL);
    }
    query.build().execute(&mut *conn).await?;
    Ok(())
}

/// What the patient list filters on: the folded drug names of the lines not stopped (one per line), and whether a
/// line is on hold on the patient's `today`.
fn list_facts(lines: &[carepath_domain::regimen::RegimenLine], today: NaiveDate) -> (String, bool) {
    use carepath_domain::schedule::DayPlan;
    let mut drugs = Vec::new();
    let mut on_hold = false;
    for line in lines {
        let plan = line.schedule().map(|s| s.day_plan(today));
        if matches!(plan, Ok(DayPlan::Stopped { .. })) {
            continue;
        }
        on_hold |= matches!(plan, Ok(DayPlan::Held { .. }));
        drugs.push(carepath_domain::guide::fold(&line.regimen.drug_name));
    }
    drugs.sort_unstable();
    drugs.dedup();
    (drugs.join("\n"), on_hold)
}

/// A few minutes after the patient's next midnight, when their day (and so what is due) changes.
fn next_local_midnight(time_zone: chrono_tz::Tz, today: NaiveDate, now: DateTime<Utc>) -> DateTime<Utc> {
    let tomorrow = today.succ_opt().unwrap_or(today).and_hms_opt(0, 5, 0).unwrap_or_default();
    time_zone
        .from_local_datetime(&tomorrow)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .filter(|t| *t > now)
        .unwrap_or(now + Duration::hours(1))
}

/// The routine alert for a patient who stopped logging (no event: reported now; the patient was told nothing).
async fn raise_stopped_logging(
    conn: &mut SqliteConnection,
    patient_id: &str,
    site_id: &str,
    count: u32,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO alerts (id, patient_id, site_id, event_id, tier, reasons, reported_at, raised_at)
         VALUES (?, ?, ?, NULL, 'routine', ?, ?, ?)",
    )
    .bind(Uuid::new_v4().to_string())
    .bind(patient_id)
    .bind(site_id)
    .bind(serde_json::to_string(&[AlertReason::StoppedLogging { count }])?)
    .bind(ts(now))
    .bind(ts(now))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Refreshes up to `batch` patients whose status is due by `now`, each in its own short transaction. Returns how
/// many. A patient whose refresh fails is logged and put off for an hour, so one bad record never stalls the rest.
pub async fn refresh_due(db: &Db, now: DateTime<Utc>, batch: i64) -> anyhow::Result<usize> {
    let due: Vec<String> = sqlx::query_scalar(DUE_SQL).bind(ts(now)).bind(batch).fetch_all(db.read()).await?;
    for patient_id in &due {
        let mut tx = store::begin_write(db).await?;
        match refresh(&mut tx, patient_id, now).await {
            Ok(_) => tx.commit().await?,
            Err(error) => {
                drop(tx);
                tracing::warn!(%patient_id, %error, "worklist status could not be refreshed");
                sqlx::query("UPDATE patient_status SET next_refresh_at = ? WHERE patient_id = ?")
                    .bind(ts(now + Duration::hours(1)))
                    .bind(patient_id)
                    .execute(db.write())
                    .await?;
            }
        }
    }
    Ok(due.len())
}

/// Starts the background refresh: at once, then every [`REFRESH_EVERY`], each time until no patient is due.
pub fn spawn(db: Db) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(REFRESH_EVERY);
        loop {
            tick.tick().await;
            loop {
                match refresh_due(&db, Utc::now(), REFRESH_BATCH).await {
                    Ok(n) if n as i64 == REFRESH_BATCH => tokio::task::yield_now().await,
                    Ok(_) => break,
                    Err(error) => {
                        tracing::warn!(%error, "worklist refresh failed");
                        break;
                    }
                }
            }
        }
    });
}

/// Sets how many unrecorded doses flag a site's patient (`SiteWorklistSettings::validated`: 2–28). Patients are
/// refreshed with the new setting by the background task.
pub async fn update_site_setting(db: &Db, site_name: &str, unrecorded_doses_alert: u32) -> anyhow::Result<()> {
    SiteWorklistSettings { unrecorded_doses_alert }.validated()?;
    let mut tx = store::begin_write(db).await?;
    let updated = sqlx::query("UPDATE sites SET unrecorded_doses_alert = ? WHERE name = ?")
        .bind(i64::from(unrecorded_doses_alert))
        .bind(site_name)
        .execute(&mut *tx)
        .await?;
    if updated.rows_affected() == 0 {
        anyhow::bail!("there is no site named {site_name:?}");
    }
    sqlx::query("UPDATE patient_status SET next_refresh_at = '' WHERE site_id = (SELECT id FROM sites WHERE name = ?)")
        .bind(site_name)
        .execute(&mut *tx)
        .await?;
    store::audit(
        &mut *tx,
        store::Audit {
            actor_kind: "system",
            actor_id: None,
            patient_id: None,
            action: "site.settings",
            outcome: "success",
            detail: Some(format!("unrecorded_doses_alert={unrecorded_doses_alert}")),
            source_ip: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
