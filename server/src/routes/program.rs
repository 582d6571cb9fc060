//! The program page's figures for a period (`?days=30` or `90`): check-in completion against each patient's cadence,
//! the share of check-ins raising an alert, the median time to acknowledge (urgent and routine), interventions by
//! type and outcome, and the 30-day PDC bands; with CSV exports of the figures and of the interventions (the `csv`
//! crate quotes; cells a spreadsheet would run as a formula get a leading `'`). Each a bounded index read of the
//! pharmacist's own site (`desk_queries`), audited.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use carepath_domain::intervention::{csv_cell, InterventionKind, InterventionOutcome, ProgramFigures, PROGRAM_PERIODS};
use carepath_domain::worklist::PdcBand;
use carepath_domain::ValidationError;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

use super::alerts::{CHECK_INS_SQL, MINUTES_TO_ACKNOWLEDGE};
use super::peer_ip;
use crate::auth::PharmacistAuth;
#[allow(unused_imports)]
use carepath_domain::sync::ErrorBody;
use crate::error::{ApiError, ApiJson};
use crate::store::{self, ts, Db};
use crate::AppState;

/// The most interventions one export holds (a 90-day period of a large practice fits well under this).
const MAX_EXPORT_ROWS: i64 = 20_000;

// ---- the queries (each read through an index: see `desk_queries` and server/tests/desk_paging.rs) -----------

/// Check-ins due by each patient's cadence over their whole days enrolled in the period (parameters: now, the
/// period's start, the site). Summed in SQL: a large site's rows never leave the database.
const EXPECTED_SQL: &str = "SELECT COALESCE(SUM(MAX(0, CAST(julianday(?) - julianday(MAX(created_at, ?)) AS INTEGER)) / check_in_every_days), 0)
     FROM patients WHERE site_id = ?";
const ACKNOWLEDGED_SQL: &str =
    "SELECT COUNT(*) FROM alerts WHERE site_id = ? AND tier = ? AND raised_at >= ? AND acknowledged_at IS NOT NULL";
const INTERVENTION_COUNTS_SQL: &str =
    "SELECT kind, outcome, COUNT(*) FROM interventions WHERE site_id = ? AND created_at >= ? GROUP BY kind, outcome";
const PDC_BANDS_SQL: &str = "SELECT COALESCE(SUM(pdc_30_per_mille < 500), 0), COALESCE(SUM(pdc_30_per_mille >= 500 AND pdc_30_per_mille < 800), 0),
        COALESCE(SUM(pdc_30_per_mille >= 800 AND pdc_30_per_mille < 900), 0), COALESCE(SUM(pdc_30_per_mille >= 900), 0)
     FROM patient_status WHERE site_id = ? AND pdc_30_per_mille IS NOT NULL";
const EXPORT_SQL: &str = "SELECT i.created_at, i.patient_id, p.display_name, i.kind, i.outcome, i.list, i.alert_id, ph.display_name, i.note
     FROM interventions i JOIN patients p ON p.id = i.patient_id JOIN pharmacists ph ON ph.id = i.pharmacist_id
     WHERE i.site_id = ? AND i.created_at >= ? ORDER BY i.created_at LIMIT ?";

/// The median time to acknowledge of one tier's alerts raised in the period.
fn median_sql() -> String {
    format!(
        "SELECT m FROM (SELECT {MINUTES_TO_ACKNOWLEDGE} AS m FROM alerts
                        WHERE site_id = ? AND tier = ? AND raised_at >= ? AND acknowledged_at IS NOT NULL)
         ORDER BY m LIMIT 1 OFFSET ?"
    )
}

pub fn desk_queries() -> Vec<(&'static str, String)> {
    vec![
        ("program: cadences", EXPECTED_SQL.into()),
        ("program: acknowledged by tier", ACKNOWLEDGED_SQL.into()),
        ("program: median by tier", median_sql()),
        ("program: interventions", INTERVENTION_COUNTS_SQL.into()),
        ("program: PDC bands", PDC_BANDS_SQL.into()),
        ("program: export", EXPORT_SQL.into()),
    ]
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// 30 (the default) or 90.
    #[param(value_type = Option<u32>, minimum = 30, maximum = 90)]
    pub days: Option<String>,
}

fn period(query: Result<Query<PeriodQuery>, axum::extract::rejection::QueryRejection>) -> Result<u32, ApiError> {
    let bad = || ApiError::Invalid(ValidationError::Inconsistent("days must be 30 or 90"));
    let Query(q) = query.map_err(|_| bad())?;
    match q.days.as_deref().map(str::trim) {
        None | Some("") => Ok(PROGRAM_PERIODS[0]),
        Some(text) => text.parse::<u32>().ok().filter(|d| PROGRAM_PERIODS.contains(d)).ok_or_else(bad),
    }
}

