//! A patient's phones (issue #15 item 3, lost or replaced phones): the patient page lists every phone enrolled
//! for the patient, the patient's own and their caregivers', with when it was enrolled and last seen, and a
//! pharmacist removes any one's access; a phone removes its own ("Remove this person from this phone"). A removed
//! phone is refused from its next request with `device_revoked`, and wipes that profile.
//! The pharmacist's routes first check the patient belongs to their site (404 otherwise).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use carepath_domain::sync::{DeviceAccess, DeviceView, Empty, PatientDevices, RevokedBy};
use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;
use uuid::Uuid;

use super::alerts::site_patient;
use super::peer_ip;
use crate::auth::{DeviceAuth, PharmacistAuth};
#[allow(unused_imports)]
use carepath_domain::sync::ErrorBody;
use crate::error::{ApiError, ApiJson, ApiPath};
use crate::store::{self, parse_ts, parse_uuid, ts, Audit};
use crate::AppState;

/// A patient's phones, the ones still let in first, each newest enrolled first.
const DEVICES_SQL: &str = "SELECT d.id, c.name, d.enrolled_at, d.last_seen_at, d.revoked_at, d.revoked_by
     FROM devices d LEFT JOIN caregivers c ON c.id = d.caregiver_id
     WHERE d.patient_id = ? ORDER BY d.revoked_at IS NOT NULL, d.enrolled_at DESC";
const DEVICE_SQL: &str = "SELECT d.id, c.name, d.enrolled_at, d.last_seen_at, d.revoked_at, d.revoked_by
     FROM devices d LEFT JOIN caregivers c ON c.id = d.caregiver_id
     WHERE d.id = ? AND d.patient_id = ?";

/// The queries of the desk's routes here, named, for the query-plan test.
pub fn desk_queries() -> Vec<(&'static str, String)> {
    vec![("devices: a patient's phones", DEVICES_SQL.into()), ("devices: one phone", DEVICE_SQL.into())]
}

type DeviceRow = (String, Option<String>, String, String, Option<String>, Option<String>);

fn view(row: DeviceRow, idle_cutoff: DateTime<Utc>) -> anyhow::Result<DeviceView> {
    let (id, caregiver, enrolled_at, last_seen_at, revoked_at, revoked_by) = row;
    let last_seen_at = parse_ts(&last_seen_at)?;
    let access = match revoked_at {
        Some(at) => {
            let by = match revoked_by.as_deref() {
                Some("phone") => RevokedBy::Phone,
                Some("caregiver_ended") => RevokedBy::CaregiverEnded,
                _ => RevokedBy::Pharmacy,
            };
            DeviceAccess::Revoked { at: parse_ts(&at)?, by }
        }
        None if last_seen_at < idle_cutoff => DeviceAccess::Expired,
        None => DeviceAccess::Active,
    };
    Ok(DeviceView { id: parse_uuid(&id)?, caregiver, enrolled_at: parse_ts(&enrolled_at)?, last_seen_at, access })
}

async fn one_device(conn: &mut SqliteConnection, patient_id: Uuid, device_id: Uuid) -> Result<Option<DeviceRow>, sqlx::Error> {
    sqlx::query_as(DEVICE_SQL).bind(device_id.to_string()).bind(patient_id.to_string()).fetch_optional(&mut *conn).await
}

/// `GET /api/pharmacy/patients/{id}/devices`
#[utoipa::path(
    get,
    path = "/api/pharmacy/patients/{id}/devices",
    tag = "patients",
    security(("pharmacist_session" = [])),
    params(("id" = Uuid, Path, description = "A patient of the pharmacist's site.")),
    responses((status = 200, description = "The patient's phones.", body = carepath_domain::sync::PatientDevices),
        (status = 404, description = "`not_found`", body = ErrorBody)),
)]
pub async fn list(
    State(state): State<AppState>,
    me: PharmacistAuth,
    ApiPath(patient_id): ApiPath<Uuid>,
    connect: ConnectInfo<SocketAddr>,
) -> Result<ApiJson<PatientDevices>, ApiError> {
    let mut conn = state.db.read().acquire().await?;
    site_patient(&mut conn, &me, patient_id).await?;
    let rows: Vec<DeviceRow> = sqlx::query_as(DEVICES_SQL).bind(patient_id.to_string()).fetch_all(&mut *conn).await?;
    let cutoff = state.settings.device_idle_cutoff(Utc::now());
    let devices = rows.into_iter().map(|row| view(row, cutoff)).collect::<anyhow::Result<_>>()?;
    drop(conn);
    store::audit(state.db.write(), me.audit("devices.read", Some(patient_id.to_string()), peer_ip(&connect))).await?;
    Ok(ApiJson(PatientDevices { idle_days: state.settings.device_idle_days, devices }))
}

