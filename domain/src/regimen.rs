//! A patient's regimen lines as the pharmacy sets them and the device receives them: the prescribed
//! [`Regimen`] (drug, doses, cycle pattern, start), the care team's later decisions as an append-only list of
//! [`RecordedChange`]s, and the supply dispensed. The schedule, adherence and run-out estimates are all
//! computed from this one record, on the device and on the server alike.

use crate::sorting;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::adherence::Dispense;
use crate::schedule::{Regimen, RegimenChange, Schedule, ScheduleError};
use crate::ValidationError;

/// Which dose of the day an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DoseSlot {
    /// The only dose of a once-daily regimen.
    Daily,
    Morning,
    Evening,
}

pub const MAX_DRUG_NAME: usize = 120;

/// How far back a regimen may start: a patient who transfers mid-treatment brings a start date with them, but not one
/// from before anyone now on oral therapy began it. Together with the bounds below this keeps every schedule
/// expansion (calendar, adherence, triage) bounded, whatever a client sends.
pub const MAX_START_DAYS_BACK: u32 = 5 * 366;
/// How far ahead a regimen may start (a plan set up before the first dispense).
pub const MAX_START_DAYS_AHEAD: u32 = 366;
/// How far ahead a care-team change (or the end of a hold) may be dated.
pub const MAX_CHANGE_DAYS_AHEAD: u32 = 2 * 366;
/// Longest run of days on, or days off, in a cycle.
pub const MAX_CYCLE_PART_DAYS: u16 = 366;

/// `date` lies within `days_back` days before `today` and `days_ahead` days after it.
pub fn date_within(field: &'static str, date: NaiveDate, today: NaiveDate, days_back: u32, days_ahead: u32) -> Result<(), ValidationError> {
    let earliest = today - chrono::Days::new(u64::from(days_back));
    let latest = today + chrono::Days::new(u64::from(days_ahead));
    if date > latest {
        return Err(ValidationError::InFuture(field));
    }
    if date < earliest {
        return Err(ValidationError::TooEarly(field));
    }
    Ok(())
}

/// The dates of a regimen and its changes are plausible on `today`: the start within
/// [`MAX_START_DAYS_BACK`]/[`MAX_START_DAYS_AHEAD`], every change (and hold end) at most [`MAX_CHANGE_DAYS_AHEAD`]
/// ahead (changes before the start are refused by the schedule itself), cycle parts at most
/// [`MAX_CYCLE_PART_DAYS`].
pub fn check_dates(regimen: &Regimen, changes: &[RegimenChange], today: NaiveDate) -> Result<(), ValidationError> {
    date_within("start", regimen.start, today, MAX_START_DAYS_BACK, MAX_START_DAYS_AHEAD)?;
    if let crate::schedule::CyclePattern::OnOff { days_on, days_off } = regimen.pattern {
        if days_on > MAX_CYCLE_PART_DAYS || days_off > MAX_CYCLE_PART_DAYS {
            return Err(ValidationError::Inconsistent("days on and days off are at most 366 each"));
        }
    }
    let far = today + chrono::Days::new(u64::from(MAX_CHANGE_DAYS_AHEAD));
    for change in changes {
        let until = match change {
            RegimenChange::Hold { until, .. } => *until,
            _ => None,
        };
        if change.effective() > far || until.is_some_and(|u| u > far) {
            return Err(ValidationError::InFuture("change date"));
        }
    }
    Ok(())
}

/// Days before the estimated run-out date that the app offers "request a refill", unless the pharmacy sets another.
pub const DEFAULT_REFILL_REMINDER_DAYS: u16 = 7;
/// The longest refill reminder a pharmacist can set.
pub const MAX_REFILL_REMINDER_DAYS: u16 = 30;

fn default_refill_reminder_days() -> u16 {
    DEFAULT_REFILL_REMINDER_DAYS
}

/// A care-team decision as stored: the change, when and by whom it was recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordedChange {
    pub id: Uuid,
    pub change: RegimenChange,
    pub recorded_at: DateTime<Utc>,
    /// The pharmacist's name as they sign it.
    pub by: String,
}

/// A dispense as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordedDispense {
    pub id: Uuid,
    #[serde(flatten)]
    pub dispense: Dispense,
    pub recorded_at: DateTime<Utc>,
    pub by: String,
}

