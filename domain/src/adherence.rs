//! Adherence: what the dosing diary says against the doses expected, days covered by dispenses (PDC), and
//! when the patient will run out.
//!
//! The diary is append-only. A correction is a new record that supersedes an earlier one; only records
//! nobody supersedes count. For one dose (date and time of day), the last counting record wins.
//! All ratios are kept as integers: no floating-point drift near a threshold.

use crate::sorting;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::schedule::{add_days, DoseSlot, ExpectedDose, Schedule};
use crate::ValidationError;

/// Why a dose was skipped on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    SideEffects,
    Forgot,
    /// The care team said to skip it (a longer pause should be recorded as a hold).
    CareTeamAdvice,
    RanOut,
    Other,
}

/// What the patient recorded about a dose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DoseOutcome {
    Taken,
    TakenLate,
    Missed,
    Skipped {
        reason: SkipReason,
    },
    /// Taken, then vomited. Counts as taken: the dose is not to be repeated.
    Vomited,
    /// A dose beyond the plan (a second dose, or one on a rest day).
    ExtraDose,
    /// The record it supersedes was logged by mistake (the phone's "Undo"): as if that dose had no record. A
    /// correction like any other; nothing is deleted.
    EnteredInError,
}

impl DoseOutcome {
    /// Whether the patient took the dose (late and vomited doses included).
    pub fn counts_as_taken(self) -> bool {
        matches!(self, DoseOutcome::Taken | DoseOutcome::TakenLate | DoseOutcome::Vomited)
    }

    /// Whether the pharmacy should count this as a missed dose: missed, or skipped for any reason but the
    /// care team's advice.
    pub fn counts_as_missed(self) -> bool {
        matches!(self, DoseOutcome::Missed)
            || matches!(self, DoseOutcome::Skipped { reason } if reason != SkipReason::CareTeamAdvice)
    }

    /// Whether the patient should say when they took it (they may not know: the time is then left out).
    pub fn has_time(self) -> bool {
        matches!(self, DoseOutcome::Taken | DoseOutcome::TakenLate | DoseOutcome::Vomited | DoseOutcome::ExtraDose)
    }

    /// Whether the record says what became of a planned dose: not an extra dose, and not a record withdrawn as
    /// logged by mistake.
    pub fn settles_the_dose(self) -> bool {
        !matches!(self, DoseOutcome::ExtraDose | DoseOutcome::EnteredInError)
    }
}

/// A dose recorded taken more than this many hours before it is due is asked about first ("It is 4:20 AM; this
/// dose is due at 8:00 PM. Did you take it now?"): most often the wrong dose was tapped.
pub const ASK_IF_EARLY_HOURS: i64 = 3;
/// A dose taken more than this many hours after it was due is recorded as taken late.
pub const LATE_AFTER_HOURS: i64 = 2;

/// When a dose was taken against when it was due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DoseTiming {
    /// More than [`ASK_IF_EARLY_HOURS`] before it was due.
    WellBeforeDue,
    OnTime,
    /// More than [`LATE_AFTER_HOURS`] after it was due.
    Late,
}

impl DoseTiming {
    pub fn of(due_at: DateTime<Utc>, taken_at: DateTime<Utc>) -> Self {
        if taken_at < due_at - chrono::Duration::hours(ASK_IF_EARLY_HOURS) {
            DoseTiming::WellBeforeDue
        } else if taken_at > due_at + chrono::Duration::hours(LATE_AFTER_HOURS) {
            DoseTiming::Late
        } else {
            DoseTiming::OnTime
        }
    }
}

/// A diary record as stored: append-only, a correction names the record it supersedes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiaryRecord {
    pub id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<Uuid>,
    pub date: NaiveDate,
    pub slot: DoseSlot,
    pub kind: DoseOutcome,
    /// When the dose was taken, where known: the time the patient gave, else when the record was made. A planned
    /// dose taken before the care team held the drug is not an extra dose ([`Schedule::taken_before_held`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_at: Option<DateTime<Utc>>,
}