/// `POST /api/pharmacy/patients/{id}/devices/{device_id}/revoke`: the phone is refused from its next request on.
/// Removing a phone already removed changes nothing (its first time and reason stay) and answers the same.
#[utoipa::path(
    post,
    path = "/api/pharmacy/patients/{id}/devices/{device_id}/revoke",
    tag = "patients",
    security(("pharmacist_session" = [])),
    params(("id" = Uuid, Path, description = "A patient of the pharmacist's site."), ("device_id" = Uuid, Path, description = "One of the patient's phones.")),
    request_body = carepath_domain::sync::Empty,
    responses((status = 200, description = "The phone's access is removed.", body = carepath_domain::sync::DeviceView),
        (status = 404, description = "`not_found`", body = ErrorBody)),
)]
pub async fn revoke(
    State(state): State<AppState>,
    me: PharmacistAuth,
    ApiPath((patient_id, device_id)): ApiPath<(Uuid, Uuid)>,
    connect: ConnectInfo<SocketAddr>,
    ApiJson(_): ApiJson<Empty>,
) -> Result<ApiJson<DeviceView>, ApiError> {
    let mut tx = store::begin_write(&state.db).await?;
    site_patient(&mut tx, &me, patient_id).await?;
    let before = one_device(&mut tx, patient_id, device_id).await?.ok_or(ApiError::NotFound)?;
    let already = before.4.is_some();
    let now = Utc::now();
    sqlx::query("UPDATE devices SET revoked_at = COALESCE(revoked_at, ?), revoked_by = COALESCE(revoked_by, 'pharmacy') WHERE id = ? AND patient_id = ?")
        .bind(ts(now))
        .bind(device_id.to_string())
        .bind(patient_id.to_string())
        .execute(&mut *tx)
        .await?;
    let mut audit = me.audit("device.revoke", Some(patient_id.to_string()), peer_ip(&connect));
    audit.detail = Some(if already { format!("device {device_id} (already removed)") } else { format!("device {device_id}") });
    store::audit(&mut *tx, audit).await?;
    let after = one_device(&mut tx, patient_id, device_id).await?.ok_or(ApiError::NotFound)?;
    tx.commit().await?;
    Ok(ApiJson(view(after, state.settings.device_idle_cutoff(now))?))
}

/// `POST /api/device/unenroll`: "Remove this person from this phone". The phone's token stops working here too,
/// so a copy of it (a backup, the lost phone's twin) cannot read the record afterwards.
#[utoipa::path(
    post,
    path = "/api/device/unenroll",
    tag = "device",
    security(("device_token" = [])),
    request_body = carepath_domain::sync::Empty,
    responses((status = 200, description = "The token no longer works.", body = carepath_domain::sync::Empty)),
)]
pub async fn unenroll(
    State(state): State<AppState>,
    device: DeviceAuth,
    connect: ConnectInfo<SocketAddr>,
    ApiJson(_): ApiJson<Empty>,
) -> Result<ApiJson<Empty>, ApiError> {
    let mut tx = store::begin_write(&state.db).await?;
    sqlx::query("UPDATE devices SET revoked_at = COALESCE(revoked_at, ?), revoked_by = COALESCE(revoked_by, 'phone') WHERE id = ?")
        .bind(ts(Utc::now()))
        .bind(&device.device_id)
        .execute(&mut *tx)
        .await?;
    let audit = Audit {
        actor_kind: "device",
        actor_id: Some(device.device_id.clone()),
        patient_id: Some(device.patient_id.clone()),
        action: "device.unenroll",
        outcome: "success",
        detail: None,
        source_ip: peer_ip(&connect),
    };
    store::audit(&mut *tx, audit).await?;
    tx.commit().await?;
    Ok(ApiJson(Empty {}))
}
