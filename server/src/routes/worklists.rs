//! The worklists (`GET /api/pharmacy/worklists`: how many in each; `GET …/worklists/{list}`: a page, oldest due
//! first), marking an item done with a note and optionally the intervention it took, and documenting an
//! intervention on a patient (`POST …/patients/{id}/interventions`, with an alert or not). Every query is limited to
//! the pharmacist's own site, read through an index (`desk_queries`), and audited. What each list holds is kept by
//! `crate::worklist`.

use std::net::SocketAddr;

use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::StatusCode;
use carepath_domain::intervention::{checked_note, Intervention, InterventionKind, InterventionOutcome, InterventionRequest, InterventionView};
use carepath_domain::sync::Empty;
use carepath_domain::worklist::{DoneRequest, Worklist, WorklistCounts, WorklistItem, WorklistPage};
use carepath_domain::ValidationError;
use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;
use uuid::Uuid;

use super::alerts::{alert_patient, mark_acknowledged, site_patient};
use super::peer_ip;
use super::pharmacy::{split_page, PageQuery, PageSize};
use crate::auth::PharmacistAuth;
#[allow(unused_imports)]
use carepath_domain::sync::ErrorBody;
use crate::error::{ApiError, ApiJson, ApiPath};
use crate::store::{self, parse_ts, parse_uuid, ts};
use crate::AppState;

const LIST_PAGE: PageSize = PageSize { default: 50, max: 200 };
const TIMELINE_INTERVENTIONS: i64 = 100;

// ---- the queries (each read through an index: see `desk_queries` and server/tests/desk_paging.rs) -----------

const COUNTS_SQL: &str = "SELECT list, COUNT(*) FROM worklist_items WHERE site_id = ? GROUP BY list";

/// A page of one list, oldest due first; `after`: from a cursor (three more parameters).
fn page_sql(after: bool) -> String {
    format!(
        "SELECT w.due_on, w.patient_id, w.item_key, p.display_name, w.regimen_line_id, json_extract(r.regimen, '$.drug_name'),
                s.unrecorded_doses, s.pdc_30_per_mille
         FROM worklist_items w
         JOIN patients p ON p.id = w.patient_id
         LEFT JOIN patient_status s ON s.patient_id = w.patient_id
         LEFT JOIN regimens r ON r.id = w.regimen_line_id
         WHERE w.site_id = ? AND w.list = ? {}
         ORDER BY w.due_on, w.patient_id, w.item_key LIMIT ?",
        if after { "AND (w.due_on, w.patient_id, w.item_key) > (?, ?, ?)" } else { "" }
    )
}

const ITEM_SQL: &str =
    "SELECT 1 FROM worklist_items WHERE site_id = ? AND list = ? AND patient_id = ? AND item_key = ?";

pub(crate) const PATIENT_INTERVENTIONS_SQL: &str = "SELECT i.id, i.patient_id, i.kind, i.outcome, i.note, i.alert_id, i.list,
        i.created_at, ph.display_name
     FROM interventions i JOIN pharmacists ph ON ph.id = i.pharmacist_id
     WHERE i.patient_id = ? ORDER BY i.created_at DESC LIMIT ?";

pub fn desk_queries() -> Vec<(&'static str, String)> {
    let mut queries = vec![
        ("worklists: counts", COUNTS_SQL.into()),
        ("worklists: page", page_sql(false)),
        ("worklists: page after a cursor", page_sql(true)),
        ("worklists: one item", ITEM_SQL.into()),
        ("timeline: interventions", PATIENT_INTERVENTIONS_SQL.into()),
    ];
    queries.extend(crate::worklist::desk_queries());
    queries
}

