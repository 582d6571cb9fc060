//! Triage on the server: each newly stored check-in runs through the domain rules (`carepath_domain::triage`)
//! inside the transaction that stores it, so a report and its alert are stored together or not at all. Urgent
//! alerts also queue their outgoing notices (see `notify`) in the same transaction.

use chrono::{DateTime, Duration, Utc};
use carepath_domain::checkin::CheckInAnswers;
use carepath_domain::sync::{EventBody, PatientEvent};
use carepath_domain::adherence::{extra_doses, summarize};
use carepath_domain::triage::{evaluate, Acknowledgement, Alert, AlertReason, SiteSettings, SymptomReport, Tier};
use sqlx::SqliteConnection;
use uuid::Uuid;

use crate::store::{parse_ts, ts};

/// The site's triage settings for a patient, and the site id.
pub async fn settings_for_patient(conn: &mut SqliteConnection, patient_id: &str) -> anyhow::Result<(String, SiteSettings)> {
    let (site_id, fever, window): (String, i64, i64) = sqlx::query_as(
        "SELECT s.id, s.fever_threshold_c_tenths, s.acknowledged_window_hours
         FROM patients p JOIN sites s ON s.id = p.site_id WHERE p.id = ?",
    )
    .bind(patient_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok((site_id, site_settings(fever, window)?))
}

/// A site's triage settings from its `fever_threshold_c_tenths` and `acknowledged_window_hours` columns.
pub fn site_settings(fever_threshold_c_tenths: i64, acknowledged_window_hours: i64) -> anyhow::Result<SiteSettings> {
    Ok(SiteSettings {
        fever_threshold_c_tenths: i32::try_from(fever_threshold_c_tenths)?,
        acknowledged_window_hours: u32::try_from(acknowledged_window_hours)?,
    })
}

/// The graded report in a stored check-in event's payload.
pub fn report_of_payload(payload: &str) -> anyhow::Result<Option<SymptomReport>> {
    let event: PatientEvent = serde_json::from_str(payload)?;
    match event.body {
        EventBody::CheckIn(answers) => Ok(Some(answers.report()?)),
        _ => Ok(None),
    }
}

/// Runs the rules for a check-in just stored, and stores the alert it raises, if any. Returns its tier.
pub async fn triage_check_in(
    conn: &mut SqliteConnection,
    patient_id: &str,
    event: &PatientEvent,
    answers: &CheckInAnswers,
    now: DateTime<Utc>,
    notice_channels: &[&str],
) -> anyhow::Result<Option<Tier>> {
    let (site_id, settings) = settings_for_patient(conn, patient_id).await?;
    let report = answers.report()?;
    let id = event.id.to_string();
    let recorded = ts(event.recorded_at);

    // The check-in before this one, by when the patient made it (a late-synced older report compares with its own past).
    let previous: Option<(String,)> = sqlx::query_as(
        "SELECT payload FROM events WHERE patient_id = ? AND kind = 'check_in' AND id != ?
           AND (recorded_at < ? OR (recorded_at = ? AND id < ?))
         ORDER BY recorded_at DESC, id DESC LIMIT 1",
    )
    .bind(patient_id)
    .bind(&id)
    .bind(&recorded)
    .bind(&recorded)
    .bind(&id)
    .fetch_optional(&mut *conn)
    .await?;
    let previous = match previous {
        Some((payload,)) => report_of_payload(&payload)?,
        None => None,
    };

    // What pharmacists acknowledged recently: every symptom of each acknowledged report, at its grade then.
    let since = now - Duration::hours(i64::from(settings.acknowledged_window_hours));
    let acknowledged_rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT a.acknowledged_at, e.payload FROM alerts a JOIN events e ON e.id = a.event_id
         WHERE a.patient_id = ? AND a.acknowledged_at IS NOT NULL AND a.acknowledged_at >= ?",
    )
    .bind(patient_id)
    .bind(ts(since))
    .fetch_all(&mut *conn)
    .await?;
    let mut acknowledged = Vec::new();
    for (at, payload) in acknowledged_rows {
        let at = parse_ts(&at)?;
        if let Some(report) = report_of_payload(&payload)? {
            acknowledged.extend(report.answers.into_iter().map(|a| Acknowledgement { term: a.term, grade: a.grade, at }));
        }
    }

    // Missed and extra doses and refill requests are triaged when the diary events arrive (`triage_diary`).
    let alerts = evaluate(&report, previous.as_ref(), 0, &[], false, &acknowledged, now, &settings);
    let Some(Alert { tier, reasons }) = alerts.into_iter().next() else { return Ok(None) };
    store_alert(conn, patient_id, &site_id, &id, &recorded, tier, &reasons, now, notice_channels).await?;
    Ok(Some(tier))
}

pub fn tier_text(tier: Tier) -> &'static str {
    match tier {
        Tier::Urgent => "urgent",
        Tier::Routine => "routine",
    }
}

