//! The pharmacist side: sign in and out, enroll patients, the patient list, the review queue. Every query is
//! limited to the pharmacist's own site. Lists are pages (`?limit=&cursor=`, see [`PageQuery`]): each is read
//! through an index in its own order, from where the previous page ended (keyset paging), so a page costs the same
//! at the first patient as at the ten-thousandth.

use std::net::SocketAddr;

use std::collections::HashMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use chrono::{Duration, Utc};
use carepath_domain::sync::{
    EnrollPatientRequest, EnrollPatientResponse, EventBody, LoginRequest, PharmacistInfo, Queue, QueueItem,
};
use carepath_domain::ValidationError;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use super::patient_filters::{self, ListFilter};
use super::peer_ip;
use crate::auth::{new_token, token_hash, verify_password, AnySession, PharmacistAuth, MAX_PASSWORD};
#[allow(unused_imports)]
use carepath_domain::sync::ErrorBody;
use crate::error::{ApiError, ApiJson};
use crate::store::{self, parse_ts, parse_uuid, ts, Audit};
use crate::{attempts, patients, second_factor, AppState};
use carepath_domain::sign_in::SignInStep;

/// Failed sign-ins allowed in the attempt window: per username (changing addresses or forging X-Forwarded-For
/// does not help a guesser), and per peer address across all usernames (guessing many accounts at once).
const LOGIN_LIMITS: attempts::Limits =
    attempts::Limits { per_subject_per_address: 5, per_address: 20, per_subject_before_slowing: 5 };
/// Longer usernames are cut before they are counted or logged.
const MAX_USERNAME: usize = 128;
/// The queue's page: by default as many as it always showed.
const QUEUE_PAGE: PageSize = PageSize { default: 200, max: 500 };
const PATIENTS_PAGE: PageSize = PageSize { default: 100, max: 500 };
/// Patients read at a time while searching by name (the name is matched in Rust, ignoring case and accents).
const SEARCH_CHUNK: i64 = 1000;
const MAX_SEARCH: usize = 100;
/// The response header with the next page's cursor (also in the body where the body is an object).
pub const NEXT_CURSOR_HEADER: &str = "x-next-cursor";

#[utoipa::path(
    post,
    path = "/api/pharmacy/login",
    tag = "sign-in",
    request_body = carepath_domain::sync::LoginRequest,
    responses((status = 200, description = "The password was right: the next step (sets the session cookie).", body = carepath_domain::sign_in::SignInStep),
        (status = 401, description = "`bad_credentials`", body = ErrorBody),
        (status = 403, description = "`account_disabled`", body = ErrorBody),
        (status = 429, description = "`too_many_attempts`", body = ErrorBody)),
)]
pub async fn login(
    State(state): State<AppState>,
    connect: ConnectInfo<SocketAddr>,
    jar: CookieJar,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<(CookieJar, ApiJson<SignInStep>), ApiError> {
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
        store::audit_limited(&state.db, "login", None, ip).await?;
        return Err(ApiError::TooManyAttempts);
    };

    let row: Option<(String, Option<String>, String)> =
        sqlx::query_as("SELECT id, disabled_at, password_hash FROM pharmacists WHERE username = ?")
            .bind(&username)
            .fetch_optional(state.db.read())
            .await?;
    // Verify against a real hash even for unknown users so timing does not reveal which usernames exist.
    let (account, hash) = match row {
        Some((id, disabled_at, hash)) => (Some((id, disabled_at)), hash),
        None => (None, state.dummy_password_hash.clone()),
    };
    let password = req.password;
    let password_ok = password.chars().count() <= MAX_PASSWORD
        && tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await.map_err(anyhow::Error::from)?;
    let Some((pharmacist_id, disabled_at)) = account.filter(|_| password_ok) else {
        attempts::settle(&state.db, attempt, attempts::Outcome::Failure).await?;
        // What was typed may be a password typed in the wrong box: kept only as a keyed hash, which tells an
        // investigator with the key whether a given username was tried, and a copy of the log nothing.
        store::audit(state.db.write(), failure(refused_username(&state, &username))).await?;
        return Err(ApiError::BadCredentials);
    };
    attempts::settle(&state.db, attempt, attempts::Outcome::Success).await?;
    if disabled_at.is_some() {
        // Only after the right password: the account's state is not told to a guesser.
        store::audit(state.db.write(), Audit { actor_id: Some(pharmacist_id), ..failure("account turned off".into()) }).await?;
        return Err(ApiError::AccountDisabled);
    }

    // A new session id at every sign-in; the session of any cookie the browser had is ended, not only replaced
    // in the browser (issue #15 item 8). This session has passed the password only: every pharmacist route refuses
    // it until the second factor passes too (`auth::PharmacistAuth`, `routes::second_factor`).
    if let Some(old) = jar.get(state.session_cookie_name()) {
        sqlx::query("DELETE FROM pharmacist_sessions WHERE token_hash = ?").bind(token_hash(old.value())).execute(state.db.write()).await?;
    }
    let session = new_token();
    let now = ts(Utc::now());
    sqlx::query("INSERT INTO pharmacist_sessions (token_hash, pharmacist_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)")
        .bind(token_hash(&session))
        .bind(&pharmacist_id)
        .bind(&now)
        .bind(&now)
        .execute(state.db.write())
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
    store::audit(state.db.write(), audit).await?;
    let next = if second_factor::is_enabled(&state.db, &pharmacist_id).await? {
        SignInStep::SecondFactor
    } else {
        SignInStep::SetUpSecondFactor
    };
    Ok((jar.add(session_cookie(&state, session)), ApiJson(next)))
}

