//! The dosing diary as a calendar: one entry per day saying whether the day's doses were taken, missed, not
//! logged, held, a rest day, or still to come. Used by the patient's diary screen and the pharmacist's patient
//! page alike, so both see the same days.
//!
//! **Pages.** A calendar shows one [`CalendarPeriod`] at a time:
//! - For an on/off pattern, a period is a cycle: every day whose cycle number is that number, from the first
//!   such day to the last. Held days keep being counted (a hold does not move the cycle, see
//!   [`crate::schedule`]), except that a held day never gets a higher cycle number than the first day after the
//!   hold that is not held: when the care team restarts the cycle after a hold ([`RegimenChange::NewCycleStart`]),
//!   the held days stay in the cycle the patient is coming back to, and cycle numbers never go down.
//! - For patterns with no cycle length (continuous, days of the week, weekly) a period is a block of
//!   [`BLOCK_DAYS`] days counted from the regimen start: block 1 is days 1–28 of treatment (weeks 1–4), block 2
//!   days 29–56, and so on. Four weeks keep the page as small as a typical cycle, and the numbering does not
//!   depend on the calendar month the treatment started in.
//!
//! **Days.** Counts come from [`resolve_supersession`] and [`dose_outcomes`], so a correction replaces the record
//! it corrects, exactly as in the adherence figures; extra doses are the dates [`extra_doses`] gives (the same as
//! the pharmacy's extra-dose alert). See [`DayStatus`] for how a day is classed.
//!
//! Nothing here reads the clock: `today` is the patient's calendar date, passed in.

use crate::sorting;
use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::adherence::{dose_outcomes, extra_doses, resolve_supersession, DiaryRecord};
use crate::regimen::RegimenLine;
use crate::schedule::{add_days, CyclePattern, DayPlan, RegimenChange, Schedule, ScheduleError};

/// Length of a calendar page for patterns with no cycle length.
pub const BLOCK_DAYS: u32 = 28;

/// How far past the days asked about a calendar looks for the end of a hold or of a cycle.
const LOOK_AHEAD_DAYS: u64 = 3 * 366;

/// How a day went (or will go), one word per day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DayStatus {
    /// Every expected dose of the day is recorded as taken (late and vomited doses count as taken).
    Taken,
    /// Some but not all of the day's doses were taken (a past day, or today once every dose has a record).
    Partial,
    /// A past day with no dose taken, and the patient recorded at least one as missed or skipped.
    Missed,
    /// A past day with doses due and nothing recorded about any of them.
    NotLogged,
    /// The care team paused the drug: no doses were due.
    Held,
    /// A rest day of the cycle, or a day of the week the drug is not taken.
    OffDay,
    /// Today, with doses due and not all of them taken or recorded yet.
    Today,
    /// A day after today with doses due.
    Upcoming,
    /// Before the regimen starts.
    NotStarted,
    /// On or after the day the regimen was stopped.
    Stopped,
}

/// One day of the calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarDay {
    pub date: NaiveDate,
    /// The cycle the day belongs to (see the module notes for held days); `None` before the regimen starts.
    pub cycle: Option<u32>,
    /// 1 on the first day of the cycle; `None` before the regimen starts, and for a held day that comes before
    /// the first day of its cycle (the cycle was restarted after the hold).
    pub day_of_cycle: Option<u32>,
    pub status: DayStatus,
    /// Doses due that day (0 on held, rest, stopped and not-started days).
    pub doses_expected: u32,
    /// Of those, how many are recorded as taken.
    pub doses_taken: u32,
    /// Of those, how many are recorded as missed or skipped.
    pub doses_missed: u32,
    /// A dose beyond the plan was recorded that day: an extra dose, or a dose taken when none was due.
    pub extra: bool,
}

/// What a calendar page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    /// A cycle of an on/off pattern; the number is the cycle number.
    Cycle,
    /// [`BLOCK_DAYS`] days from the regimen start; the number counts blocks from 1 (block `n` is weeks
    /// `4n − 3` to `4n` of treatment).
    FourWeeks,
}

/// One page of the calendar: its days run from `from` through `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarPeriod {
    pub kind: PeriodKind,
    pub number: u32,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl CalendarPeriod {
    /// Every date of the period, in order.
    pub fn dates(&self) -> impl Iterator<Item = NaiveDate> {
        let to = self.to;
        self.from.iter_days().take_while(move |d| *d <= to)
    }
}