pub fn parse_tier(text: &str) -> anyhow::Result<Tier> {
    match text {
        "urgent" => Ok(Tier::Urgent),
        "routine" => Ok(Tier::Routine),
        other => anyhow::bail!("unknown tier {other}"),
    }
}

/// Stores an alert raised by event `event_id`, and for an urgent one its outgoing notices.
#[allow(clippy::too_many_arguments)]
async fn store_alert(
    conn: &mut SqliteConnection,
    patient_id: &str,
    site_id: &str,
    event_id: &str,
    reported_at: &str,
    tier: Tier,
    reasons: &[AlertReason],
    now: DateTime<Utc>,
    notice_channels: &[&str],
) -> anyhow::Result<()> {
    let alert_id = Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO alerts (id, patient_id, site_id, event_id, tier, reasons, reported_at, raised_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&alert_id)
    .bind(patient_id)
    .bind(site_id)
    .bind(event_id)
    .bind(tier_text(tier))
    .bind(serde_json::to_string(reasons)?)
    .bind(reported_at)
    .bind(ts(now))
    .execute(&mut *conn)
    .await?;
    if tier == Tier::Urgent {
        for channel in notice_channels {
            sqlx::query("INSERT INTO notifications (alert_id, channel, created_at, next_attempt_at) VALUES (?, ?, ?, ?)")
                .bind(&alert_id)
                .bind(channel)
                .bind(ts(now))
                .bind(ts(now))
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

/// The reasons of the patient's alerts (open ones only, or all).
async fn alerted_reasons(conn: &mut SqliteConnection, patient_id: &str, open_only: bool) -> anyhow::Result<Vec<AlertReason>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT reasons FROM alerts WHERE patient_id = ? AND (resolved_at IS NULL OR ? = 0)",
    )
    .bind(patient_id)
    .bind(open_only)
    .fetch_all(&mut *conn)
    .await?;
    let mut reasons = Vec::new();
    for (json,) in rows {
        reasons.extend(serde_json::from_str::<Vec<AlertReason>>(&json)?);
    }
    Ok(reasons)
}

/// Runs the diary rules after a sync stored new dose records or refill requests, in the same transaction:
/// [`MISSED_DOSES_ALERT`](carepath_domain::triage::MISSED_DOSES_ALERT) or more doses missed in the last week
/// (unless an open alert already says so), extra doses not alerted on before, and each refill request (unless
/// one is already open). The alert hangs on `trigger` (the newest new diary record) or on the refill request.
pub async fn triage_diary(
    conn: &mut SqliteConnection,
    patient_id: &str,
    trigger: Option<&PatientEvent>,
    refill_requests: &[&PatientEvent],
    now: DateTime<Utc>,
    notice_channels: &[&str],
) -> anyhow::Result<usize> {
    let (site_id, settings) = settings_for_patient(conn, patient_id).await?;
    let mut raised = 0;
    if let Some(trigger) = trigger {
        let lines = crate::regimens::lines_in(conn, patient_id).await?;
        let events = crate::regimens::diary_events(conn, patient_id).await?;
        let today = crate::regimens::patient_today(&lines, now);
        let (mut missed, mut extra) = (0, Vec::new());
        for line in &lines {
            let records = crate::regimens::records_of(&events, line.id);
            let Ok(schedule) = line.schedule() else { continue };
            missed += summarize(line, &records, today).map(|s| s.recent_missed).unwrap_or(0);
            // Extra doses in the last week that no alert has named yet.
            let week_ago = today - chrono::Days::new(u64::from(carepath_domain::triage::MISSED_DOSES_DAYS));
            extra.extend(extra_doses(&schedule, &records, today).into_iter().filter(|d| *d >= week_ago));
        }
        let open = alerted_reasons(conn, patient_id, true).await?;
        if open.iter().any(|r| matches!(r, AlertReason::MissedDoses { .. })) {
            missed = 0;
        }
        let all = alerted_reasons(conn, patient_id, false).await?;
        extra.retain(|date| !all.iter().any(|r| matches!(r, AlertReason::ExtraDose { date: d } if d == date)));
        let alerts = evaluate(&SymptomReport::default(), None, missed, &extra, false, &[], now, &settings);
        if let Some(Alert { tier, reasons }) = alerts.into_iter().next() {
            store_alert(conn, patient_id, &site_id, &trigger.id.to_string(), &ts(trigger.recorded_at), tier, &reasons, now, notice_channels)
                .await?;
            raised += 1;
        }
    }
    for request in refill_requests {
        let open = alerted_reasons(conn, patient_id, true).await?;
        if open.contains(&AlertReason::RefillRequested) {
            continue;
        }
        let alerts = evaluate(&SymptomReport::default(), None, 0, &[], true, &[], now, &settings);
        if let Some(Alert { tier, reasons }) = alerts.into_iter().next() {
            store_alert(conn, patient_id, &site_id, &request.id.to_string(), &ts(request.recorded_at), tier, &reasons, now, notice_channels)
                .await?;
            raised += 1;
        }
    }
    Ok(raised)
}
