//! Regimens with cycles, and the doses they make due.
//!
//! A [`Regimen`] is what the pharmacy prescribes at the start: a drug, a dose for each time of day, a
//! [`CyclePattern`] and a start date. What the care team decides later is appended as [`RegimenChange`]s
//! (dose changes, holds, resumes, a stop, a new cycle, a move to another time zone). A [`Schedule`] checks
//! the two together once and then answers, for any date, what the patient should take ([`DayPlan`]) and
//! which doses are due over a range ([`ExpectedDose`]), each with its instant in UTC.
//!
//! Cycle counting: for an on/off pattern the day of the cycle is counted from the latest cycle start (the
//! regimen start, or a [`RegimenChange::NewCycleStart`]). **A hold does not move the cycle**: held days go on
//! counting, so the patient comes back on whatever day of the cycle the calendar has reached. When the care
//! team restarts the cycle after a hold (the usual way to delay a cycle), the pharmacy records a
//! `NewCycleStart` on the day the patient restarts.
//!
//! All dates are the patient's own calendar dates. Nothing here reads the clock.

use crate::sorting;
use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, NaiveTime, TimeZone, Timelike, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

pub use crate::regimen::DoseSlot;
use crate::ValidationError;

/// An exact dose: milligrams, a count of tablets (or capsules) in halves, or both. No floats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DoseAmount {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mg: Option<u32>,
    /// Tablets in halves: 3 tablets = 6, 2½ tablets = 5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub half_tablets: Option<u16>,
}

impl DoseAmount {
    /// `mg` milligrams as `tablets` whole tablets.
    pub fn mg_tablets(mg: u32, tablets: u16) -> Self {
        Self { mg: Some(mg), half_tablets: Some(tablets * 2) }
    }

    /// Whole tablets only.
    pub fn tablets(tablets: u16) -> Self {
        Self { mg: None, half_tablets: Some(tablets * 2) }
    }

    fn is_empty(&self) -> bool {
        self.mg.unwrap_or(0) == 0 && self.half_tablets.unwrap_or(0) == 0
    }
}

impl std::fmt::Display for DoseAmount {
    /// "1500 mg (3 tablets)", "2½ tablets", "100 mg".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tablets = self.half_tablets.map(|h| {
            let (whole, half) = (h / 2, if h % 2 == 1 { "½" } else { "" });
            let noun = if h == 2 { "tablet" } else { "tablets" };
            match (whole, half) {
                (0, _) => format!("½ {noun}"),
                _ => format!("{whole}{half} {noun}"),
            }
        });
        match (self.mg, tablets) {
            (Some(mg), Some(t)) => write!(f, "{mg} mg ({t})"),
            (Some(mg), None) => write!(f, "{mg} mg"),
            (None, Some(t)) => f.write_str(&t),
            (None, None) => Ok(()),
        }
    }
}

/// What to do about meals when taking a dose: the drug's own rule, as its label gives it (the regimen form offers
/// the rule of the drug's guide, `Guide::food`). There is no generic "empty stomach" sentence: each rule carries its
/// own numbers, so abiraterone's "no food 2 hours before and 1 hour after" and capecitabine's "within 30 minutes
/// after a meal" are both said exactly.
///
/// Stored regimens written before the rules had numbers say `"empty_stomach"`, which the app then showed as "1 hour
/// before or 2 hours after a meal": that is read as [`FoodInstruction::NoFood`] 2 hours before and 1 hour after, the
/// same window said the strict way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", from = "FoodWire")]
pub enum FoodInstruction {
    WithOrWithoutFood,
    /// With a meal (or a snack), e.g. imatinib, venetoclax.
    WithFood,
    /// Within this many minutes after finishing a meal, e.g. capecitabine: 30.
    AfterMeal { within_minutes: u16 },
    /// No food for `before_minutes` before the dose and `after_minutes` after it, e.g. abiraterone: 120 and 60.
    NoFood { before_minutes: u16, after_minutes: u16 },
}

/// Longest food window accepted, in minutes (a typo guard).
pub const MAX_FOOD_WINDOW_MINUTES: u16 = 6 * 60;

