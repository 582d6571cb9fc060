//! The pharmacist loop: the alert queue (unacknowledged urgent, unacknowledged routine, then acknowledged; oldest
//! report first; a page at a time), acknowledge, note, resolve, reply to the patient, and the patient's timeline.
//! Every query is limited to the pharmacist's own site; another site's alert or patient is "not found", never
//! "forbidden" (no hint that it exists).

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use carepath_domain::sync::{
    AlertNote, AlertQueue, AlertStats, AlertView, CadenceRequest, Empty, PatientEvent, PatientTimeline, PharmacyMessage, ReplyRequest,
    Stamp, TextRequest, TimelineCheckIn, EventBody, MAX_MESSAGE,
};
use carepath_domain::message_audience::Reader;
use carepath_domain::triage::{alert_rate, AlertReason};
use sqlx::SqliteConnection;
use uuid::Uuid;

use super::peer_ip;
use super::pharmacy::{split_page, PageQuery, PageSize};
use crate::auth::PharmacistAuth;
#[allow(unused_imports)]
use carepath_domain::sync::ErrorBody;
use crate::error::{ApiError, ApiJson, ApiPath};
use crate::store::{self, parse_ts, parse_uuid, ts};
use crate::triage::parse_tier;
use crate::AppState;

/// The window of the dashboard figures and of the resolved list.
const STATS_DAYS: u32 = 30;
const RESOLVED_LIMIT: i64 = 50;
const TIMELINE_CHECK_INS: i64 = 400;
const TIMELINE_ALERTS: i64 = 100;
const TIMELINE_MESSAGES: i64 = 200;
/// Open alerts per page of the queue.
const OPEN_PAGE: PageSize = PageSize { default: 50, max: 200 };
/// Messages a device receives in its profile (the newest).
const DEVICE_MESSAGES: i64 = 50;
/// The patients of a page of alerts (their ids as a JSON array) who have caregivers: one row per caregiver.
const CAREGIVERS_OF_PAGE_SQL: &str =
    "SELECT patient_id FROM caregivers WHERE patient_id IN (SELECT value FROM json_each(?)) AND revoked_at IS NULL";
/// Whether the patient has a caregiver not revoked.
const HAS_CAREGIVERS_SQL: &str = "SELECT 1 FROM caregivers WHERE patient_id = ? AND revoked_at IS NULL LIMIT 1";

/// An alert with its patient, the event that raised it and, for a check-in made on a caregiver's phone, that
/// caregiver's name (each joined by primary key).
const ALERT_SELECT: &str = "SELECT a.id, a.patient_id, p.display_name, a.tier, a.reasons, e.payload, a.reported_at,
        a.raised_at, a.acknowledged_at, ack.display_name, a.resolved_at, res.display_name, a.patient_action, c.name
    FROM alerts a
    JOIN patients p ON p.id = a.patient_id
    LEFT JOIN events e ON e.id = a.event_id
    LEFT JOIN devices d ON d.id = e.device_id AND e.kind = 'check_in'
    LEFT JOIN caregivers c ON c.id = d.caregiver_id
    LEFT JOIN pharmacists ack ON ack.id = a.acknowledged_by
    LEFT JOIN pharmacists res ON res.id = a.resolved_by";

// ---- the desk's queries (each read through an index: see `desk_queries` and server/tests/desk_paging.rs) ------

const NOTES_SQL: &str = "SELECT n.alert_id, n.created_at, ph.display_name, n.body FROM alert_notes n
     JOIN pharmacists ph ON ph.id = n.pharmacist_id
     WHERE n.alert_id IN (SELECT value FROM json_each(?)) ORDER BY n.created_at, n.id";
/// The replies to a page of alerts (their ids as a JSON array).
const REPLIES_FILTER: &str = "m.alert_id IN (SELECT value FROM json_each(?))";
pub(crate) const CHECK_INS_SQL: &str = "SELECT COUNT(*), COALESCE(SUM(alerted), 0) FROM site_events
     WHERE site_id = ? AND kind = 'check_in' AND received_at >= ?";
const ACKNOWLEDGED_SQL: &str =
    "SELECT COUNT(*) FROM alerts WHERE site_id = ? AND raised_at >= ? AND acknowledged_at IS NOT NULL";