/// How a refused sign-in's username is kept in the audit log: `username hmac:` and the first 32 hex digits of its
/// HMAC with the server key (purpose [`REFUSED_USERNAME_PURPOSE`]).
pub fn refused_username(state: &AppState, username: &str) -> String {
    format!("username hmac:{}", &state.server_key.hmac_hex(REFUSED_USERNAME_PURPOSE, username.as_bytes())[..32])
}

pub const REFUSED_USERNAME_PURPOSE: &str = "audit-refused-username";

/// Signs out a session, whether it passed both factors or only the password (a sign-in given up half-way).
#[utoipa::path(
    post,
    path = "/api/pharmacy/logout",
    tag = "sign-in",
    security(("pharmacist_session" = []), ("sign_in_session" = [])),
    responses((status = 204, description = "Signed out: the session ends and its cookie is cleared.")),
)]
pub async fn logout(
    State(state): State<AppState>,
    me: AnySession,
    connect: ConnectInfo<SocketAddr>,
    jar: CookieJar,
) -> Result<(CookieJar, StatusCode), ApiError> {
    sqlx::query("DELETE FROM pharmacist_sessions WHERE token_hash = ?").bind(&me.session_hash).execute(state.db.write()).await?;
    let audit = Audit {
        actor_kind: "pharmacist",
        actor_id: Some(me.pharmacist_id.clone()),
        patient_id: None,
        action: "logout",
        outcome: "success",
        detail: None,
        source_ip: peer_ip(&connect),
    };
    store::audit(state.db.write(), audit).await?;
    // Deleted with the attributes it was set with: browsers ignore a deletion of a `__Host-` cookie without Secure.
    Ok((jar.remove(session_cookie(&state, String::new())), StatusCode::NO_CONTENT))
}

/// The session cookie: `__Host-` and Secure over https, HttpOnly, SameSite=Strict, for the whole site.
pub(crate) fn session_cookie(state: &AppState, value: String) -> Cookie<'static> {
    Cookie::build((state.session_cookie_name().to_string(), value))
        .path("/")
        .http_only(true)
        .secure(state.settings.secure_cookies())
        .same_site(SameSite::Strict)
        .build()
}