/// A diary record with its supersession resolved: what adherence reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiaryEntry {
    pub date: NaiveDate,
    pub slot: DoseSlot,
    pub kind: DoseOutcome,
    /// A later record corrects this one; it no longer counts.
    pub superseded: bool,
    /// As [`DiaryRecord::taken_at`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_at: Option<DateTime<Utc>>,
}

/// Marks every record that another record supersedes (chains of corrections included), keeping the order.
pub fn resolve_supersession(records: &[DiaryRecord]) -> Vec<DiaryEntry> {
    let superseded: BTreeSet<Uuid> = records.iter().filter_map(|r| r.supersedes).collect();
    records
        .iter()
        .map(|r| DiaryEntry {
            date: r.date,
            slot: r.slot,
            kind: r.kind,
            superseded: superseded.contains(&r.id),
            taken_at: r.taken_at,
        })
        .collect()
}

/// The outcome of each dose that has one: the last counting entry for its date and slot (extra doses and
/// withdrawn records aside).
fn outcomes(entries: &[DiaryEntry]) -> BTreeMap<(NaiveDate, DoseSlot), DoseOutcome> {
    entries
        .iter()
        .filter(|e| !e.superseded && e.kind.settles_the_dose())
        .map(|e| ((e.date, e.slot), e.kind))
        .collect()
}

/// Each expected dose with its recorded outcome, if any.
pub fn dose_outcomes<'a>(
    expected: &'a [ExpectedDose],
    entries: &[DiaryEntry],
) -> Vec<(&'a ExpectedDose, Option<DoseOutcome>)> {
    let outcomes = outcomes(entries);
    expected.iter().map(|dose| (dose, outcomes.get(&(dose.date, dose.slot)).copied())).collect()
}

/// The doses over which adherence is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Window {
    /// The doses of one cycle. Its days run from its first dose to the day before the next cycle's first
    /// dose (rest days included, for extra doses), or on without end if no later cycle is in view.
    Cycle { cycle: u32 },
    /// The doses dated `from` through `to`.
    Days { from: NaiveDate, to: NaiveDate },
}

impl Window {
    /// The `days` whole days before `today` (today's doses may not be due yet).
    pub fn last_days(today: NaiveDate, days: u32) -> Self {
        let to = today.pred_opt().unwrap_or(today);
        Window::Days { from: today - chrono::Days::new(u64::from(days)), to }
    }

    pub fn last_7_days(today: NaiveDate) -> Self {
        Self::last_days(today, 7)
    }

    pub fn last_30_days(today: NaiveDate) -> Self {
        Self::last_days(today, 30)
    }
}

/// Doses taken against doses expected. Holds and rest days are not expected, so they never count against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Adherence {
    pub taken: u32,
    pub expected: u32,
    /// `taken ÷ expected` in thousandths, rounded down; `None` when nothing was expected.
    pub per_mille: Option<u32>,
    /// Doses recorded beyond the plan: extra doses, and doses taken when none was due.
    pub extra_doses: u32,
    /// Any extra dose: the care team should know.
    pub over_adherence: bool,
}

impl Adherence {
    /// Whole percent, rounded down.
    pub fn percent(&self) -> Option<u32> {
        self.per_mille.map(|p| p / 10)
    }
}

/// Adherence over `window`. `expected` must cover the window's days (for a cycle: through the next cycle's
/// first dose), so that a dose taken on a rest day is known to be extra.
pub fn adherence(expected: &[ExpectedDose], entries: &[DiaryEntry], window: Window) -> Adherence {
    adherence_excusing(expected, entries, window, None)
}