#[utoipa::path(
    get,
    path = "/api/pharmacy/worklists",
    tag = "worklists",
    security(("pharmacist_session" = [])),
    responses((status = 200, description = "How many patients are on each worklist.", body = carepath_domain::worklist::WorklistCounts)),
)]
pub async fn counts(
    State(state): State<AppState>,
    me: PharmacistAuth,
    connect: ConnectInfo<SocketAddr>,
) -> Result<ApiJson<WorklistCounts>, ApiError> {
    let rows: Vec<(String, i64)> = sqlx::query_as(COUNTS_SQL).bind(&me.site_id).fetch_all(state.db.read()).await?;
    let counts = Worklist::ALL
        .into_iter()
        .map(|list| {
            let n = rows.iter().find(|(l, _)| l == list.as_str()).map_or(0, |(_, n)| *n);
            (list, u32::try_from(n).unwrap_or(u32::MAX))
        })
        .collect();
    store::audit(state.db.write(), me.audit("worklists.read", None, peer_ip(&connect))).await?;
    Ok(ApiJson(WorklistCounts { counts }))
}

fn parse_list(text: &str) -> Result<Worklist, ApiError> {
    Worklist::parse(text).ok_or(ApiError::NotFound)
}

type ItemRow = (String, String, String, String, Option<String>, Option<String>, Option<i64>, Option<i64>);
type ItemKey = (String, String, String);