#[utoipa::path(
    get,
    path = "/api/pharmacy/me",
    tag = "pharmacy",
    security(("pharmacist_session" = [])),
    responses((status = 200, description = "The signed-in pharmacist and their site.", body = carepath_domain::sync::PharmacistInfo)),
)]
pub async fn me(State(state): State<AppState>, me: PharmacistAuth) -> Result<ApiJson<PharmacistInfo>, ApiError> {
    Ok(ApiJson(pharmacist_info(&state, &me.pharmacist_id).await?))
}

pub(crate) async fn pharmacist_info(state: &AppState, pharmacist_id: &str) -> Result<PharmacistInfo, ApiError> {
    let (username, display_name, site_id, role): (String, String, String, String) =
        sqlx::query_as("SELECT username, display_name, site_id, role FROM pharmacists WHERE id = ?")
            .bind(pharmacist_id)
            .fetch_one(state.db.read())
            .await?;
    let role = carepath_domain::admin::Role::parse(&role).unwrap_or_default();
    Ok(PharmacistInfo { username, display_name, site: patients::site_info(&state.db, &site_id).await?, role })
}

#[utoipa::path(
    post,
    path = "/api/pharmacy/patients",
    tag = "pharmacy",
    security(("pharmacist_session" = [])),
    request_body = carepath_domain::sync::EnrollPatientRequest,
    responses((status = 201, description = "Enrolled, with a one-time enrollment code.", body = carepath_domain::sync::EnrollPatientResponse),
        (status = 409, description = "`mrn_taken`", body = ErrorBody)),
)]
pub async fn enroll_patient(
    State(state): State<AppState>,
    me: PharmacistAuth,
    connect: ConnectInfo<SocketAddr>,
    ApiJson(req): ApiJson<EnrollPatientRequest>,
) -> Result<(StatusCode, ApiJson<EnrollPatientResponse>), ApiError> {
    let valid_for = Duration::hours(state.settings.enrollment_code_hours);
    let today = crate::regimens::patient_today(&[], Utc::now());
    let (date_of_birth, mrn, phone) =
        carepath_domain::identity::check_identity(req.date_of_birth, req.mrn.as_deref(), req.phone.as_deref(), today)?;
    let identity = patients::Identity { date_of_birth, mrn, phone, language: req.language };
    let created = patients::create(
        &state.db,
        &state.server_key,
        &me.site_id,
        &me.pharmacist_id,
        &req.display_name,
        &identity,
        req.regimen,
        req.check_in_every_days,
        valid_for,
    )
    .await?;
    store::audit(state.db.write(), me.audit("patient.create", Some(created.patient_id.to_string()), peer_ip(&connect))).await?;
    Ok((StatusCode::CREATED, ApiJson(created)))
}

// ---- the queries (each read through an index: see `desk_queries` and server/tests/desk_paging.rs) -----------

/// A page of the site's patients, newest first; `after`: from a cursor (two more parameters). Two statements, not
/// `? IS NULL OR …`: SQLite seeks an index only for a plain row-value range.
fn patients_sql(after: bool) -> String {
    format!(
        "SELECT id, display_name, created_at FROM patients WHERE site_id = ? {} ORDER BY created_at DESC, id DESC LIMIT ?",
        if after { "AND (created_at, id) < (?, ?)" } else { "" }
    )
}

const DEVICES_SQL: &str = "SELECT d.patient_id, COUNT(*) FROM devices d
     WHERE d.patient_id IN (SELECT value FROM json_each(?)) AND d.revoked_at IS NULL GROUP BY d.patient_id";

/// A page of the site's events, newest first (by `site_events`' key), with their patients, payloads and, for one
/// recorded on a caregiver's phone, that caregiver's name; `after`: from a cursor (three more parameters).
fn queue_sql(after: bool) -> String {
    format!(
        "SELECT se.recorded_at, se.received_at, se.event_id, e.patient_id, p.display_name, e.payload, c.name
         FROM (SELECT recorded_at, received_at, event_id FROM site_events WHERE site_id = ? {}
               ORDER BY recorded_at DESC, received_at DESC, event_id DESC LIMIT ?) se
         JOIN events e ON e.id = se.event_id
         JOIN patients p ON p.id = e.patient_id
         LEFT JOIN devices d ON d.id = e.device_id
         LEFT JOIN caregivers c ON c.id = d.caregiver_id",
        if after { "AND (recorded_at, received_at, event_id) < (?, ?, ?)" } else { "" }
    )
}