/// [`adherence`], where a planned dose taken on a day the `schedule`'s care team held or stopped the drug, before
/// they decided it, is not counted extra.
fn adherence_excusing(
    expected: &[ExpectedDose],
    entries: &[DiaryEntry],
    window: Window,
    schedule: Option<&Schedule>,
) -> Adherence {
    let (in_scope, from, to): (Vec<&ExpectedDose>, NaiveDate, Option<NaiveDate>) = match window {
        Window::Days { from, to } => {
            (expected.iter().filter(|d| from <= d.date && d.date <= to).collect(), from, Some(to))
        }
        Window::Cycle { cycle } => {
            let doses: Vec<&ExpectedDose> = expected.iter().filter(|d| d.cycle == cycle).collect();
            let (Some(first), Some(last)) = (doses.iter().map(|d| d.date).min(), doses.iter().map(|d| d.date).max())
            else {
                return tally(0, 0, 0);
            };
            let next = expected.iter().filter(|d| d.date > last && d.cycle != cycle).map(|d| d.date).min();
            (doses, first, next.and_then(|n| n.pred_opt()))
        }
    };
    let outcomes = outcomes(entries);
    let taken =
        in_scope.iter().filter(|d| outcomes.get(&(d.date, d.slot)).is_some_and(|o| o.counts_as_taken())).count();
    let extra = extra_dose_dates(expected, entries, &outcomes, schedule)
        .into_iter()
        .filter(|date| from <= *date && to.is_none_or(|to| *date <= to))
        .count();
    tally(taken, in_scope.len(), extra)
}

/// The date of each dose recorded beyond the plan: every extra-dose entry, and every time of day with a
/// dose recorded as taken when none was due (once, however many entries say so). With the `schedule`, a dose the
/// plan had due on a day that was then held or stopped, taken before the care team decided the hold or stop, is not
/// extra: the patient took it as planned (issue #14). Without it (the tablets it used, say) every such dose counts.
fn extra_dose_dates(
    expected: &[ExpectedDose],
    entries: &[DiaryEntry],
    outcomes: &BTreeMap<(NaiveDate, DoseSlot), DoseOutcome>,
    schedule: Option<&Schedule>,
) -> Vec<NaiveDate> {
    let due: BTreeSet<(NaiveDate, DoseSlot)> = expected.iter().map(|d| (d.date, d.slot)).collect();
    let extra_entries = entries.iter().filter(|e| !e.superseded && e.kind == DoseOutcome::ExtraDose).map(|e| e.date);
    let taken_before_held = |(date, slot): &(NaiveDate, DoseSlot)| {
        schedule.is_some_and(|schedule| {
            entries.iter().any(|e| {
                !e.superseded
                    && (e.date, e.slot) == (*date, *slot)
                    && e.kind.counts_as_taken()
                    && schedule.taken_before_held(e.date, e.slot, e.taken_at)
            })
        })
    };
    let taken_when_not_due = outcomes
        .iter()
        .filter(|(key, outcome)| outcome.counts_as_taken() && !due.contains(key) && !taken_before_held(key))
        .map(|((date, _), _)| *date);
    extra_entries.chain(taken_when_not_due).collect()
}

