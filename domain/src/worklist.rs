//! The pharmacist's worklists: the daily follow-up of a medically integrated pharmacy, beside the alert queue.
//!
//! From a patient's regimen lines, dose records, last check-in and cadence, [`patient_status`] works out what the
//! desk should follow up today, each as a [`DueItem`] in one [`Worklist`]:
//! - **follow-up call**: a line started 7 to 14 days ago (the new-start call);
//! - **stopped logging**: at least the site's [`SiteWorklistSettings::unrecorded_doses_alert`] expected doses
//!   since the last dose record (within [`UNRECORDED_LOOKBACK_DAYS`], and since enrollment) have no record;
//! - **check-in overdue**: the cadence passed since the last check-in (or enrollment) without one;
//! - **refill**: `adherence::summarize` says a refill is due, or the patient asked for one since the last dispense;
//! - **low PDC**: days covered by dispenses below 80 % over the last 30 days.
//!
//! Each item has a key, so that marking it done (with a note, kept) takes it off the list until the thing is due
//! again: a new-start call is done once per line, a check-in once per due date, a refill once per run-out date or
//! request, stopped logging once per episode (since the last record), low PDC once per calendar month.
//! Pure: the server keeps the result per patient (`patient_status`, `worklist_items`) and reads the lists by index.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::adherence::{self, DiaryRecord};
use crate::regimen::RegimenLine;
use crate::schedule::{add_days, DayPlan};

/// A line whose start is this many days ago (through [`FOLLOW_UP_TO_DAYS`]) is due for its follow-up call.
pub const FOLLOW_UP_FROM_DAYS: i64 = 7;
pub const FOLLOW_UP_TO_DAYS: i64 = 14;
/// Unrecorded doses that put a patient on "stopped logging" (and raise one routine alert), unless the site sets it.
pub const DEFAULT_UNRECORDED_DOSES_ALERT: u32 = 4;
pub const MIN_UNRECORDED_DOSES_ALERT: u32 = 2;
pub const MAX_UNRECORDED_DOSES_ALERT: u32 = 28;
/// How far back unrecorded doses are counted (a 5-year-old regimen is never expanded whole).
pub const UNRECORDED_LOOKBACK_DAYS: u64 = 14;
/// The PDC window and the line below which a patient is listed.
pub const PDC_DAYS: u32 = 30;
pub const LOW_PDC_PER_MILLE: u32 = 800;
/// A note when marking an item done or documenting an intervention.
pub const MAX_NOTE: usize = 2000;

/// The five lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Worklist {
    FollowUp,
    StoppedLogging,
    CheckInOverdue,
    Refill,
    LowPdc,
}

impl Worklist {
    pub const ALL: [Worklist; 5] =
        [Worklist::FollowUp, Worklist::StoppedLogging, Worklist::CheckInOverdue, Worklist::Refill, Worklist::LowPdc];

    /// As stored and in URLs, e.g. `follow_up`.
    pub fn as_str(self) -> &'static str {
        match self {
            Worklist::FollowUp => "follow_up",
            Worklist::StoppedLogging => "stopped_logging",
            Worklist::CheckInOverdue => "check_in_overdue",
            Worklist::Refill => "refill",
            Worklist::LowPdc => "low_pdc",
        }
    }

    pub fn parse(text: &str) -> Option<Worklist> {
        Worklist::ALL.into_iter().find(|l| l.as_str() == text)
    }
}

/// The site's worklist setting, bounded like `triage::SiteSettings::validated`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteWorklistSettings {
    pub unrecorded_doses_alert: u32,
}