/// A page of the site's patients born on a date (`patients_site_dob`), newest first; `after`: from a cursor.
fn patients_born_sql(after: bool) -> String {
    format!(
        "SELECT id, display_name, created_at FROM patients WHERE site_id = ? AND date_of_birth = ? {}
         ORDER BY created_at DESC, id DESC LIMIT ?",
        if after { "AND (created_at, id) < (?, ?)" } else { "" }
    )
}

/// The identifiers of a page's patients (their ids as a JSON array).
const IDENTIFIERS_SQL: &str =
    "SELECT id, date_of_birth, mrn FROM patients WHERE id IN (SELECT value FROM json_each(?))";

/// The drugs of a page's regimen lines (their ids as a JSON array).
const DRUGS_SQL: &str =
    "SELECT id, patient_id, json_extract(regimen, '$.drug_name') FROM regimens WHERE id IN (SELECT value FROM json_each(?))";

/// Every query the patient list and the queue run, by name, for checking their plans (EXPLAIN QUERY PLAN).
pub fn desk_queries() -> Vec<(&'static str, String)> {
    vec![
        ("patients: page", patients_sql(false)),
        ("patients: page after a cursor", patients_sql(true)),
        ("patients: devices of a page", DEVICES_SQL.into()),
        ("patients: born on a date", patients_born_sql(false)),
        ("patients: born on a date after a cursor", patients_born_sql(true)),
        ("patients: by MRN", patients::MRN_SQL.into()),
        ("patients: identifiers of a page", IDENTIFIERS_SQL.into()),
        ("queue: page", queue_sql(false)),
        ("queue: page after a cursor", queue_sql(true)),
        ("queue: drugs of a page", DRUGS_SQL.into()),
    ]
}

// ---- pages ----------------------------------------------------------------------------------------------------

/// A list's query parameters, all optional: `limit` (clamped to the list's maximum), `cursor` (from the previous
/// page's `next_cursor`), and for the patient list `q` (a name search). Taken as text so every mistake is a JSON 422.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// How many to send (clamped to the list's maximum).
    #[param(value_type = Option<u64>, minimum = 1)]
    pub limit: Option<String>,
    /// The previous page's `next_cursor`.
    #[param(max_length = 1024)]
    pub cursor: Option<String>,
    /// The patient list only: a name search (every word), a date of birth or an MRN.
    #[param(max_length = 100)]
    pub q: Option<String>,
    /// The patient list's filters (see `patient_filters`): `show`, `days` (for `show=no_check_in`), `drug`.
    #[param(value_type = Option<PatientShow>)]
    pub show: Option<String>,
    #[param(value_type = Option<u8>, minimum = 1, maximum = 90)]
    pub days: Option<String>,
    #[param(max_length = 100)]
    pub drug: Option<String>,
}

/// The patient list's `show` filter (for the contract: the query is read as text, see [`ListFilter`]).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum PatientShow {
    All,
    NoCheckIn,
    LowAdherence,
    RefillDue,
    OnHold,
}

impl PageQuery {
    /// The parameters, or a JSON 422 for a query string that cannot be read.
    pub fn from_request(query: Result<Query<PageQuery>, QueryRejection>) -> Result<PageQuery, ApiError> {
        let unreadable = ValidationError::Inconsistent("the query parameters cannot be read");
        query.map(|Query(q)| q).map_err(|_| ApiError::Invalid(unreadable))
    }

    /// Whether the client asked for a page (any of the parameters), rather than calling the list as it always did.
    pub fn paged(&self) -> bool {
        self.limit.is_some() || self.cursor.is_some() || self.q.is_some() || self.show.is_some() || self.drug.is_some()
    }