impl FoodInstruction {
    /// The legacy "empty stomach" rule: no food 2 hours before and 1 hour after.
    pub const EMPTY_STOMACH_LEGACY: FoodInstruction = FoodInstruction::NoFood { before_minutes: 120, after_minutes: 60 };

    /// Numbers within [`MAX_FOOD_WINDOW_MINUTES`], and a window that says something.
    pub fn is_valid(self) -> bool {
        match self {
            FoodInstruction::WithOrWithoutFood | FoodInstruction::WithFood => true,
            FoodInstruction::AfterMeal { within_minutes } => (1..=MAX_FOOD_WINDOW_MINUTES).contains(&within_minutes),
            FoodInstruction::NoFood { before_minutes, after_minutes } => {
                before_minutes <= MAX_FOOD_WINDOW_MINUTES
                    && after_minutes <= MAX_FOOD_WINDOW_MINUTES
                    && before_minutes + after_minutes > 0
            }
        }
    }
}

/// How a food rule may be written: today's forms, and the legacy `"empty_stomach"`.
#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
enum FoodWire {
    WithOrWithoutFood,
    WithFood,
    EmptyStomach,
    AfterMeal { within_minutes: u16 },
    NoFood { before_minutes: u16, after_minutes: u16 },
}

impl From<FoodWire> for FoodInstruction {
    fn from(wire: FoodWire) -> Self {
        match wire {
            FoodWire::WithOrWithoutFood => FoodInstruction::WithOrWithoutFood,
            FoodWire::WithFood => FoodInstruction::WithFood,
            FoodWire::EmptyStomach => FoodInstruction::EMPTY_STOMACH_LEGACY,
            FoodWire::AfterMeal { within_minutes } => FoodInstruction::AfterMeal { within_minutes },
            FoodWire::NoFood { before_minutes, after_minutes } => FoodInstruction::NoFood { before_minutes, after_minutes },
        }
    }
}

/// The dose taken at one time of day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlotDose {
    pub slot: DoseSlot,
    pub amount: DoseAmount,
    /// Local time the dose is due; see [`default_time`].
    pub time: NaiveTime,
    pub food: FoodInstruction,
}

impl SlotDose {
    /// A dose at the slot's usual time, with or without food.
    pub fn new(slot: DoseSlot, amount: DoseAmount) -> Self {
        Self { slot, amount, time: default_time(slot), food: FoodInstruction::WithOrWithoutFood }
    }

    pub fn at(self, time: NaiveTime) -> Self {
        Self { time, ..self }
    }

    pub fn with_food(self, food: FoodInstruction) -> Self {
        Self { food, ..self }
    }
}

/// The usual local time of a slot: morning 08:00, evening 20:00, once daily 09:00.
pub fn default_time(slot: DoseSlot) -> NaiveTime {
    let hour = match slot {
        DoseSlot::Morning => 8,
        DoseSlot::Evening => 20,
        DoseSlot::Daily => 9,
    };
    NaiveTime::from_hms_opt(hour, 0, 0).expect("valid hour")
}

/// Which days the drug is taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CyclePattern {
    /// Every day, with no cycle length: the cycle number changes only with a `NewCycleStart`.
    /// (Continuous dosing counted in 28-day cycles is `OnOff { days_on: 28, days_off: 0 }`.)
    Continuous,
    /// `days_on` days taking, then `days_off` days off; cycle length is their sum.
    OnOff { days_on: u16, days_off: u16 },
    /// On these days of the week; no cycle length.
    DaysOfWeek {
        #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::WeekdayNames))]
        days: Vec<Weekday>,
    },
    /// Once a week on this day; no cycle length.
    Weekly {
        #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::WeekdayName))]
        weekday: Weekday,
    },
}

