//! Attempt limits for anything a guesser could abuse (sign-in, enrollment codes). An attempt is reserved as
//! 'pending' inside a write transaction *before* the secret is checked, so parallel guesses are counted too;
//! it is settled afterwards. The address is the peer's, or the client's behind a trusted proxy
//! (`crate::client_address`); never a forwarding header from anyone else.
//!
//! For one account (issue #15 item 4) the limits slow a guesser without locking the real user out: failures from
//! one address lock the account *for that address*; failures from anywhere, past a threshold, only space the
//! account's attempts out ([`SLOWED_SPACING_SECONDS`]), so the pharmacist at her own desk gets in a few seconds
//! later while a botnet gets two guesses a minute.

use chrono::{Duration, Utc};

use crate::error::ApiError;
use crate::store::{self, ts, Db};

/// Failed or still-running attempts count against the limits for this long.
pub const WINDOW_MINUTES: i64 = 15;

#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Login,
    Enroll,
    /// A code at the second step of signing in; the subject is the pharmacist's id.
    SecondFactor,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Login => "login",
            Kind::Enroll => "enroll",
            Kind::SecondFactor => "second_factor",
        }
    }
}

/// Once an account is slowed, one attempt on it per this many seconds, from anywhere.
pub const SLOWED_SPACING_SECONDS: i64 = 30;

/// How many failed attempts are allowed in the window.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// For one subject (e.g. one username) from one address: then that address is locked out of it.
    pub per_subject_per_address: i64,
    /// From one address, whatever the subject.
    pub per_address: i64,
    /// For one subject from anywhere: past this, its attempts are spaced [`SLOWED_SPACING_SECONDS`] apart.
    pub per_subject_before_slowing: i64,
}

#[derive(Debug, Clone, Copy)]
pub enum Outcome {
    Success,
    Failure,
    /// A fault on the server's side: not held against the person.
    Error,
}

/// A reserved attempt, to settle once its outcome is known.
#[derive(Debug)]
pub struct Attempt(i64);

/// Reserves an attempt, or `None` when a limit is reached.
pub async fn reserve(
    db: &Db,
    kind: Kind,
    subject: Option<&str>,
    ip: &Option<String>,
    limits: Limits,
) -> Result<Option<Attempt>, ApiError> {
    let since = ts(Utc::now() - Duration::minutes(WINDOW_MINUTES));
    let mut tx = store::begin_write(db).await?;
    let (by_subject_here, by_address, by_subject, last_on_subject): (i64, i64, i64, Option<String>) = sqlx::query_as(
        "SELECT COALESCE(SUM(subject = ?1 AND source_ip IS ?2), 0), COALESCE(SUM(source_ip IS ?2), 0),
                COALESCE(SUM(subject = ?1), 0), MAX(CASE WHEN subject = ?1 THEN at END)
         FROM attempts WHERE kind = ?3 AND at > ?4 AND outcome IN ('pending', 'failure')",
    )
    .bind(subject)
    .bind(ip)
    .bind(kind.as_str())
    .bind(&since)
    .fetch_one(&mut *tx)
    .await?;
    if by_subject_here >= limits.per_subject_per_address || by_address >= limits.per_address {
        return Ok(None);
    }
    let spaced_since = ts(Utc::now() - Duration::seconds(SLOWED_SPACING_SECONDS));
    if by_subject >= limits.per_subject_before_slowing && last_on_subject.is_some_and(|at| at > spaced_since) {
        return Ok(None);
    }
    let id = sqlx::query("INSERT INTO attempts (kind, subject, source_ip, at, outcome) VALUES (?, ?, ?, ?, 'pending')")
        .bind(kind.as_str())
        .bind(subject)
        .bind(ip)
        .bind(ts(Utc::now()))
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
    tx.commit().await?;
    Ok(Some(Attempt(id)))
}

pub async fn settle(db: &Db, attempt: Attempt, outcome: Outcome) -> Result<(), ApiError> {
    let outcome = match outcome {
        Outcome::Success => "success",
        Outcome::Failure => "failure",
        Outcome::Error => "error",
    };
    sqlx::query("UPDATE attempts SET outcome = ? WHERE id = ?").bind(outcome).bind(attempt.0).execute(db.write()).await?;
    Ok(())
}