const NOTICES_FAILING_SQL: &str = "SELECT COUNT(*) FROM notifications n JOIN alerts a ON a.id = n.alert_id
     WHERE a.site_id = ? AND n.delivered_at IS NULL AND n.attempts > 0";
const OPEN_COUNTS_SQL: &str = "SELECT (acknowledged_at IS NOT NULL), (tier <> 'urgent'), COUNT(*) FROM alerts
     WHERE site_id = ? AND resolved_at IS NULL GROUP BY 1, 2";
/// The newest check-ins, oldest first, each with the caregiver who made it (`None`: the patient).
const TIMELINE_CHECK_INS_SQL: &str = "SELECT payload, name FROM (SELECT e.payload, e.recorded_at, c.name FROM events e
     LEFT JOIN devices d ON d.id = e.device_id LEFT JOIN caregivers c ON c.id = d.caregiver_id
     WHERE e.patient_id = ? AND e.kind = 'check_in' ORDER BY e.recorded_at DESC LIMIT ?) ORDER BY recorded_at";

/// Whole minutes from raised to acknowledged, as `AlertView::minutes_to_acknowledge` counts them (at least 0), in
/// SQL. Times are stored to the millisecond; julianday's double is exact to well under one.
pub(crate) const MINUTES_TO_ACKNOWLEDGE: &str =
    "MAX(0, CAST(ROUND((julianday(acknowledged_at) - julianday(raised_at)) * 86400000) AS INTEGER) / 60000)";

/// The median time to acknowledge (`OFFSET` the middle), sorting only the window's acknowledged alerts.
fn median_sql() -> String {
    format!(
        "SELECT m FROM (SELECT {MINUTES_TO_ACKNOWLEDGE} AS m FROM alerts
                        WHERE site_id = ? AND raised_at >= ? AND acknowledged_at IS NOT NULL)
         ORDER BY m IS NULL, m LIMIT 1 OFFSET ?"
    )
}

/// The open queue's order, exactly as `alerts_open_queue` indexes it: unacknowledged before acknowledged, urgent
/// before routine, then the oldest report.
const OPEN_ORDER: &str = "(a.acknowledged_at IS NOT NULL), (a.tier <> 'urgent'), a.reported_at, a.raised_at, a.id";

/// A page of open alerts; `after`: the page starts after a cursor's key (five more parameters).
fn open_sql(after: bool) -> String {
    let from = if after { format!("AND ({OPEN_ORDER}) > (?, ?, ?, ?, ?)") } else { String::new() };
    format!("{ALERT_SELECT} WHERE a.site_id = ? AND a.resolved_at IS NULL {from} ORDER BY {OPEN_ORDER} LIMIT ?")
}

fn resolved_sql() -> String {
    format!("{ALERT_SELECT} WHERE a.site_id = ? AND a.resolved_at >= ? ORDER BY a.resolved_at DESC LIMIT ?")
}

fn timeline_alerts_sql() -> String {
    format!("{ALERT_SELECT} WHERE a.patient_id = ? ORDER BY a.raised_at DESC LIMIT ?")
}

/// Every query the alert queue and the timeline run, by name, for checking their plans (EXPLAIN QUERY PLAN).
pub fn desk_queries() -> Vec<(&'static str, String)> {
    vec![
        ("alerts: open page", open_sql(false)),
        ("alerts: open page after a cursor", open_sql(true)),
        ("alerts: open counts", OPEN_COUNTS_SQL.into()),
        ("alerts: resolved", resolved_sql()),
        ("alerts: notes of a page", NOTES_SQL.into()),
        ("alerts: replies of a page", messages_sql(REPLIES_FILTER)),
        ("alerts: caregivers of a page's patients", CAREGIVERS_OF_PAGE_SQL.into()),
        ("alerts: 30-day check-ins", CHECK_INS_SQL.into()),
        ("alerts: 30-day acknowledged", ACKNOWLEDGED_SQL.into()),
        ("alerts: 30-day median", median_sql()),
        ("alerts: notices failing", NOTICES_FAILING_SQL.into()),
        ("timeline: check-ins", TIMELINE_CHECK_INS_SQL.into()),
        ("timeline: alerts", timeline_alerts_sql()),
        ("timeline: messages", messages_sql("m.patient_id = ?")),
        ("timeline: has caregivers", HAS_CAREGIVERS_SQL.into()),
        ("timeline: message sharing", crate::message_audience::SHARING_SQL.into()),
    ]
}