/// A regimen as the pharmacy first prescribes it. Later decisions are [`RegimenChange`]s.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Regimen {
    /// Goes up by one each time the pharmacy edits this record itself (changes are appended separately).
    #[serde(default = "first_version")]
    pub version: u32,
    /// e.g. "Capecitabine".
    pub drug_name: String,
    /// The product strength as written, e.g. "500 mg tablets".
    pub strength: String,
    /// One entry per time of day.
    pub doses: Vec<SlotDose>,
    pub pattern: CyclePattern,
    /// Day 1 of the first cycle.
    pub start: NaiveDate,
    /// Number of the cycle that begins on `start` (not always 1: a patient may transfer mid-treatment).
    pub first_cycle: u32,
    /// The patient's time zone, stored as its IANA name ("America/New_York").
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::TimeZoneName))]
    pub time_zone: Tz,
}

pub const MAX_STRENGTH: usize = 120;

fn first_version() -> u32 {
    1
}

impl Regimen {
    /// Trims the text and checks the doses and the pattern.
    pub fn validated(self) -> Result<Self, ValidationError> {
        let drug_name = crate::required_text("drug_name", &self.drug_name, crate::regimen::MAX_DRUG_NAME)?;
        let strength = crate::required_text("strength", &self.strength, MAX_STRENGTH)?;
        check_doses(&self.doses)?;
        match &self.pattern {
            CyclePattern::OnOff { days_on: 0, .. } => {
                return Err(ValidationError::Inconsistent("an on/off cycle needs at least one day on"))
            }
            CyclePattern::DaysOfWeek { days } if days.is_empty() => return Err(ValidationError::Required("days")),
            _ => {}
        }
        if self.first_cycle == 0 {
            return Err(ValidationError::Inconsistent("cycles are numbered from 1"));
        }
        Ok(Self { drug_name, strength, ..self })
    }
}

fn check_doses(doses: &[SlotDose]) -> Result<(), ValidationError> {
    if doses.is_empty() {
        return Err(ValidationError::Required("doses"));
    }
    for (i, dose) in doses.iter().enumerate() {
        if dose.amount.is_empty() {
            return Err(ValidationError::Inconsistent("a dose needs milligrams or tablets"));
        }
        if doses[..i].iter().any(|d| d.slot == dose.slot) {
            return Err(ValidationError::Inconsistent("each time of day may have only one dose"));
        }
        if !dose.food.is_valid() {
            return Err(ValidationError::Inconsistent("a food rule needs minutes between 1 and 360"));
        }
    }
    Ok(())
}

/// A decision of the care team, effective from a date. Kept append-only in the order recorded; the
/// position in that log is the change's sequence number, which breaks ties between changes of one date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RegimenChange {
    /// From `on`, these doses replace the previous ones (amounts, times or times of day).
    DoseChanged { on: NaiveDate, doses: Vec<SlotDose> },
    /// No doses from `from` through `until` (the last held day); `None` holds until a `Resume`.
    Hold { from: NaiveDate, until: Option<NaiveDate> },
    /// Doses start again on `on`; the regimen must be on hold then.
    Resume { on: NaiveDate },
    /// No doses from `on` onwards, and no changes after this one.
    Stop { on: NaiveDate },
    /// `on` is day 1 of cycle `cycle_number`; on/off counting restarts from it. The number may repeat but not
    /// go below the cycle of the last day not held before `on` (so cycle numbers never go down).
    NewCycleStart { on: NaiveDate, cycle_number: u32 },
    /// Doses from `on` are due at their local times in `tz` (the patient travelled or moved).
    TimeZoneChanged {
        on: NaiveDate,
        #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::TimeZoneName))]
        tz: Tz,
    },
}

impl RegimenChange {
    /// The date the change takes effect.
    pub fn effective(&self) -> NaiveDate {
        match self {
            RegimenChange::DoseChanged { on, .. }
            | RegimenChange::Resume { on }
            | RegimenChange::Stop { on }
            | RegimenChange::NewCycleStart { on, .. }
            | RegimenChange::TimeZoneChanged { on, .. } => *on,
            RegimenChange::Hold { from, .. } => *from,
        }
    }
}

