//! Knowing the patient (issue #12 items 3–4): the header at the top of every patient view, a reissued enrollment
//! code, and the printable handout with the code's QR. Every request is limited to the pharmacist's own site (another
//! site's patient is a 404) and audited; answers are never cached (`no-store`, as all of /api).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use carepath_domain::enrollment::EnrollmentCode;
use carepath_domain::identity::{Handout, HandoutRequest, HeaderDrug, IssuedCode, Language, PatientHeader};
use sqlx::SqliteConnection;
use uuid::Uuid;

use super::peer_ip;
use crate::auth::PharmacistAuth;
#[allow(unused_imports)]
use carepath_domain::sync::ErrorBody;
use crate::error::{ApiError, ApiJson, ApiPath};
use crate::store::{self, parse_ts, ts};
use crate::{patients, regimens, AppState};

const PATIENT_SQL: &str =
    "SELECT display_name, date_of_birth, mrn, phone, language FROM patients WHERE id = ? AND site_id = ?";
/// The latest event of a kind (`events_patient_kind_recorded`: one step down the index).
const LAST_EVENT_SQL: &str = "SELECT MAX(recorded_at) FROM events WHERE patient_id = ? AND kind = ?";
const OPEN_ALERTS_SQL: &str = "SELECT COUNT(*) FROM alerts WHERE patient_id = ? AND resolved_at IS NULL";
const CAREGIVERS_SQL: &str = "SELECT name FROM caregivers WHERE patient_id = ? AND revoked_at IS NULL ORDER BY created_at";
/// The patient's own codes not used yet and not expired (`enrollment_codes_patient_open`): a new code ends them.
const END_OPEN_CODES_SQL: &str = "UPDATE enrollment_codes SET expires_at = ?
     WHERE patient_id = ? AND caregiver_id IS NULL AND used_at IS NULL AND expires_at > ?";
/// A code by its two stored forms (`patients::code_lookup`), if it is the patient's own.
fn code_sql() -> String {
    format!("SELECT expires_at, used_at FROM enrollment_codes WHERE {} AND patient_id = ? AND caregiver_id IS NULL", patients::CODE_MATCH_SQL)
}

/// Every query of this module, by name, for checking their plans (server/tests/desk_paging.rs).
pub fn desk_queries() -> Vec<(&'static str, String)> {
    vec![
        ("header: patient", PATIENT_SQL.into()),
        ("header: last event of a kind", LAST_EVENT_SQL.into()),
        ("header: open alerts", OPEN_ALERTS_SQL.into()),
        ("header: caregivers", CAREGIVERS_SQL.into()),
        ("codes: end the open ones", END_OPEN_CODES_SQL.into()),
        ("codes: one of the patient's", code_sql()),
    ]
}

/// The patient's name, date of birth, MRN, phone and language, if they belong to the pharmacist's site.
type PatientRow = (String, Option<String>, Option<String>, Option<String>, String);

async fn site_patient(conn: &mut SqliteConnection, me: &PharmacistAuth, patient_id: Uuid) -> Result<PatientRow, ApiError> {
    let row: Option<PatientRow> =
        sqlx::query_as(PATIENT_SQL).bind(patient_id.to_string()).bind(&me.site_id).fetch_optional(&mut *conn).await?;
    row.ok_or(ApiError::NotFound)
}

/// `GET /api/pharmacy/patients/{id}`: who the patient is and how their treatment stands today, in a few indexed
/// queries.
#[utoipa::path(
    get,
    path = "/api/pharmacy/patients/{id}",
    tag = "patients",
    security(("pharmacist_session" = [])),
    params(("id" = Uuid, Path, description = "A patient of the pharmacist's site.")),
    responses((status = 200, description = "The patient header.", body = carepath_domain::identity::PatientHeader),
        (status = 404, description = "`not_found`", body = ErrorBody)),
)]
pub async fn header(
    State(state): State<AppState>,
    me: PharmacistAuth,
    connect: ConnectInfo<SocketAddr>,
    ApiPath(patient_id): ApiPath<Uuid>,
) -> Result<ApiJson<PatientHeader>, ApiError> {
    let mut conn = state.db.read().acquire().await.map_err(anyhow::Error::from)?;
    let (display_name, born, mrn, phone, language) = site_patient(&mut conn, &me, patient_id).await?;
    let pid = patient_id.to_string();
    let lines = regimens::lines_in(&mut conn, &pid).await?;
    let today = regimens::patient_today(&lines, Utc::now());
    let drugs = lines.iter().map(|line| HeaderDrug::of(line, today)).collect();
    let last_check_in = last_event(&mut conn, &pid, "check_in").await?;
    let taken = last_event(&mut conn, &pid, "dose_taken").await?;
    let logged = last_event(&mut conn, &pid, "dose_logged").await?;
    let open_alerts: i64 = sqlx::query_scalar(OPEN_ALERTS_SQL).bind(&pid).fetch_one(&mut *conn).await?;
    let caregivers: Vec<String> = sqlx::query_scalar(CAREGIVERS_SQL).bind(&pid).fetch_all(&mut *conn).await?;
    drop(conn);
    store::audit(state.db.write(), me.audit("patient.header.read", Some(pid), peer_ip(&connect))).await?;
    Ok(ApiJson(PatientHeader {
        patient_id,
        display_name,
        date_of_birth: born.map(|d| d.parse()).transpose().map_err(anyhow::Error::from)?,
        mrn,
        phone,
        language: Language::from_code(&language).unwrap_or_default(),
        today,
        drugs,
        last_check_in,
        last_dose_logged: taken.max(logged),
        open_alerts: u32::try_from(open_alerts).unwrap_or(u32::MAX),
        caregivers,
    }))
}