    /// The page size asked for: a whole number from 1, at most `size.max` (larger is clamped).
    pub fn limit(&self, size: PageSize) -> Result<i64, ApiError> {
        match self.limit.as_deref().map(str::trim) {
            None | Some("") => Ok(size.default),
            Some(text) => match text.parse::<u64>() {
                Ok(0) | Err(_) => {
                    Err(ApiError::Invalid(ValidationError::Inconsistent("limit must be a whole number from 1")))
                }
                Ok(n) => Ok(i64::try_from(n).unwrap_or(i64::MAX).min(size.max)),
            },
        }
    }

    /// The position after which this page starts, from a cursor this list made.
    pub fn after<K: DeserializeOwned>(&self, list: &str) -> Result<Option<K>, ApiError> {
        self.cursor.as_deref().filter(|c| !c.is_empty()).map(|c| decode_cursor(list, c)).transpose()
    }
}

#[derive(Debug, Clone, Copy)]
pub struct PageSize {
    pub default: i64,
    pub max: i64,
}

/// An opaque cursor: the list's name and the sort key of the last item sent, as base64url JSON. It only ever picks
/// a starting point inside the pharmacist's own site's list, so a forged one shows nothing more.
pub fn encode_cursor<K: Serialize>(list: &str, key: &K) -> String {
    let json = serde_json::to_vec(&(list, key)).expect("a cursor key is plain data");
    URL_SAFE_NO_PAD.encode(json)
}

const MAX_CURSOR: usize = 1024;

fn decode_cursor<K: DeserializeOwned>(list: &str, cursor: &str) -> Result<K, ApiError> {
    let bad = || ApiError::Invalid(ValidationError::Inconsistent("the cursor is not one this list gave"));
    if cursor.len() > MAX_CURSOR {
        return Err(bad());
    }
    let json = URL_SAFE_NO_PAD.decode(cursor.trim()).map_err(|_| bad())?;
    let (name, key): (String, K) = serde_json::from_slice(&json).map_err(|_| bad())?;
    if name != list {
        return Err(bad());
    }
    Ok(key)
}

/// `rows` holds up to `limit + 1` rows: the page, and whether there is another after it (with the cursor of its
/// last row).
pub fn split_page<T, K: Serialize>(
    mut rows: Vec<T>,
    limit: i64,
    list: &str,
    key: impl Fn(&T) -> K,
) -> (Vec<T>, Option<String>) {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if rows.len() <= limit {
        return (rows, None);
    }
    rows.truncate(limit);
    let next = rows.last().map(|last| encode_cursor(list, &key(last)));
    (rows, next)
}

fn with_next_cursor(mut response: Response, next: Option<&str>) -> Response {
    if let Some(value) = next.and_then(|c| HeaderValue::from_str(c).ok()) {
        response.headers_mut().insert(NEXT_CURSOR_HEADER, value);
    }
    response
}

// ---- the patient list ---------------------------------------------------------------------------------------

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PatientSummary {
    pub patient_id: uuid::Uuid,
    pub display_name: String,
    pub enrolled_devices: i64,
    pub created_at: chrono::DateTime<Utc>,
    /// None for patients enrolled before identifiers were collected.
    pub date_of_birth: Option<chrono::NaiveDate>,
    pub mrn: Option<String>,
}

/// A page of the patient list, when one was asked for (`?limit=`, `?cursor=` or `?q=`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PatientPage {
    pub patients: Vec<PatientSummary>,
    /// The cursor of the next page; none on the last page.
    pub next_cursor: Option<String>,
}

/// The patient list's answer (for the contract): the plain array without parameters, a [`PatientPage`] with them.
#[derive(Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
#[serde(untagged)]
pub enum PatientList {
    All(Vec<PatientSummary>),
    Page(PatientPage),
}

/// (created_at, id) of a patient row, as stored: the list's order (newest first) and its cursor.
type PatientKey = (String, String);