type AlertRow = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The alerts of `rows` with their notes and replies: one query for all the notes, one for all the replies.
async fn alert_views(conn: &mut SqliteConnection, rows: Vec<AlertRow>) -> anyhow::Result<Vec<AlertView>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids = serde_json::to_string(&rows.iter().map(|r| r.0.as_str()).collect::<Vec<_>>())?;
    let note_rows: Vec<(String, String, String, String)> =
        sqlx::query_as(NOTES_SQL).bind(&ids).fetch_all(&mut *conn).await?;
    let mut notes: HashMap<String, Vec<(String, String, String)>> = HashMap::new();
    for (alert_id, at, by, body) in note_rows {
        notes.entry(alert_id).or_default().push((at, by, body));
    }
    let mut replies: HashMap<String, Vec<PharmacyMessage>> = HashMap::new();
    for (alert_id, message) in messages_where(&mut *conn, REPLIES_FILTER, &ids, None).await? {
        replies.entry(alert_id.unwrap_or_default()).or_default().push(message);
    }
    let mut from_patient = crate::messages::of_alerts(&mut *conn, &ids).await?;
    let patients = serde_json::to_string(&rows.iter().map(|r| r.1.as_str()).collect::<std::collections::BTreeSet<_>>())?;
    let with_caregivers: std::collections::HashSet<String> =
        sqlx::query_scalar(CAREGIVERS_OF_PAGE_SQL).bind(&patients).fetch_all(&mut *conn).await?.into_iter().collect();
    let mut views = Vec::with_capacity(rows.len());
    for row in rows {
        let id = row.0.clone();
        let (notes, replies) = (notes.remove(&id).unwrap_or_default(), replies.remove(&id).unwrap_or_default());
        let patient_messages = from_patient.remove(&id).unwrap_or_default();
        let patient_has_caregivers = with_caregivers.contains(&row.1);
        views.extend(
            store::readable("alert", &id, alert_view(row, notes, replies))
                .map(|v| AlertView { patient_messages, patient_has_caregivers, ..v }),
        );
    }
    Ok(views)
}

/// One alert row read back, with its notes and replies.
fn alert_view(row: AlertRow, notes: Vec<(String, String, String)>, replies: Vec<PharmacyMessage>) -> anyhow::Result<AlertView> {
    let (id, patient_id, patient_name, tier, reasons, payload, reported_at, raised_at, ack_at, ack_by, res_at, res_by, action, reported_by) =
        row;
    let check_in = match payload.map(|p| serde_json::from_str::<PatientEvent>(&p)).transpose()? {
        Some(PatientEvent { body: EventBody::CheckIn(answers), .. }) => Some(answers),
        _ => None,
    };
    let raised_at = parse_ts(&raised_at)?;
    let stamp = |at: Option<String>, by: Option<String>| -> anyhow::Result<Option<Stamp>> {
        at.map(|at| Ok(Stamp { at: parse_ts(&at)?, by: by.unwrap_or_default() })).transpose()
    };
    let acknowledged = stamp(ack_at, ack_by)?;
    Ok(AlertView {
        id: parse_uuid(&id)?,
        patient_id: parse_uuid(&patient_id)?,
        patient_name,
        tier: parse_tier(&tier)?,
        action: crate::triage::parse_action(action.as_deref()),
        reasons: serde_json::from_str::<Vec<AlertReason>>(&reasons)?,
        reported_by: reported_by.filter(|_| check_in.is_some()),
        check_in,
        reported_at: parse_ts(&reported_at)?,
        raised_at,
        minutes_to_acknowledge: acknowledged.as_ref().map(|a| (a.at - raised_at).num_minutes().max(0)),
        acknowledged,
        resolved: stamp(res_at, res_by)?,
        notes: notes
            .into_iter()
            .filter_map(|(at, by, body)| store::readable("alert note", &id, parse_ts(&at).map(|at| AlertNote { at, by, body })))
            .collect(),
        replies,
        patient_messages: Vec::new(),
        patient_has_caregivers: false,
    })
}

/// id, body, sent_at, from, read_at, alert_id, to_caregivers.
type MessageRow = (String, String, String, String, Option<String>, Option<String>, bool);

fn messages_sql(filter: &str) -> String {
    format!(
        "SELECT m.id, m.body, m.sent_at, ph.display_name, m.read_at, m.alert_id, m.to_caregivers FROM messages m
         JOIN pharmacists ph ON ph.id = m.pharmacist_id WHERE {filter} ORDER BY m.sent_at DESC, m.id LIMIT ?"
    )
}