impl Default for SiteWorklistSettings {
    fn default() -> Self {
        SiteWorklistSettings { unrecorded_doses_alert: DEFAULT_UNRECORDED_DOSES_ALERT }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the unrecorded doses that flag a patient must be {MIN_UNRECORDED_DOSES_ALERT} to {MAX_UNRECORDED_DOSES_ALERT}")]
pub struct WorklistSettingsError;

impl SiteWorklistSettings {
    pub fn validated(self) -> Result<Self, WorklistSettingsError> {
        if !(MIN_UNRECORDED_DOSES_ALERT..=MAX_UNRECORDED_DOSES_ALERT).contains(&self.unrecorded_doses_alert) {
            return Err(WorklistSettingsError);
        }
        Ok(self)
    }
}

/// What the status needs to know about one patient.
#[derive(Debug, Clone)]
pub struct PatientFacts<'a> {
    pub lines: &'a [RegimenLine],
    /// Each line's diary records, in recorded order (`sync::diary_records`).
    pub records: &'a [(Uuid, Vec<DiaryRecord>)],
    pub last_check_in: Option<DateTime<Utc>>,
    /// The newest refill request since the last dispense of any line: its event id and when it was made.
    pub open_refill_request: Option<(Uuid, NaiveDate)>,
    pub enrolled_at: DateTime<Utc>,
    pub check_in_every_days: u16,
    /// The patient's calendar date.
    pub today: NaiveDate,
    pub settings: SiteWorklistSettings,
}

/// One thing to follow up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DueItem {
    pub list: Worklist,
    /// Marking this key done takes the item off the list (see the module notes).
    pub key: String,
    /// Since when it is due (low PDC: today).
    pub due_on: NaiveDate,
    /// The line it is about, if one.
    pub regimen_line_id: Option<Uuid>,
}

/// A patient's figures as of `today`, and what is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PatientStatus {
    pub last_dose_date: Option<NaiveDate>,
    /// Expected doses since the last record (within the lookback) with no record.
    pub unrecorded_doses: u32,
    /// What makes this a stopping-logging episode: the date of the last record (`none` before any); one alert each.
    pub logging_episode: String,
    /// The lowest of the lines' 30-day PDC, in thousandths (`None`: no dispense recorded before the window's end).
    pub pdc_30_per_mille: Option<u32>,
    /// The earliest day a refill is due (run-out less the reminder days) of any line.
    pub refill_due_on: Option<NaiveDate>,
    pub check_in_due_on: NaiveDate,
    pub due: Vec<DueItem>,
}

impl PatientStatus {
    pub fn stopped_logging(&self) -> bool {
        self.due.iter().any(|d| d.list == Worklist::StoppedLogging)
    }
}

