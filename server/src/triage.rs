//! Triage on the server: each newly stored check-in runs through the domain rules (`carepath_domain::triage`)
//! inside the transaction that stores it, so a report and its alert are stored together or not at all. Urgent
//! alerts also queue their outgoing notices (see `notify`) in the same transaction.

use chrono::{DateTime, Duration, Utc};
use carepath_domain::adherence::{extra_doses, resolve_supersession, DoseOutcome};
use carepath_domain::checkin::CheckInAnswers;
use carepath_domain::sync::{EventBody, PatientEvent};
use carepath_domain::triage::{
    diary_reasons, evaluate, Acknowledgement, Action, Alert, AlertReason, CheckInContext, DiaryFacts, LineDiaryFacts,
    SiteSettings, SymptomReport, Tier,
};
use sqlx::SqliteConnection;
use uuid::Uuid;

use crate::guides::GuideLibrary;
use crate::items::Items;
use crate::store::{parse_ts, ts};

/// The check-in content and the guides (which name the drugs of a regimen line), for the rules.
#[derive(Clone, Copy)]
pub struct Content<'a> {
    pub items: &'a Items,
    pub guides: &'a GuideLibrary,
}

/// The patient's site and its triage settings, as a sync read them before it took the writer
/// ([`crate::regimens::Snapshot`]): a check-in is triaged with the settings in force when it arrived.
#[derive(Debug, Clone)]
pub struct SiteTriage {
    pub site_id: String,
    pub settings: SiteSettings,
}