/// Why a regimen and its changes do not make a schedule. `seq` is the change's position in the log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error(transparent)]
    Regimen(#[from] ValidationError),
    #[error("change {seq} takes effect on {on}, before the regimen starts")]
    BeforeStart { seq: usize, on: NaiveDate },
    #[error("change {seq} on {on} comes after the regimen was stopped")]
    AfterStop { seq: usize, on: NaiveDate },
    #[error("change {seq} resumes on {on}, but the regimen is not on hold then")]
    NotHeld { seq: usize, on: NaiveDate },
    #[error("change {seq} holds from {on}, but the regimen is already on hold then")]
    AlreadyHeld { seq: usize, on: NaiveDate },
    #[error("change {seq}: the hold ends before it starts")]
    HoldEndsBeforeStart { seq: usize },
    #[error("change {seq}: cycle {cycle_number} would follow cycle {previous}")]
    CycleNumberGoesBack { seq: usize, cycle_number: u32, previous: u32 },
    #[error("change {seq}: {source}")]
    InvalidDoses { seq: usize, source: ValidationError },
}

impl From<ScheduleError> for ValidationError {
    fn from(e: ScheduleError) -> Self {
        ValidationError::Inconsistent(match e {
            ScheduleError::Regimen(e) => return e,
            ScheduleError::BeforeStart { .. } => "a change takes effect before the regimen starts",
            ScheduleError::AfterStop { .. } => "a change comes after the regimen was stopped",
            ScheduleError::NotHeld { .. } => "a resume comes when the regimen is not on hold",
            ScheduleError::AlreadyHeld { .. } => "a hold starts while the regimen is already on hold",
            ScheduleError::HoldEndsBeforeStart { .. } => "a hold ends before it starts",
            ScheduleError::CycleNumberGoesBack { .. } => "a new cycle has a lower number than the cycle before it",
            ScheduleError::InvalidDoses { source, .. } => return source,
        })
    }
}

/// A dose the patient is expected to take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExpectedDose {
    pub date: NaiveDate,
    pub slot: DoseSlot,
    /// The dose in force that day.
    pub amount: DoseAmount,
    pub food: FoodInstruction,
    /// Local time the dose is due, in `time_zone`.
    pub local_time: NaiveTime,
    /// The patient's time zone that day.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::TimeZoneName))]
    pub time_zone: Tz,
    pub cycle: u32,
    /// 1 on the first day of the cycle.
    pub day_of_cycle: u32,
}

impl ExpectedDose {
    /// The same dose on another day: what is taken, when and how (each dose names its own date and cycle day).
    pub fn same_dose_as(&self, other: &ExpectedDose) -> bool {
        (self.slot, self.local_time, self.amount, self.food) == (other.slot, other.local_time, other.amount, other.food)
    }

    /// The instant the dose is due; see [`dose_instant`].
    pub fn due_at(&self) -> DateTime<Utc> {
        dose_instant(self.time_zone, self.date, self.local_time)
    }
}

/// What a calendar day holds for the patient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DayPlan {
    NotStarted,
    Taking {
        doses: Vec<ExpectedDose>,
    },
    /// A rest day of the cycle (or a day of the week the drug is not taken).
    OffDay {
        cycle: u32,
        day: u32,
    },
    Held {
        since: NaiveDate,
    },
    Stopped {
        on: NaiveDate,
    },
}

/// A held stretch: `from` through `last` (None = until resumed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Hold {
    from: NaiveDate,
    last: Option<NaiveDate>,
}

impl Hold {
    fn covers(&self, date: NaiveDate) -> bool {
        self.from <= date && self.last.is_none_or(|last| date <= last)
    }
}

/// A regimen and its changes, checked and resolved into periods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    regimen: Regimen,
    /// Each list starts at the regimen start and is sorted by date; the last entry on or before a date is in force.
    doses: Vec<(NaiveDate, Vec<SlotDose>)>,
    cycle_starts: Vec<(NaiveDate, u32)>,
    zones: Vec<(NaiveDate, Tz)>,
    holds: Vec<Hold>,
    stop: Option<NaiveDate>,
    /// When the care team decided each hold and stop, by the day it takes effect, where known
    /// ([`Schedule::with_decision_times`]).
    decided: Vec<(NaiveDate, DateTime<Utc>)>,
}