#[utoipa::path(
    get,
    path = "/api/pharmacy/worklists/{list}",
    tag = "worklists",
    security(("pharmacist_session" = [])),
    params(("list" = String, Path, description = "A worklist's name.")),
    responses((status = 200, description = "A page of the worklist.", body = carepath_domain::worklist::WorklistPage),
        (status = 404, description = "`not_found` (no such list)", body = ErrorBody)),
)]
pub async fn page(
    State(state): State<AppState>,
    me: PharmacistAuth,
    ApiPath(list): ApiPath<String>,
    connect: ConnectInfo<SocketAddr>,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<ApiJson<WorklistPage>, ApiError> {
    let list = parse_list(&list)?;
    let query = PageQuery::from_request(query)?;
    let limit = query.limit(LIST_PAGE)?;
    let cursor_name = format!("worklist:{}", list.as_str());
    let after = query.after::<ItemKey>(&cursor_name)?;
    let sql = page_sql(after.is_some());
    let mut select = sqlx::query_as(&sql).bind(&me.site_id).bind(list.as_str());
    if let Some((due_on, patient_id, key)) = &after {
        select = select.bind(due_on).bind(patient_id).bind(key);
    }
    let rows: Vec<ItemRow> = select.bind(limit + 1).fetch_all(state.db.read()).await?;
    let (rows, next_cursor) = split_page(rows, limit, &cursor_name, |r| (r.0.clone(), r.1.clone(), r.2.clone()));
    let items = rows
        .into_iter()
        .filter_map(|(due_on, patient_id, key, patient_name, line, drug_name, unrecorded, pdc)| {
            let parsed = (|| {
                Ok(WorklistItem {
                    list,
                    patient_id: parse_uuid(&patient_id)?,
                    patient_name,
                    key,
                    due_on: due_on.parse()?,
                    regimen_line_id: line.as_deref().map(parse_uuid).transpose()?,
                    drug_name,
                    unrecorded_doses: u32::try_from(unrecorded.unwrap_or(0))?,
                    pdc_30_per_mille: pdc.map(u32::try_from).transpose()?,
                })
            })();
            store::readable("worklist item", &patient_id, parsed)
        })
        .collect();
    let mut audit = me.audit("worklist.read", None, peer_ip(&connect));
    audit.detail = Some(list.as_str().into());
    store::audit(state.db.write(), audit).await?;
    Ok(ApiJson(WorklistPage { list, items, next_cursor }))
}

/// Stores a checked intervention; with `worklist`, the item it was done with.
#[allow(clippy::too_many_arguments)]
async fn insert_intervention(
    conn: &mut SqliteConnection,
    me: &PharmacistAuth,
    patient_id: Uuid,
    intervention: &Intervention,
    alert_id: Option<Uuid>,
    worklist: Option<(Worklist, &str)>,
    now: DateTime<Utc>,
) -> Result<InterventionView, ApiError> {
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO interventions (id, site_id, patient_id, alert_id, list, item_key, kind, outcome, note, created_at, pharmacist_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id.to_string())
    .bind(&me.site_id)
    .bind(patient_id.to_string())
    .bind(alert_id.map(|a| a.to_string()))
    .bind(worklist.map(|(l, _)| l.as_str()))
    .bind(worklist.map(|(_, k)| k))
    .bind(intervention.kind.as_str())
    .bind(intervention.outcome.as_str())
    .bind(&intervention.note)
    .bind(ts(now))
    .bind(&me.pharmacist_id)
    .execute(&mut *conn)
    .await?;
    let by: String =
        sqlx::query_scalar("SELECT display_name FROM pharmacists WHERE id = ?").bind(&me.pharmacist_id).fetch_one(&mut *conn).await?;
    Ok(InterventionView {
        id,
        patient_id,
        kind: intervention.kind,
        outcome: intervention.outcome,
        note: intervention.note.clone(),
        alert_id,
        worklist: worklist.map(|(l, _)| l),
        // As stored (to the millisecond), so it equals what the timeline later reads.
        at: parse_ts(&ts(now))?,
        by,
    })
}

/// Documents an intervention on a patient, about one of their alerts or not; `acknowledge` also acknowledges that
/// alert. A type or outcome not in the lists, a note over 2000 characters or an alert of another patient stores
/// nothing.
#[utoipa::path(
    post,
    path = "/api/pharmacy/patients/{id}/interventions",
    tag = "worklists",
    security(("pharmacist_session" = [])),
    params(("id" = Uuid, Path, description = "A patient of the pharmacist's site.")),
    request_body = carepath_domain::intervention::InterventionRequest,
    responses((status = 201, description = "Documented.", body = carepath_domain::intervention::InterventionView),
        (status = 404, description = "`not_found`", body = ErrorBody)),
)]
pub async fn add_intervention(
    State(state): State<AppState>,
    me: PharmacistAuth,
    ApiPath(patient_id): ApiPath<Uuid>,
    connect: ConnectInfo<SocketAddr>,
    ApiJson(req): ApiJson<InterventionRequest>,
) -> Result<(StatusCode, ApiJson<InterventionView>), ApiError> {
    let mut tx = store::begin_write(&state.db).await?;
    site_patient(&mut tx, &me, patient_id).await?;
    let intervention = req.validated()?;
    let now = Utc::now();
    if let Some(alert_id) = req.alert_id {
        if alert_patient(&mut tx, &me, alert_id).await? != patient_id.to_string() {
            return Err(ApiError::NotFound);
        }
        if req.acknowledge {
            mark_acknowledged(&mut tx, &me, alert_id, now).await?;
        }
    } else if req.acknowledge {
        return Err(ValidationError::Inconsistent("acknowledge needs an alert").into());
    }
    let view = insert_intervention(&mut tx, &me, patient_id, &intervention, req.alert_id, None, now).await?;
    let mut audit = me.audit("intervention.add", Some(patient_id.to_string()), peer_ip(&connect));
    audit.detail = Some(format!("{} {}", intervention.kind.as_str(), intervention.outcome.as_str()));
    store::audit(&mut *tx, audit).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, ApiJson(view)))
}