/// One drug of a patient's treatment, with everything decided about it since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegimenLine {
    pub id: Uuid,
    pub regimen: Regimen,
    /// In the order recorded (that order breaks ties between changes of one date).
    #[serde(default)]
    pub changes: Vec<RecordedChange>,
    /// Oldest first.
    #[serde(default)]
    pub dispenses: Vec<RecordedDispense>,
    /// Offer "request a refill" this many days before the estimated run-out date.
    #[serde(default = "default_refill_reminder_days")]
    pub refill_reminder_days: u16,
}

impl RegimenLine {
    pub fn drug_name(&self) -> &str {
        &self.regimen.drug_name
    }

    /// The schedule made by the regimen and its changes.
    pub fn schedule(&self) -> Result<Schedule, ScheduleError> {
        let changes: Vec<RegimenChange> = self.changes.iter().map(|c| c.change.clone()).collect();
        let decisions = self
            .changes
            .iter()
            .filter(|c| matches!(c.change, RegimenChange::Hold { .. } | RegimenChange::Stop { .. }))
            .map(|c| (c.change.effective(), c.recorded_at));
        Ok(Schedule::new(&self.regimen, &changes)?.with_decision_times(decisions))
    }

    pub fn dispense_list(&self) -> Vec<Dispense> {
        self.dispenses.iter().map(|d| d.dispense).collect()
    }

    /// Every time of day this line has ever had a dose at: diary records for other slots are refused.
    pub fn slots(&self) -> Vec<DoseSlot> {
        let mut slots: Vec<DoseSlot> = self.regimen.doses.iter().map(|d| d.slot).collect();
        for change in &self.changes {
            if let RegimenChange::DoseChanged { doses, .. } = &change.change {
                slots.extend(doses.iter().map(|d| d.slot));
            }
        }
        sorting::sort(&mut slots);
        slots.dedup();
        slots
    }

    /// The most recent change recorded at or after `since`, for "Your pharmacy changed … on …".
    pub fn latest_change_since(&self, since: DateTime<Utc>) -> Option<&RecordedChange> {
        self.changes.iter().filter(|c| c.recorded_at >= since).max_by_key(|c| c.recorded_at)
    }
}

/// A new dispense as the pharmacist enters it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DispenseRequest {
    pub regimen_line_id: Uuid,
    pub date: NaiveDate,
    pub tablets: u32,
    pub days_supply: u32,
}

/// Most tablets and days one dispense may record (a 180-day supply of 8 tablets a day).
pub const MAX_DISPENSE_TABLETS: u32 = 1_500;
pub const MAX_DAYS_SUPPLY: u32 = 180;

impl DispenseRequest {
    pub fn validated(self) -> Result<Dispense, ValidationError> {
        if self.tablets == 0 || self.tablets > MAX_DISPENSE_TABLETS {
            return Err(ValidationError::Inconsistent("tablets must be 1 to 1500"));
        }
        if self.days_supply == 0 || self.days_supply > MAX_DAYS_SUPPLY {
            return Err(ValidationError::Inconsistent("days_supply must be 1 to 180"));
        }
        Ok(Dispense { date: self.date, days_supply: self.days_supply, tablets: self.tablets })
    }
}

/// A care-team decision as the pharmacist enters it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangeRequest {
    pub regimen_line_id: Uuid,
    pub change: RegimenChange,
}

/// The pharmacist sets how early the app offers a refill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RefillReminderRequest {
    pub regimen_line_id: Uuid,
    pub days: u16,
}

