//! The second step of signing in (issue #15 item 1). After a right password the session may only reach these:
//! `GET /api/pharmacy/second-factor/setup` (the secret and its QR code, while the account has none),
//! `POST /api/pharmacy/second-factor/setup` (a first code turns it on and returns ten recovery codes, shown once)
//! and `POST /api/pharmacy/second-factor` (a code from the app, or a recovery code). A right code replaces the
//! session with a new one that passed both factors. Every code typed counts against the attempt limits and is
//! audited.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum_extra::extract::cookie::CookieJar;
use carepath_domain::sign_in::{SecondFactorEnabled, SecondFactorPassed, SecondFactorRequest, SecondFactorSetup};

use super::peer_ip;
use super::pharmacy::{pharmacist_info, session_cookie};
use crate::auth::SignInSession;
#[allow(unused_imports)]
use carepath_domain::sync::ErrorBody;
use crate::error::{ApiError, ApiJson};
use crate::second_factor::{self, Passed};
use crate::store::{self, Audit};
use crate::{attempts, AppState};

/// Wrong codes allowed in the attempt window: per account from one address, per address across accounts, and per
/// account from anywhere before its attempts are spaced out; on top, [`second_factor::DAILY_FAILURES`] a day.
const CODE_LIMITS: attempts::Limits =
    attempts::Limits { per_subject_per_address: 5, per_address: 20, per_subject_before_slowing: 5 };

fn audit_entry<'a>(session: &SignInSession, action: &'a str, outcome: &'a str, detail: Option<String>, ip: Option<String>) -> Audit<'a> {
    Audit {
        actor_kind: "pharmacist",
        actor_id: Some(session.pharmacist_id.clone()),
        patient_id: None,
        action,
        outcome,
        detail,
        source_ip: ip,
    }
}

/// The secret to set up, while the account has no second factor: the same one for the whole of this sign-in.
#[utoipa::path(
    get,
    path = "/api/pharmacy/second-factor/setup",
    tag = "sign-in",
    security(("sign_in_session" = [])),
    responses((status = 404, description = "`not_found`: this session passed both steps already", body = ErrorBody),
        (status = 200, description = "A new authenticator key: its base32 text, otpauth URI and QR code.", body = carepath_domain::sign_in::SecondFactorSetup)),
)]
pub async fn setup(State(state): State<AppState>, session: SignInSession) -> Result<ApiJson<SecondFactorSetup>, ApiError> {
    if session.second_factor_enabled {
        return Err(ApiError::SecondFactorRequired);
    }
    let secret = second_factor::setup_secret(&state.db, &state.server_key, &session.session_hash).await?;
    let info = pharmacist_info(&state, &session.pharmacist_id).await?;
    Ok(ApiJson(second_factor::setup_view(&secret, &info.username)?))
}

/// Reserves an attempt for a code, or refuses with 429 when a limit is reached (audited either way).
async fn reserve(state: &AppState, session: &SignInSession, action: &str, ip: &Option<String>) -> Result<attempts::Attempt, ApiError> {
    let reserved = if second_factor::locked_for_the_day(&state.db, &session.pharmacist_id).await? {
        None
    } else {
        attempts::reserve(&state.db, attempts::Kind::SecondFactor, Some(&session.pharmacist_id), ip, CODE_LIMITS).await?
    };
    match reserved {
        Some(attempt) => Ok(attempt),
        None => {
            store::audit_limited(&state.db, action, Some(session.pharmacist_id.clone()), ip.clone()).await?;
            Err(ApiError::TooManyAttempts)
        }
    }
}

/// Settles a code's attempt and audits it (`detail` of a right one). A wrong code (`None`) is `bad_second_factor`; a
/// right one replaces the session with one that passed both factors: what was passed, and the new session's id.
async fn settle<T>(
    state: &AppState,
    session: &SignInSession,
    attempt: attempts::Attempt,
    action: &str,
    passed: Option<T>,
    detail: impl Fn(&T) -> Option<String>,
    ip: Option<String>,
) -> Result<(T, String), ApiError> {
    let Some(passed) = passed else {
        attempts::settle(&state.db, attempt, attempts::Outcome::Failure).await?;
        store::audit(state.db.write(), audit_entry(session, action, "failure", None, ip)).await?;
        return Err(ApiError::BadSecondFactor);
    };
    attempts::settle(&state.db, attempt, attempts::Outcome::Success).await?;
    let new_session = second_factor::pass_session(&state.db, &session.session_hash).await?;
    store::audit(state.db.write(), audit_entry(session, action, "success", detail(&passed), ip)).await?;
    Ok((passed, new_session))
}