/// Messages matching `filter` (one `?`, bound to `value`), newest first, at most `limit` (all when `None`), each
/// with the alert it answers.
async fn messages_where(
    conn: &mut SqliteConnection,
    filter: &str,
    value: &str,
    limit: Option<i64>,
) -> anyhow::Result<Vec<(Option<String>, PharmacyMessage)>> {
    let sql = messages_sql(filter);
    // SQLite reads a negative LIMIT as "no limit".
    let rows: Vec<MessageRow> = sqlx::query_as(&sql).bind(value).bind(limit.unwrap_or(-1)).fetch_all(&mut *conn).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, body, sent_at, from, read_at, alert_id, to_caregivers)| {
            let parsed = (|| {
                Ok(PharmacyMessage {
                    id: parse_uuid(&id)?,
                    body,
                    sent_at: parse_ts(&sent_at)?,
                    from,
                    read_at: read_at.map(|t| parse_ts(&t)).transpose()?,
                    to_caregivers,
                })
            })();
            store::readable("message", &id, parsed).map(|m| (alert_id, m))
        })
        .collect())
}

/// A patient's messages for one of their devices, newest first: those `reader` may read.
pub async fn patient_messages(conn: &mut SqliteConnection, patient_id: &str, reader: Reader) -> anyhow::Result<Vec<PharmacyMessage>> {
    let filter = if reader.reads_pharmacy_message(false) { "m.patient_id = ?" } else { "m.patient_id = ? AND m.to_caregivers = 1" };
    let messages = messages_where(conn, filter, patient_id, Some(DEVICE_MESSAGES)).await?;
    Ok(messages.into_iter().map(|(_, m)| m).collect())
}

/// The 30-day figures, each from an index over the window only (`site_events_check_ins`, `alerts_site_acknowledged`):
/// no query reads more than that window's check-ins or acknowledged alerts.
async fn stats(conn: &mut SqliteConnection, site_id: &str, now: DateTime<Utc>) -> anyhow::Result<AlertStats> {
    let since = ts(now - Duration::days(i64::from(STATS_DAYS)));
    let (check_ins, with_alert): (i64, i64) =
        sqlx::query_as(CHECK_INS_SQL).bind(site_id).bind(&since).fetch_one(&mut *conn).await?;
    let acknowledged: i64 = sqlx::query_scalar(ACKNOWLEDGED_SQL).bind(site_id).bind(&since).fetch_one(&mut *conn).await?;
    // The median: the lower middle of an even count, so it is always a real observation.
    let median: Option<i64> = if acknowledged == 0 {
        None
    } else {
        sqlx::query_scalar(&median_sql())
            .bind(site_id)
            .bind(&since)
            .bind((acknowledged - 1) / 2)
            .fetch_optional(&mut *conn)
            .await?
            .flatten()
    };
    let failing: i64 = sqlx::query_scalar(NOTICES_FAILING_SQL).bind(site_id).fetch_one(&mut *conn).await?;
    let (check_ins, with_alert) = (u64::try_from(check_ins)?, u64::try_from(with_alert)?);
    Ok(AlertStats {
        days: STATS_DAYS,
        check_ins,
        check_ins_with_alert: with_alert,
        alert_rate_per_mille: alert_rate(with_alert as usize, check_ins as usize),
        acknowledged: u64::try_from(acknowledged)?,
        median_minutes_to_acknowledge: median,
        notices_failing: u64::try_from(failing)?,
    })
}

/// (acknowledged, routine, reported_at, raised_at, id) of an open alert: its place in [`OPEN_ORDER`], and the cursor.
type OpenKey = (bool, bool, String, String, String);

fn open_key(row: &AlertRow) -> OpenKey {
    (row.8.is_some(), row.3 != "urgent", row.6.clone(), row.7.clone(), row.0.clone())
}

