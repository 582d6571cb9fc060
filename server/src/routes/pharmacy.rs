//! The pharmacist side: sign in and out, enroll patients, the review queue. Every query is limited to the
//! pharmacist's own site.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use chrono::{Duration, Utc};
use carepath_domain::sync::{EnrollPatientRequest, EnrollPatientResponse, LoginRequest, PharmacistInfo, Queue, QueueItem};
use serde::Serialize;

use super::peer_ip;
use crate::auth::{new_token, token_hash, verify_password, PharmacistAuth, MAX_PASSWORD};
use crate::error::{ApiError, ApiJson};
use crate::store::{self, parse_ts, parse_uuid, ts, Audit};
use crate::{attempts, patients, AppState};

/// Failed sign-ins allowed in the attempt window: per username (changing addresses or forging X-Forwarded-For
/// does not help a guesser), and per peer address across all usernames (guessing many accounts at once).
const LOGIN_LIMITS: attempts::Limits = attempts::Limits { per_subject: 5, per_address: 20 };
/// Longer usernames are cut before they are counted or logged.
const MAX_USERNAME: usize = 128;
const QUEUE_LIMIT: i64 = 200;

pub async fn login(
    State(state): State<AppState>,
    connect: ConnectInfo<SocketAddr>,
    jar: CookieJar,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<(CookieJar, ApiJson<PharmacistInfo>), ApiError> {
    let ip = peer_ip(&connect);
    let username: String = req.username.trim().to_lowercase().chars().take(MAX_USERNAME).collect();
    let failure = |detail: String| Audit {
        actor_kind: "anonymous",
        actor_id: None,
        patient_id: None,
        action: "login",
        outcome: "failure",
        detail: Some(detail),
        source_ip: ip.clone(),
    };
    let Some(attempt) = attempts::reserve(&state.db, attempts::Kind::Login, Some(&username), &ip, LOGIN_LIMITS).await? else {
        store::audit(&state.db, failure(format!("{username} (attempt limit)"))).await?;
        return Err(ApiError::TooManyAttempts);
    };

    let row: Option<(String, String, String)> =
        sqlx::query_as("SELECT id, site_id, password_hash FROM pharmacists WHERE username = ?")
            .bind(&username)
            .fetch_optional(&state.db)
            .await?;
    // Verify against a real hash even for unknown users so timing does not reveal which usernames exist.
    let (account, hash) = match row {
        Some((id, site_id, hash)) => (Some((id, site_id)), hash),
        None => (None, state.dummy_password_hash.clone()),
    };
    let password = req.password;
    let password_ok = password.chars().count() <= MAX_PASSWORD
        && tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await.map_err(anyhow::Error::from)?;
    let Some((pharmacist_id, _site_id)) = account.filter(|_| password_ok) else {
        attempts::settle(&state.db, attempt, attempts::Outcome::Failure).await?;
        store::audit(&state.db, failure(username)).await?;
        return Err(ApiError::BadCredentials);
    };
    attempts::settle(&state.db, attempt, attempts::Outcome::Success).await?;

    // A new session id at every sign-in; any session cookie the browser had is replaced.
    let session = new_token();
    let now = ts(Utc::now());
    sqlx::query("INSERT INTO pharmacist_sessions (token_hash, pharmacist_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)")
        .bind(token_hash(&session))
        .bind(&pharmacist_id)
        .bind(&now)
        .bind(&now)
        .execute(&state.db)
        .await?;
    let audit = Audit {
        actor_kind: "pharmacist",
        actor_id: Some(pharmacist_id.clone()),
        patient_id: None,
        action: "login",
        outcome: "success",
        detail: Some(username),
        source_ip: ip,
    };
    store::audit(&state.db, audit).await?;
    let cookie = Cookie::build((state.session_cookie_name().to_string(), session))
        .path("/")
        .http_only(true)
        .secure(state.settings.secure_cookies())
        .same_site(SameSite::Strict)
        .build();
    Ok((jar.add(cookie), ApiJson(pharmacist_info(&state, &pharmacist_id).await?)))
}

pub async fn logout(
    State(state): State<AppState>,
    me: PharmacistAuth,
    connect: ConnectInfo<SocketAddr>,
    jar: CookieJar,
) -> Result<(CookieJar, StatusCode), ApiError> {
    sqlx::query("DELETE FROM pharmacist_sessions WHERE token_hash = ?").bind(&me.session_hash).execute(&state.db).await?;
    store::audit(&state.db, me.audit("logout", None, peer_ip(&connect))).await?;
    let removal = Cookie::build((state.session_cookie_name().to_string(), "")).path("/").build();
    Ok((jar.remove(removal), StatusCode::NO_CONTENT))
}

pub async fn me(State(state): State<AppState>, me: PharmacistAuth) -> Result<ApiJson<PharmacistInfo>, ApiError> {
    Ok(ApiJson(pharmacist_info(&state, &me.pharmacist_id).await?))
}

async fn pharmacist_info(state: &AppState, pharmacist_id: &str) -> Result<PharmacistInfo, ApiError> {
    let (username, display_name, site_id): (String, String, String) =
        sqlx::query_as("SELECT username, display_name, site_id FROM pharmacists WHERE id = ?")
            .bind(pharmacist_id)
            .fetch_one(&state.db)
            .await?;
    Ok(PharmacistInfo { username, display_name, site: patients::site_info(&state.db, &site_id).await? })
}

pub async fn enroll_patient(
    State(state): State<AppState>,
    me: PharmacistAuth,
    connect: ConnectInfo<SocketAddr>,
    ApiJson(req): ApiJson<EnrollPatientRequest>,
) -> Result<(StatusCode, ApiJson<EnrollPatientResponse>), ApiError> {
    let valid_for = Duration::hours(state.settings.enrollment_code_hours);
    let created =
        patients::create(&state.db, &me.site_id, &me.pharmacist_id, &req.display_name, req.regimen, req.check_in_every_days, valid_for).await?;
    store::audit(&state.db, me.audit("patient.create", Some(created.patient_id.to_string()), peer_ip(&connect))).await?;
    Ok((StatusCode::CREATED, ApiJson(created)))
}

#[derive(Debug, Serialize)]
pub struct PatientSummary {
    pub patient_id: uuid::Uuid,
    pub display_name: String,
    pub enrolled_devices: i64,
    pub created_at: chrono::DateTime<Utc>,
}

pub async fn list_patients(
    State(state): State<AppState>,
    me: PharmacistAuth,
    connect: ConnectInfo<SocketAddr>,
) -> Result<ApiJson<Vec<PatientSummary>>, ApiError> {
    let rows: Vec<(String, String, i64, String)> = sqlx::query_as(
        "SELECT p.id, p.display_name, (SELECT COUNT(*) FROM devices d WHERE d.patient_id = p.id AND d.revoked_at IS NULL),
                p.created_at
         FROM patients p WHERE p.site_id = ? ORDER BY p.created_at DESC",
    )
    .bind(&me.site_id)
    .fetch_all(&state.db)
    .await?;
    store::audit(&state.db, me.audit("patients.read", None, peer_ip(&connect))).await?;
    let patients = rows
        .into_iter()
        .map(|(id, display_name, enrolled_devices, created_at)| {
            Ok(PatientSummary { patient_id: parse_uuid(&id)?, display_name, enrolled_devices, created_at: parse_ts(&created_at)? })
        })
        .collect::<anyhow::Result<_>>()?;
    Ok(ApiJson(patients))
}

/// New check-ins and dose events from the pharmacist's own site, newest first.
pub async fn queue(
    State(state): State<AppState>,
    me: PharmacistAuth,
    connect: ConnectInfo<SocketAddr>,
) -> Result<ApiJson<Queue>, ApiError> {
    let rows: Vec<(String, String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT e.patient_id, p.display_name, e.received_at, e.payload, json_extract(r.regimen, '$.drug_name')
         FROM events e
         JOIN patients p ON p.id = e.patient_id
         LEFT JOIN regimens r ON r.id = json_extract(e.payload, '$.body.regimen_line_id') AND r.patient_id = e.patient_id
         WHERE p.site_id = ?
         ORDER BY e.recorded_at DESC, e.received_at DESC
         LIMIT ?",
    )
    .bind(&me.site_id)
    .bind(QUEUE_LIMIT)
    .fetch_all(&state.db)
    .await?;
    let items = rows
        .into_iter()
        .filter_map(|(patient_id, patient_name, received_at, payload, drug_name)| {
            let parsed = (|| {
                let event: carepath_domain::sync::PatientEvent = serde_json::from_str(&payload)?;
                Ok(QueueItem {
                    event_id: event.id,
                    patient_id: parse_uuid(&patient_id)?,
                    patient_name,
                    recorded_at: event.recorded_at,
                    received_at: parse_ts(&received_at)?,
                    body: event.body,
                    drug_name,
                })
            })();
            store::readable("queue event", &patient_id, parsed)
        })
        .collect::<Vec<_>>();
    store::audit(&state.db, me.audit("queue.read", None, peer_ip(&connect))).await?;
    Ok(ApiJson(Queue { items }))
}