/// Acknowledged alerts of one tier raised since `since`, and the median minutes to acknowledge.
async fn acknowledged(db: &Db, site_id: &str, tier: &str, since: &str) -> anyhow::Result<(u32, Option<i64>)> {
    let n: i64 = sqlx::query_scalar(ACKNOWLEDGED_SQL).bind(site_id).bind(tier).bind(since).fetch_one(db.read()).await?;
    let median: Option<i64> = if n > 0 {
        sqlx::query_scalar(&median_sql()).bind(site_id).bind(tier).bind(since).bind((n - 1) / 2).fetch_optional(db.read()).await?
    } else {
        None
    };
    Ok((u32::try_from(n)?, median))
}

/// The figures of the `days` before `now` for a site. Three groups of queries run side by side on their own
/// connections (SQLite readers do not block each other in WAL mode): the check-ins, the urgent alerts, the rest.
pub async fn compute(db: &Db, site_id: &str, days: u32, now: DateTime<Utc>) -> anyhow::Result<ProgramFigures> {
    let since = now - Duration::days(i64::from(days));
    let since_text = ts(since);
    let check_ins = async {
        let row: (i64, i64) = sqlx::query_as(CHECK_INS_SQL).bind(site_id).bind(&since_text).fetch_one(db.read()).await?;
        anyhow::Ok(row)
    };
    let urgent = acknowledged(db, site_id, "urgent", &since_text);
    let rest = async {
        let routine = acknowledged(db, site_id, "routine", &since_text).await?;
        let expected: i64 =
            sqlx::query_scalar(EXPECTED_SQL).bind(ts(now)).bind(&since_text).bind(site_id).fetch_one(db.read()).await?;
        let rows: Vec<(String, String, i64)> =
            sqlx::query_as(INTERVENTION_COUNTS_SQL).bind(site_id).bind(&since_text).fetch_all(db.read()).await?;
        let bands: (i64, i64, i64, i64) = sqlx::query_as(PDC_BANDS_SQL).bind(site_id).fetch_one(db.read()).await?;
        anyhow::Ok((routine, expected, rows, bands))
    };
    let ((received, alerted), urgent, (routine, expected, rows, bands)) = tokio::try_join!(check_ins, urgent, rest)?;
    let mut interventions: Vec<(InterventionKind, InterventionOutcome, u32)> = rows
        .into_iter()
        .filter_map(|(kind, outcome, n)| {
            Some((InterventionKind::parse(&kind)?, InterventionOutcome::parse(&outcome)?, u32::try_from(n).ok()?))
        })
        .collect();
    interventions.sort();
    let band_counts = [bands.0, bands.1, bands.2, bands.3];
    Ok(ProgramFigures {
        days,
        from: since.date_naive(),
        to: now.date_naive(),
        check_ins_received: u32::try_from(received)?,
        check_ins_expected: u32::try_from(expected).unwrap_or(u32::MAX),
        check_ins_alerted: u32::try_from(alerted)?,
        acknowledged_urgent: urgent.0,
        median_minutes_urgent: urgent.1,
        acknowledged_routine: routine.0,
        median_minutes_routine: routine.1,
        interventions,
        pdc_bands: PdcBand::ALL.into_iter().zip(band_counts).map(|(b, n)| (b, u32::try_from(n).unwrap_or(0))).collect(),
    })
}

#[utoipa::path(
    get,
    path = "/api/pharmacy/program",
    tag = "program",
    security(("pharmacist_session" = [])),
    params(PeriodQuery),
    responses((status = 200, description = "The program figures for the period.", body = carepath_domain::intervention::ProgramFigures)),
)]
pub async fn figures(
    State(state): State<AppState>,
    me: PharmacistAuth,
    connect: ConnectInfo<SocketAddr>,
    query: Result<Query<PeriodQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<ApiJson<ProgramFigures>, ApiError> {
    let days = period(query)?;
    let figures = compute(&state.db, &me.site_id, days, Utc::now()).await?;
    store::audit(state.db.write(), me.audit("program.read", None, peer_ip(&connect))).await?;
    Ok(ApiJson(figures))
}

pub(crate) fn csv_response(file_name: &str, bytes: Vec<u8>) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

pub(crate) fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new())
}