/// The site's alert queue: a page of open alerts in desk order (`?limit=`, default 50, at most 200; the next page
/// with `?cursor=`), the open counts, and on the first page the alerts resolved in the last 30 days, with the
/// 30-day figures.
#[utoipa::path(
    get,
    path = "/api/pharmacy/alerts",
    tag = "alerts",
    security(("pharmacist_session" = [])),
    params(PageQuery),
    responses((status = 200, description = "Open alerts, most urgent first.", body = carepath_domain::sync::AlertQueue)),
)]
pub async fn queue(
    State(state): State<AppState>,
    me: PharmacistAuth,
    connect: ConnectInfo<SocketAddr>,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<ApiJson<AlertQueue>, ApiError> {
    let query = PageQuery::from_request(query)?;
    let limit = query.limit(OPEN_PAGE)?;
    let after: Option<OpenKey> = query.after("alerts")?;
    let mut conn = state.db.read().acquire().await.map_err(anyhow::Error::from)?;
    let sql = open_sql(after.is_some());
    let mut select = sqlx::query_as(&sql).bind(&me.site_id);
    if let Some((acknowledged, routine, reported_at, raised_at, id)) = &after {
        select = select.bind(acknowledged).bind(routine).bind(reported_at).bind(raised_at).bind(id);
    }
    let open: Vec<AlertRow> = select.bind(limit + 1).fetch_all(&mut *conn).await?;
    let (open, next_cursor) = split_page(open, limit, "alerts", open_key);
    let counts: Vec<(bool, bool, i64)> =
        sqlx::query_as(OPEN_COUNTS_SQL).bind(&me.site_id).fetch_all(&mut *conn).await?;
    let count = |f: &dyn Fn(bool, bool) -> bool| -> u64 {
        counts.iter().filter(|(ack, routine, _)| f(*ack, *routine)).map(|(_, _, n)| u64::try_from(*n).unwrap_or(0)).sum()
    };
    let now = Utc::now();
    let resolved: Vec<AlertRow> = if after.is_some() {
        Vec::new()
    } else {
        sqlx::query_as(&resolved_sql())
            .bind(&me.site_id)
            .bind(ts(now - Duration::days(i64::from(STATS_DAYS))))
            .bind(RESOLVED_LIMIT)
            .fetch_all(&mut *conn)
            .await?
    };
    let queue = AlertQueue {
        open: alert_views(&mut conn, open).await?,
        resolved: alert_views(&mut conn, resolved).await?,
        stats: stats(&mut conn, &me.site_id, now).await?,
        term_names: state.items.term_names().clone(),
        next_cursor,
        open_total: count(&|_, _| true),
        open_unacknowledged: count(&|ack, _| !ack),
        open_unacknowledged_urgent: count(&|ack, routine| !ack && !routine),
    };
    drop(conn);
    store::audit(state.db.write(), me.audit("alerts.read", None, peer_ip(&connect))).await?;
    Ok(ApiJson(queue))
}

/// The alert's patient, if the alert belongs to the pharmacist's site.
pub(crate) async fn alert_patient(conn: &mut SqliteConnection, me: &PharmacistAuth, alert_id: Uuid) -> Result<String, ApiError> {
    let row: Option<(String,)> = sqlx::query_as("SELECT patient_id FROM alerts WHERE id = ? AND site_id = ?")
        .bind(alert_id.to_string())
        .bind(&me.site_id)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|(p,)| p).ok_or(ApiError::NotFound)
}

async fn one_alert(conn: &mut SqliteConnection, alert_id: Uuid) -> Result<AlertView, ApiError> {
    let rows: Vec<AlertRow> =
        sqlx::query_as(&format!("{ALERT_SELECT} WHERE a.id = ?")).bind(alert_id.to_string()).fetch_all(&mut *conn).await?;
    Ok(alert_views(conn, rows).await?.pop().ok_or(ApiError::NotFound)?)
}

/// Audits a change to an alert, commits it, and answers with the alert as it now is.
async fn finish_alert_action(
    mut tx: sqlx::Transaction<'static, sqlx::Sqlite>,
    me: &PharmacistAuth,
    alert_id: Uuid,
    patient_id: String,
    action: &'static str,
    connect: &ConnectInfo<SocketAddr>,
) -> Result<ApiJson<AlertView>, ApiError> {
    store::audit(&mut *tx, me.audit(action, Some(patient_id), peer_ip(connect))).await?;
    let view = one_alert(&mut tx, alert_id).await?;
    tx.commit().await?;
    Ok(ApiJson(view))
}

