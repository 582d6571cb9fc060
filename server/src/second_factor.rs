//! The pharmacists' second factor (issue #15 item 1, ASVS 6.3 / 6.5 / 6.6): a TOTP secret per account (RFC 6238:
//! HMAC-SHA-1, 6 digits, 30-second steps; the step before and after the current one are accepted for clock
//! drift) and ten single-use recovery codes.
//!
//! - The secret is stored sealed with the server key (`server_key`, AES-256-GCM): a copy of the database alone
//!   cannot make codes.
//! - A code is accepted once: the account keeps the last step it accepted, and only a later step passes, set in
//!   one conditional `UPDATE`, so two requests racing with the same code cannot both pass.
//! - A recovery code is kept only as its SHA-256 (each has ~118 random bits) and marked used in one conditional
//!   `UPDATE`.
//! - Wrong codes count against the attempt limits (`attempts::Kind::SecondFactor`, per account and address), and
//!   an account with [`DAILY_FAILURES`] wrong codes in 24 hours takes no more until a day has passed or its
//!   second factor is reset: whoever types them already knows the password.

use chrono::{Duration, Utc};
use carepath_domain::sign_in::{self, SecondFactorSetup, TypedCode, RECOVERY_CODES};
use totp_rs::{Algorithm, Secret, TOTP};

use crate::auth::{random_bytes, token_hash};
use crate::error::ApiError;
use crate::server_key::ServerKey;
use crate::store::{self, ts, Db};

/// What TOTP secrets are sealed for (`ServerKey::seal`): a copy of the database without the key file holds none.
pub const SEAL_PURPOSE: &str = "totp-secret";

fn seal(key: &ServerKey, secret: &str) -> String {
    key.seal(SEAL_PURPOSE, secret.as_bytes())
}

fn open(key: &ServerKey, sealed: &str) -> Result<String, ApiError> {
    let bytes = key.open(SEAL_PURPOSE, sealed).map_err(|e| ApiError::Internal(e.context("a stored TOTP secret")))?;
    String::from_utf8(bytes).map_err(|e| ApiError::Internal(e.into()))
}

/// Seconds per TOTP step.
pub const STEP_SECONDS: u64 = 30;
/// A session that passed only the password must pass the second factor within this.
pub const SIGN_IN_MINUTES: i64 = 10;
/// Wrong codes for one account in 24 hours, from anywhere, after which it takes no more that day.
pub const DAILY_FAILURES: i64 = 20;
/// The name an authenticator app shows for the account.
const ISSUER: &str = "Carepath";
/// 160 bits, as RFC 4226 recommends.
const SECRET_BYTES: usize = 20;

fn totp(secret: Vec<u8>, account: &str) -> Result<TOTP, ApiError> {
    // Skew 0: each step is checked on its own, so the step a code belongs to is known (replay protection).
    // An account name may not hold ':' in an otpauth URI.
    TOTP::new(Algorithm::SHA1, sign_in::TOTP_DIGITS, 0, STEP_SECONDS, secret, Some(ISSUER.into()), account.replace(':', "_"))
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("TOTP: {e}")))
}

/// The base32 text of a new random secret.
pub fn new_secret() -> String {
    Secret::Raw(random_bytes(SECRET_BYTES)).to_encoded().to_string()
}

fn secret_bytes(base32: &str) -> Result<Vec<u8>, ApiError> {
    Secret::Encoded(base32.to_string()).to_bytes().map_err(|e| ApiError::Internal(anyhow::anyhow!("stored TOTP secret: {e:?}")))
}

/// The time step `code` belongs to, among the current one and its two neighbours.
fn matching_step(secret: &str, code: &str, now_unix: u64) -> Result<Option<u64>, ApiError> {
    let totp = totp(secret_bytes(secret)?, "-")?;
    let current = now_unix / STEP_SECONDS;
    Ok((current.saturating_sub(1)..=current + 1).find(|step| totp.check(code, step * STEP_SECONDS)))
}

fn now_unix() -> u64 {
    Utc::now().timestamp().max(0) as u64
}

/// What to show while setting up: the secret in groups, its otpauth URI and that URI's QR code.
pub fn setup_view(secret: &str, username: &str) -> Result<SecondFactorSetup, ApiError> {
    let otpauth_uri = totp(secret_bytes(secret)?, username)?.get_url();
    let qr_svg = crate::routes::identity::qr_svg(&otpauth_uri)?;
    let grouped = secret.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ");
    Ok(SecondFactorSetup { secret: grouped, otpauth_uri, qr_svg })
}

/// Whether the account has a second factor set up.
pub async fn is_enabled(db: &Db, pharmacist_id: &str) -> Result<bool, ApiError> {
    let enabled: Option<String> =
        sqlx::query_scalar("SELECT totp_enabled_at FROM pharmacists WHERE id = ?").bind(pharmacist_id).fetch_one(db.read()).await?;
    Ok(enabled.is_some())
}