pub(crate) fn finish(writer: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, ApiError> {
    Ok(writer.into_inner().map_err(|e| anyhow::anyhow!("csv: {e}"))?)
}

pub(crate) fn write_row<I: IntoIterator<Item = String>>(writer: &mut csv::Writer<Vec<u8>>, cells: I) -> Result<(), ApiError> {
    writer.write_record(cells.into_iter().map(|c| csv_cell(&c))).map_err(anyhow::Error::from)?;
    Ok(())
}

/// The figures as `figure,value` rows.
#[utoipa::path(
    get,
    path = "/api/pharmacy/program/figures.csv",
    tag = "program",
    security(("pharmacist_session" = [])),
    params(PeriodQuery),
    responses((status = 200, description = "The program figures as CSV.", body = String, content_type = "text/csv")),
)]
pub async fn figures_csv(
    State(state): State<AppState>,
    me: PharmacistAuth,
    connect: ConnectInfo<SocketAddr>,
    query: Result<Query<PeriodQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let days = period(query)?;
    let f = compute(&state.db, &me.site_id, days, Utc::now()).await?;
    let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let pct = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_default();
    let mut w = writer();
    write_row(&mut w, ["figure".into(), "value".into()])?;
    let mut rows: Vec<(String, String)> = vec![
        ("period_days".into(), f.days.to_string()),
        ("from".into(), f.from.to_string()),
        ("to".into(), f.to.to_string()),
        ("check_ins_received".into(), f.check_ins_received.to_string()),
        ("check_ins_expected".into(), f.check_ins_expected.to_string()),
        ("check_in_completion_percent".into(), pct(f.completion_percent())),
        ("check_ins_raising_an_alert".into(), f.check_ins_alerted.to_string()),
        ("check_ins_raising_an_alert_percent".into(), pct(f.alerted_percent())),
        ("urgent_alerts_acknowledged".into(), f.acknowledged_urgent.to_string()),
        ("urgent_median_minutes_to_acknowledge".into(), opt(f.median_minutes_urgent)),
        ("routine_alerts_acknowledged".into(), f.acknowledged_routine.to_string()),
        ("routine_median_minutes_to_acknowledge".into(), opt(f.median_minutes_routine)),
        ("interventions".into(), f.intervention_total().to_string()),
    ];
    rows.extend(f.interventions.iter().map(|(k, o, n)| (format!("interventions_{}_{}", k.as_str(), o.as_str()), n.to_string())));
    rows.extend(f.pdc_bands.iter().map(|(b, n)| (format!("patients_pdc_{}", b.as_str()), n.to_string())));
    for (name, value) in rows {
        write_row(&mut w, [name, value])?;
    }
    let mut audit = me.audit("program.export", None, peer_ip(&connect));
    audit.detail = Some(format!("figures {days} days"));
    store::audit(state.db.write(), audit).await?;
    Ok(csv_response(&format!("program-figures-{days}-days.csv"), finish(w)?))
}

/// Every intervention of the period, oldest first (at most [`MAX_EXPORT_ROWS`]).
#[utoipa::path(
    get,
    path = "/api/pharmacy/program/interventions.csv",
    tag = "program",
    security(("pharmacist_session" = [])),
    params(PeriodQuery),
    responses((status = 200, description = "The documented interventions as CSV.", body = String, content_type = "text/csv")),
)]
pub async fn interventions_csv(
    State(state): State<AppState>,
    me: PharmacistAuth,
    connect: ConnectInfo<SocketAddr>,
    query: Result<Query<PeriodQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let days = period(query)?;
    let since = Utc::now() - Duration::days(i64::from(days));
    type Row = (String, String, String, String, String, Option<String>, Option<String>, String, String);
    let rows: Vec<Row> = sqlx::query_as(EXPORT_SQL)
        .bind(&me.site_id)
        .bind(ts(since))
        .bind(MAX_EXPORT_ROWS)
        .fetch_all(state.db.read())
        .await?;
    let mut w = writer();
    let header = ["recorded_at", "patient_id", "patient", "type", "outcome", "worklist", "alert_id", "pharmacist", "note"];
    write_row(&mut w, header.map(String::from))?;
    let count = rows.len();
    for (at, patient_id, patient, kind, outcome, list, alert_id, by, note) in rows {
        write_row(&mut w, [at, patient_id, patient, kind, outcome, list.unwrap_or_default(), alert_id.unwrap_or_default(), by, note])?;
    }
    let mut audit = me.audit("program.export", None, peer_ip(&connect));
    audit.detail = Some(format!("interventions {days} days, {count} rows"));
    store::audit(state.db.write(), audit).await?;
    Ok(csv_response(&format!("interventions-{days}-days.csv"), finish(w)?))
}