/// Turns the second factor on with a first code from the app; answers with the recovery codes.
#[utoipa::path(
    post,
    path = "/api/pharmacy/second-factor/setup",
    tag = "sign-in",
    security(("sign_in_session" = [])),
    request_body = carepath_domain::sign_in::SecondFactorRequest,
    responses((status = 404, description = "`not_found`: this session passed both steps already", body = ErrorBody),
        (status = 200, description = "Set up and signed in (a new session cookie); the recovery codes, shown once.", body = carepath_domain::sign_in::SecondFactorEnabled),
        (status = 401, description = "`bad_second_factor`, `unauthorized`", body = ErrorBody),
        (status = 429, description = "`too_many_attempts`", body = ErrorBody)),
)]
pub async fn enable(
    State(state): State<AppState>,
    session: SignInSession,
    connect: ConnectInfo<SocketAddr>,
    jar: CookieJar,
    ApiJson(req): ApiJson<SecondFactorRequest>,
) -> Result<(CookieJar, ApiJson<SecondFactorEnabled>), ApiError> {
    if session.second_factor_enabled {
        return Err(ApiError::SecondFactorRequired);
    }
    let ip = peer_ip(&connect);
    let attempt = reserve(&state, &session, "second_factor.enable", &ip).await?;
    let codes = second_factor::enable(&state.db, &state.server_key, &session.session_hash, &session.pharmacist_id, &req.code).await?;
    let (recovery_codes, new_session) = settle(&state, &session, attempt, "second_factor.enable", codes, |_| None, ip).await?;
    let pharmacist = pharmacist_info(&state, &session.pharmacist_id).await?;
    Ok((jar.add(session_cookie(&state, new_session)), ApiJson(SecondFactorEnabled { recovery_codes, pharmacist })))
}

/// The second step of a sign-in: a code from the app (each accepted once) or an unused recovery code.
#[utoipa::path(
    post,
    path = "/api/pharmacy/second-factor",
    tag = "sign-in",
    security(("sign_in_session" = [])),
    request_body = carepath_domain::sign_in::SecondFactorRequest,
    responses((status = 404, description = "`not_found`: this session passed both steps already", body = ErrorBody),
        (status = 200, description = "Signed in (a new session cookie).", body = carepath_domain::sign_in::SecondFactorPassed),
        (status = 401, description = "`bad_second_factor`, `unauthorized`", body = ErrorBody),
        (status = 429, description = "`too_many_attempts`", body = ErrorBody)),
)]
pub async fn verify(
    State(state): State<AppState>,
    session: SignInSession,
    connect: ConnectInfo<SocketAddr>,
    jar: CookieJar,
    ApiJson(req): ApiJson<SecondFactorRequest>,
) -> Result<(CookieJar, ApiJson<SecondFactorPassed>), ApiError> {
    if !session.second_factor_enabled {
        return Err(ApiError::SecondFactorSetupRequired);
    }
    let ip = peer_ip(&connect);
    let attempt = reserve(&state, &session, "second_factor", &ip).await?;
    let passed = second_factor::verify(&state.db, &state.server_key, &session.pharmacist_id, &req.code).await?;
    let how = |passed: &Passed| {
        Some(match passed {
            Passed::App => "app".to_string(),
            Passed::RecoveryCode => "recovery code".to_string(),
        })
    };
    let (passed, new_session) = settle(&state, &session, attempt, "second_factor", passed, how, ip).await?;
    let answer = SecondFactorPassed {
        pharmacist: pharmacist_info(&state, &session.pharmacist_id).await?,
        recovery_codes_left: second_factor::recovery_codes_left(&state.db, &session.pharmacist_id).await?,
        used_recovery_code: passed == Passed::RecoveryCode,
    };
    Ok((jar.add(session_cookie(&state, new_session)), ApiJson(answer)))
}