/// The secret being set up in this session: the one made earlier in it, or a new one.
pub async fn setup_secret(db: &Db, key: &ServerKey, session_hash: &str) -> Result<String, ApiError> {
    let mut tx = store::begin_write(db).await?;
    let existing: Option<String> = sqlx::query_scalar("SELECT totp_setup_secret FROM pharmacist_sessions WHERE token_hash = ?")
        .bind(session_hash)
        .fetch_one(&mut *tx)
        .await?;
    let secret = match existing {
        Some(sealed) => open(key, &sealed)?,
        None => {
            let secret = new_secret();
            sqlx::query("UPDATE pharmacist_sessions SET totp_setup_secret = ? WHERE token_hash = ?")
                .bind(seal(key, &secret))
                .bind(session_hash)
                .execute(&mut *tx)
                .await?;
            secret
        }
    };
    tx.commit().await?;
    Ok(secret)
}

/// Turns the second factor on with the secret of this session's setup, if `code` is a code of it: the account
/// keeps the secret, the step is used up, and ten new recovery codes are made (returned grouped, shown once).
/// `None` for a wrong code (nothing stored).
pub async fn enable(db: &Db, key: &ServerKey, session_hash: &str, pharmacist_id: &str, code: &str) -> Result<Option<Vec<String>>, ApiError> {
    let Some(TypedCode::Totp(code)) = TypedCode::parse(code) else { return Ok(None) };
    let mut tx = store::begin_write(db).await?;
    let secret: Option<String> = sqlx::query_scalar("SELECT totp_setup_secret FROM pharmacist_sessions WHERE token_hash = ?")
        .bind(session_hash)
        .fetch_one(&mut *tx)
        .await?;
    let Some(sealed) = secret else { return Ok(None) };
    let Some(step) = matching_step(&open(key, &sealed)?, &code, now_unix())? else { return Ok(None) };
    let now = ts(Utc::now());
    let set = sqlx::query(
        "UPDATE pharmacists SET totp_secret = ?, totp_enabled_at = ?, totp_last_step = ? WHERE id = ? AND totp_enabled_at IS NULL",
    )
    .bind(&sealed)
    .bind(&now)
    .bind(step as i64)
    .bind(pharmacist_id)
    .execute(&mut *tx)
    .await?;
    if set.rows_affected() != 1 {
        // Turned on meanwhile (another tab): this setup's secret is not the account's.
        return Ok(None);
    }
    sqlx::query("UPDATE pharmacist_sessions SET totp_setup_secret = NULL WHERE token_hash = ?").bind(session_hash).execute(&mut *tx).await?;
    let codes = new_recovery_codes(&mut tx, pharmacist_id).await?;
    tx.commit().await?;
    Ok(Some(codes))
}

async fn new_recovery_codes(tx: &mut sqlx::SqliteConnection, pharmacist_id: &str) -> Result<Vec<String>, ApiError> {
    sqlx::query("DELETE FROM pharmacist_recovery_codes WHERE pharmacist_id = ?").bind(pharmacist_id).execute(&mut *tx).await?;
    let now = ts(Utc::now());
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    while codes.len() < RECOVERY_CODES {
        let Some(code) = sign_in::recovery_code_from_random_bytes(&random_bytes(64)) else { continue };
        sqlx::query("INSERT INTO pharmacist_recovery_codes (pharmacist_id, code_hash, created_at) VALUES (?, ?, ?)")
            .bind(pharmacist_id)
            .bind(token_hash(&code))
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        codes.push(sign_in::grouped(&code));
    }
    Ok(codes)
}

/// How a right code was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passed {
    App,
    RecoveryCode,
}

/// Checks a code typed at sign-in and uses it up: an app code of a step later than the last one accepted, or an
/// unused recovery code. `None` for anything else (wrong, already used, or not a code at all).
pub async fn verify(db: &Db, key: &ServerKey, pharmacist_id: &str, typed: &str) -> Result<Option<Passed>, ApiError> {
    match TypedCode::parse(typed) {
        None => Ok(None),
        Some(TypedCode::Totp(code)) => {
            let secret: Option<String> =
                sqlx::query_scalar("SELECT totp_secret FROM pharmacists WHERE id = ? AND totp_enabled_at IS NOT NULL")
                    .bind(pharmacist_id)
                    .fetch_optional(db.read())
                    .await?
                    .flatten();
            let Some(sealed) = secret else { return Ok(None) };
            let Some(step) = matching_step(&open(key, &sealed)?, &code, now_unix())? else { return Ok(None) };
            let used = sqlx::query(
                "UPDATE pharmacists SET totp_last_step = ?1 WHERE id = ?2 AND (totp_last_step IS NULL OR totp_last_step < ?1)",
            )
            .bind(step as i64)
            .bind(pharmacist_id)
            .execute(db.write())
            .await?;
            Ok((used.rows_affected() == 1).then_some(Passed::App))
        }
        Some(TypedCode::Recovery(code)) => {
            let used = sqlx::query(
                "UPDATE pharmacist_recovery_codes SET used_at = ? WHERE pharmacist_id = ? AND code_hash = ? AND used_at IS NULL",
            )
            .bind(ts(Utc::now()))
            .bind(pharmacist_id)
            .bind(token_hash(&code))
            .execute(db.write())
            .await?;
            Ok((used.rows_affected() == 1).then_some(Passed::RecoveryCode))
        }
    }
}

