//! Secrets and who is asking: argon2id password hashes, random tokens stored only as SHA-256,
//! and the two extractors: [`DeviceAuth`] (patient devices, bearer token) and [`PharmacistAuth`] (session cookie).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum_extra::extract::cookie::CookieJar;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{Duration, Utc};
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::store::{self, parse_ts, ts};
use crate::AppState;

pub const MIN_PASSWORD: usize = 12;
pub const MAX_PASSWORD: usize = 128;

/// A fresh secret of 256 random bits, URL-safe.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; n];
    OsRng.fill_bytes(&mut bytes);
    bytes
}

/// What the database keeps instead of a token or code.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Lower-case hex, for digests.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn check_password_policy(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_PASSWORD {
        return Err(format!("the password must have at least {MIN_PASSWORD} characters"));
    }
    if n > MAX_PASSWORD {
        return Err(format!("the password must have at most {MAX_PASSWORD} characters"));
    }
    Ok(())
}

/// argon2id with the crate's defaults (m=19 MiB, t=2, p=1), which meet ASVS.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))?
        .to_string())
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// `last_seen_at` is kept to the minute: writing it on every request would cost a synced disk write (and the
/// write lock) per request. An idle session therefore ends at most a minute early, never late.
const LAST_SEEN_PRECISION: Duration = Duration::minutes(1);

fn needs_touch(last_seen_at: &str, now: chrono::DateTime<Utc>) -> anyhow::Result<bool> {
    Ok(parse_ts(last_seen_at)? + LAST_SEEN_PRECISION <= now)
}

/// A patient device, identified by its bearer token.
#[derive(Debug, Clone)]
pub struct DeviceAuth {
    pub device_id: String,
    pub patient_id: String,
    /// Set when the device belongs to a caregiver of the patient.
    pub caregiver_id: Option<String>,
    /// When this device was enrolled: nothing it sends can have been recorded long before.
    pub enrolled_at: chrono::DateTime<Utc>,
}

impl FromRequestParts<AppState> for DeviceAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(ApiError::Unauthorized)?;
        let row: Option<(String, String, String, Option<String>, String, Option<String>)> = sqlx::query_as(
            "SELECT id, patient_id, last_seen_at, caregiver_id, enrolled_at, revoked_at FROM devices WHERE token_hash = ?",
        )
        .bind(token_hash(token.trim()))
        .fetch_optional(state.db.read())
        .await?;
        let (device_id, patient_id, last_seen_at, caregiver_id, enrolled_at, revoked_at) = row.ok_or(ApiError::Unauthorized)?;
        // A phone that was once let in is told why it no longer is, so it wipes that profile instead of retrying.
        if revoked_at.is_some() {
            return Err(ApiError::DeviceRevoked);
        }
        let enrolled_at = crate::store::parse_ts(&enrolled_at)?;
        let now = Utc::now();
        if parse_ts(&last_seen_at)? < state.settings.device_idle_cutoff(now) {
            return Err(ApiError::DeviceExpired);
        }
        if needs_touch(&last_seen_at, now)? {
            // In the next group commit, with the syncs waiting then, instead of a commit of its own.
            let id = device_id.clone();
            let touch: crate::group_commit::Work<(), ApiError> = Box::new(move |conn| {
                Box::pin(async move {
                    sqlx::query("UPDATE devices SET last_seen_at = ? WHERE id = ?").bind(ts(now)).bind(id).execute(conn).await?;
                    Ok(())
                })
            });
            state.db.groups().write(touch).await?;
        }
        Ok(DeviceAuth { device_id, patient_id, caregiver_id, enrolled_at })
    }
}

/// A signed-in pharmacist.
#[derive(Debug, Clone)]
pub struct PharmacistAuth {
    pub pharmacist_id: String,
    pub site_id: String,
    pub session_hash: String,
    /// The account's role is `admin` (read with the session: `AdminAuth` asks nothing more).
    pub is_admin: bool,
}

impl PharmacistAuth {
    pub fn audit<'a>(&self, action: &'a str, patient_id: Option<String>, ip: Option<String>) -> store::Audit<'a> {
        store::Audit {
            actor_kind: "pharmacist",
            actor_id: Some(self.pharmacist_id.clone()),
            patient_id,
            action,
            outcome: "success",
            detail: None,
            source_ip: ip,
        }
    }
}

/// A pharmacist's session, whatever it has passed: read from the cookie, ended here when it is too old.
struct Session {
    pharmacist_id: String,
    site_id: String,
    session_hash: String,
    /// Whether this session passed the second factor too.
    passed_second_factor: bool,
    /// Whether the account has a second factor set up.
    second_factor_enabled: bool,
    /// Whether the account is a site admin.
    is_admin: bool,
}

