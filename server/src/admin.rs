//! What a site admin changes (issue #15 item 2): the site's accounts (create, turn off and on, reset the second
//! factor), their open sessions, and the site's numbers and triage settings. Every function is limited to the
//! admin's own site and writes its audit row in the transaction of the change.

use chrono::Utc;
use carepath_domain::admin::{Account, NewAccount, OpenSession, Role, SiteChange};
use carepath_domain::ValidationError;
use uuid::Uuid;

use crate::auth::{self, PharmacistAuth};
use crate::error::ApiError;
use crate::store::{self, parse_ts, ts, Audit, Db};

fn audit<'a>(admin: &PharmacistAuth, action: &'a str, detail: String, ip: &Option<String>) -> Audit<'a> {
    Audit {
        actor_kind: "pharmacist",
        actor_id: Some(admin.pharmacist_id.clone()),
        patient_id: None,
        action,
        outcome: "success",
        detail: Some(detail),
        source_ip: ip.clone(),
    }
}

/// The site's accounts, by username.
/// The site's accounts, by username, each with its open sessions and its last sign-in: the newest passed second
/// factor in the audit log (sessions end; the log stays), read through `audit_log_sign_ins` (migration 0022).
const ACCOUNTS_SQL: &str = "SELECT p.id, p.username, p.display_name, p.role, p.disabled_at, p.totp_enabled_at,
            (SELECT MAX(a.at) FROM audit_log a WHERE a.actor_id = p.id
                AND a.action IN ('second_factor', 'second_factor.enable') AND a.outcome = 'success'),
            (SELECT COUNT(*) FROM pharmacist_sessions s WHERE s.pharmacist_id = p.id)
     FROM pharmacists p WHERE p.site_id = ? ORDER BY p.username";

pub async fn accounts(db: &Db, site_id: &str) -> Result<Vec<Account>, ApiError> {
    type Row = (String, String, String, String, Option<String>, Option<String>, Option<String>, i64);
    let rows: Vec<Row> = sqlx::query_as(ACCOUNTS_SQL).bind(site_id).fetch_all(db.read()).await?;
    rows.into_iter()
        .map(|(id, username, display_name, role, disabled_at, totp, last_sign_in, sessions)| {
            Ok(Account {
                id,
                username,
                display_name,
                role: Role::parse(&role).unwrap_or_default(),
                disabled_at: disabled_at.as_deref().map(parse_ts).transpose()?,
                second_factor: totp.is_some(),
                last_sign_in_at: last_sign_in.as_deref().map(parse_ts).transpose()?,
                sessions: sessions as u32,
            })
        })
        .collect()
}

/// The admin page's queries, for checking their plans (EXPLAIN QUERY PLAN).
pub fn queries() -> Vec<(&'static str, String)> {
    vec![("admin: accounts", ACCOUNTS_SQL.into())]
}

/// Creates an account at the admin's site. Its first sign-in sets up its authenticator app.
pub async fn create_account(db: &Db, admin: &PharmacistAuth, new: &NewAccount, ip: &Option<String>) -> Result<String, ApiError> {
    let (username, display_name) = new.checked()?;
    auth::check_password_policy(&new.password).map_err(|_| ValidationError::Inconsistent("a password has 12 to 128 characters"))?;
    let password = new.password.clone();
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password)).await.map_err(anyhow::Error::from)??;
    let id = Uuid::new_v4().to_string();
    let mut tx = store::begin_write(db).await?;
    let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pharmacists WHERE username = ?").bind(&username).fetch_one(&mut *tx).await?;
    if taken > 0 {
        return Err(ApiError::UsernameTaken);
    }
    sqlx::query(
        "INSERT INTO pharmacists (id, site_id, username, display_name, password_hash, created_at, role) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(&admin.site_id)
    .bind(&username)
    .bind(&display_name)
    .bind(hash)
    .bind(ts(Utc::now()))
    .bind(new.role.as_str())
    .execute(&mut *tx)
    .await?;
    store::audit(&mut *tx, audit(admin, "admin.account.create", format!("{id} {username} {}", new.role.as_str()), ip)).await?;
    tx.commit().await?;
    Ok(id)
}

/// The account, if it belongs to the admin's site.
async fn own_account(conn: &mut sqlx::SqliteConnection, admin: &PharmacistAuth, account_id: &str) -> Result<String, ApiError> {
    let username: Option<String> = sqlx::query_scalar("SELECT username FROM pharmacists WHERE id = ? AND site_id = ?")
        .bind(account_id)
        .bind(&admin.site_id)
        .fetch_optional(&mut *conn)
        .await?;
    username.ok_or(ApiError::NotFound)
}

/// What an admin does to an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountChange {
    /// Turned off: it cannot sign in, and its sessions end.
    Disable,
    Enable,
    /// Its authenticator and recovery codes go; its sessions end; its next sign-in sets one up again.
    ResetSecondFactor,
}