/// What is due for one patient today.
pub fn patient_status(facts: &PatientFacts<'_>) -> PatientStatus {
    let today = facts.today;
    let yesterday = today.pred_opt().unwrap_or(today);
    let mut due = Vec::new();

    // New starts: the follow-up call between day 7 and day 14.
    for line in facts.lines {
        let days = (today - line.regimen.start).num_days();
        if (FOLLOW_UP_FROM_DAYS..=FOLLOW_UP_TO_DAYS).contains(&days) && is_active(line, today) {
            due.push(DueItem {
                list: Worklist::FollowUp,
                key: line.id.to_string(),
                due_on: add_days(line.regimen.start, FOLLOW_UP_FROM_DAYS as u64),
                regimen_line_id: Some(line.id),
            });
        }
    }

    // Stopped logging: expected doses after the last record of any line, through yesterday.
    let records_of = |id: Uuid| facts.records.iter().find(|(l, _)| *l == id).map(|(_, r)| r.as_slice()).unwrap_or(&[]);
    let last_dose_date = facts.records.iter().flat_map(|(_, r)| r.iter().map(|r| r.date)).filter(|d| *d <= today).max();
    let lookback = today - chrono::Days::new(UNRECORDED_LOOKBACK_DAYS);
    // Doses before enrollment could not be logged in the app.
    let floor = lookback.max(facts.enrolled_at.date_naive());
    let from = last_dose_date.map_or(floor, |d| d.succ_opt().unwrap_or(d).max(floor));
    let mut unrecorded = 0u32;
    for line in facts.lines {
        let Ok(schedule) = line.schedule() else { continue };
        if from <= yesterday {
            unrecorded += schedule.expected_doses(from.max(line.regimen.start), yesterday).len() as u32;
        }
    }
    let logging_episode = last_dose_date.map_or_else(|| "none".to_string(), |d| d.to_string());
    if unrecorded >= facts.settings.unrecorded_doses_alert {
        due.push(DueItem {
            list: Worklist::StoppedLogging,
            key: logging_episode.clone(),
            due_on: from,
            regimen_line_id: None,
        });
    }

    // Check-ins: the cadence passed since the last one (or enrollment).
    let since = facts.last_check_in.unwrap_or(facts.enrolled_at).date_naive();
    let check_in_due_on = add_days(since, u64::from(facts.check_in_every_days.max(1)));
    if check_in_due_on < today {
        due.push(DueItem {
            list: Worklist::CheckInOverdue,
            key: check_in_due_on.to_string(),
            due_on: check_in_due_on,
            regimen_line_id: None,
        });
    }

    // Refills, and PDC over the last 30 days.
    let mut refill_due_on: Option<(NaiveDate, Uuid)> = None;
    let mut pdc_30: Option<u32> = None;
    for line in facts.lines.iter().filter(|l| is_active(l, today)) {
        if let Ok(summary) = adherence::summarize(line, records_of(line.id), today) {
            if let Some(run_out) = summary.run_out.filter(|_| summary.refill_due) {
                let on = run_out - chrono::Days::new(u64::from(line.refill_reminder_days));
                if refill_due_on.is_none_or(|(d, _)| on < d) {
                    refill_due_on = Some((on, line.id));
                }
            }
        }
        let dispenses = line.dispense_list();
        if dispenses.iter().any(|d| d.date <= yesterday) {
            let window_from = today - chrono::Days::new(u64::from(PDC_DAYS));
            let first = dispenses.iter().map(|d| d.date).min().unwrap_or(window_from);
            if let Ok(pdc) = adherence::pdc(&dispenses, window_from.max(first).max(line.regimen.start), yesterday) {
                pdc_30 = Some(pdc_30.map_or(pdc.per_mille(), |p| p.min(pdc.per_mille())));
            }
        }
    }
    if let Some((request, on)) = facts.open_refill_request {
        due.push(DueItem { list: Worklist::Refill, key: format!("request:{request}"), due_on: on, regimen_line_id: None });
    } else if let Some((on, line)) = refill_due_on {
        due.push(DueItem { list: Worklist::Refill, key: format!("due:{line}:{on}"), due_on: on, regimen_line_id: Some(line) });
    }
    if pdc_30.is_some_and(|p| p < LOW_PDC_PER_MILLE) {
        due.push(DueItem {
            list: Worklist::LowPdc,
            key: format!("{:04}-{:02}", today.year(), today.month()),
            due_on: today,
            regimen_line_id: None,
        });
    }

    PatientStatus {
        last_dose_date,
        unrecorded_doses: unrecorded,
        logging_episode,
        pdc_30_per_mille: pdc_30,
        refill_due_on: refill_due_on.map(|(d, _)| d),
        check_in_due_on,
        due,
    }
}

/// A line the patient is taking or will take again (not stopped for good).
fn is_active(line: &RegimenLine, today: NaiveDate) -> bool {
    match line.schedule() {
        Ok(schedule) => !matches!(schedule.day_plan(today), DayPlan::Stopped { .. }),
        Err(_) => false,
    }
}

/// The PDC band a program reports: `<50`, `50–79`, `80–89`, `≥90` %.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PdcBand {
    Below50,
    From50To79,
    From80To89,
    AtLeast90,
}

impl PdcBand {
    pub const ALL: [PdcBand; 4] = [PdcBand::Below50, PdcBand::From50To79, PdcBand::From80To89, PdcBand::AtLeast90];

