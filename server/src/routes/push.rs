//! Web Push for devices: the server's public key, this device's subscription (one per device; a new one replaces
//! the old), and snoozing a dose's reminder. Sending is done by the reminder task (`crate::reminders`).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use carepath_domain::push::{PushKey, PushSubscriptionRequest, SnoozeRequest};
use carepath_domain::ValidationError;
use chrono::{Duration, Utc};

use super::peer_ip;
use crate::auth::DeviceAuth;
#[allow(unused_imports)]
use carepath_domain::sync::ErrorBody;
use crate::error::{ApiError, ApiJson};
use crate::reminders::slot_name;
use crate::store::{self, ts, Audit};
use crate::AppState;

/// The furthest a snoozed dose's date may be from today (UTC), either way: time zones and doses late at night.
const SNOOZE_DAYS: i64 = 2;

fn audit<'a>(auth: &DeviceAuth, action: &'a str, detail: Option<String>, ip: Option<String>) -> Audit<'a> {
    Audit {
        actor_kind: "device",
        actor_id: Some(auth.device_id.clone()),
        patient_id: Some(auth.patient_id.clone()),
        action,
        outcome: "success",
        detail,
        source_ip: ip,
    }
}

/// `GET /api/device/push/key`
#[utoipa::path(
    get,
    path = "/api/device/push/key",
    tag = "device",
    security(("device_token" = [])),
    responses((status = 200, description = "The VAPID public key.", body = carepath_domain::push::PushKey)),
)]
pub async fn key(State(state): State<AppState>, _auth: DeviceAuth) -> ApiJson<PushKey> {
    ApiJson(PushKey { public_key: state.push.public_key().to_string() })
}