impl Session {
    async fn from_parts(parts: &Parts, state: &AppState) -> Result<Session, ApiError> {
        let jar = CookieJar::from_headers(&parts.headers);
        let session = jar.get(state.session_cookie_name()).ok_or(ApiError::Unauthorized)?.value().to_string();
        let session_hash = token_hash(&session);
        let row: Option<(String, String, String, String, Option<String>, Option<String>, String)> = sqlx::query_as(
            "SELECT s.pharmacist_id, p.site_id, s.created_at, s.last_seen_at, s.second_factor_at, p.totp_enabled_at, p.role
             FROM pharmacist_sessions s JOIN pharmacists p ON p.id = s.pharmacist_id
             WHERE s.token_hash = ? AND p.disabled_at IS NULL",
        )
        .bind(&session_hash)
        .fetch_optional(state.db.read())
        .await?;
        let (pharmacist_id, site_id, created_at, last_seen_at, second_factor_at, totp_enabled_at, role) =
            row.ok_or(ApiError::Unauthorized)?;
        let now = Utc::now();
        let created_at = parse_ts(&created_at)?;
        let idle_expired = parse_ts(&last_seen_at)? + Duration::minutes(state.settings.session_idle_minutes) < now;
        let too_old = created_at + Duration::hours(state.settings.session_max_hours) < now;
        // A session with the password alone is for typing the code, not for sitting on.
        let sign_in_expired =
            second_factor_at.is_none() && created_at + Duration::minutes(crate::second_factor::SIGN_IN_MINUTES) < now;
        if idle_expired || too_old || sign_in_expired {
            sqlx::query("DELETE FROM pharmacist_sessions WHERE token_hash = ?").bind(&session_hash).execute(state.db.write()).await?;
            return Err(ApiError::Unauthorized);
        }
        if needs_touch(&last_seen_at, now)? {
            sqlx::query("UPDATE pharmacist_sessions SET last_seen_at = ? WHERE token_hash = ?")
                .bind(ts(now))
                .bind(&session_hash)
                .execute(state.db.write())
                .await?;
        }
        Ok(Session {
            pharmacist_id,
            site_id,
            session_hash,
            passed_second_factor: second_factor_at.is_some(),
            second_factor_enabled: totp_enabled_at.is_some(),
            is_admin: role == "admin",
        })
    }
}

/// Every pharmacist route takes this: a session that passed both factors. One that passed only the password is
/// answered `second_factor_required` (or `second_factor_setup_required` while the account has none), so the desk
/// shows the step that is missing.
impl FromRequestParts<AppState> for PharmacistAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let session = Session::from_parts(parts, state).await?;
        if !session.passed_second_factor {
            return Err(if session.second_factor_enabled {
                ApiError::SecondFactorRequired
            } else {
                ApiError::SecondFactorSetupRequired
            });
        }
        Ok(PharmacistAuth {
            pharmacist_id: session.pharmacist_id,
            site_id: session.site_id,
            session_hash: session.session_hash,
            is_admin: session.is_admin,
        })
    }
}

/// A signed-in site admin (`pharmacists.role = 'admin'`): the admin routes take this; anyone else gets 403.
#[derive(Debug, Clone)]
pub struct AdminAuth(pub PharmacistAuth);

impl FromRequestParts<AppState> for AdminAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let me = PharmacistAuth::from_request_parts(parts, state).await?;
        if !me.is_admin {
            return Err(ApiError::Forbidden);
        }
        Ok(AdminAuth(me))
    }
}

/// A session that passed the password and not yet the second factor: what the second-factor routes take.
#[derive(Debug, Clone)]
pub struct SignInSession {
    pub pharmacist_id: String,
    pub session_hash: String,
    pub second_factor_enabled: bool,
}

impl FromRequestParts<AppState> for SignInSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let session = Session::from_parts(parts, state).await?;
        if session.passed_second_factor {
            // Signed in already: nothing to pass (a new second factor is set up only after a reset).
            return Err(ApiError::NotFound);
        }
        Ok(SignInSession {
            pharmacist_id: session.pharmacist_id,
            session_hash: session.session_hash,
            second_factor_enabled: session.second_factor_enabled,
        })
    }
}

/// Any session of a pharmacist, passed both factors or only the password: for signing out.
#[derive(Debug, Clone)]
pub struct AnySession {
    pub pharmacist_id: String,
    pub session_hash: String,
}

impl FromRequestParts<AppState> for AnySession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let session = Session::from_parts(parts, state).await?;
        Ok(AnySession { pharmacist_id: session.pharmacist_id, session_hash: session.session_hash })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_with_the_right_secret() {
        let hash = hash_password("correct horse battery staple").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery staple", &hash));
        assert!(!verify_password("correct horse battery stapl", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn tokens_are_long_random_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).unwrap().len(), 32);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn password_policy_allows_long_passphrases() {
        assert!(check_password_policy("short").is_err());
        assert!(check_password_policy(&"x".repeat(64)).is_ok());
        assert!(check_password_policy(&"x".repeat(129)).is_err());
    }
}