/// Marks an item done (it leaves the list; who, when and the note are kept), with the intervention it took if
/// given. An item not on the site's list (or already done) is not found.
#[utoipa::path(
    post,
    path = "/api/pharmacy/worklists/{list}/done",
    tag = "worklists",
    security(("pharmacist_session" = [])),
    params(("list" = String, Path, description = "A worklist's name.")),
    request_body = carepath_domain::worklist::DoneRequest,
    responses((status = 201, description = "Marked done.", body = carepath_domain::sync::Empty),
        (status = 404, description = "`not_found`", body = ErrorBody)),
)]
pub async fn done(
    State(state): State<AppState>,
    me: PharmacistAuth,
    ApiPath(list): ApiPath<String>,
    connect: ConnectInfo<SocketAddr>,
    ApiJson(req): ApiJson<DoneRequest>,
) -> Result<(StatusCode, ApiJson<Empty>), ApiError> {
    let list = parse_list(&list)?;
    let note = checked_note(&req.note)?;
    let intervention = req.intervention.as_ref().map(|i| i.validated()).transpose()?;
    if req.intervention.as_ref().is_some_and(|i| i.alert_id.is_some() || i.acknowledge) {
        return Err(ValidationError::Inconsistent("an intervention done with a worklist item names no alert").into());
    }
    let mut tx = store::begin_write(&state.db).await?;
    site_patient(&mut tx, &me, req.patient_id).await?;
    let pid = req.patient_id.to_string();
    let found: Option<i64> = sqlx::query_scalar(ITEM_SQL)
        .bind(&me.site_id)
        .bind(list.as_str())
        .bind(&pid)
        .bind(&req.key)
        .fetch_optional(&mut *tx)
        .await?;
    if found.is_none() {
        return Err(ApiError::NotFound);
    }
    let now = Utc::now();
    let intervention_id = match &intervention {
        Some(i) => Some(insert_intervention(&mut tx, &me, req.patient_id, i, None, Some((list, &req.key)), now).await?.id),
        None => None,
    };
    sqlx::query(
        "INSERT INTO worklist_done (id, site_id, patient_id, list, item_key, note, intervention_id, done_at, pharmacist_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(Uuid::new_v4().to_string())
    .bind(&me.site_id)
    .bind(&pid)
    .bind(list.as_str())
    .bind(&req.key)
    .bind(&note)
    .bind(intervention_id.map(|i| i.to_string()))
    .bind(ts(now))
    .bind(&me.pharmacist_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM worklist_items WHERE site_id = ? AND list = ? AND patient_id = ? AND item_key = ?")
        .bind(&me.site_id)
        .bind(list.as_str())
        .bind(&pid)
        .bind(&req.key)
        .execute(&mut *tx)
        .await?;
    let mut audit = me.audit("worklist.done", Some(pid), peer_ip(&connect));
    audit.detail = Some(list.as_str().into());
    store::audit(&mut *tx, audit).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, ApiJson(Empty {})))
}

/// The patient's interventions, newest first, for the timeline.
pub(crate) async fn patient_interventions(conn: &mut SqliteConnection, patient_id: &str) -> anyhow::Result<Vec<InterventionView>> {
    type Row = (String, String, String, String, String, Option<String>, Option<String>, String, String);
    let rows: Vec<Row> = sqlx::query_as(PATIENT_INTERVENTIONS_SQL)
        .bind(patient_id)
        .bind(TIMELINE_INTERVENTIONS)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows.into_iter().filter_map(|row| store::readable("intervention", &row.0.clone(), intervention_view(row))).collect())
}

pub(crate) fn intervention_view(
    (id, patient_id, kind, outcome, note, alert_id, list, at, by): (
        String,
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        String,
        String,
    ),
) -> anyhow::Result<InterventionView> {
    Ok(InterventionView {
        id: parse_uuid(&id)?,
        patient_id: parse_uuid(&patient_id)?,
        kind: InterventionKind::parse(&kind).ok_or_else(|| anyhow::anyhow!("unknown intervention type {kind}"))?,
        outcome: InterventionOutcome::parse(&outcome).ok_or_else(|| anyhow::anyhow!("unknown outcome {outcome}"))?,
        note,
        alert_id: alert_id.as_deref().map(parse_uuid).transpose()?,
        worklist: list.as_deref().and_then(Worklist::parse),
        at: parse_ts(&at)?,
        by,
    })
}
