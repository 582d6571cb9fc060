//! The pharmacist's regimen routes: the diary and adherence of a patient, care-team changes (dose, hold,
//! resume, new cycle, stop), dispenses, the refill reminder, and caregivers with their own codes.
//! Every route first checks the patient belongs to the pharmacist's site (404 otherwise).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use carepath_domain::regimen::{ChangeRequest, DispenseRequest, RefillReminderRequest, RegimenLine};
use carepath_domain::sync::{
    CaregiverRequest, CaregiverResponse, CaregiverView, Empty, LineDiary, PatientDiary, MAX_CAREGIVER_NAME,
};
use chrono::{Duration, Utc};
use sqlx::SqliteConnection;
use uuid::Uuid;

use super::alerts::site_patient;
use super::peer_ip;
use crate::auth::PharmacistAuth;
#[allow(unused_imports)]
use carepath_domain::sync::ErrorBody;
use crate::error::{ApiError, ApiJson, ApiPath};
use crate::store::{self, parse_ts, parse_uuid, ts};
use crate::{regimens, AppState};

#[utoipa::path(
    get,
    path = "/api/pharmacy/patients/{id}/diary",
    tag = "regimens",
    security(("pharmacist_session" = [])),
    params(("id" = Uuid, Path, description = "A patient of the pharmacist's site.")),
    responses((status = 200, description = "The patient's regimens and diary.", body = carepath_domain::sync::PatientDiary),
        (status = 404, description = "`not_found`", body = ErrorBody)),
)]
pub async fn diary(
    State(state): State<AppState>,
    me: PharmacistAuth,
    ApiPath(patient_id): ApiPath<Uuid>,
    connect: ConnectInfo<SocketAddr>,
) -> Result<ApiJson<PatientDiary>, ApiError> {
    let mut conn = state.db.read().acquire().await?;
    site_patient(&mut conn, &me, patient_id).await?;
    let pid = patient_id.to_string();
    let lines = regimens::lines_in(&mut conn, &pid).await?;
    let events = regimens::diary_events(&mut conn, &pid).await?;
    let refills: Vec<(String, String)> = sqlx::query_as(
        "SELECT json_extract(payload, '$.body.regimen_line_id'), recorded_at FROM events
         WHERE patient_id = ? AND kind = 'refill_requested' ORDER BY recorded_at DESC",
    )
    .bind(&pid)
    .fetch_all(&mut *conn)
    .await?;
    let today = regimens::patient_today(&lines, Utc::now());
    let lines = lines
        .into_iter()
        .map(|line| {
            let refill_requests = refills
                .iter()
                .filter(|(id, _)| *id == line.id.to_string())
                .map(|(_, at)| parse_ts(at))
                .collect::<anyhow::Result<_>>()?;
            Ok(LineDiary { items: regimens::diary_items(&events, line.id), refill_requests, line })
        })
        .collect::<anyhow::Result<_>>()?;
    let caregivers = caregivers(&mut conn, &pid).await?;
    drop(conn);
    store::audit(state.db.write(), me.audit("diary.read", Some(pid), peer_ip(&connect))).await?;
    Ok(ApiJson(PatientDiary { patient_id, today, lines, caregivers }))
}

async fn caregivers(conn: &mut SqliteConnection, patient_id: &str) -> anyhow::Result<Vec<CaregiverView>> {
    let rows: Vec<(String, String, String, Option<String>, i64)> = sqlx::query_as(
        "SELECT c.id, c.name, c.created_at, c.revoked_at,
                (SELECT COUNT(*) FROM devices d WHERE d.caregiver_id = c.id AND d.revoked_at IS NULL)
         FROM caregivers c WHERE c.patient_id = ? ORDER BY c.created_at",
    )
    .bind(patient_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(id, name, added, revoked, devices)| {
            Ok(CaregiverView {
                id: parse_uuid(&id)?,
                name,
                added_at: parse_ts(&added)?,
                devices: u32::try_from(devices)?,
                revoked_at: revoked.as_deref().map(parse_ts).transpose()?,
            })
        })
        .collect()
}

/// Adds a medicine to the patient's treatment (a new regimen line); the device gets it at its next sync.
#[utoipa::path(
    post,
    path = "/api/pharmacy/patients/{id}/regimens",
    tag = "regimens",
    security(("pharmacist_session" = [])),
    params(("id" = Uuid, Path, description = "A patient of the pharmacist's site.")),
    request_body = carepath_domain::schedule::Regimen,
    responses((status = 201, description = "The new regimen line.", body = carepath_domain::regimen::RegimenLine),
        (status = 404, description = "`not_found`", body = ErrorBody)),
)]
pub async fn add_line(
    State(state): State<AppState>,
    me: PharmacistAuth,
    ApiPath(patient_id): ApiPath<Uuid>,
    connect: ConnectInfo<SocketAddr>,
    ApiJson(regimen): ApiJson<carepath_domain::schedule::Regimen>,
) -> Result<(StatusCode, ApiJson<RegimenLine>), ApiError> {
    let mut tx = store::begin_write(&state.db).await?;
    site_patient(&mut tx, &me, patient_id).await?;
    let pid = patient_id.to_string();
    let id = regimens::insert(&mut tx, &pid, &me.pharmacist_id, regimen, Utc::now()).await?;
    let mut audit = me.audit("regimen.add", Some(pid.clone()), peer_ip(&connect));
    audit.detail = Some(format!("regimen line {id}"));
    store::audit(&mut *tx, audit).await?;
    let line = regimens::lines_in(&mut tx, &pid).await?.into_iter().find(|l| l.id == id).ok_or(ApiError::NotFound)?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, ApiJson(line)))
}