/// The entry in force on `date`: the last one starting on or before it (the first if none does).
fn in_force<T>(periods: &[(NaiveDate, T)], date: NaiveDate) -> &(NaiveDate, T) {
    periods.iter().rev().find(|(from, _)| *from <= date).unwrap_or(&periods[0])
}

impl Schedule {
    /// Checks `regimen` and applies `changes` (in the order recorded) by effective date, ties in recorded order.
    pub fn new(regimen: &Regimen, changes: &[RegimenChange]) -> Result<Self, ScheduleError> {
        let regimen = regimen.clone().validated()?;
        let mut schedule = Schedule {
            doses: vec![(regimen.start, regimen.doses.clone())],
            cycle_starts: vec![(regimen.start, regimen.first_cycle)],
            zones: vec![(regimen.start, regimen.time_zone)],
            holds: Vec::new(),
            stop: None,
            decided: Vec::new(),
            regimen,
        };
        let mut ordered: Vec<(usize, &RegimenChange)> = changes.iter().enumerate().collect();
        sorting::sort_by_key(&mut ordered, |(_, change)| change.effective()); // stable: ties stay in recorded order
        for (seq, change) in ordered {
            schedule.apply(seq, change)?;
        }
        Ok(schedule)
    }

    fn apply(&mut self, seq: usize, change: &RegimenChange) -> Result<(), ScheduleError> {
        let on = change.effective();
        if on < self.regimen.start {
            return Err(ScheduleError::BeforeStart { seq, on });
        }
        if self.stop.is_some() {
            return Err(ScheduleError::AfterStop { seq, on });
        }
        // Holds are pushed in date order and never overlap, so only the last can be in force.
        let current_hold = self.holds.last_mut().filter(|hold| hold.covers(on));
        match change {
            RegimenChange::DoseChanged { doses, .. } => {
                check_doses(doses).map_err(|source| ScheduleError::InvalidDoses { seq, source })?;
                self.doses.push((on, doses.clone()));
            }
            RegimenChange::Hold { from, until } => {
                if until.is_some_and(|until| until < *from) {
                    return Err(ScheduleError::HoldEndsBeforeStart { seq });
                }
                if current_hold.is_some() {
                    return Err(ScheduleError::AlreadyHeld { seq, on });
                }
                self.holds.push(Hold { from: *from, last: *until });
            }
            RegimenChange::Resume { .. } => {
                let Some(hold) = current_hold else {
                    return Err(ScheduleError::NotHeld { seq, on });
                };
                if hold.from == on {
                    self.holds.pop(); // resumed the day it began: no day was held
                } else {
                    hold.last = on.pred_opt();
                }
            }
            RegimenChange::Stop { .. } => self.stop = Some(on),
            RegimenChange::NewCycleStart { cycle_number, .. } => {
                let previous = self.last_cycle_before(on).unwrap_or(1);
                if *cycle_number < previous {
                    return Err(ScheduleError::CycleNumberGoesBack { seq, cycle_number: *cycle_number, previous });
                }
                self.cycle_starts.push((on, *cycle_number));
            }
            RegimenChange::TimeZoneChanged { tz, .. } => self.zones.push((on, *tz)),
        }
        Ok(())
    }

    /// The cycle of the last day before `on` that was not held, if any.
    fn last_cycle_before(&self, on: NaiveDate) -> Option<u32> {
        let mut day = on.pred_opt()?;
        while day >= self.regimen.start {
            match self.holds.iter().find(|hold| hold.covers(day)) {
                Some(hold) => day = hold.from.pred_opt()?,
                None => return Some(self.cycle_day(day).0),
            }
        }
        None
    }

    pub fn regimen(&self) -> &Regimen {
        &self.regimen
    }

    /// Notes when the care team decided its holds and stops: `(the day it takes effect, when it was recorded)`.
    pub fn with_decision_times(mut self, times: impl IntoIterator<Item = (NaiveDate, DateTime<Utc>)>) -> Self {
        self.decided.extend(times);
        self
    }