fn tally(taken: usize, expected: usize, extra: usize) -> Adherence {
    let (taken, expected, extra_doses) = (count(taken), count(expected), count(extra));
    Adherence {
        taken,
        expected,
        per_mille: (expected > 0).then(|| (u64::from(taken) * 1000 / u64::from(expected)) as u32),
        extra_doses,
        over_adherence: extra_doses > 0,
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Medication handed to the patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dispense {
    pub date: NaiveDate,
    /// Days the supply lasts, as the pharmacy recorded it.
    pub days_supply: u32,
    /// Tablets (or capsules) dispensed.
    pub tablets: u32,
}

/// Proportion of days covered: `covered_days ÷ period_days`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Pdc {
    pub covered_days: u32,
    pub period_days: u32,
}

impl Pdc {
    /// Thousandths, rounded down.
    pub fn per_mille(&self) -> u32 {
        (u64::from(self.covered_days) * 1000 / u64::from(self.period_days.max(1))) as u32
    }

    /// PDC of at least 80 %, compared exactly.
    pub fn is_adherent(&self) -> bool {
        u64::from(self.covered_days) * 100 >= u64::from(self.period_days) * 80
    }
}

/// PDC over `start..=end` (the PQA method): fills are taken in date order and a fill made while earlier
/// supply remains starts the day after that supply ends. Supply carried in from before `start` counts;
/// days after `end` do not.
pub fn pdc(dispenses: &[Dispense], start: NaiveDate, end: NaiveDate) -> Result<Pdc, ValidationError> {
    if end < start {
        return Err(ValidationError::Inconsistent("the measurement period ends before it starts"));
    }
    let mut fills = dispenses.to_vec();
    sorting::sort_by_key(&mut fills, |f| f.date);
    let mut next_free: Option<NaiveDate> = None; // first day no earlier fill covers
    let mut covered = 0;
    for fill in fills {
        let begin = next_free.map_or(fill.date, |free| free.max(fill.date));
        let after = add_days(begin, u64::from(fill.days_supply)); // first day not covered by this fill
        let (lo, hi) = (begin.max(start), after.min(add_days(end, 1)));
        if lo < hi {
            covered += (hi - lo).num_days();
        }
        next_free = Some(after);
    }
    let period_days = (end - start).num_days() + 1;
    Ok(Pdc { covered_days: covered as u32, period_days: period_days as u32 })
}

/// The first date on which a due dose cannot be taken in full, from the tablets dispensed up to `today`,
/// less those taken (by the diary), against the doses `expected` from `today` on not yet taken.
/// `None` if the supply covers every dose passed in. An extra dose is taken to use the amount of the latest
/// dose due on or before it. Errors if a dose has no tablet count.
pub fn estimate_run_out(
    dispenses: &[Dispense],
    expected: &[ExpectedDose],
    entries: &[DiaryEntry],
    today: NaiveDate,
) -> Result<Option<NaiveDate>, ValidationError> {
    let halves = |dose: &ExpectedDose| {
        dose.amount.half_tablets.map(i64::from).ok_or(ValidationError::Required("tablets per dose"))
    };
    let mut doses: Vec<&ExpectedDose> = expected.iter().collect();
    sorting::sort_by_key(&mut doses, |d| (d.date, d.local_time, d.slot));
    let outcomes = outcomes(entries);
    let taken = |d: &ExpectedDose| outcomes.get(&(d.date, d.slot)).is_some_and(|o| o.counts_as_taken());

    let mut on_hand: i64 = dispenses.iter().filter(|d| d.date <= today).map(|d| i64::from(d.tablets) * 2).sum();
    for dose in doses.iter().filter(|d| d.date <= today && taken(d)) {
        on_hand -= halves(dose)?;
    }
    // Every dose taken used its tablets, planned or not.
    for date in extra_dose_dates(expected, entries, &outcomes, None).into_iter().filter(|date| *date <= today) {
        if let Some(latest) = doses.iter().rev().find(|d| d.date <= date) {
            on_hand -= halves(latest)?;
        }
    }
    for dose in doses.iter().filter(|d| d.date >= today && !taken(d)) {
        on_hand -= halves(dose)?;
        if on_hand < 0 {
            return Ok(Some(dose.date));
        }
    }
    Ok(None)
}

/// Whether a refill is due: `today` is within `days_before` days of the run-out date.
pub fn refill_due(run_out: NaiveDate, days_before: u32, today: NaiveDate) -> bool {
    add_days(today, u64::from(days_before)) >= run_out
}

/// One line's figures for the patient and the pharmacist alike.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdherenceSummary {
    /// The 7 and 30 whole days before today.
    pub last_7_days: Adherence,
    pub last_30_days: Adherence,
    /// The cycle today is in (or the last one before it), through yesterday.
    pub cycle: Option<(u32, Adherence)>,
    /// From the first dispense through yesterday (at most 365 days), when there is one.
    pub pdc: Option<Pdc>,
    /// The first day a due dose cannot be taken in full from the supply dispensed, if within [`RUN_OUT_HORIZON_DAYS`].
    pub run_out: Option<NaiveDate>,
    /// Whether the app should offer "request a refill" today.
    pub refill_due: bool,
    /// Doses counted as missed in the last [`crate::triage::MISSED_DOSES_DAYS`] days (see
    /// [`DoseOutcome::counts_as_missed`]).
    pub recent_missed: u32,
}