    pub fn of(per_mille: u32) -> PdcBand {
        match per_mille {
            0..500 => PdcBand::Below50,
            500..800 => PdcBand::From50To79,
            800..900 => PdcBand::From80To89,
            _ => PdcBand::AtLeast90,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PdcBand::Below50 => "below_50",
            PdcBand::From50To79 => "50_to_79",
            PdcBand::From80To89 => "80_to_89",
            PdcBand::AtLeast90 => "at_least_90",
        }
    }
}

// ---- the API's types --------------------------------------------------------------------------------------

/// One item of a list, for the desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorklistItem {
    pub list: Worklist,
    pub patient_id: Uuid,
    pub patient_name: String,
    pub key: String,
    pub due_on: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regimen_line_id: Option<Uuid>,
    /// The drug of that line, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drug_name: Option<String>,
    pub unrecorded_doses: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pdc_30_per_mille: Option<u32>,
}

/// A page of one list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorklistPage {
    pub list: Worklist,
    pub items: Vec<WorklistItem>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// How many items each list holds (for the dashboard and the tabs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorklistCounts {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::worklist_counts))]
    pub counts: Vec<(Worklist, u32)>,
}

impl WorklistCounts {
    pub fn of(&self, list: Worklist) -> u32 {
        self.counts.iter().find(|(l, _)| *l == list).map_or(0, |(_, n)| *n)
    }
}