    /// Whether a dose taken on a held (or stopped) `date` at `slot`, at `taken_at`, was taken as planned before the
    /// care team decided the hold or stop: the plan without it had that dose due, and it was taken before the
    /// decision was recorded. Such a dose is not an extra dose (issue #14: today's dose taken in the morning, the
    /// drug held from today in the afternoon). An unknown time never excuses a dose.
    pub fn taken_before_held(&self, date: NaiveDate, slot: DoseSlot, taken_at: Option<DateTime<Utc>>) -> bool {
        // Holds and a stop never begin before the regimen's start (`apply` refuses them), so neither do held days.
        let Some(taken_at) = taken_at else { return false };
        let began = match (self.stop.filter(|on| *on <= date), self.holds.iter().find(|hold| hold.covers(date))) {
            (Some(on), _) => on,
            (None, Some(hold)) => hold.from,
            (None, None) => return false,
        };
        let Some(decided) = self.decided.iter().filter(|(on, _)| *on == began).map(|(_, at)| *at).min() else {
            return false;
        };
        let (_, _, taking) = self.cycle_day(date);
        taken_at < decided && taking && in_force(&self.doses, date).1.iter().any(|dose| dose.slot == slot)
    }

    /// Cycle number, day of cycle, and whether the pattern has the drug taken on `date` (holds aside).
    fn cycle_day(&self, date: NaiveDate) -> (u32, u32, bool) {
        let (start, cycle) = in_force(&self.cycle_starts, date);
        let days = u32::try_from((date - *start).num_days()).unwrap_or(0);
        match &self.regimen.pattern {
            CyclePattern::OnOff { days_on, days_off } => {
                let length = u32::from(*days_on) + u32::from(*days_off);
                (cycle + days / length, days % length + 1, days % length < u32::from(*days_on))
            }
            CyclePattern::Continuous => (*cycle, days + 1, true),
            CyclePattern::DaysOfWeek { days: weekdays } => (*cycle, days + 1, weekdays.contains(&date.weekday())),
            CyclePattern::Weekly { weekday } => (*cycle, days + 1, date.weekday() == *weekday),
        }
    }

    /// What the patient should do on `date`.
    pub fn day_plan(&self, date: NaiveDate) -> DayPlan {
        if date < self.regimen.start {
            return DayPlan::NotStarted;
        }
        if let Some(on) = self.stop.filter(|on| *on <= date) {
            return DayPlan::Stopped { on };
        }
        if let Some(hold) = self.holds.iter().find(|hold| hold.covers(date)) {
            return DayPlan::Held { since: hold.from };
        }
        let (cycle, day_of_cycle, taking) = self.cycle_day(date);
        if !taking {
            return DayPlan::OffDay { cycle, day: day_of_cycle };
        }
        let time_zone = in_force(&self.zones, date).1;
        let mut doses: Vec<ExpectedDose> = in_force(&self.doses, date)
            .1
            .iter()
            .map(|dose| ExpectedDose {
                date,
                slot: dose.slot,
                amount: dose.amount,
                food: dose.food,
                local_time: dose.time,
                time_zone,
                cycle,
                day_of_cycle,
            })
            .collect();
        sorting::sort_by_key(&mut doses, |dose| (dose.local_time, dose.slot));
        DayPlan::Taking { doses }
    }

    /// The doses in force on `date` (by the dose changes alone: also on a held day, what a restart would take).
    pub fn doses_on(&self, date: NaiveDate) -> &[SlotDose] {
        &in_force(&self.doses, date).1
    }

    /// The first day after `today`, within `days` days, whose plan is not like today's: a restart, another dose, a
    /// rest day, a hold or a stop. A rest day is like another rest day, a dose like the same dose on another day.
    pub fn next_change(&self, today: NaiveDate, days: u32) -> Option<(NaiveDate, DayPlan)> {
        fn alike(a: &DayPlan, b: &DayPlan) -> bool {
            match (a, b) {
                (DayPlan::Taking { doses: x }, DayPlan::Taking { doses: y }) => {
                    x.len() == y.len() && x.iter().zip(y).all(|(x, y)| x.same_dose_as(y))
                }
                (DayPlan::OffDay { .. }, DayPlan::OffDay { .. }) => true,
                (a, b) => a == b,
            }
        }
        let now = self.day_plan(today);
        today
            .iter_days()
            .skip(1)
            .take(days as usize)
            .map(|date| (date, self.day_plan(date)))
            .find(|(_, plan)| !alike(&now, plan))
    }