/// A site's triage settings from its `fever_threshold_c_tenths` and `acknowledged_window_hours` columns.
pub fn site_settings(fever_threshold_c_tenths: i64, acknowledged_window_hours: i64) -> anyhow::Result<SiteSettings> {
    Ok(SiteSettings {
        fever_threshold_c_tenths: i32::try_from(fever_threshold_c_tenths)?,
        acknowledged_window_hours: u32::try_from(acknowledged_window_hours)?,
        temperature_unit: None,
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
/// `lines` are the patient's regimen lines as they are in this transaction.
#[allow(clippy::too_many_arguments)]
pub async fn triage_check_in(
    conn: &mut SqliteConnection,
    content: Content<'_>,
    patient_id: &str,
    site: &SiteTriage,
    lines: &[carepath_domain::regimen::RegimenLine],
    event: &PatientEvent,
    answers: &CheckInAnswers,
    now: DateTime<Utc>,
    notice_channels: &[&str],
) -> anyhow::Result<Option<Tier>> {
    let SiteTriage { site_id, settings } = site;
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

    // The patient's drugs decide which drug rules apply.
    let drugs = content.items.drugs_of(content.guides, lines.iter().map(|l| l.drug_name()));
    let rules = content.items.rules_for(&drugs);
    let library = content.items.library();
    let cx = CheckInContext {
        previous: previous.as_ref(),
        yes_no: &library.yes_no,
        items: &library.items,
        rules: &rules,
        acknowledged: &acknowledged,
        now,
        settings,
    };
    // Missed and extra doses and refill requests are triaged when the diary events arrive (`triage_diary`).
    let Some(alert) = evaluate(&report, &cx) else { return Ok(None) };
    store_alert(conn, patient_id, site_id, &id, &recorded, &alert, now, notice_channels).await?;
    Ok(Some(alert.tier))
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
    alert: &Alert,
    now: DateTime<Utc>,
    notice_channels: &[&str],
) -> anyhow::Result<()> {
    let alert_id = Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO alerts (id, patient_id, site_id, event_id, tier, reasons, reported_at, raised_at, patient_action)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&alert_id)
    .bind(patient_id)
    .bind(site_id)
    .bind(event_id)
    .bind(tier_text(alert.tier))
    .bind(serde_json::to_string(&alert.reasons)?)
    .bind(reported_at)
    .bind(ts(now))
    .bind(alert.action.as_str())
    .execute(&mut *conn)
    .await?;
    if alert.tier == Tier::Urgent {
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

/// An alert of the patient: its reasons, whether it is still open, when it was raised.
struct Alerted {
    reasons: Vec<AlertReason>,
    open: bool,
    raised_at: DateTime<Utc>,
}

/// Every alert of the patient: one read for all that the diary rules ask (every reason, the open ones, the last
/// week's).
async fn alerted(conn: &mut SqliteConnection, patient_id: &str) -> anyhow::Result<Vec<Alerted>> {
    let rows: Vec<(String, bool, String)> =
        sqlx::query_as("SELECT reasons, resolved_at IS NULL, raised_at FROM alerts WHERE patient_id = ?")
            .bind(patient_id)
            .fetch_all(&mut *conn)
            .await?;
    rows.into_iter()
        .map(|(json, open, raised_at)| Ok(Alerted { reasons: serde_json::from_str(&json)?, open, raised_at: parse_ts(&raised_at)? }))
        .collect()
}

fn reasons_of<'a>(alerts: impl IntoIterator<Item = &'a Alerted>) -> Vec<AlertReason> {
    alerts.into_iter().flat_map(|a| a.reasons.iter().cloned()).collect()
}

/// Runs the diary rules after a sync stored new dose records or refill requests, in the same transaction
/// (`carepath_domain::triage::diary_reasons`: missed, vomited and extra doses, refill requests, and the drug rules'
/// own lines), unless an open alert already says the same. The alert hangs on `trigger` (the newest new diary
/// record) or on the refill request. `history` is the patient's, read in this transaction with the batch stored.
#[allow(clippy::too_many_arguments)]
pub async fn triage_diary(
    conn: &mut SqliteConnection,
    content: Content<'_>,
    patient_id: &str,
    site: &SiteTriage,
    history: &crate::regimens::History,
    trigger: Option<&PatientEvent>,
    refill_requests: &[&PatientEvent],
    now: DateTime<Utc>,
    notice_channels: &[&str],
) -> anyhow::Result<usize> {
    let site_id = &site.site_id;
    let alerts = alerted(conn, patient_id).await?;
    // The open alerts' reasons, and those of each alert raised here once it is stored.
    let mut open = reasons_of(alerts.iter().filter(|a| a.open));
    let mut raised = 0;
    if let Some(trigger) = trigger {
        let (lines, events) = (&history.lines, &history.events);
        let today = crate::regimens::patient_today(lines, now);
        let all = reasons_of(&alerts);
        let week = now - Duration::days(i64::from(carepath_domain::triage::MISSED_DOSES_DAYS));
        let week_ago = today - chrono::Days::new(u64::from(carepath_domain::triage::MISSED_DOSES_DAYS));
        let mut facts = DiaryFacts {
            today: Some(today),
            already_open: open.clone(),
            recently_alerted: reasons_of(alerts.iter().filter(|a| a.raised_at >= week)),
            ..Default::default()
        };
        let mut drugs_all: Vec<&str> = Vec::new();
        for line in lines {
            let records = crate::regimens::records_of(events, line.id);
            let Ok(schedule) = line.schedule() else { continue };
            let drugs = content.items.drugs_of(content.guides, [line.drug_name()]);
            let entries: Vec<_> = resolve_supersession(&records).into_iter().filter(|e| !e.superseded).collect();
            let expected = |date, slot| {
                matches!(schedule.day_plan(date), carepath_domain::schedule::DayPlan::Taking { doses } if doses.iter().any(|d| d.slot == slot))
            };
            facts.lines.push(LineDiaryFacts {
                drugs: drugs.iter().map(|d| d.to_string()).collect(),
                days_since_start: u32::try_from((today - line.regimen.start).num_days().max(0)).unwrap_or(u32::MAX),
                // Only doses the plan expected count as missed (a record for a held day is not a missed dose).
                missed: entries.iter().filter(|e| e.kind.counts_as_missed() && expected(e.date, e.slot)).map(|e| e.date).collect(),
                vomited: entries.iter().filter(|e| e.kind == DoseOutcome::Vomited).map(|e| e.date).collect(),
                // Extra doses in the last week that no alert has named yet.
                new_extra_doses: extra_doses(&schedule, &records, today)
                    .into_iter()
                    .filter(|d| *d >= week_ago && !all.iter().any(|r| matches!(r, AlertReason::ExtraDose { date } if date == d)))
                    .collect(),
            });
            drugs_all.extend(drugs);
        }
        let rules = content.items.rules_for(&drugs_all);
        if let Some(alert) = Alert::of(diary_reasons(&facts, &rules)) {
            store_alert(conn, patient_id, site_id, &trigger.id.to_string(), &ts(trigger.recorded_at), &alert, now, notice_channels)
                .await?;
            open.extend(alert.reasons.iter().cloned());
            raised += 1;
        }
    }
    for request in refill_requests {
        let facts = DiaryFacts { refill_requested: true, already_open: open.clone(), ..Default::default() };
        if let Some(alert) = Alert::of(diary_reasons(&facts, &[])) {
            store_alert(conn, patient_id, site_id, &request.id.to_string(), &ts(request.recorded_at), &alert, now, notice_channels)
                .await?;
            open.extend(alert.reasons.iter().cloned());
            raised += 1;
        }
    }
    Ok(raised)
}

/// What the patient was told, as stored with an alert (`None` for alerts raised before it was stored).
pub fn parse_action(text: Option<&str>) -> Option<Action> {
    text.and_then(Action::parse)
}