/// Marks the alert seen by this pharmacist (the first acknowledgement counts; later ones change nothing).
pub(crate) async fn mark_acknowledged(conn: &mut SqliteConnection, me: &PharmacistAuth, alert_id: Uuid, now: DateTime<Utc>) -> sqlx::Result<bool> {
    let updated = sqlx::query(
        "UPDATE alerts SET acknowledged_at = ?, acknowledged_by = ? WHERE id = ? AND site_id = ? AND acknowledged_at IS NULL",
    )
    .bind(ts(now))
    .bind(&me.pharmacist_id)
    .bind(alert_id.to_string())
    .bind(&me.site_id)
    .execute(&mut *conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}

#[utoipa::path(
    post,
    path = "/api/pharmacy/alerts/{id}/acknowledge",
    tag = "alerts",
    security(("pharmacist_session" = [])),
    params(("id" = Uuid, Path, description = "An alert of the pharmacist's site.")),
    request_body = carepath_domain::sync::Empty,
    responses((status = 200, description = "Acknowledged.", body = carepath_domain::sync::AlertView),
        (status = 404, description = "`not_found`", body = ErrorBody)),
)]
pub async fn acknowledge(
    State(state): State<AppState>,
    me: PharmacistAuth,
    ApiPath(alert_id): ApiPath<Uuid>,
    connect: ConnectInfo<SocketAddr>,
    ApiJson(_): ApiJson<Empty>,
) -> Result<ApiJson<AlertView>, ApiError> {
    let mut tx = store::begin_write(&state.db).await?;
    let patient_id = alert_patient(&mut tx, &me, alert_id).await?;
    mark_acknowledged(&mut tx, &me, alert_id, Utc::now()).await?;
    finish_alert_action(tx, &me, alert_id, patient_id, "alert.acknowledge", &connect).await
}

fn message_text(field: &'static str, body: &str) -> Result<String, ApiError> {
    Ok(carepath_domain::required_text(field, body, MAX_MESSAGE)?)
}

#[utoipa::path(
    post,
    path = "/api/pharmacy/alerts/{id}/notes",
    tag = "alerts",
    security(("pharmacist_session" = [])),
    params(("id" = Uuid, Path, description = "An alert of the pharmacist's site.")),
    request_body = carepath_domain::sync::TextRequest,
    responses((status = 200, description = "The note is added.", body = carepath_domain::sync::AlertView),
        (status = 404, description = "`not_found`", body = ErrorBody)),
)]
pub async fn add_note(
    State(state): State<AppState>,
    me: PharmacistAuth,
    ApiPath(alert_id): ApiPath<Uuid>,
    connect: ConnectInfo<SocketAddr>,
    ApiJson(req): ApiJson<TextRequest>,
) -> Result<ApiJson<AlertView>, ApiError> {
    let mut tx = store::begin_write(&state.db).await?;
    let patient_id = alert_patient(&mut tx, &me, alert_id).await?;
    let body = message_text("note", &req.body)?;
    let now = Utc::now();
    sqlx::query("INSERT INTO alert_notes (id, alert_id, pharmacist_id, body, created_at) VALUES (?, ?, ?, ?, ?)")
        .bind(Uuid::new_v4().to_string())
        .bind(alert_id.to_string())
        .bind(&me.pharmacist_id)
        .bind(&body)
        .bind(ts(now))
        .execute(&mut *tx)
        .await?;
    // Writing a note about an alert means it has been seen.
    mark_acknowledged(&mut tx, &me, alert_id, now).await?;
    finish_alert_action(tx, &me, alert_id, patient_id, "alert.note", &connect).await
}

#[utoipa::path(
    post,
    path = "/api/pharmacy/alerts/{id}/resolve",
    tag = "alerts",
    security(("pharmacist_session" = [])),
    params(("id" = Uuid, Path, description = "An alert of the pharmacist's site.")),
    request_body = carepath_domain::sync::Empty,
    responses((status = 200, description = "Resolved.", body = carepath_domain::sync::AlertView),
        (status = 404, description = "`not_found`", body = ErrorBody)),
)]
pub async fn resolve(
    State(state): State<AppState>,
    me: PharmacistAuth,
    ApiPath(alert_id): ApiPath<Uuid>,
    connect: ConnectInfo<SocketAddr>,
    ApiJson(_): ApiJson<Empty>,
) -> Result<ApiJson<AlertView>, ApiError> {
    let mut tx = store::begin_write(&state.db).await?;
    let patient_id = alert_patient(&mut tx, &me, alert_id).await?;
    let now = Utc::now();
    mark_acknowledged(&mut tx, &me, alert_id, now).await?;
    sqlx::query("UPDATE alerts SET resolved_at = ?, resolved_by = ? WHERE id = ? AND resolved_at IS NULL")
        .bind(ts(now))
        .bind(&me.pharmacist_id)
        .bind(alert_id.to_string())
        .execute(&mut *tx)
        .await?;
    finish_alert_action(tx, &me, alert_id, patient_id, "alert.resolve", &connect).await
}

