//! The database: SQLite (WAL, synchronous=FULL: an acknowledged event is on disk), migrations, and small helpers.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

/// The database: one connection that writes, several that only read.
///
/// SQLite has one writer at a time. With every pooled connection free to write, writers waiting for the lock poll for
/// it (SQLite's busy handler sleeps and retries), which made the tail latency under load and, past the busy timeout,
/// "database is locked" 500s (issue #16). Here every write goes through [`Db::write`], a pool of exactly one
/// connection: writers queue for it in order, in memory, and a write never waits on the file lock of another write
/// of this server. Reads go through [`Db::read`], whose connections are opened read-only (a write there fails at
/// once instead of contending), and with WAL they read while the writer writes.
#[derive(Clone, Debug)]
pub struct Db {
    read: SqlitePool,
    write: SqlitePool,
    groups: crate::group_commit::GroupCommit,
}

/// Connections that read (the writer is one more).
const READ_CONNECTIONS: u32 = 8;

impl Db {
    /// For queries that only read.
    pub fn read(&self) -> &SqlitePool {
        &self.read
    }

    /// For every statement that writes, and for reads that must see the writer's order (inside its transaction).
    pub fn write(&self) -> &SqlitePool {
        &self.write
    }

    /// For sync batches: written with every other batch waiting at that moment, in one transaction (`group_commit`).
    pub fn groups(&self) -> &crate::group_commit::GroupCommit {
        &self.groups
    }

    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}

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
        // Only another process (a command such as `site-settings` while the server runs) can hold the write lock
        // against this server's writer.
        .busy_timeout(Duration::from_secs(5));
    // A write waits its turn for the writer as long as a request may take; the request's own timeout ends it sooner.
    let write = SqlitePoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(120))
        .connect_with(options.clone())
        .await?;
    sqlx::migrate!("./migrations").run(&write).await?;
    let read = SqlitePoolOptions::new()
        .max_connections(READ_CONNECTIONS)
        .connect_with(options.read_only(true).create_if_missing(false))
        .await?;
    let groups = crate::group_commit::GroupCommit::start(write.clone());
    Ok(Db { read, write, groups })
}

/// Starts a transaction that writes, on the writer. `BEGIN IMMEDIATE` takes SQLite's write lock up front, so a
/// transaction that reads before it writes never fails with "database is locked" when another process wrote in
/// between.
pub async fn begin_write(db: &Db) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
    db.write.begin_with("BEGIN IMMEDIATE").await
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
/// as a phone reads it every 30 s while open. Whether one is due is read first, so most reads take no turn at the
/// writer; a due row is written in the next group commit (`group_commit`), with the syncs waiting then.
pub async fn audit_profile_read(db: &Db, device_id: &str, patient_id: &str, source_ip: Option<String>) -> anyhow::Result<()> {
    let now = Utc::now();
    let hour_ago = ts(now - chrono::Duration::hours(1));
    let audited: Option<String> =
        sqlx::query_scalar("SELECT profile_audited_at FROM devices WHERE id = ?").bind(device_id).fetch_one(db.read()).await?;
    if audited.is_some_and(|at| at > hour_ago) {
        return Ok(());
    }
    let (device_id, patient_id) = (device_id.to_string(), patient_id.to_string());
    db.groups()
        .write(Box::new(move |conn| {
            Box::pin(async move {
                // Checked again here: another read of the same phone may have written the hour's row meanwhile.
                let due = sqlx::query(
                    "UPDATE devices SET profile_audited_at = ?1 WHERE id = ?2 AND (profile_audited_at IS NULL OR profile_audited_at <= ?3)",
                )
                .bind(ts(now))
                .bind(&device_id)
                .bind(&hour_ago)
                .execute(&mut *conn)
                .await?;
                if due.rows_affected() == 1 {
                    let entry = Audit {
                        actor_kind: "device",
                        actor_id: Some(device_id),
                        patient_id: Some(patient_id),
                        action: "profile.read",
                        outcome: "success",
                        detail: Some("first read of the hour".into()),
                        source_ip,
                    };
                    audit(&mut *conn, entry).await?;
                }
                Ok(())
            })
        }))
        .await
}