/// Appends a care-team change; the device shows it at its next sync.
#[utoipa::path(
    post,
    path = "/api/pharmacy/patients/{id}/regimen-changes",
    tag = "regimens",
    security(("pharmacist_session" = [])),
    params(("id" = Uuid, Path, description = "A patient of the pharmacist's site.")),
    request_body = carepath_domain::regimen::ChangeRequest,
    responses((status = 200, description = "The line with the change.", body = carepath_domain::regimen::RegimenLine),
        (status = 404, description = "`not_found`", body = ErrorBody)),
)]
pub async fn add_change(
    State(state): State<AppState>,
    me: PharmacistAuth,
    ApiPath(patient_id): ApiPath<Uuid>,
    connect: ConnectInfo<SocketAddr>,
    ApiJson(req): ApiJson<ChangeRequest>,
) -> Result<ApiJson<RegimenLine>, ApiError> {
    let mut tx = store::begin_write(&state.db).await?;
    site_patient(&mut tx, &me, patient_id).await?;
    let pid = patient_id.to_string();
    regimens::add_change(&mut tx, &pid, &me.pharmacist_id, &req, Utc::now()).await?;
    let mut audit = me.audit("regimen.change", Some(pid.clone()), peer_ip(&connect));
    audit.detail = Some(serde_json::to_string(&req.change).map_err(anyhow::Error::from)?);
    store::audit(&mut *tx, audit).await?;
    crate::worklist::refresh(&mut tx, &pid, Utc::now()).await?;
    let line = regimens::lines_in(&mut tx, &pid).await?.into_iter().find(|l| l.id == req.regimen_line_id).ok_or(ApiError::NotFound)?;
    tx.commit().await?;
    Ok(ApiJson(line))
}

#[utoipa::path(
    post,
    path = "/api/pharmacy/patients/{id}/dispenses",
    tag = "regimens",
    security(("pharmacist_session" = [])),
    params(("id" = Uuid, Path, description = "A patient of the pharmacist's site.")),
    request_body = carepath_domain::regimen::DispenseRequest,
    responses((status = 201, description = "Recorded.", body = carepath_domain::sync::Empty),
        (status = 404, description = "`not_found`", body = ErrorBody)),
)]
pub async fn add_dispense(
    State(state): State<AppState>,
    me: PharmacistAuth,
    ApiPath(patient_id): ApiPath<Uuid>,
    connect: ConnectInfo<SocketAddr>,
    ApiJson(req): ApiJson<DispenseRequest>,
) -> Result<(StatusCode, ApiJson<Empty>), ApiError> {
    let mut tx = store::begin_write(&state.db).await?;
    site_patient(&mut tx, &me, patient_id).await?;
    let pid = patient_id.to_string();
    regimens::add_dispense(&mut tx, &pid, &me.pharmacist_id, req, Utc::now()).await?;
    let mut audit = me.audit("dispense.record", Some(pid), peer_ip(&connect));
    audit.detail = Some(format!("{} tablets, {} days, {}", req.tablets, req.days_supply, req.date));
    store::audit(&mut *tx, audit).await?;
    crate::worklist::refresh(&mut tx, &patient_id.to_string(), Utc::now()).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, ApiJson(Empty {})))
}

#[utoipa::path(
    put,
    path = "/api/pharmacy/patients/{id}/refill-reminder",
    tag = "regimens",
    security(("pharmacist_session" = [])),
    params(("id" = Uuid, Path, description = "A patient of the pharmacist's site.")),
    request_body = carepath_domain::regimen::RefillReminderRequest,
    responses((status = 200, description = "Set.", body = carepath_domain::sync::Empty),
        (status = 404, description = "`not_found`", body = ErrorBody)),
)]
pub async fn set_refill_reminder(
    State(state): State<AppState>,
    me: PharmacistAuth,
    ApiPath(patient_id): ApiPath<Uuid>,
    connect: ConnectInfo<SocketAddr>,
    ApiJson(req): ApiJson<RefillReminderRequest>,
) -> Result<ApiJson<Empty>, ApiError> {
    let days = req.validated()?;
    let mut tx = store::begin_write(&state.db).await?;
    site_patient(&mut tx, &me, patient_id).await?;
    let pid = patient_id.to_string();
    regimens::set_refill_reminder(&mut tx, &pid, req.regimen_line_id, days).await?;
    let mut audit = me.audit("regimen.refill_reminder", Some(pid), peer_ip(&connect));
    audit.detail = Some(format!("{days} days before run-out"));
    store::audit(&mut *tx, audit).await?;
    crate::worklist::refresh(&mut tx, &patient_id.to_string(), Utc::now()).await?;
    tx.commit().await?;
    Ok(ApiJson(Empty {}))
}