/// When the patient's latest event of `kind` was recorded.
async fn last_event(conn: &mut SqliteConnection, patient_id: &str, kind: &str) -> anyhow::Result<Option<chrono::DateTime<Utc>>> {
    let at: Option<String> = sqlx::query_scalar(LAST_EVENT_SQL).bind(patient_id).bind(kind).fetch_one(&mut *conn).await?;
    at.map(|at| parse_ts(&at)).transpose()
}

/// `POST /api/pharmacy/patients/{id}/enrollment-codes`: a new one-time code for the patient's own phone (a lost
/// phone, an expired code). The patient's older codes not used yet stop working at once (they read as expired), so
/// only the newest handout opens the app; caregivers' codes and phones already connected are not touched.
#[utoipa::path(
    post,
    path = "/api/pharmacy/patients/{id}/enrollment-codes",
    tag = "patients",
    security(("pharmacist_session" = [])),
    params(("id" = Uuid, Path, description = "A patient of the pharmacist's site.")),
    responses((status = 201, description = "A new one-time code (earlier unused ones stop working).", body = carepath_domain::identity::IssuedCode),
        (status = 404, description = "`not_found`", body = ErrorBody)),
)]
pub async fn reissue_code(
    State(state): State<AppState>,
    me: PharmacistAuth,
    connect: ConnectInfo<SocketAddr>,
    ApiPath(patient_id): ApiPath<Uuid>,
) -> Result<(StatusCode, ApiJson<IssuedCode>), ApiError> {
    let valid_for = Duration::hours(state.settings.enrollment_code_hours);
    let now = Utc::now();
    let mut tx = store::begin_write(&state.db).await?;
    site_patient(&mut tx, &me, patient_id).await?;
    let ended = sqlx::query(END_OPEN_CODES_SQL)
        .bind(ts(now))
        .bind(patient_id.to_string())
        .bind(ts(now))
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let (code, expires_at) = patients::insert_code(&mut tx, &state.server_key, patient_id, None, now, valid_for).await?;
    let mut audit = me.audit("patient.code.reissue", Some(patient_id.to_string()), peer_ip(&connect));
    audit.detail = Some(format!("{ended} older code(s) ended"));
    store::audit(&mut *tx, audit).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, ApiJson(IssuedCode { code: code.to_string(), expires_at })))
}

/// `POST /api/pharmacy/patients/{id}/handout` with a code the desk holds: the printable handout, with the QR of the
/// enrollment link made here (no outside service). Only for a code of this patient's that still works.
#[utoipa::path(
    post,
    path = "/api/pharmacy/patients/{id}/handout",
    tag = "patients",
    security(("pharmacist_session" = [])),
    params(("id" = Uuid, Path, description = "A patient of the pharmacist's site.")),
    request_body = carepath_domain::identity::HandoutRequest,
    responses((status = 200, description = "The printable handout with a new code and its QR.", body = carepath_domain::identity::Handout),
        (status = 404, description = "`not_found`", body = ErrorBody)),
)]
pub async fn handout(
    State(state): State<AppState>,
    me: PharmacistAuth,
    connect: ConnectInfo<SocketAddr>,
    ApiPath(patient_id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<HandoutRequest>,
) -> Result<ApiJson<Handout>, ApiError> {
    let mut conn = state.db.read().acquire().await.map_err(anyhow::Error::from)?;
    let (patient_name, _, _, _, language) = site_patient(&mut conn, &me, patient_id).await?;
    let code = EnrollmentCode::parse(&req.code).ok_or(ApiError::EnrollmentCodeUnknown)?;
    let (hmac, legacy) = patients::code_lookup(&state.server_key, &code);
    let row: Option<(String, Option<String>)> = sqlx::query_as(&code_sql())
        .bind(hmac)
        .bind(legacy)
        .bind(patient_id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    let (expires_at, used_at) = row.ok_or(ApiError::EnrollmentCodeUnknown)?;
    if used_at.is_some() {
        return Err(ApiError::EnrollmentCodeUsed);
    }
    let expires_at = parse_ts(&expires_at)?;
    if expires_at <= Utc::now() {
        return Err(ApiError::EnrollmentCodeExpired);
    }
    let (site_name, site_phone): (String, String) = sqlx::query_as("SELECT name, phone FROM sites WHERE id = ?")
        .bind(&me.site_id)
        .fetch_one(&mut *conn)
        .await?;
    drop(conn);
    let app_url = state.settings.public_url.trim_end_matches('/').to_string();
    let enroll_url = enroll_link(&app_url, &code);
    let qr_svg = qr_svg(&enroll_url)?;
    store::audit(state.db.write(), me.audit("patient.handout", Some(patient_id.to_string()), peer_ip(&connect))).await?;
    Ok(ApiJson(Handout {
        patient_name,
        language: Language::from_code(&language).unwrap_or_default(),
        site_name,
        site_phone,
        app_url,
        enroll_url,
        code: code.to_string(),
        expires_at,
        qr_svg,
    }))
}

/// The app's enroll screen with the code filled in (app/patient/src/patient.rs reads `?code=`).
pub fn enroll_link(app_url: &str, code: &EnrollmentCode) -> String {
    format!("{}/?code={code}", app_url.trim_end_matches('/'))
}

/// The QR code of `text` as an SVG document (no XML declaration: it is placed in a page), black on white with the
/// standard quiet zone.
pub fn qr_svg(text: &str) -> Result<String, ApiError> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).map_err(anyhow::Error::from)?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(240, 240)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .quiet_zone(true)
        .build();
    Ok(match svg.find("<svg") {
        Some(start) => svg[start..].to_string(),
        None => svg,
    })
}