/// The patient's name and check-in cadence, if they belong to the pharmacist's site.
pub(crate) async fn site_patient(conn: &mut SqliteConnection, me: &PharmacistAuth, patient_id: Uuid) -> Result<(String, u16), ApiError> {
    let row: Option<(String, i64)> =
        sqlx::query_as("SELECT display_name, check_in_every_days FROM patients WHERE id = ? AND site_id = ?")
            .bind(patient_id.to_string())
            .bind(&me.site_id)
            .fetch_optional(&mut *conn)
            .await?;
    let (name, days) = row.ok_or(ApiError::NotFound)?;
    Ok((name, u16::try_from(days).map_err(anyhow::Error::from)?))
}

/// Changes how often the patient is asked for a check-in; the device learns it at its next sync.
#[utoipa::path(
    put,
    path = "/api/pharmacy/patients/{id}/check-in-cadence",
    tag = "patients",
    security(("pharmacist_session" = [])),
    params(("id" = Uuid, Path, description = "A patient of the pharmacist's site.")),
    request_body = carepath_domain::sync::CadenceRequest,
    responses((status = 200, description = "Set.", body = carepath_domain::sync::CadenceRequest),
        (status = 404, description = "`not_found`", body = ErrorBody)),
)]
pub async fn set_cadence(
    State(state): State<AppState>,
    me: PharmacistAuth,
    ApiPath(patient_id): ApiPath<Uuid>,
    connect: ConnectInfo<SocketAddr>,
    ApiJson(req): ApiJson<CadenceRequest>,
) -> Result<ApiJson<CadenceRequest>, ApiError> {
    let mut tx = store::begin_write(&state.db).await?;
    site_patient(&mut tx, &me, patient_id).await?;
    crate::patients::check_cadence(req.check_in_every_days)?;
    sqlx::query("UPDATE patients SET check_in_every_days = ? WHERE id = ?")
        .bind(i64::from(req.check_in_every_days))
        .bind(patient_id.to_string())
        .execute(&mut *tx)
        .await?;
    crate::worklist::refresh(&mut tx, &patient_id.to_string(), Utc::now()).await?;
    let mut audit = me.audit("patient.cadence", Some(patient_id.to_string()), peer_ip(&connect));
    audit.detail = Some(format!("every {} days", req.check_in_every_days));
    store::audit(&mut *tx, audit).await?;
    tx.commit().await?;
    Ok(ApiJson(req))
}

/// Sends a message to the patient (it reaches the device at its next sync). About an alert, it also
/// acknowledges that alert.
#[utoipa::path(
    post,
    path = "/api/pharmacy/patients/{id}/messages",
    tag = "patients",
    security(("pharmacist_session" = [])),
    params(("id" = Uuid, Path, description = "A patient of the pharmacist's site.")),
    request_body = carepath_domain::sync::ReplyRequest,
    responses((status = 201, description = "Sent.", body = carepath_domain::sync::PharmacyMessage),
        (status = 404, description = "`not_found`", body = ErrorBody)),
)]
pub async fn reply(
    State(state): State<AppState>,
    me: PharmacistAuth,
    ApiPath(patient_id): ApiPath<Uuid>,
    connect: ConnectInfo<SocketAddr>,
    ApiJson(req): ApiJson<ReplyRequest>,
) -> Result<(StatusCode, ApiJson<PharmacyMessage>), ApiError> {
    let mut tx = store::begin_write(&state.db).await?;
    site_patient(&mut tx, &me, patient_id).await?;
    let body = message_text("message", &req.body)?;
    let now = Utc::now();
    if let Some(alert_id) = req.alert_id {
        if alert_patient(&mut tx, &me, alert_id).await? != patient_id.to_string() {
            return Err(ApiError::NotFound);
        }
        mark_acknowledged(&mut tx, &me, alert_id, now).await?;
    }
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO messages (id, patient_id, alert_id, pharmacist_id, body, sent_at, to_caregivers) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id.to_string())
    .bind(patient_id.to_string())
    .bind(req.alert_id.map(|a| a.to_string()))
    .bind(&me.pharmacist_id)
    .bind(&body)
    .bind(ts(now))
    .bind(req.to_caregivers)
    .execute(&mut *tx)
    .await?;
    let mut audit = me.audit("message.send", Some(patient_id.to_string()), peer_ip(&connect));
    audit.detail = req.to_caregivers.then(|| "caregivers may read it".to_string());
    store::audit(&mut *tx, audit).await?;
    // A push to each subscribed phone that may read it, sent after the commit by the background task (`messages`).
    let pushes = crate::messages::queue_pushes(&mut tx, &patient_id.to_string(), id, req.to_caregivers, now, state.settings.device_idle_cutoff(now)).await?;
    let from: String = sqlx::query_scalar("SELECT display_name FROM pharmacists WHERE id = ?")
        .bind(&me.pharmacist_id)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    if pushes > 0 {
        state.message_pushes.wake();
    }
    // As stored (to the millisecond), so it equals what the device later receives.
    let sent_at = parse_ts(&ts(now))?;
    Ok((StatusCode::CREATED, ApiJson(PharmacyMessage { id, body, sent_at, from, read_at: None, to_caregivers: req.to_caregivers })))
}