/// The site's patients, newest enrolled first, a page at a time. Without parameters the body is the plain array it
/// always was (the first page); with `limit`, `cursor` or `q` it is a [`PatientPage`]. Either way the next page's
/// cursor is also in the `X-Next-Cursor` header. `q` finds patients whose name holds every word typed, ignoring case
/// and accents ("diaz" finds "Rosa Díaz"); a `q` that is a date (`1961-04-09`, or `04/09/1961` as US desks type it)
/// finds the patients born that day; a `q` that is exactly a patient's MRN finds that patient.
#[utoipa::path(
    get,
    path = "/api/pharmacy/patients",
    tag = "pharmacy",
    security(("pharmacist_session" = [])),
    params(PageQuery),
    responses((status = 200, description = "The site's patients (the next page's cursor also in `X-Next-Cursor`).", body = PatientList)),
)]
pub async fn list_patients(
    State(state): State<AppState>,
    me: PharmacistAuth,
    connect: ConnectInfo<SocketAddr>,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let query = PageQuery::from_request(query)?;
    let limit = query.limit(PATIENTS_PAGE)?;
    let after: Option<PatientKey> = query.after("patients")?;
    let folded = query.q.as_deref().map(carepath_domain::guide::fold).unwrap_or_default();
    let words: Vec<String> = folded.split_whitespace().map(str::to_string).collect();
    if words.len() > 10 || words.iter().map(|w| w.chars().count()).sum::<usize>() > MAX_SEARCH {
        return Err(ApiError::Invalid(ValidationError::TooLong { field: "q", max: MAX_SEARCH }));
    }
    let filter = ListFilter::parse(query.show.as_deref(), query.days.as_deref(), query.drug.as_deref())?;
    let mut conn = state.db.read().acquire().await.map_err(anyhow::Error::from)?;
    let typed = query.q.as_deref().map(str::trim).unwrap_or_default();
    let (mut rows, by_identifier) = match carepath_domain::identity::parse_date(typed) {
        Some(born) => (patients_born(&mut conn, &me.site_id, born, after.as_ref(), limit + 1).await?, true),
        None => match by_mrn(&mut conn, &me.site_id, typed, after.is_some()).await? {
            Some(found) => (vec![found], true),
            None => (site_patients(&mut conn, &me.site_id, after, limit + 1, &words, &filter).await?, false),
        },
    };
    if filter.is_active() && by_identifier {
        // A date or MRN search found these without the filters: keep those the filters keep too.
        let kept = patient_filters::kept(&mut conn, &filter, rows.iter().map(|(id, _, _)| id.as_str()), Utc::now()).await?;
        rows.retain(|(id, _, _)| kept.contains(id));
    }
    let (rows, next) = split_page(rows, limit, "patients", |(id, _, created_at)| (created_at.clone(), id.clone()));
    let devices = enrolled_devices(&mut conn, rows.iter().map(|(id, _, _)| id.as_str())).await?;
    let mut identifiers = identifiers(&mut conn, rows.iter().map(|(id, _, _)| id.as_str())).await?;
    drop(conn);
    store::audit(state.db.write(), me.audit("patients.read", None, peer_ip(&connect))).await?;
    let patients = rows
        .into_iter()
        .filter_map(|(id, display_name, created_at)| {
            let parsed = (|| {
                let (born, mrn) = identifiers.remove(&id).unwrap_or_default();
                Ok(PatientSummary {
                    patient_id: parse_uuid(&id)?,
                    enrolled_devices: devices.get(&id).copied().unwrap_or(0),
                    display_name,
                    created_at: parse_ts(&created_at)?,
                    date_of_birth: born.map(|d| d.parse()).transpose()?,
                    mrn,
                })
            })();
            store::readable("patient", &id, parsed)
        })
        .collect::<Vec<_>>();
    let response = if query.paged() {
        ApiJson(PatientPage { patients, next_cursor: next.clone() }).into_response()
    } else {
        ApiJson(patients).into_response()
    };
    Ok(with_next_cursor(response, next.as_deref()))
}