pub async fn recovery_codes_left(db: &Db, pharmacist_id: &str) -> Result<u32, ApiError> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pharmacist_recovery_codes WHERE pharmacist_id = ? AND used_at IS NULL")
        .bind(pharmacist_id)
        .fetch_one(db.read())
        .await?;
    Ok(n as u32)
}

/// Whether the account has had [`DAILY_FAILURES`] wrong codes in the last 24 hours.
pub async fn locked_for_the_day(db: &Db, pharmacist_id: &str) -> Result<bool, ApiError> {
    let failures: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM attempts WHERE kind = 'second_factor' AND subject = ? AND at > ? AND outcome = 'failure'",
    )
    .bind(pharmacist_id)
    .bind(ts(Utc::now() - Duration::hours(24)))
    .fetch_one(db.read())
    .await?;
    Ok(failures >= DAILY_FAILURES)
}

/// Turns the second factor off for an account (a lost phone): the secret and recovery codes go, every session of
/// the account ends, and its next sign-in sets a new one up. The account's earlier failures no longer count.
/// `false` when there is no such account.
pub async fn reset(db: &Db, pharmacist_id: &str) -> Result<bool, ApiError> {
    let mut tx = store::begin_write(db).await?;
    let done = reset_in(&mut tx, pharmacist_id).await?;
    tx.commit().await?;
    Ok(done)
}

/// [`reset`] inside the caller's write transaction.
pub async fn reset_in(tx: &mut sqlx::SqliteConnection, pharmacist_id: &str) -> Result<bool, ApiError> {
    let done = sqlx::query("UPDATE pharmacists SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL WHERE id = ?")
        .bind(pharmacist_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM pharmacist_recovery_codes WHERE pharmacist_id = ?").bind(pharmacist_id).execute(&mut *tx).await?;
    sqlx::query("DELETE FROM pharmacist_sessions WHERE pharmacist_id = ?").bind(pharmacist_id).execute(&mut *tx).await?;
    sqlx::query("UPDATE attempts SET outcome = 'error' WHERE kind = 'second_factor' AND subject = ? AND outcome = 'failure'")
        .bind(pharmacist_id)
        .execute(&mut *tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Replaces a session that passed the password with a new one (a new id) that passed both factors; the sign-in's
/// start still counts for the absolute timeout. Returns the new session id for the cookie.
pub async fn pass_session(db: &Db, session_hash: &str) -> Result<String, ApiError> {
    let session = crate::auth::new_token();
    let now = ts(Utc::now());
    let mut tx = store::begin_write(db).await?;
    let moved = sqlx::query(
        "INSERT INTO pharmacist_sessions (token_hash, pharmacist_id, created_at, last_seen_at, second_factor_at)
         SELECT ?, pharmacist_id, created_at, ?, ? FROM pharmacist_sessions WHERE token_hash = ?",
    )
    .bind(token_hash(&session))
    .bind(&now)
    .bind(&now)
    .bind(session_hash)
    .execute(&mut *tx)
    .await?;
    if moved.rows_affected() != 1 {
        return Err(ApiError::Unauthorized);
    }
    sqlx::query("DELETE FROM pharmacist_sessions WHERE token_hash = ?").bind(session_hash).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(session)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_matches_its_own_step_and_its_neighbours_only() {
        let secret = new_secret();
        let totp = totp(secret_bytes(&secret).unwrap(), "a").unwrap();
        let now = 1_790_000_000u64;
        let step = now / STEP_SECONDS;
        for (offset, expected) in [(-2i64, None), (-1, Some(step - 1)), (0, Some(step)), (1, Some(step + 1)), (2, None)] {
            let code = totp.generate(((step as i64 + offset) as u64) * STEP_SECONDS);
            let found = matching_step(&secret, &code, now).unwrap();
            // A code of a far step can equal a near step's code by chance (1 in a million): then it is that step's.
            if expected.is_some() || found.is_none() {
                assert_eq!(found, expected, "offset {offset}");
            }
        }
        assert_eq!(matching_step(&secret, "abcdef", now).unwrap(), None);
    }

    #[test]
    fn the_setup_shows_the_secret_in_groups_and_a_qr_code_of_the_otpauth_uri() {
        let secret = new_secret();
        assert_eq!(secret_bytes(&secret).unwrap().len(), SECRET_BYTES);
        let view = setup_view(&secret, "rivera:pharm").unwrap();
        assert_eq!(view.secret.replace(' ', ""), secret);
        assert!(view.otpauth_uri.starts_with("otpauth://totp/Carepath:rivera_pharm?"), "{}", view.otpauth_uri);
        assert!(view.otpauth_uri.contains(&format!("secret={secret}")));
        assert!(view.qr_svg.starts_with("<svg"));
    }
}