/// The pages a calendar offers on `today`: every period from the regimen start through the one `today` is in,
/// oldest first. A stopped regimen ends with the period of its stop date; a regimen that has not started yet
/// offers its first period. Consecutive periods touch: each starts the day after the previous one ends.
pub fn cycles_in_view(line: &RegimenLine, today: NaiveDate) -> Result<Vec<CalendarPeriod>, ScheduleError> {
    let schedule = line.schedule()?;
    let timeline = Timeline::new(line, &schedule);
    let start = schedule.regimen().start;
    let mut last = today.max(start);
    if let Some(stop) = stop_date(line).filter(|stop| *stop < last) {
        last = stop.max(start);
    }
    if !timeline.has_cycles() {
        let blocks = block_of(start, last);
        return Ok((1..=blocks).map(|n| block(start, n)).collect());
    }
    let labels = timeline.labels(start, last);
    let mut periods: Vec<CalendarPeriod> = Vec::new();
    for label in &labels {
        let cycle = label.cycle.unwrap_or(0);
        match periods.last_mut() {
            Some(period) if period.number == cycle => period.to = label.date,
            _ => periods.push(CalendarPeriod {
                kind: PeriodKind::Cycle,
                number: cycle,
                from: label.date,
                to: label.date,
            }),
        }
    }
    if let Some(current) = periods.last_mut() {
        current.to = timeline.cycle_end(current.number, current.to);
    }
    Ok(periods)
}

/// The days of period `number` (a cycle number, or a block number for patterns with no cycle length; see
/// [`cycles_in_view`]), classed as on `today`. Empty if there is no such period within three years of `today`.
pub fn cycle_days(
    line: &RegimenLine,
    records: &[DiaryRecord],
    number: u32,
    today: NaiveDate,
) -> Result<Vec<CalendarDay>, ScheduleError> {
    match find_period(line, number, today)? {
        Some(period) => calendar_days(line, records, period.from, period.to, today),
        None => Ok(Vec::new()),
    }
}

/// The period numbered `number`, whether or not it is in view yet.
pub fn find_period(line: &RegimenLine, number: u32, today: NaiveDate) -> Result<Option<CalendarPeriod>, ScheduleError> {
    let schedule = line.schedule()?;
    let timeline = Timeline::new(line, &schedule);
    let start = schedule.regimen().start;
    if !timeline.has_cycles() {
        return Ok((number >= 1).then(|| block(start, number)));
    }
    let horizon = add_days(today.max(start), LOOK_AHEAD_DAYS);
    let mut from = start;
    while from <= horizon {
        let to = add_days(from, 63).min(horizon);
        let labels = timeline.labels(from, to);
        if let Some(first) = labels.iter().find(|l| l.cycle.is_some_and(|c| c >= number)) {
            if first.cycle != Some(number) {
                return Ok(None); // cycle numbers never go down: this one was skipped
            }
            let end = timeline.cycle_end(number, first.date);
            return Ok(Some(CalendarPeriod { kind: PeriodKind::Cycle, number, from: first.date, to: end }));
        }
        match to.succ_opt() {
            Some(next) => from = next,
            None => break,
        }
    }
    Ok(None)
}