/// `PUT /api/device/push/subscription`
#[utoipa::path(
    put,
    path = "/api/device/push/subscription",
    tag = "device",
    security(("device_token" = [])),
    request_body = carepath_domain::push::PushSubscriptionRequest,
    responses((status = 204, description = "Stored."),
        (status = 422, description = "`push_endpoint_refused` or `invalid`", body = ErrorBody)),
)]
pub async fn subscribe(
    State(state): State<AppState>,
    auth: DeviceAuth,
    connect: ConnectInfo<SocketAddr>,
    ApiJson(req): ApiJson<PushSubscriptionRequest>,
) -> Result<StatusCode, ApiError> {
    let req = req.validated()?;
    // Before anything is stored: the server will POST to this endpoint, so only https to public addresses.
    state.push.check_endpoint(&req.endpoint).await.map_err(ApiError::PushEndpointRefused)?;
    if let Some(lines) = &req.overdue_lines {
        let own: Vec<uuid::Uuid> =
            crate::regimens::lines(&state.db, &auth.patient_id).await?.into_iter().map(|l| l.id).collect();
        if lines.iter().any(|l| !own.contains(l)) {
            return Err(carepath_domain::ValidationError::Inconsistent("overdue_lines names a regimen line of no one this device helps").into());
        }
    }
    let overdue_lines = req.overdue_lines.as_ref().map(serde_json::to_string).transpose().map_err(anyhow::Error::from)?;
    let quiet = req.quiet_hours.map(|q| (q.start.format("%H:%M:%S").to_string(), q.end.format("%H:%M:%S").to_string()));
    let mut tx = store::begin_write(&state.db).await?;
    sqlx::query(
        "INSERT INTO push_subscriptions (device_id, endpoint, p256dh, auth, quiet_start, quiet_end, overdue_after_minutes, overdue_lines, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (device_id) DO UPDATE SET endpoint = excluded.endpoint, p256dh = excluded.p256dh, auth = excluded.auth,
           quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end,
           overdue_after_minutes = excluded.overdue_after_minutes, overdue_lines = excluded.overdue_lines,
           created_at = CASE WHEN push_subscriptions.endpoint = excluded.endpoint THEN push_subscriptions.created_at
                             ELSE excluded.created_at END",
    )
    .bind(&auth.device_id)
    .bind(&req.endpoint)
    .bind(&req.keys.p256dh)
    .bind(&req.keys.auth)
    .bind(quiet.as_ref().map(|q| q.0.as_str()))
    .bind(quiet.as_ref().map(|q| q.1.as_str()))
    .bind(req.overdue_after_minutes.map(i64::from))
    .bind(overdue_lines)
    .bind(ts(Utc::now()))
    .execute(&mut *tx)
    .await?;
    // Which push service, never the endpoint itself (it is a capability to reach the device).
    let service = reqwest::Url::parse(&req.endpoint).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_default();
    let detail = format!(
        "push service {service}; quiet hours {}; overdue after {}",
        quiet.as_ref().map_or("none".to_string(), |(s, e)| format!("{s}-{e}")),
        req.overdue_after_minutes.map_or("off".to_string(), |m| format!("{m} min")),
    );
    store::audit(&mut *tx, audit(&auth, "push.subscribe", Some(detail), peer_ip(&connect))).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /api/device/push/subscription` (nothing to delete is fine).
#[utoipa::path(
    delete,
    path = "/api/device/push/subscription",
    tag = "device",
    security(("device_token" = [])),
    responses((status = 204, description = "Removed (or there was none).")),
)]
pub async fn unsubscribe(
    State(state): State<AppState>,
    auth: DeviceAuth,
    connect: ConnectInfo<SocketAddr>,
) -> Result<StatusCode, ApiError> {
    let mut tx = store::begin_write(&state.db).await?;
    let deleted = sqlx::query("DELETE FROM push_subscriptions WHERE device_id = ?").bind(&auth.device_id).execute(&mut *tx).await?;
    let detail = (deleted.rows_affected() == 0).then(|| "no subscription".to_string());
    store::audit(&mut *tx, audit(&auth, "push.unsubscribe", detail, peer_ip(&connect))).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/device/push/snooze`: the next reminder of this dose comes `minutes` from now (or later, in quiet
/// hours). Snoozing again counts as a new snooze, so it reminds once more.
#[utoipa::path(
    post,
    path = "/api/device/push/snooze",
    tag = "device",
    security(("device_token" = [])),
    request_body = carepath_domain::push::SnoozeRequest,
    responses((status = 204, description = "Snoozed.")),
)]
pub async fn snooze(
    State(state): State<AppState>,
    auth: DeviceAuth,
    connect: ConnectInfo<SocketAddr>,
    ApiJson(req): ApiJson<SnoozeRequest>,
) -> Result<StatusCode, ApiError> {
    let req = req.validated()?;
    let now = Utc::now();
    if (req.date - now.date_naive()).num_days().abs() > SNOOZE_DAYS {
        return Err(ValidationError::Inconsistent("only a dose of today can be snoozed").into());
    }
    let mut tx = store::begin_write(&state.db).await?;
    let owned: Option<i64> = sqlx::query_scalar("SELECT 1 FROM regimens WHERE id = ? AND patient_id = ?")
        .bind(req.regimen_line_id.to_string())
        .bind(&auth.patient_id)
        .fetch_optional(&mut *tx)
        .await?;
    if owned.is_none() {
        return Err(ApiError::NotFound);
    }
    let until = now + Duration::minutes(i64::from(req.minutes));
    sqlx::query(
        "INSERT INTO push_snoozes (device_id, regimen_line_id, date, slot, until, round) VALUES (?, ?, ?, ?, ?, 1)
         ON CONFLICT (device_id, regimen_line_id, date, slot) DO UPDATE SET until = excluded.until, round = round + 1",
    )
    .bind(&auth.device_id)
    .bind(req.regimen_line_id.to_string())
    .bind(req.date.to_string())
    .bind(slot_name(req.slot))
    .bind(ts(until))
    .execute(&mut *tx)
    .await?;
    let detail = format!("line {}; {} {}; {} min", req.regimen_line_id, req.date, slot_name(req.slot), req.minutes);
    store::audit(&mut *tx, audit(&auth, "push.snooze", Some(detail), peer_ip(&connect))).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