/// Adds a caregiver and issues their own one-time enrollment code.
#[utoipa::path(
    post,
    path = "/api/pharmacy/patients/{id}/caregivers",
    tag = "regimens",
    security(("pharmacist_session" = [])),
    params(("id" = Uuid, Path, description = "A patient of the pharmacist's site.")),
    request_body = carepath_domain::sync::CaregiverRequest,
    responses((status = 201, description = "The caregiver, with a one-time code for their phone.", body = carepath_domain::sync::CaregiverResponse),
        (status = 404, description = "`not_found`", body = ErrorBody)),
)]
pub async fn add_caregiver(
    State(state): State<AppState>,
    me: PharmacistAuth,
    ApiPath(patient_id): ApiPath<Uuid>,
    connect: ConnectInfo<SocketAddr>,
    ApiJson(req): ApiJson<CaregiverRequest>,
) -> Result<(StatusCode, ApiJson<CaregiverResponse>), ApiError> {
    let name = carepath_domain::required_text("name", &req.name, MAX_CAREGIVER_NAME)?;
    let mut tx = store::begin_write(&state.db).await?;
    site_patient(&mut tx, &me, patient_id).await?;
    let now = Utc::now();
    let id = Uuid::new_v4();
    sqlx::query("INSERT INTO caregivers (id, patient_id, name, created_by, created_at) VALUES (?, ?, ?, ?, ?)")
        .bind(id.to_string())
        .bind(patient_id.to_string())
        .bind(&name)
        .bind(&me.pharmacist_id)
        .bind(ts(now))
        .execute(&mut *tx)
        .await?;
    let valid_for = Duration::hours(state.settings.enrollment_code_hours);
    let (code, expires_at) = crate::patients::insert_code(&mut tx, &state.server_key, patient_id, Some(id), now, valid_for).await?;
    let mut audit = me.audit("caregiver.add", Some(patient_id.to_string()), peer_ip(&connect));
    audit.detail = Some(format!("caregiver {id}"));
    store::audit(&mut *tx, audit).await?;
    tx.commit().await?;
    let caregiver = CaregiverView { id, name, added_at: now, devices: 0, revoked_at: None };
    Ok((StatusCode::CREATED, ApiJson(CaregiverResponse { caregiver, code: code.to_string(), expires_at })))
}

/// Ends a caregiver's access: their devices are refused from the next request on, and unused codes stop working.
#[utoipa::path(
    post,
    path = "/api/pharmacy/patients/{id}/caregivers/{caregiver_id}/revoke",
    tag = "regimens",
    security(("pharmacist_session" = [])),
    params(("id" = Uuid, Path, description = "A patient of the pharmacist's site."), ("caregiver_id" = Uuid, Path, description = "One of the patient's caregivers.")),
    request_body = carepath_domain::sync::Empty,
    responses((status = 200, description = "Ended: their phones are refused from their next request.", body = carepath_domain::sync::Empty),
        (status = 404, description = "`not_found`", body = ErrorBody)),
)]
pub async fn revoke_caregiver(
    State(state): State<AppState>,
    me: PharmacistAuth,
    ApiPath((patient_id, caregiver_id)): ApiPath<(Uuid, Uuid)>,
    connect: ConnectInfo<SocketAddr>,
    ApiJson(_): ApiJson<Empty>,
) -> Result<ApiJson<Empty>, ApiError> {
    let mut tx = store::begin_write(&state.db).await?;
    site_patient(&mut tx, &me, patient_id).await?;
    let now = ts(Utc::now());
    let updated = sqlx::query("UPDATE caregivers SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? AND patient_id = ?")
        .bind(&now)
        .bind(caregiver_id.to_string())
        .bind(patient_id.to_string())
        .execute(&mut *tx)
        .await?;
    if updated.rows_affected() == 0 {
        return Err(ApiError::NotFound);
    }
    sqlx::query("UPDATE devices SET revoked_at = COALESCE(revoked_at, ?), revoked_by = COALESCE(revoked_by, 'caregiver_ended') WHERE caregiver_id = ?")
        .bind(&now)
        .bind(caregiver_id.to_string())
        .execute(&mut *tx)
        .await?;
    let mut audit = me.audit("caregiver.revoke", Some(patient_id.to_string()), peer_ip(&connect));
    audit.detail = Some(format!("caregiver {caregiver_id}"));
    store::audit(&mut *tx, audit).await?;
    tx.commit().await?;
    Ok(ApiJson(Empty {}))
}