/// Every day from `from` through `to`, classed as on `today`. Empty if `to` is before `from`.
pub fn calendar_days(
    line: &RegimenLine,
    records: &[DiaryRecord],
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> Result<Vec<CalendarDay>, ScheduleError> {
    if to < from {
        return Ok(Vec::new());
    }
    let schedule = line.schedule()?;
    let timeline = Timeline::new(line, &schedule);
    let start = schedule.regimen().start;
    let entries = resolve_supersession(records);
    let expected = schedule.expected_doses(from, to);

    #[derive(Default)]
    struct Counts {
        expected: u32,
        taken: u32,
        missed: u32,
        recorded: u32,
    }
    let mut counts: BTreeMap<NaiveDate, Counts> = BTreeMap::new();
    for (dose, outcome) in dose_outcomes(&expected, &entries) {
        let c = counts.entry(dose.date).or_default();
        c.expected += 1;
        if let Some(outcome) = outcome {
            c.recorded += 1;
            if outcome.counts_as_taken() {
                c.taken += 1;
            } else {
                c.missed += 1;
            }
        }
    }
    let extra = extra_doses(&schedule, records, today.max(to));
    let labels: BTreeMap<NaiveDate, Label> = if to >= start {
        timeline.labels(from.max(start), to).into_iter().map(|l| (l.date, l)).collect()
    } else {
        BTreeMap::new()
    };

    let days = from
        .iter_days()
        .take_while(|d| *d <= to)
        .map(|date| {
            let label = labels.get(&date);
            let c = counts.remove(&date).unwrap_or_default();
            let status = match label.map(|l| &l.plan) {
                None | Some(DayPlan::NotStarted) => DayStatus::NotStarted,
                Some(DayPlan::Stopped { .. }) => DayStatus::Stopped,
                Some(DayPlan::Held { .. }) => DayStatus::Held,
                Some(DayPlan::OffDay { .. }) => DayStatus::OffDay,
                Some(DayPlan::Taking { .. }) => taking_status(date, today, c.expected, c.taken, c.recorded),
            };
            CalendarDay {
                date,
                cycle: label.and_then(|l| l.cycle),
                day_of_cycle: label.and_then(|l| l.day_of_cycle),
                status,
                doses_expected: c.expected,
                doses_taken: c.taken,
                doses_missed: c.missed,
                extra: extra.binary_search(&date).is_ok(),
            }
        })
        .collect();
    Ok(days)
}

fn taking_status(date: NaiveDate, today: NaiveDate, expected: u32, taken: u32, recorded: u32) -> DayStatus {
    if date > today {
        DayStatus::Upcoming
    } else if taken >= expected {
        DayStatus::Taken
    } else if date == today && recorded < expected {
        DayStatus::Today
    } else if taken > 0 {
        DayStatus::Partial
    } else if recorded > 0 {
        DayStatus::Missed
    } else {
        DayStatus::NotLogged
    }
}

/// The date the regimen is stopped from, if it is.
fn stop_date(line: &RegimenLine) -> Option<NaiveDate> {
    line.changes.iter().find_map(|c| match c.change {
        RegimenChange::Stop { on } => Some(on),
        _ => None,
    })
}

/// Block `n` (from 1) of a pattern with no cycle length.
fn block(start: NaiveDate, n: u32) -> CalendarPeriod {
    let from = add_days(start, u64::from(n.saturating_sub(1)) * u64::from(BLOCK_DAYS));
    CalendarPeriod { kind: PeriodKind::FourWeeks, number: n, from, to: add_days(from, u64::from(BLOCK_DAYS - 1)) }
}

/// The block `date` is in (1 for dates up to the end of the first block, including those before the start).
fn block_of(start: NaiveDate, date: NaiveDate) -> u32 {
    let days = u32::try_from((date - start).num_days()).unwrap_or(0);
    days / BLOCK_DAYS + 1
}

/// One day's plan with the cycle the calendar puts it in.
#[derive(Debug, Clone)]
struct Label {
    date: NaiveDate,
    plan: DayPlan,
    cycle: Option<u32>,
    day_of_cycle: Option<u32>,
}

/// Cycle numbers for every day, held and stopped days included (the schedule gives them only for days with a
/// plan of doses or rest).
struct Timeline<'a> {
    schedule: &'a Schedule,
    /// The regimen start and every new cycle start, in the order the schedule applies them.
    cycle_starts: Vec<(NaiveDate, u32)>,
}

impl<'a> Timeline<'a> {
    fn new(line: &RegimenLine, schedule: &'a Schedule) -> Self {
        let regimen = schedule.regimen();
        let mut restarts: Vec<(NaiveDate, u32)> = line
            .changes
            .iter()
            .filter_map(|c| match c.change {
                RegimenChange::NewCycleStart { on, cycle_number } => Some((on, cycle_number)),
                _ => None,
            })
            .collect();
        sorting::sort_by_key(&mut restarts, |(on, _)| *on); // stable, like the schedule: ties stay in recorded order
        let mut cycle_starts = vec![(regimen.start, regimen.first_cycle)];
        cycle_starts.extend(restarts);
        Timeline { schedule, cycle_starts }
    }

    fn has_cycles(&self) -> bool {
        matches!(self.schedule.regimen().pattern, CyclePattern::OnOff { .. })
    }

