//! The patient list's filters (`GET /api/pharmacy/patients?show=…&days=…&drug=…`): patients with no check-in in
//! N days, with adherence (30-day PDC) below 80 %, with a refill due, on hold, or taking a drug. They are SQL
//! conditions on the figures `patient_status` keeps for the worklists (server/src/worklist.rs), in the page query.

use std::collections::HashSet;

use carepath_domain::ValidationError;
use chrono::{DateTime, Duration, Utc};
use sqlx::SqliteConnection;

use crate::error::ApiError;

/// PDC below this (in thousandths) is "adherence below 80 %", as on the worklist.
const LOW_PDC_PER_MILLE: i64 = 800;
/// "No check-in in N days": N from 1 to 90, 14 unless asked.
const DEFAULT_DAYS: i64 = 14;
const MAX_DAYS: i64 = 90;
const MAX_DRUG: usize = 60;

/// One filter of `show=`, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Show {
    /// No check-in in the last `days` days, among patients enrolled at least that long.
    NoCheckIn { days: i64 },
    LowAdherence,
    RefillDue,
    OnHold,
}

/// What the list was asked to keep: a `show` filter and/or a drug (folded text the patient's drug names contain).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    pub show: Option<Show>,
    pub drug: Option<String>,
}

fn invalid(message: &'static str) -> ApiError {
    ApiError::Invalid(ValidationError::Inconsistent(message))
}

impl ListFilter {
    /// From the query parameters; an unknown `show`, or `days` out of 1–90, is a 422.
    pub fn parse(show: Option<&str>, days: Option<&str>, drug: Option<&str>) -> Result<ListFilter, ApiError> {
        let days = match days.map(str::trim).filter(|d| !d.is_empty()) {
            None => DEFAULT_DAYS,
            Some(text) => text
                .parse::<i64>()
                .ok()
                .filter(|d| (1..=MAX_DAYS).contains(d))
                .ok_or_else(|| invalid("days must be a whole number from 1 to 90"))?,
        };
        let show = match show.map(str::trim).unwrap_or_default() {
            "" | "all" => None,
            "no_check_in" => Some(Show::NoCheckIn { days }),
            "low_adherence" => Some(Show::LowAdherence),
            "refill_due" => Some(Show::RefillDue),
            "on_hold" => Some(Show::OnHold),
            _ => return Err(invalid("show must be all, no_check_in, low_adherence, refill_due or on_hold")),
        };
        let drug = drug.map(carepath_domain::guide::fold).map(|d| d.trim().to_string()).filter(|d| !d.is_empty());
        if drug.as_ref().is_some_and(|d| d.contains('\n')) {
            return Err(invalid("drug must be one line"));
        }
        if drug.as_ref().is_some_and(|d| d.chars().count() > MAX_DRUG) {
            return Err(ApiError::Invalid(ValidationError::TooLong { field: "drug", max: MAX_DRUG }));
        }
        Ok(ListFilter { show, drug })
    }

    pub fn is_active(&self) -> bool {
        self.show.is_some() || self.drug.is_some()
    }

    /// The filter as SQL over `patients p JOIN patient_status ps`: the conditions (each starting with AND) and
    /// their parameters, in order. `now` is the server's; "today" is its UTC date. The one place the filters are
    /// defined: the list's page query and the check of a date or MRN search both use it.
    pub fn conditions(&self, now: DateTime<Utc>) -> (String, Vec<String>) {
        let mut sql = String::new();
        let mut binds = Vec::new();
        if let Some(drug) = &self.drug {
            sql.push_str(" AND instr(ps.drugs, ?) > 0");
            binds.push(drug.clone());
        }
        match self.show {
            None => {}
            Some(Show::NoCheckIn { days }) => {
                let since = crate::store::ts(now - Duration::days(days));
                sql.push_str(" AND p.created_at <= ? AND (ps.last_check_in IS NULL OR ps.last_check_in < ?)");
                binds.extend([since.clone(), since]);
            }
            Some(Show::LowAdherence) => sql.push_str(&format!(" AND ps.pdc_30_per_mille < {LOW_PDC_PER_MILLE}")),
            Some(Show::RefillDue) => {
                sql.push_str(" AND ps.refill_due_on <= ?");
                binds.push(now.date_naive().to_string());
            }
            Some(Show::OnHold) => sql.push_str(" AND ps.on_hold = 1"),
        }
        (sql, binds)
    }
}

/// A page of the site's patients the filter keeps, newest first (`after`: from a cursor, two more parameters),
/// read along `patients_site_created` with each patient's figures by primary key: (id, name, created_at).
pub fn page_sql(conditions: &str, after: bool) -> String {
    format!(
        "SELECT p.id, p.display_name, p.created_at FROM patients p JOIN patient_status ps ON ps.patient_id = p.id
         WHERE p.site_id = ?{conditions} {} ORDER BY p.created_at DESC, p.id DESC LIMIT ?",
        if after { "AND (p.created_at, p.id) < (?, ?)" } else { "" }
    )
}

/// Which of these patients (their ids as a JSON array) the filter keeps.
fn kept_sql(conditions: &str) -> String {
    format!(
        "SELECT p.id FROM patients p JOIN patient_status ps ON ps.patient_id = p.id
         WHERE p.id IN (SELECT value FROM json_each(?)){conditions}"
    )
}

pub fn desk_queries() -> Vec<(&'static str, String)> {
    let every = " AND instr(ps.drugs, ?) > 0 AND p.created_at <= ? AND (ps.last_check_in IS NULL OR ps.last_check_in < ?)";
    vec![
        ("patients: filtered page", page_sql(every, false)),
        ("patients: filtered page after a cursor", page_sql(every, true)),
        ("patients: filter of a date or MRN search", kept_sql(every)),
    ]
}

/// The ids of these patients that the filter keeps.
pub async fn kept<'a>(
    conn: &mut SqliteConnection,
    filter: &ListFilter,
    ids: impl Iterator<Item = &'a str>,
    now: DateTime<Utc>,
) -> anyhow::Result<HashSet<String>> {
    let (conditions, binds) = filter.conditions(now);
    let sql = kept_sql(&conditions);
    let mut select = sqlx::query_scalar(&sql).bind(serde_json::to_string(&ids.collect::<Vec<_>>())?);
    for b in &binds {
        select = select.bind(b);
    }
    let rows: Vec<String> = select.fetch_all(&mut *conn).await?;
    Ok(rows.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_parameters_are_refused() {
        assert!(ListFilter::parse(Some("sickest"), None, None).is_err());
        assert!(ListFilter::parse(Some("no_check_in"), Some("0"), None).is_err());
        assert!(ListFilter::parse(Some("no_check_in"), Some("91"), None).is_err());
        assert!(ListFilter::parse(Some("no_check_in"), Some("two"), None).is_err());
        assert!(ListFilter::parse(None, None, Some(&"x".repeat(61))).is_err());
        assert!(ListFilter::parse(None, None, Some("cape\nola")).is_err());
        assert_eq!(ListFilter::parse(Some("all"), None, Some("  ")).unwrap(), ListFilter::default());
    }
}