/// How far ahead the run-out date is looked for.
pub const RUN_OUT_HORIZON_DAYS: u64 = 180;
/// The longest PDC measurement period.
pub const PDC_MAX_DAYS: u64 = 365;

/// Adherence, PDC, run-out and refill for `line` from its diary `records` (in recorded order), on the patient's `today`.
pub fn summarize(
    line: &crate::regimen::RegimenLine,
    records: &[DiaryRecord],
    today: NaiveDate,
) -> Result<AdherenceSummary, crate::schedule::ScheduleError> {
    let schedule = line.schedule()?;
    let start = schedule.regimen().start;
    let entries = resolve_supersession(records);
    let yesterday = today.pred_opt().unwrap_or(today);
    let past = schedule.expected_doses(start, yesterday);
    let cycle = schedule
        .expected_doses(today, today)
        .first()
        .or(past.last())
        .map(|dose| dose.cycle)
        .map(|cycle| (cycle, adherence_excusing(&past, &entries, Window::Cycle { cycle }, Some(&schedule))));

    let dispenses = line.dispense_list();
    let first_fill = dispenses.iter().map(|d| d.date).min();
    let pdc = first_fill.filter(|first| *first < today).and_then(|first| {
        let from = first.max(today - chrono::Days::new(PDC_MAX_DAYS));
        pdc(&dispenses, from, yesterday).ok()
    });
    let run_out = match first_fill {
        Some(first) => {
            let expected = schedule.expected_doses(first.min(today), add_days(today, RUN_OUT_HORIZON_DAYS));
            estimate_run_out(&dispenses, &expected, &entries, today).ok().flatten()
        }
        None => None,
    };
    let refill_due = run_out.is_some_and(|date| refill_due(date, u32::from(line.refill_reminder_days), today));
    let recent = Window::last_days(today, crate::triage::MISSED_DOSES_DAYS);
    Ok(AdherenceSummary {
        last_7_days: adherence_excusing(&past, &entries, Window::last_7_days(today), Some(&schedule)),
        last_30_days: adherence_excusing(&past, &entries, Window::last_30_days(today), Some(&schedule)),
        cycle,
        pdc,
        run_out,
        refill_due,
        recent_missed: missed_doses(&past, &entries, recent),
    })
}

/// Expected doses in `window` (a [`Window::Days`]) whose outcome counts as missed.
pub fn missed_doses(expected: &[ExpectedDose], entries: &[DiaryEntry], window: Window) -> u32 {
    let Window::Days { from, to } = window else { return 0 };
    let in_window: Vec<ExpectedDose> = expected.iter().filter(|d| from <= d.date && d.date <= to).cloned().collect();
    count(dose_outcomes(&in_window, entries).iter().filter(|(_, o)| o.is_some_and(|o| o.counts_as_missed())).count())
}

/// The dates of doses recorded beyond the plan, for the extra-dose alert: extra-dose records, and doses taken
/// when none was due (from the regimen start through `today`).
pub fn extra_doses(
    schedule: &crate::schedule::Schedule,
    records: &[DiaryRecord],
    today: NaiveDate,
) -> Vec<NaiveDate> {
    let entries = resolve_supersession(records);
    let expected = schedule.expected_doses(schedule.regimen().start, add_days(today, 1));
    let mut dates = extra_dose_dates(&expected, &entries, &outcomes(&entries), Some(schedule));
    sorting::sort(&mut dates);
    dates.dedup();
    dates
}