    /// Cycle and day of cycle by counting from the cycle start in force, as the schedule counts.
    fn counted(&self, date: NaiveDate) -> (u32, u32) {
        let (start, cycle) =
            self.cycle_starts.iter().rev().find(|(from, _)| *from <= date).unwrap_or(&self.cycle_starts[0]);
        let days = u32::try_from((date - *start).num_days()).unwrap_or(0);
        match self.schedule.regimen().pattern {
            CyclePattern::OnOff { days_on, days_off } => {
                let length = u32::from(days_on) + u32::from(days_off);
                (cycle + days / length, days % length + 1)
            }
            _ => (*cycle, days + 1),
        }
    }

    /// The schedule's cycle for a day with doses or rest; `None` for other days.
    fn planned_cycle(plan: &DayPlan) -> Option<(u32, u32)> {
        match plan {
            DayPlan::Taking { doses } => doses.first().map(|d| (d.cycle, d.day_of_cycle)),
            DayPlan::OffDay { cycle, day } => Some((*cycle, *day)),
            _ => None,
        }
    }

    /// The cycle of the first day after `after` that is neither held nor stopped (within the look-ahead);
    /// `None` if a stop or the look-ahead comes first.
    fn next_unheld_cycle(&self, after: NaiveDate) -> Option<u32> {
        let mut date = after;
        for _ in 0..LOOK_AHEAD_DAYS {
            date = date.succ_opt()?;
            match self.schedule.day_plan(date) {
                DayPlan::Held { .. } => continue,
                plan => return Self::planned_cycle(&plan).map(|(cycle, _)| cycle),
            }
        }
        None
    }

    /// A label for each day from `from` through `to`.
    fn labels(&self, from: NaiveDate, to: NaiveDate) -> Vec<Label> {
        let mut labels: Vec<Label> = from
            .iter_days()
            .take_while(|d| *d <= to)
            .map(|date| {
                let plan = self.schedule.day_plan(date);
                let (cycle, day_of_cycle) = match &plan {
                    DayPlan::NotStarted => (None, None),
                    plan => {
                        let planned = Self::planned_cycle(plan);
                        debug_assert!(planned.is_none_or(|p| p == self.counted(date)), "counting as the schedule does");
                        let (cycle, day) = planned.unwrap_or_else(|| self.counted(date));
                        (Some(cycle), Some(day))
                    }
                };
                Label { date, plan, cycle, day_of_cycle }
            })
            .collect();
        // A held day is in no later cycle than the first day after the hold that is not held.
        let mut next: Option<Option<u32>> = None; // None: not looked up yet
        for label in labels.iter_mut().rev() {
            match &label.plan {
                DayPlan::Held { .. } => {
                    let next = *next.get_or_insert_with(|| self.next_unheld_cycle(label.date));
                    if let (Some(next), Some(cycle)) = (next, label.cycle) {
                        if cycle > next {
                            label.cycle = Some(next);
                            label.day_of_cycle = None;
                        }
                    }
                }
                DayPlan::Stopped { .. } | DayPlan::NotStarted => next = Some(None),
                plan => next = Some(Self::planned_cycle(plan).map(|(cycle, _)| cycle)),
            }
        }
        labels
    }

    /// The last day of cycle `cycle`, which includes `known`.
    fn cycle_end(&self, cycle: u32, known: NaiveDate) -> NaiveDate {
        let horizon = add_days(known, LOOK_AHEAD_DAYS);
        let mut end = known;
        while end < horizon {
            let Some(from) = end.succ_opt() else { break };
            let to = from.checked_add_days(Days::new(63)).unwrap_or(NaiveDate::MAX).min(horizon);
            for label in self.labels(from, to) {
                if label.cycle != Some(cycle) {
                    return end;
                }
                end = label.date;
            }
        }
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_four_weeks_from_the_start() {
        let start: NaiveDate = "2026-03-02".parse().unwrap();
        assert_eq!(block_of(start, start), 1);
        assert_eq!(block_of(start, add_days(start, 27)), 1);
        assert_eq!(block_of(start, add_days(start, 28)), 2);
        assert_eq!(block_of(start, start.pred_opt().unwrap()), 1);
        let b = block(start, 2);
        assert_eq!((b.from, b.to), (add_days(start, 28), add_days(start, 55)));
        assert_eq!(b.dates().count(), 28);
    }
}