pub async fn change_account(
    db: &Db,
    admin: &PharmacistAuth,
    account_id: &str,
    change: AccountChange,
    ip: &Option<String>,
) -> Result<(), ApiError> {
    if change == AccountChange::Disable && account_id == admin.pharmacist_id {
        return Err(ValidationError::Inconsistent("an admin cannot turn off their own account").into());
    }
    let mut tx = store::begin_write(db).await?;
    let username = own_account(&mut tx, admin, account_id).await?;
    let action = match change {
        AccountChange::Disable => {
            sqlx::query("UPDATE pharmacists SET disabled_at = COALESCE(disabled_at, ?) WHERE id = ?")
                .bind(ts(Utc::now()))
                .bind(account_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM pharmacist_sessions WHERE pharmacist_id = ?").bind(account_id).execute(&mut *tx).await?;
            "admin.account.disable"
        }
        AccountChange::Enable => {
            sqlx::query("UPDATE pharmacists SET disabled_at = NULL WHERE id = ?").bind(account_id).execute(&mut *tx).await?;
            "admin.account.enable"
        }
        AccountChange::ResetSecondFactor => {
            crate::second_factor::reset_in(&mut tx, account_id).await?;
            "admin.second_factor.reset"
        }
    };
    store::audit(&mut *tx, audit(admin, action, format!("{account_id} {username}"), ip)).await?;
    tx.commit().await?;
    Ok(())
}

/// The open sessions of the site's accounts, newest first. The id is a prefix of the session's hash: enough to
/// name it, useless as a cookie.
pub async fn sessions(db: &Db, admin: &PharmacistAuth) -> Result<Vec<OpenSession>, ApiError> {
    type Row = (String, String, String, String, String, String, Option<String>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT s.token_hash, p.id, p.username, p.display_name, s.created_at, s.last_seen_at, s.second_factor_at
         FROM pharmacist_sessions s JOIN pharmacists p ON p.id = s.pharmacist_id
         WHERE p.site_id = ? ORDER BY s.created_at DESC",
    )
    .bind(&admin.site_id)
    .fetch_all(db.read())
    .await?;
    rows.into_iter()
        .map(|(hash, account_id, username, display_name, started, seen, passed)| {
            Ok(OpenSession {
                id: hash[..SESSION_ID_LEN].to_string(),
                current: hash == admin.session_hash,
                account_id,
                username,
                display_name,
                started_at: parse_ts(&started)?,
                last_seen_at: parse_ts(&seen)?,
                second_factor_passed: passed.is_some(),
            })
        })
        .collect()
}

/// Hex digits of a session's hash that name it on the admin page (80 bits: no two sessions share them).
const SESSION_ID_LEN: usize = 20;

/// Ends one session of the site's accounts.
pub async fn end_session(db: &Db, admin: &PharmacistAuth, session_id: &str, ip: &Option<String>) -> Result<(), ApiError> {
    if session_id.len() != SESSION_ID_LEN || !session_id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiError::NotFound);
    }
    let mut tx = store::begin_write(db).await?;
    let found: Option<(String, String)> = sqlx::query_as(
        "SELECT s.token_hash, p.username FROM pharmacist_sessions s JOIN pharmacists p ON p.id = s.pharmacist_id
         WHERE substr(s.token_hash, 1, ?) = ? AND p.site_id = ?",
    )
    .bind(SESSION_ID_LEN as i64)
    .bind(session_id.to_ascii_lowercase())
    .bind(&admin.site_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (hash, username) = found.ok_or(ApiError::NotFound)?;
    sqlx::query("DELETE FROM pharmacist_sessions WHERE token_hash = ?").bind(&hash).execute(&mut *tx).await?;
    store::audit(&mut *tx, audit(admin, "admin.session.end", format!("{session_id} {username}"), ip)).await?;
    tx.commit().await?;
    Ok(())
}

/// Changes the site's numbers and triage settings (within the safe bounds); phones get them at their next sync.
pub async fn change_site(db: &Db, admin: &PharmacistAuth, change: &SiteChange, ip: &Option<String>) -> Result<(), ApiError> {
    let (fever, window): (i64, i64) =
        sqlx::query_as("SELECT fever_threshold_c_tenths, acknowledged_window_hours FROM sites WHERE id = ?")
            .bind(&admin.site_id)
            .fetch_one(db.read())
            .await?;
    let current = crate::triage::site_settings(fever, window)?;
    let change = change.checked(current)?;
    let mut tx = store::begin_write(db).await?;
    sqlx::query(
        "UPDATE sites SET phone = COALESCE(?, phone), after_hours_phone = COALESCE(?, after_hours_phone),
                          fever_threshold_c_tenths = COALESCE(?, fever_threshold_c_tenths),
                          acknowledged_window_hours = COALESCE(?, acknowledged_window_hours) WHERE id = ?",
    )
    .bind(&change.phone)
    .bind(&change.after_hours_phone)
    .bind(change.fever_threshold_c_tenths)
    .bind(change.acknowledged_window_hours.map(i64::from))
    .bind(&admin.site_id)
    .execute(&mut *tx)
    .await?;
    let detail = serde_json::to_string(&change).map_err(anyhow::Error::from)?;
    store::audit(&mut *tx, audit(admin, "admin.site.update", detail, ip)).await?;
    tx.commit().await?;
    Ok(())
}