/// Marks an item done: its key, a note, and optionally the intervention it took.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DoneRequest {
    pub patient_id: Uuid,
    pub key: String,
    #[serde(default)]
    pub note: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intervention: Option<crate::intervention::InterventionRequest>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adherence::{Dispense, DoseOutcome};
    use crate::regimen::{DoseSlot, RecordedDispense};
    use crate::schedule::{CyclePattern, DoseAmount, FoodInstruction, Regimen, SlotDose};

    fn next_id() -> Uuid {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Uuid::from_u128(u128::from(NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)))
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn line(start: &str, slots: &[DoseSlot]) -> RegimenLine {
        let doses = slots
            .iter()
            .map(|slot| SlotDose {
                slot: *slot,
                amount: DoseAmount { mg: Some(500), half_tablets: Some(2) },
                time: chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
                food: FoodInstruction::WithFood,
            })
            .collect();
        RegimenLine {
            id: next_id(),
            regimen: Regimen {
                version: 1,
                drug_name: "Capecitabine".into(),
                strength: "500 mg".into(),
                doses,
                pattern: CyclePattern::Continuous,
                start: day(start),
                first_cycle: 1,
                time_zone: chrono_tz::UTC,
            },
            changes: vec![],
            dispenses: vec![],
            refill_reminder_days: 7,
        }
    }

    fn record(date: &str, slot: DoseSlot) -> DiaryRecord {
        DiaryRecord { id: next_id(), supersedes: None, date: day(date), slot, kind: DoseOutcome::Taken, taken_at: None }
    }

    fn facts<'a>(lines: &'a [RegimenLine], records: &'a [(Uuid, Vec<DiaryRecord>)], today: &str) -> PatientFacts<'a> {
        let today = day(today);
        PatientFacts {
            lines,
            records,
            last_check_in: Some(today.and_hms_opt(9, 0, 0).unwrap().and_utc()),
            open_refill_request: None,
            enrolled_at: day("2026-01-01").and_hms_opt(9, 0, 0).unwrap().and_utc(),
            check_in_every_days: 7,
            today,
            settings: SiteWorklistSettings::default(),
        }
    }

    fn lists(status: &PatientStatus) -> Vec<Worklist> {
        status.due.iter().map(|d| d.list).collect()
    }

    #[test]
    fn a_new_start_is_due_for_its_call_from_day_7_through_day_14() {
        let lines = [line("2026-11-01", &[DoseSlot::Daily])];
        let records: Vec<(Uuid, Vec<DiaryRecord>)> = vec![(lines[0].id, vec![record("2026-11-30", DoseSlot::Daily)])];
        for (today, due) in [("2026-11-07", false), ("2026-11-08", true), ("2026-11-15", true), ("2026-11-16", false)] {
            let mut r = records.clone();
            r[0].1 = vec![record(&(day(today) - chrono::Days::new(1)).to_string(), DoseSlot::Daily)];
            let status = patient_status(&facts(&lines, &r, today));
            assert_eq!(lists(&status).contains(&Worklist::FollowUp), due, "{today}");
        }
        let status = patient_status(&facts(&lines, &records, "2026-11-09"));
        let item = status.due.iter().find(|d| d.list == Worklist::FollowUp).unwrap();
        assert_eq!((item.key.as_str(), item.due_on), (lines[0].id.to_string().as_str(), day("2026-11-08")));
    }

    #[test]
    fn unrecorded_doses_count_from_the_last_record_and_flag_at_the_site_setting() {
        let lines = [line("2026-10-01", &[DoseSlot::Morning, DoseSlot::Evening])];
        // Last record on the 20th: the 21st through the 28th (8 days, 16 doses) have none.
        let records = vec![(lines[0].id, vec![record("2026-11-20", DoseSlot::Morning)])];
        let status = patient_status(&facts(&lines, &records, "2026-11-29"));
        assert_eq!(status.unrecorded_doses, 16);
        assert_eq!(status.logging_episode, "2026-11-20");
        assert!(status.stopped_logging());
        // Logged yesterday: nothing unrecorded.
        let records = vec![(lines[0].id, vec![record("2026-11-28", DoseSlot::Evening)])];
        let status = patient_status(&facts(&lines, &records, "2026-11-29"));
        assert_eq!(status.unrecorded_doses, 0);
        assert!(!status.stopped_logging());
        // Two days without: 4 doses, flagged at the default 4, not at a site's 5.
        let records = vec![(lines[0].id, vec![record("2026-11-26", DoseSlot::Evening)])];
        let mut f = facts(&lines, &records, "2026-11-29");
        assert!(patient_status(&f).stopped_logging());
        f.settings.unrecorded_doses_alert = 5;
        assert!(!patient_status(&f).stopped_logging());
    }

    #[test]
    fn never_logging_counts_the_lookback_only() {
        let lines = [line("2021-01-01", &[DoseSlot::Daily])];
        let status = patient_status(&facts(&lines, &[], "2026-11-29"));
        assert_eq!(status.unrecorded_doses, UNRECORDED_LOOKBACK_DAYS as u32);
        assert_eq!(status.logging_episode, "none");
        // Enrolled 3 days ago: only the doses since could have been logged.
        let mut f = facts(&lines, &[], "2026-11-29");
        f.enrolled_at = day("2026-11-26").and_hms_opt(15, 0, 0).unwrap().and_utc();
        assert_eq!(patient_status(&f).unrecorded_doses, 3);
    }

    #[test]
    fn a_check_in_is_overdue_once_the_cadence_has_passed() {
        let lines = [line("2026-10-01", &[DoseSlot::Daily])];
        let records = vec![(lines[0].id, vec![record("2026-11-28", DoseSlot::Daily)])];
        let mut f = facts(&lines, &records, "2026-11-29");
        f.last_check_in = Some(day("2026-11-22").and_hms_opt(10, 0, 0).unwrap().and_utc());
        assert!(!lists(&patient_status(&f)).contains(&Worklist::CheckInOverdue), "due today, not overdue");
        f.last_check_in = Some(day("2026-11-21").and_hms_opt(10, 0, 0).unwrap().and_utc());
        let status = patient_status(&f);
        let item = status.due.iter().find(|d| d.list == Worklist::CheckInOverdue).unwrap();
        assert_eq!(item.due_on, day("2026-11-28"));
        f.check_in_every_days = 14;
        assert!(!lists(&patient_status(&f)).contains(&Worklist::CheckInOverdue));
    }

    fn dispensed(line: &mut RegimenLine, date: &str, days_supply: u32, tablets: u32) {
        line.dispenses.push(RecordedDispense {
            id: next_id(),
            dispense: Dispense { date: day(date), days_supply, tablets },
            recorded_at: Utc::now(),
            by: "Pat".into(),
        });
    }

    #[test]
    fn pdc_below_80_percent_over_30_days_and_refill_due_before_run_out() {
        let mut l = line("2026-09-01", &[DoseSlot::Daily]);
        // 30 days' supply on Oct 15 covers through Nov 13: of Oct 30 – Nov 28, 15 of 30 days covered.
        dispensed(&mut l, "2026-10-15", 30, 60);
        let lines = [l];
        let records = vec![(lines[0].id, vec![record("2026-11-28", DoseSlot::Daily)])];
        let status = patient_status(&facts(&lines, &records, "2026-11-29"));
        assert_eq!(status.pdc_30_per_mille, Some(500));
        assert!(lists(&status).contains(&Worklist::LowPdc));
        let low = status.due.iter().find(|d| d.list == Worklist::LowPdc).unwrap();
        assert_eq!(low.key, "2026-11");
        assert_eq!(PdcBand::of(500), PdcBand::From50To79);

        let mut l = line("2026-11-01", &[DoseSlot::Daily]);
        dispensed(&mut l, "2026-11-01", 30, 30); // a tablet a dose: runs out on Dec 1
        let lines = [l];
        let records: Vec<(Uuid, Vec<DiaryRecord>)> = vec![(
            lines[0].id,
            day("2026-11-01").iter_days().take(25).map(|d| record(&d.to_string(), DoseSlot::Daily)).collect(),
        )];
        let status = patient_status(&facts(&lines, &records, "2026-11-26"));
        assert_eq!(status.refill_due_on, Some(day("2026-11-24")));
        assert!(lists(&status).contains(&Worklist::Refill));
        assert!(!lists(&status).contains(&Worklist::LowPdc));
        let status = patient_status(&facts(&lines, &records, "2026-11-20"));
        assert!(!lists(&status).contains(&Worklist::Refill), "a week and more before run-out");
    }

    #[test]
    fn a_refill_request_is_listed_by_its_own_key() {
        let lines = [line("2026-10-01", &[DoseSlot::Daily])];
        let records = vec![(lines[0].id, vec![record("2026-11-28", DoseSlot::Daily)])];
        let mut f = facts(&lines, &records, "2026-11-29");
        let request = next_id();
        f.open_refill_request = Some((request, day("2026-11-27")));
        let status = patient_status(&f);
        let item = status.due.iter().find(|d| d.list == Worklist::Refill).unwrap();
        assert_eq!(item.key, format!("request:{request}"));
    }

    #[test]
    fn settings_are_bounded_and_lists_round_trip() {
        assert!(SiteWorklistSettings { unrecorded_doses_alert: 1 }.validated().is_err());
        assert!(SiteWorklistSettings { unrecorded_doses_alert: 29 }.validated().is_err());
        assert!(SiteWorklistSettings { unrecorded_doses_alert: 4 }.validated().is_ok());
        for list in Worklist::ALL {
            assert_eq!(Worklist::parse(list.as_str()), Some(list));
            assert_eq!(serde_json::to_value(list).unwrap(), serde_json::Value::String(list.as_str().into()));
        }
        assert_eq!(Worklist::parse("all"), None);
        assert_eq!(
            [0, 499, 500, 799, 800, 899, 900, 1000].map(PdcBand::of),
            [
                PdcBand::Below50,
                PdcBand::Below50,
                PdcBand::From50To79,
                PdcBand::From50To79,
                PdcBand::From80To89,
                PdcBand::From80To89,
                PdcBand::AtLeast90,
                PdcBand::AtLeast90
            ]
        );
    }
}