#[utoipa::path(
    get,
    path = "/api/pharmacy/patients/{id}/timeline",
    tag = "patients",
    security(("pharmacist_session" = [])),
    params(("id" = Uuid, Path, description = "A patient of the pharmacist's site.")),
    responses((status = 200, description = "The patient's reports, alerts and messages.", body = carepath_domain::sync::PatientTimeline),
        (status = 404, description = "`not_found`", body = ErrorBody)),
)]
pub async fn timeline(
    State(state): State<AppState>,
    me: PharmacistAuth,
    ApiPath(patient_id): ApiPath<Uuid>,
    connect: ConnectInfo<SocketAddr>,
) -> Result<ApiJson<PatientTimeline>, ApiError> {
    let mut conn = state.db.read().acquire().await.map_err(anyhow::Error::from)?;
    let (patient_name, check_in_every_days) = site_patient(&mut conn, &me, patient_id).await?;
    let id = patient_id.to_string();
    // The most recent check-ins, returned oldest first.
    let rows: Vec<(String, Option<String>)> =
        sqlx::query_as(TIMELINE_CHECK_INS_SQL).bind(&id).bind(TIMELINE_CHECK_INS).fetch_all(&mut *conn).await?;
    let mut check_ins = Vec::with_capacity(rows.len());
    for (payload, reported_by) in rows {
        let Some(event) = store::readable("check-in", &id, serde_json::from_str::<PatientEvent>(&payload).map_err(anyhow::Error::from))
        else {
            continue;
        };
        if let EventBody::CheckIn(answers) = event.body {
            check_ins.push(TimelineCheckIn { event_id: event.id, recorded_at: event.recorded_at, answers, reported_by });
        }
    }
    let alert_rows: Vec<AlertRow> =
        sqlx::query_as(&timeline_alerts_sql()).bind(&id).bind(TIMELINE_ALERTS).fetch_all(&mut *conn).await?;
    let alerts = alert_views(&mut conn, alert_rows).await?;
    let messages = messages_where(&mut conn, "m.patient_id = ?", &id, Some(TIMELINE_MESSAGES)).await?;
    let messages = messages.into_iter().map(|(_, m)| m).collect();
    let patient_messages = crate::messages::thread(&mut conn, &id, Reader::Patient).await?;
    let has_caregivers = sqlx::query_scalar::<_, i64>(HAS_CAREGIVERS_SQL).bind(&id).fetch_optional(&mut *conn).await?.is_some();
    let message_sharing = crate::message_audience::sharing(&mut conn, &id).await?;
    let interventions = super::worklists::patient_interventions(&mut conn, &id).await?;
    drop(conn);
    store::audit(state.db.write(), me.audit("timeline.read", Some(id), peer_ip(&connect))).await?;
    Ok(ApiJson(PatientTimeline {
        patient_id,
        patient_name,
        check_in_every_days,
        check_ins,
        alerts,
        messages,
        patient_messages,
        term_names: state.items.term_names().clone(),
        interventions,
        has_caregivers,
        message_sharing,
    }))
}
