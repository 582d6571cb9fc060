//! The site admin's audit viewer (issue #15 item 7): a site's audit rows newest first, through `audit_sites`
//! (migration 0021), with who acted and for whom by name. Pages are keyset-paged by the row's id.

use carepath_domain::admin::{AuditEntry, AuditPage};

use crate::error::ApiError;
use crate::store::{parse_ts, Db};

/// Rows per page: by default, and at most.
pub const PAGE: i64 = 100;
pub const MAX_PAGE: i64 = 500;
/// Rows a CSV export holds at most.
pub const MAX_EXPORT: i64 = 100_000;

/// The page query: the site's audit ids below `before` (or all), newest first off the index, with names joined by
/// primary key; `since`: only rows from then on (the export).
fn page_sql(after_cursor: bool, since: bool) -> String {
    format!(
        "SELECT a.id, a.at, a.actor_kind, a.actor_id, a.patient_id, a.action, a.outcome, a.detail, a.source_ip,
                ph.display_name, p.display_name, d.caregiver_id, c.name
         FROM (SELECT audit_id FROM audit_sites WHERE site_id = ?1 {} ORDER BY audit_id DESC LIMIT ?2) audit_page
         JOIN audit_log a ON a.id = audit_page.audit_id
         LEFT JOIN pharmacists ph ON a.actor_kind = 'pharmacist' AND ph.id = a.actor_id
         LEFT JOIN patients p ON p.id = a.patient_id
         LEFT JOIN devices d ON a.actor_kind = 'device' AND d.id = a.actor_id
         LEFT JOIN caregivers c ON c.id = d.caregiver_id
         {}",
        if after_cursor { "AND audit_id < ?3" } else { "" },
        if since { "WHERE a.at >= ?3" } else { "" },
    )
}

type Row = (i64, String, String, Option<String>, Option<String>, String, String, Option<String>, Option<String>, Option<String>, Option<String>, Option<String>, Option<String>);

fn entry(row: Row) -> Result<AuditEntry, ApiError> {
    let (id, at, agent_kind, agent_id, patient_id, action, outcome, detail, source_ip, pharmacist, patient, caregiver_id, caregiver) = row;
    let agent_name = match agent_kind.as_str() {
        "pharmacist" => pharmacist,
        "device" if caregiver_id.is_some() => caregiver.map(|name| format!("{name} (caregiver)")),
        "device" => Some("the patient's phone".to_string()),
        _ => None,
    };
    Ok(AuditEntry {
        id,
        at: parse_ts(&at)?,
        agent_kind,
        agent_id,
        agent_name,
        patient_id,
        patient_name: patient,
        action,
        outcome,
        detail,
        source_ip,
    })
}

/// A page of the site's audit log, older than `before` (an id) when given.
pub async fn page(db: &Db, site_id: &str, limit: i64, before: Option<i64>) -> Result<AuditPage, ApiError> {
    let limit = limit.clamp(1, MAX_PAGE);
    let sql = page_sql(before.is_some(), false);
    let mut query = sqlx::query_as::<_, Row>(&sql).bind(site_id).bind(limit + 1);
    if let Some(before) = before {
        query = query.bind(before);
    }
    let mut rows = query.fetch_all(db.read()).await?;
    // Newest first (the page's order; joins need not keep it, and a page is small to sort).
    rows.sort_by(|a, b| b.0.cmp(&a.0));
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let entries = rows.into_iter().map(entry).collect::<Result<Vec<_>, _>>()?;
    let next_cursor = more.then(|| entries.last().map(|e| e.id.to_string())).flatten();
    Ok(AuditPage { entries, next_cursor })
}

/// The site's rows since `since`, newest first (at most [`MAX_EXPORT`]).
pub async fn since(db: &Db, site_id: &str, since: chrono::DateTime<chrono::Utc>) -> Result<Vec<AuditEntry>, ApiError> {
    let mut rows = sqlx::query_as::<_, Row>(&page_sql(false, true))
        .bind(site_id)
        .bind(MAX_EXPORT)
        .bind(crate::store::ts(since))
        .fetch_all(db.read())
        .await?;
    rows.sort_by(|a, b| b.0.cmp(&a.0));
    rows.into_iter().map(entry).collect()
}

/// The viewer's queries, for checking their plans (EXPLAIN QUERY PLAN).
pub fn queries() -> Vec<(&'static str, String)> {
    vec![("audit: page", page_sql(false, false)), ("audit: page after a cursor", page_sql(true, false))]
}