/// Up to `want` patients of the site after `after`, newest first, whose folded name holds every word (all, when
/// there are none) and whom the filter keeps: (id, name, created_at). Read from `patients_site_created` (covering) in chunks, so a search
/// stops as soon as it has a page.
async fn site_patients(
    conn: &mut SqliteConnection,
    site_id: &str,
    mut after: Option<PatientKey>,
    want: i64,
    words: &[String],
    filter: &ListFilter,
) -> anyhow::Result<Vec<(String, String, String)>> {
    let want = usize::try_from(want)?;
    let chunk = if words.is_empty() { i64::try_from(want)? } else { SEARCH_CHUNK };
    let (conditions, filter_binds) = filter.conditions(Utc::now());
    let mut found = Vec::new();
    loop {
        let sql = if filter.is_active() { patient_filters::page_sql(&conditions, after.is_some()) } else { patients_sql(after.is_some()) };
        let mut select = sqlx::query_as(&sql).bind(site_id);
        for b in &filter_binds {
            select = select.bind(b);
        }
        if let Some((created, id)) = &after {
            select = select.bind(created).bind(id);
        }
        let rows: Vec<(String, String, String)> = select.bind(chunk).fetch_all(&mut *conn).await?;
        let exhausted = i64::try_from(rows.len())? < chunk;
        after = rows.last().map(|(id, _, created)| (created.clone(), id.clone()));
        for row in rows {
            let name = carepath_domain::guide::fold(&row.1);
            if words.iter().all(|w| name.contains(w.as_str())) {
                found.push(row);
                if found.len() == want {
                    return Ok(found);
                }
            }
        }
        if exhausted {
            return Ok(found);
        }
    }
}

/// The site's patients born on `born`, newest first, after `after`: (id, name, created_at).
async fn patients_born(
    conn: &mut SqliteConnection,
    site_id: &str,
    born: chrono::NaiveDate,
    after: Option<&PatientKey>,
    want: i64,
) -> anyhow::Result<Vec<(String, String, String)>> {
    let sql = patients_born_sql(after.is_some());
    let mut select = sqlx::query_as(&sql).bind(site_id).bind(born.to_string());
    if let Some((created, id)) = after {
        select = select.bind(created).bind(id);
    }
    Ok(select.bind(want).fetch_all(&mut *conn).await?)
}

/// The site's patient whose MRN is exactly `typed` (a one-row list: nothing after a cursor).
async fn by_mrn(
    conn: &mut SqliteConnection,
    site_id: &str,
    typed: &str,
    after_cursor: bool,
) -> anyhow::Result<Option<(String, String, String)>> {
    if typed.is_empty() || after_cursor || typed.chars().count() > carepath_domain::identity::MAX_MRN {
        return Ok(None);
    }
    Ok(sqlx::query_as(patients::MRN_SQL).bind(site_id).bind(typed).fetch_optional(&mut *conn).await?)
}

/// Date of birth and MRN, per patient, for a page of patients (one query).
async fn identifiers<'a>(
    conn: &mut SqliteConnection,
    ids: impl Iterator<Item = &'a str>,
) -> anyhow::Result<HashMap<String, (Option<String>, Option<String>)>> {
    let ids = serde_json::to_string(&ids.collect::<Vec<_>>())?;
    let rows: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(IDENTIFIERS_SQL).bind(ids).fetch_all(&mut *conn).await?;
    Ok(rows.into_iter().map(|(id, born, mrn)| (id, (born, mrn))).collect())
}

/// Devices enrolled and not revoked, per patient, for a page of patients (one query).
async fn enrolled_devices<'a>(
    conn: &mut SqliteConnection,
    ids: impl Iterator<Item = &'a str>,
) -> anyhow::Result<HashMap<String, i64>> {
    let ids = serde_json::to_string(&ids.collect::<Vec<_>>())?;
    let rows: Vec<(String, i64)> = sqlx::query_as(DEVICES_SQL).bind(ids).fetch_all(&mut *conn).await?;
    Ok(rows.into_iter().collect())
}

// ---- the queue ----------------------------------------------------------------------------------------------

/// (recorded_at, received_at, event id) as stored: the queue's order (newest first) and its cursor.
type QueueKey = (String, String, String);