    /// Every dose due from `from` through `to` (inclusive), by date then time of day.
    pub fn expected_doses(&self, from: NaiveDate, to: NaiveDate) -> Vec<ExpectedDose> {
        from.iter_days()
            .take_while(|date| *date <= to)
            .flat_map(|date| match self.day_plan(date) {
                DayPlan::Taking { doses } => doses,
                _ => Vec::new(),
            })
            .collect()
    }
}

/// [`Schedule::expected_doses`] for a regimen and its changes.
pub fn expected_doses(
    regimen: &Regimen,
    changes: &[RegimenChange],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ExpectedDose>, ScheduleError> {
    Ok(Schedule::new(regimen, changes)?.expected_doses(from, to))
}

/// [`Schedule::day_plan`] for a regimen and its changes.
pub fn day_plan(regimen: &Regimen, changes: &[RegimenChange], date: NaiveDate) -> Result<DayPlan, ScheduleError> {
    Ok(Schedule::new(regimen, changes)?.day_plan(date))
}

/// The UTC instant of local `time` on `date` in `tz`. A time that does not exist (the clocks jump forward
/// over it) moves forward to the first instant that does, e.g. 02:30 → 03:00 on a US spring-forward night.
/// A time that happens twice (the clocks fall back) is the earlier of the two.
///
/// Generic over the zone so that the app can pass the phone's own zone (`chrono::Local`, the browser's rules) and
/// keep chrono-tz's rules, most of a megabyte, out of the wasm; the server passes the regimen's [`Tz`].
pub fn dose_instant<Z: TimeZone>(tz: Z, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let local = date.and_time(time);
    if let Some(instant) = tz.from_local_datetime(&local).earliest() {
        return instant.with_timezone(&Utc);
    }
    // In a gap: find the first local minute after it. Gaps are whole minutes and shorter than two days
    // (the longest, Samoa's in 2011, skipped a whole day: a dose that day lands on the next).
    let minute = local.with_second(0).and_then(|t| t.with_nanosecond(0)).unwrap_or(local);
    (1..=2 * 24 * 60)
        .find_map(|m| tz.from_local_datetime(&(minute + Duration::minutes(m))).earliest())
        .map_or_else(|| Utc.from_utc_datetime(&local), |instant| instant.with_timezone(&Utc))
}

/// `date` plus `days`, saturating at the last date chrono can hold.
pub(crate) fn add_days(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_add_days(Days::new(days)).unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod food_tests {
    use super::*;

    #[test]
    fn food_rules_keep_their_numbers_and_the_legacy_rule_reads_strictly() {
        let abiraterone = FoodInstruction::NoFood { before_minutes: 120, after_minutes: 60 };
        let json = serde_json::to_string(&abiraterone).unwrap();
        assert_eq!(json, r#"{"no_food":{"before_minutes":120,"after_minutes":60}}"#);
        assert_eq!(serde_json::from_str::<FoodInstruction>(&json).unwrap(), abiraterone);
        assert_eq!(serde_json::from_str::<FoodInstruction>(r#""empty_stomach""#).unwrap(), abiraterone);
        assert_eq!(serde_json::from_str::<FoodInstruction>(r#""with_food""#).unwrap(), FoodInstruction::WithFood);
        let capecitabine = FoodInstruction::AfterMeal { within_minutes: 30 };
        assert_eq!(serde_json::from_str::<FoodInstruction>(&serde_json::to_string(&capecitabine).unwrap()).unwrap(), capecitabine);
        assert!(capecitabine.is_valid() && abiraterone.is_valid());
        assert!(!FoodInstruction::AfterMeal { within_minutes: 0 }.is_valid());
        assert!(!FoodInstruction::NoFood { before_minutes: 0, after_minutes: 0 }.is_valid());
        assert!(!FoodInstruction::NoFood { before_minutes: 600, after_minutes: 60 }.is_valid());
    }
}
