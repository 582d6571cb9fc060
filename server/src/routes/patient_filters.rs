//! The patient list's filters (`GET /api/pharmacy/patients?show=…&days=…&drug=…`): patients with no check-in in
//! N days, with adherence (30-day PDC) below 80 %, with a refill due, on hold, or taking a drug. They read the
//! figures `patient_status` keeps for the worklists (server/src/worklist.rs), one query per chunk of the list.

use std::collections::HashMap;

use carepath_domain::ValidationError;
use chrono::{DateTime, Duration, NaiveDate, Utc};
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
        if drug.as_ref().is_some_and(|d| d.chars().count() > MAX_DRUG) {
            return Err(ApiError::Invalid(ValidationError::TooLong { field: "drug", max: MAX_DRUG }));
        }
        Ok(ListFilter { show, drug })
    }

    pub fn is_active(&self) -> bool {
        self.show.is_some() || self.drug.is_some()
    }

    /// Whether a patient enrolled at `enrolled_at`, with this status, is kept. `now` and `today` (UTC) are the
    /// server's.
    pub fn keeps(&self, enrolled_at: &str, status: Option<&ListStatus>, now: DateTime<Utc>, today: NaiveDate) -> bool {
        let Some(status) = status else { return !self.is_active() };
        if let Some(drug) = &self.drug {
            if !status.drugs.lines().any(|d| d.contains(drug.as_str())) {
                return false;
            }
        }
        match self.show {
            None => true,
            Some(Show::NoCheckIn { days }) => {
                let since = crate::store::ts(now - Duration::days(days));
                enrolled_at <= since.as_str() && status.last_check_in.as_deref().is_none_or(|last| last < since.as_str())
            }
            Some(Show::LowAdherence) => status.pdc_30_per_mille.is_some_and(|p| p < LOW_PDC_PER_MILLE),
            Some(Show::RefillDue) => {
                status.refill_due_on.as_deref().is_some_and(|due| due <= today.to_string().as_str())
            }
            Some(Show::OnHold) => status.on_hold,
        }
    }
}

/// A patient's figures, as the list's filters read them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ListStatus {
    pub patient_id: String,
    pub last_check_in: Option<String>,
    pub pdc_30_per_mille: Option<i64>,
    pub refill_due_on: Option<String>,
    pub on_hold: bool,
    pub drugs: String,
}

/// The figures of a chunk of patients (their ids as a JSON array), by primary key.
pub const STATUS_SQL: &str = "SELECT patient_id, last_check_in, pdc_30_per_mille, refill_due_on, on_hold, drugs
     FROM patient_status WHERE patient_id IN (SELECT value FROM json_each(?))";

pub fn desk_queries() -> Vec<(&'static str, String)> {
    vec![("patients: figures of a chunk (filters)", STATUS_SQL.into())]
}

/// The figures of these patients, by id.
pub async fn statuses<'a>(
    conn: &mut SqliteConnection,
    ids: impl Iterator<Item = &'a str>,
) -> anyhow::Result<HashMap<String, ListStatus>> {
    let ids = serde_json::to_string(&ids.collect::<Vec<_>>())?;
    let rows: Vec<ListStatus> = sqlx::query_as(STATUS_SQL).bind(ids).fetch_all(&mut *conn).await?;
    Ok(rows.into_iter().map(|s| (s.patient_id.clone(), s)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status() -> ListStatus {
        ListStatus {
            patient_id: "p".into(),
            last_check_in: Some("2026-11-25T10:00:00Z".into()),
            pdc_30_per_mille: Some(790),
            refill_due_on: Some("2026-12-03".into()),
            on_hold: false,
            drugs: "capecitabine\nondansetron".into(),
        }
    }

    #[test]
    fn each_filter_keeps_what_it_names() {
        let now: DateTime<Utc> = "2026-12-01T12:00:00Z".parse().unwrap();
        let today = now.date_naive();
        let enrolled = "2026-10-01T09:00:00Z";
        let keeps = |show: Option<&str>, days: Option<&str>, drug: Option<&str>, s: &ListStatus| {
            ListFilter::parse(show, days, drug).unwrap().keeps(enrolled, Some(s), now, today)
        };
        let s = status();
        assert!(keeps(None, None, None, &s));
        assert!(keeps(Some("low_adherence"), None, None, &s), "79 % is below 80 %");
        assert!(!keeps(Some("low_adherence"), None, None, &ListStatus { pdc_30_per_mille: Some(800), ..s.clone() }));
        assert!(!keeps(Some("low_adherence"), None, None, &ListStatus { pdc_30_per_mille: None, ..s.clone() }), "no PDC is not low");
        assert!(!keeps(Some("refill_due"), None, None, &s), "due in 2 days is not due yet");
        assert!(keeps(Some("refill_due"), None, None, &ListStatus { refill_due_on: Some("2026-12-01".into()), ..s.clone() }));
        assert!(!keeps(Some("no_check_in"), None, None, &s), "a check-in 6 days ago is within 14 days");
        assert!(keeps(Some("no_check_in"), Some("5"), None, &s));
        assert!(keeps(Some("no_check_in"), None, None, &ListStatus { last_check_in: None, ..s.clone() }));
        let new_patient = ListFilter::parse(Some("no_check_in"), None, None).unwrap();
        assert!(!new_patient.keeps("2026-11-30T09:00:00Z", Some(&ListStatus { last_check_in: None, ..s.clone() }), now, today),
            "enrolled yesterday: not yet asked");
        assert!(!keeps(Some("on_hold"), None, None, &s));
        assert!(keeps(Some("on_hold"), None, None, &ListStatus { on_hold: true, ..s.clone() }));
        assert!(keeps(None, None, Some("Capecitabina"), &ListStatus { drugs: "capecitabina".into(), ..s.clone() }));
        assert!(keeps(None, None, Some("CAPE"), &s), "a drug filter matches the start of a name, any case");
        assert!(!keeps(None, None, Some("olaparib"), &s));
        assert!(!keeps(Some("low_adherence"), None, Some("olaparib"), &s), "both must hold");
    }

    #[test]
    fn bad_parameters_are_refused() {
        assert!(ListFilter::parse(Some("sickest"), None, None).is_err());
        assert!(ListFilter::parse(Some("no_check_in"), Some("0"), None).is_err());
        assert!(ListFilter::parse(Some("no_check_in"), Some("91"), None).is_err());
        assert!(ListFilter::parse(Some("no_check_in"), Some("two"), None).is_err());
        assert!(ListFilter::parse(None, None, Some(&"x".repeat(61))).is_err());
        assert_eq!(ListFilter::parse(Some("all"), None, Some("  ")).unwrap(), ListFilter::default());
    }
}