/// New check-ins and dose events from the pharmacist's own site, newest first (recorded time), a page at a time:
/// read from `site_events` in its key order, then the page's events, names and drugs by key.
#[utoipa::path(
    get,
    path = "/api/pharmacy/queue",
    tag = "pharmacy",
    security(("pharmacist_session" = [])),
    params(PageQuery),
    responses((status = 200, description = "The review queue.", body = carepath_domain::sync::Queue)),
)]
pub async fn queue(
    State(state): State<AppState>,
    me: PharmacistAuth,
    connect: ConnectInfo<SocketAddr>,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<ApiJson<Queue>, ApiError> {
    let query = PageQuery::from_request(query)?;
    let limit = query.limit(QUEUE_PAGE)?;
    let after = query.after::<QueueKey>("queue")?;
    let mut conn = state.db.read().acquire().await.map_err(anyhow::Error::from)?;
    let sql = queue_sql(after.is_some());
    let mut select = sqlx::query_as(&sql).bind(&me.site_id);
    if let Some((recorded, received, event)) = &after {
        select = select.bind(recorded).bind(received).bind(event);
    }
    let mut rows: Vec<(String, String, String, String, String, String, Option<String>)> =
        select.bind(limit + 1).fetch_all(&mut *conn).await?;
    // Newest first, as the page was chosen (sorted here: the join need not keep the subquery's order).
    rows.sort_unstable_by(|a, b| (&b.0, &b.1, &b.2).cmp(&(&a.0, &a.1, &a.2)));
    let (rows, next_cursor) = split_page(rows, limit, "queue", |r| (r.0.clone(), r.1.clone(), r.2.clone()));
    let items = rows
        .into_iter()
        .filter_map(|(_, received_at, _, patient_id, patient_name, payload, reported_by)| {
            let parsed = (|| {
                let event: carepath_domain::sync::PatientEvent = serde_json::from_str(&payload)?;
                Ok(QueueItem {
                    event_id: event.id,
                    patient_id: parse_uuid(&patient_id)?,
                    patient_name,
                    recorded_at: event.recorded_at,
                    received_at: parse_ts(&received_at)?,
                    body: event.body,
                    drug_name: None,
                    reported_by,
                })
            })();
            store::readable("queue event", &patient_id, parsed)
        })
        .collect::<Vec<_>>();
    let items = with_drug_names(&mut conn, items).await?;
    drop(conn);
    store::audit(state.db.write(), me.audit("queue.read", None, peer_ip(&connect))).await?;
    Ok(ApiJson(Queue { items, next_cursor, term_names: state.items.term_names().clone() }))
}

/// The regimen line an event is about, if any.
fn line_of(body: &EventBody) -> Option<uuid::Uuid> {
    match body {
        EventBody::DoseTaken { regimen_line_id, .. }
        | EventBody::DoseLogged { regimen_line_id, .. }
        | EventBody::RefillRequested { regimen_line_id } => Some(*regimen_line_id),
        _ => None,
    }
}

/// Fills in the drug of each item's regimen line (the patient's own lines only), one query for the page.
async fn with_drug_names(conn: &mut SqliteConnection, mut items: Vec<QueueItem>) -> anyhow::Result<Vec<QueueItem>> {
    let mut lines: Vec<String> = items.iter().filter_map(|i| line_of(&i.body)).map(|l| l.to_string()).collect();
    lines.sort_unstable();
    lines.dedup();
    if lines.is_empty() {
        return Ok(items);
    }
    let rows: Vec<(String, String, Option<String>)> =
        sqlx::query_as(DRUGS_SQL).bind(serde_json::to_string(&lines)?).fetch_all(&mut *conn).await?;
    let drugs: HashMap<(String, String), String> =
        rows.into_iter().filter_map(|(id, patient, drug)| Some(((id, patient), drug?))).collect();
    for item in &mut items {
        if let Some(line) = line_of(&item.body) {
            item.drug_name = drugs.get(&(line.to_string(), item.patient_id.to_string())).cloned();
        }
    }
    Ok(items)
}
