//! The database: SQLite (WAL, synchronous=FULL: an acknowledged event is on disk), migrations, and small helpers.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

pub type Db = SqlitePool;

pub async fn open(path: &Path) -> anyhow::Result<Db> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    Ok(pool)
}

/// Starts a transaction that writes. `BEGIN IMMEDIATE` takes SQLite's write lock up front, so a transaction that
/// reads before it writes waits its turn (busy timeout) instead of failing with "database is locked" when another
/// writer got in between.
pub async fn begin_write(db: &Db) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
    db.begin_with("BEGIN IMMEDIATE").await
}

/// Times are stored as fixed-width RFC 3339 UTC text, so text order is time order.
pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn parse_ts(s: &str) -> anyhow::Result<DateTime<Utc>> {
    Ok(DateTime::parse_from_rfc3339(s)?.with_timezone(&Utc))
}

/// A stored row read back: `Some` when it parses, `None` (logged, with what and which row) when it does not. A list
/// skips such a row instead of failing whole: one bad row written by an older build, or by hand, never turns a
/// pharmacist's queue or a patient's profile into a 500.
pub fn readable<T>(what: &'static str, id: &str, parsed: anyhow::Result<T>) -> Option<T> {
    match parsed {
        Ok(value) => Some(value),
        Err(error) => {
            tracing::warn!(what, id, error = %error, "skipped a stored row that cannot be read");
            None
        }
    }
}

pub fn parse_uuid(s: &str) -> anyhow::Result<uuid::Uuid> {
    Ok(uuid::Uuid::from_str(s)?)
}

/// One row of the append-only audit log.
pub struct Audit<'a> {
    pub actor_kind: &'a str,
    pub actor_id: Option<String>,
    pub patient_id: Option<String>,
    pub action: &'a str,
    pub outcome: &'a str,
    pub detail: Option<String>,
    pub source_ip: Option<String>,
}

pub async fn audit<'e, E>(executor: E, entry: Audit<'_>) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Sqlite>,
{
    sqlx::query(
        "INSERT INTO audit_log (at, actor_kind, actor_id, patient_id, action, outcome, detail, source_ip)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(ts(Utc::now()))
    .bind(entry.actor_kind)
    .bind(entry.actor_id)
    .bind(entry.patient_id)
    .bind(entry.action)
    .bind(entry.outcome)
    .bind(entry.detail)
    .bind(entry.source_ip)
    .execute(executor)
    .await?;
    Ok(())
}

/// Audits a request an attempt limit refused: one `limited` row per action and address per attempt window, so a
/// flood of refused guesses does not fill the log; nothing typed is kept (a username field sometimes holds a
/// password).
pub async fn audit_limited(db: &Db, action: &str, actor_id: Option<String>, source_ip: Option<String>) -> Result<(), sqlx::Error> {
    let since = ts(Utc::now() - chrono::Duration::minutes(crate::attempts::WINDOW_MINUTES));
    let mut tx = begin_write(db).await?;
    let recent: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = ? AND source_ip IS ? AND at > ? AND outcome = 'limited'",
    )
    .bind(action)
    .bind(&source_ip)
    .bind(&since)
    .fetch_one(&mut *tx)
    .await?;
    if recent == 0 {
        let entry = Audit {
            actor_kind: if actor_id.is_some() { "pharmacist" } else { "anonymous" },
            actor_id,
            patient_id: None,
            action,
            outcome: "limited",
            detail: Some(format!("refused by the attempt limit; later refusals from this address in {} minutes are not logged", crate::attempts::WINDOW_MINUTES)),
            source_ip,
        };
        audit(&mut *tx, entry).await?;
    }
    tx.commit().await
}

/// Audits a phone's read of its profile (messages, regimen, 60 days of diary): at most one row per device per hour,
/// as a phone reads it every 30 s while open.
pub async fn audit_profile_read(
    db: &Db,
    device_id: &str,
    patient_id: &str,
    source_ip: Option<String>,
) -> Result<(), sqlx::Error> {
    let now = Utc::now();
    let mut tx = begin_write(db).await?;
    let due = sqlx::query(
        "UPDATE devices SET profile_audited_at = ?1 WHERE id = ?2 AND (profile_audited_at IS NULL OR profile_audited_at <= ?3)",
    )
    .bind(ts(now))
    .bind(device_id)
    .bind(ts(now - chrono::Duration::hours(1)))
    .execute(&mut *tx)
    .await?;
    if due.rows_affected() == 1 {
        let entry = Audit {
            actor_kind: "device",
            actor_id: Some(device_id.to_string()),
            patient_id: Some(patient_id.to_string()),
            action: "profile.read",
            outcome: "success",
            detail: Some("first read of the hour".into()),
            source_ip,
        };
        audit(&mut *tx, entry).await?;
    }
    tx.commit().await
}
