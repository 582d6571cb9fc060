//! Attempt limits for anything a guesser could abuse (sign-in, enrollment codes). An attempt is reserved as
//! 'pending' inside a write transaction *before* the secret is checked, so parallel guesses are counted too;
//! it is settled afterwards. Only the peer address is used, never X-Forwarded-For.

use chrono::{Duration, Utc};

use crate::error::ApiError;
use crate::store::{self, ts, Db};

/// Failed or still-running attempts count against the limits for this long.
pub const WINDOW_MINUTES: i64 = 15;

#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Login,
    Enroll,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Login => "login",
            Kind::Enroll => "enroll",
        }
    }
}

/// How many failed attempts are allowed in the window: per subject (e.g. one username), and per peer address.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub per_subject: i64,
    pub per_address: i64,
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
    let (by_subject, by_address): (i64, i64) = sqlx::query_as(
        "SELECT COALESCE(SUM(subject = ?), 0), COALESCE(SUM(source_ip IS ?), 0)
         FROM attempts WHERE kind = ? AND at > ? AND outcome IN ('pending', 'failure')",
    )
    .bind(subject)
    .bind(ip)
    .bind(kind.as_str())
    .bind(&since)
    .fetch_one(&mut *tx)
    .await?;
    if by_subject >= limits.per_subject || by_address >= limits.per_address {
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
    sqlx::query("UPDATE attempts SET outcome = ? WHERE id = ?").bind(outcome).bind(attempt.0).execute(db).await?;
    Ok(())
}