impl RefillReminderRequest {
    pub fn validated(self) -> Result<u16, ValidationError> {
        if self.days > MAX_REFILL_REMINDER_DAYS {
            return Err(ValidationError::Inconsistent("refill reminder days must be 0 to 30"));
        }
        Ok(self.days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::{CyclePattern, DoseAmount, SlotDose};

    fn line() -> RegimenLine {
        RegimenLine {
            id: Uuid::nil(),
            regimen: Regimen {
                version: 1,
                drug_name: "Capecitabine".into(),
                strength: "500 mg tablets".into(),
                doses: vec![
                    SlotDose::new(DoseSlot::Morning, DoseAmount::mg_tablets(1500, 3)),
                    SlotDose::new(DoseSlot::Evening, DoseAmount::mg_tablets(1500, 3)),
                ],
                pattern: CyclePattern::OnOff { days_on: 14, days_off: 7 },
                start: "2026-11-02".parse().unwrap(),
                first_cycle: 1,
                time_zone: chrono_tz::America::New_York,
            },
            changes: Vec::new(),
            dispenses: Vec::new(),
            refill_reminder_days: DEFAULT_REFILL_REMINDER_DAYS,
        }
    }

    #[test]
    fn a_line_round_trips_through_json_and_defaults_its_lists() {
        let line = line();
        let json = serde_json::to_string(&line).unwrap();
        assert_eq!(serde_json::from_str::<RegimenLine>(&json).unwrap(), line);
        let mut bare: serde_json::Value = serde_json::from_str(&json).unwrap();
        for key in ["changes", "dispenses", "refill_reminder_days"] {
            bare.as_object_mut().unwrap().remove(key);
        }
        assert_eq!(serde_json::from_value::<RegimenLine>(bare).unwrap(), line);
    }

    #[test]
    fn slots_include_those_of_later_dose_changes() {
        let mut line = line();
        assert_eq!(line.slots(), vec![DoseSlot::Morning, DoseSlot::Evening]);
        line.changes.push(RecordedChange {
            id: Uuid::nil(),
            change: RegimenChange::DoseChanged {
                on: "2026-11-10".parse().unwrap(),
                doses: vec![SlotDose::new(DoseSlot::Daily, DoseAmount::tablets(2))],
            },
            recorded_at: "2026-11-09T10:00:00Z".parse().unwrap(),
            by: "Pat".into(),
        });
        assert_eq!(line.slots(), vec![DoseSlot::Daily, DoseSlot::Morning, DoseSlot::Evening]);
        assert!(line.schedule().is_ok());
        assert!(line.latest_change_since("2026-11-09T00:00:00Z".parse().unwrap()).is_some());
        assert!(line.latest_change_since("2026-11-10T00:00:00Z".parse().unwrap()).is_none());
    }

    #[test]
    fn dispenses_and_refill_reminders_are_range_checked() {
        let ok = DispenseRequest { regimen_line_id: Uuid::nil(), date: "2026-11-02".parse().unwrap(), tablets: 84, days_supply: 21 };
        assert_eq!(ok.validated().unwrap().tablets, 84);
        assert!(DispenseRequest { tablets: 0, ..ok }.validated().is_err());
        assert!(DispenseRequest { days_supply: 181, ..ok }.validated().is_err());
        assert!(RefillReminderRequest { regimen_line_id: Uuid::nil(), days: 31 }.validated().is_err());
        assert_eq!(RefillReminderRequest { regimen_line_id: Uuid::nil(), days: 0 }.validated(), Ok(0));
    }

    #[test]
    fn regimen_dates_are_bounded() {
        use crate::schedule::{CyclePattern, DoseAmount, FoodInstruction, SlotDose};
        let today: NaiveDate = "2026-12-01".parse().unwrap();
        let regimen = |start: &str, pattern: CyclePattern| crate::schedule::Regimen {
            version: 1,
            drug_name: "Capecitabine".into(),
            strength: "500 mg".into(),
            doses: vec![SlotDose::new(DoseSlot::Daily, DoseAmount::tablets(2)).with_food(FoodInstruction::WithFood)],
            pattern,
            start: start.parse().unwrap(),
            first_cycle: 1,
            time_zone: chrono_tz::UTC,
        };
        let daily = CyclePattern::Continuous;
        assert_eq!(check_dates(&regimen("2026-11-01", daily.clone()), &[], today), Ok(()));
        assert_eq!(check_dates(&regimen("2021-12-03", daily.clone()), &[], today), Ok(()), "five years back");
        assert_eq!(check_dates(&regimen("2020-01-01", daily.clone()), &[], today), Err(ValidationError::TooEarly("start")));
        assert_eq!(check_dates(&regimen("-262143-01-01", daily.clone()), &[], today), Err(ValidationError::TooEarly("start")));
        assert_eq!(check_dates(&regimen("2028-01-01", daily.clone()), &[], today), Err(ValidationError::InFuture("start")));
        let long = CyclePattern::OnOff { days_on: 1000, days_off: 7 };
        assert!(matches!(check_dates(&regimen("2026-11-01", long), &[], today), Err(ValidationError::Inconsistent(_))));
        let far_hold = RegimenChange::Hold { from: "2026-12-02".parse().unwrap(), until: Some("2099-01-01".parse().unwrap()) };
        assert_eq!(check_dates(&regimen("2026-11-01", daily.clone()), &[far_hold], today), Err(ValidationError::InFuture("change date")));
        let stop = RegimenChange::Stop { on: "2030-01-01".parse().unwrap() };
        assert_eq!(check_dates(&regimen("2026-11-01", daily), &[stop], today), Err(ValidationError::InFuture("change date")));
        assert_eq!(date_within("date", "2026-12-03".parse().unwrap(), today, 10, 1), Err(ValidationError::InFuture("date")));
    }
}
