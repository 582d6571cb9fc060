//! The dosing diary as a calendar, the adherence figures, and the doses coming up.
//!
//! Shown on the patient's diary screen and the pharmacist's patient page alike: the days and figures come from
//! the domain crate ([`carepath_domain::calendar`], [`carepath_domain::adherence::summarize`]), so both readers see
//! the same numbers. Nothing here knows who is reading except [`AdherenceFigures`]' `for_pharmacist`.
//!
//! Accessibility, as in `trends.rs`: nothing relies on colour. Each day of the calendar shows a symbol (and, when
//! there is room, a short word) with colour only as a second cue, a key explains the symbols, and each cell's
//! visually hidden text says the whole day in words ("Tuesday, March 3: taken, 2 of 2 doses"). The grid is a
//! plain `<table>` (weeks as rows, Monday first, weekday column headers), fixed to the width of the page so it
//! never scrolls sideways at 360 px.

use carepath_domain::sorting;
use carepath_domain::adherence::{Adherence, AdherenceSummary, DiaryRecord};
use carepath_domain::calendar::{calendar_days, cycles_in_view, CalendarDay, CalendarPeriod, DayStatus, PeriodKind};
use carepath_domain::regimen::RegimenLine;
use carepath_domain::schedule::{DayPlan, ExpectedDose};
use chrono::{Datelike, Days, NaiveDate, NaiveTime, Weekday};
use leptos::prelude::*;

use crate::regimen_text::{amount_text, date_text, food_text, time_text, weekday_name};
use crate::tr;
use crate::text;

// ---- Pure helpers (tested natively) ----

/// Every status, in the order the key lists them.
const STATUSES: [DayStatus; 10] = [
    DayStatus::Taken,
    DayStatus::Partial,
    DayStatus::Missed,
    DayStatus::NotLogged,
    DayStatus::Held,
    DayStatus::OffDay,
    DayStatus::Today,
    DayStatus::Upcoming,
    DayStatus::Stopped,
    DayStatus::NotStarted,
];

/// The symbol drawn in a day's cell: each status has its own shape, so colour is never needed to tell them apart.
/// (Plain text symbols found in common system fonts: no emoji, whose colours and shapes differ by platform.)
pub fn status_symbol(status: DayStatus) -> &'static str {
    match status {
        DayStatus::Taken => "✓",
        DayStatus::Partial => "½",
        DayStatus::Missed => "✗",
        DayStatus::NotLogged => "?",
        DayStatus::Held => "‖",
        DayStatus::OffDay => "–",
        DayStatus::Today | DayStatus::Upcoming => "○",
        DayStatus::Stopped => "⊘",
        DayStatus::NotStarted => "",
    }
}

/// The `data-status` value the stylesheet colours by.
pub fn status_key(status: DayStatus) -> &'static str {
    match status {
        DayStatus::Taken => "taken",
        DayStatus::Partial => "partial",
        DayStatus::Missed => "missed",
        DayStatus::NotLogged => "not-logged",
        DayStatus::Held => "held",
        DayStatus::OffDay => "off",
        DayStatus::Today => "today",
        DayStatus::Upcoming => "upcoming",
        DayStatus::Stopped => "stopped",
        DayStatus::NotStarted => "not-started",
    }
}

/// The status in a few words, as said in a day's full description: "taken", "rest day".
pub fn status_word(status: DayStatus) -> String {
    match status {
        DayStatus::Taken => tr!("calendar-status-taken"),
        DayStatus::Partial => tr!("calendar-status-partial"),
        DayStatus::Missed => tr!("calendar-status-missed"),
        DayStatus::NotLogged => tr!("calendar-status-not-logged"),
        DayStatus::Held => tr!("calendar-status-held"),
        DayStatus::OffDay => tr!("calendar-status-off"),
        DayStatus::Today => tr!("calendar-status-today"),
        DayStatus::Upcoming => tr!("calendar-status-upcoming"),
        DayStatus::Stopped => tr!("calendar-status-stopped"),
        DayStatus::NotStarted => tr!("calendar-status-not-started"),
    }
}

/// The short word shown under the symbol when the cells are wide enough.
pub fn status_short(status: DayStatus) -> String {
    match status {
        DayStatus::Taken => tr!("calendar-short-taken"),
        DayStatus::Partial => tr!("calendar-short-partial"),
        DayStatus::Missed => tr!("calendar-short-missed"),
        DayStatus::NotLogged => tr!("calendar-short-not-logged"),
        DayStatus::Held => tr!("calendar-short-held"),
        DayStatus::OffDay => tr!("calendar-short-off"),
        DayStatus::Today => tr!("calendar-short-today"),
        DayStatus::Upcoming => tr!("calendar-short-upcoming"),
        DayStatus::Stopped => tr!("calendar-short-stopped"),
        DayStatus::NotStarted => tr!("calendar-short-not-started"),
    }
}

/// What a symbol means, for the key.
pub fn status_legend(status: DayStatus) -> String {
    match status {
        DayStatus::Taken => tr!("calendar-legend-taken"),
        DayStatus::Partial => tr!("calendar-legend-partial"),
        DayStatus::Missed => tr!("calendar-legend-missed"),
        DayStatus::NotLogged => tr!("calendar-legend-not-logged"),
        DayStatus::Held => tr!("calendar-legend-held"),
        DayStatus::OffDay => tr!("calendar-legend-off"),
        DayStatus::Today => tr!("calendar-legend-today"),
        DayStatus::Upcoming => tr!("calendar-legend-upcoming"),
        DayStatus::Stopped => tr!("calendar-legend-stopped"),
        DayStatus::NotStarted => tr!("calendar-legend-not-started"),
    }
}

/// A period's days as week rows, Monday first: each cell is the index of its day in `days`, or `None` for the
/// days of the first and last weeks outside the period. `days` must be consecutive dates in order.
pub fn week_rows(days: &[CalendarDay]) -> Vec<[Option<usize>; 7]> {
    let Some(first) = days.first() else { return Vec::new() };
    let lead = first.date.weekday().num_days_from_monday() as usize;
    let mut cells: Vec<Option<usize>> = vec![None; lead];
    cells.extend((0..days.len()).map(Some));
    while cells.len() % 7 != 0 {
        cells.push(None);
    }
    cells.chunks(7).map(|week| std::array::from_fn(|i| week[i])).collect()
}

/// A weekday in two letters for a column header: "Mo", "Tu" / "lu", "ma". Two letters fit a column at 360 px even at
/// the largest text size; the full name is beside it for screen readers.
pub fn weekday_abbreviation(wd: Weekday) -> String {
    weekday_name(wd).chars().take(2).collect()
}

/// "Tuesday, March 3" in the reader's language.
pub fn weekday_date_text(d: NaiveDate) -> String {
    crate::format::long_date(d, &crate::i18n::current())
}

/// "March 3" in the reader's language.
pub fn day_month_text(d: NaiveDate) -> String {
    crate::format::day_month(d, &crate::i18n::current())
}

/// A day in words, for the cell's accessible text: "Tuesday, March 3: taken, 2 of 2 doses".
pub fn day_description(day: &CalendarDay, today: NaiveDate) -> String {
    let mut parts = vec![status_word(day.status)];
    if day.date == today && day.status != DayStatus::Today {
        parts.insert(0, tr!("calendar-status-today"));
    }
    if day.doses_expected > 0 {
        parts.push(match day.status {
            DayStatus::Upcoming => tr!("calendar-doses-due", count = day.doses_expected),
            _ => tr!("calendar-doses-of", taken = day.doses_taken, expected = day.doses_expected),
        });
    }
    if day.extra {
        parts.push(tr!("calendar-extra"));
    }
    tr!("calendar-day", date = weekday_date_text(day.date), details = parts.join(", "))
}

/// "Cycle 3: March 2 to March 22", "Weeks 5 to 8: March 30 to April 26".
pub fn period_title(period: &CalendarPeriod) -> String {
    let (from, to) = (day_month_text(period.from), day_month_text(period.to));
    match period.kind {
        PeriodKind::Cycle => tr!("calendar-title-cycle", cycle = period.number.to_string(), from = from, to = to),
        PeriodKind::FourWeeks => {
            let first = period.number.saturating_sub(1) * 4 + 1;
            tr!("calendar-title-weeks", first = first.to_string(), last = (first + 3).to_string(), from = from, to = to)
        }
    }
}

/// "12 of 14 doses taken (85%)", or "None due before today" (a day's doses count once it is over).
pub fn adherence_text(a: &Adherence) -> String {
    match a.percent() {
        Some(percent) => tr!("adherence-of", taken = a.taken, expected = a.expected, percent = percent),
        None => tr!("adherence-none-due"),
    }
}

/// One item of a day in the upcoming doses.
#[derive(Debug, Clone, PartialEq)]
pub enum UpcomingItem {
    Dose {
        drug: String,
        dose: ExpectedDose,
    },
    OffDay {
        drug: String,
    },
    Held {
        drug: String,
        since: NaiveDate,
    },
    /// Shown on the day the drug is stopped only.
    Stopped {
        drug: String,
    },
}

/// One day of the upcoming doses.
#[derive(Debug, Clone, PartialEq)]
pub struct UpcomingDay {
    pub date: NaiveDate,
    /// Doses by local time (then drug name), then rest days, holds and stops in the order of `lines`.
    pub items: Vec<UpcomingItem>,
}

/// The plan for `days` days from `today` (today included), for every line; and the names of the drugs whose
/// schedule cannot be read (the pharmacy must fix it). Days before a line starts, and days after the day it was
/// stopped, say nothing about it.
pub fn upcoming_plan(lines: &[RegimenLine], today: NaiveDate, days: u32) -> (Vec<UpcomingDay>, Vec<String>) {
    let mut unreadable = Vec::new();
    let schedules: Vec<_> = lines
        .iter()
        .filter_map(|line| match line.schedule() {
            Ok(schedule) => Some((line.drug_name().to_string(), schedule)),
            Err(_) => {
                unreadable.push(line.drug_name().to_string());
                None
            }
        })
        .collect();
    let plan = (0..days)
        .filter_map(|offset| today.checked_add_days(Days::new(u64::from(offset))))
        .map(|date| {
            let mut doses: Vec<UpcomingItem> = Vec::new();
            let mut others: Vec<UpcomingItem> = Vec::new();
            for (drug, schedule) in &schedules {
                match schedule.day_plan(date) {
                    DayPlan::Taking { doses: due } => {
                        doses.extend(due.into_iter().map(|dose| UpcomingItem::Dose { drug: drug.clone(), dose }))
                    }
                    DayPlan::OffDay { .. } => others.push(UpcomingItem::OffDay { drug: drug.clone() }),
                    DayPlan::Held { since } => others.push(UpcomingItem::Held { drug: drug.clone(), since }),
                    DayPlan::Stopped { on } if on == date => others.push(UpcomingItem::Stopped { drug: drug.clone() }),
                    DayPlan::Stopped { .. } | DayPlan::NotStarted => {}
                }
            }
            sorting::sort_by(&mut doses, |a, b| match (a, b) {
                (UpcomingItem::Dose { drug: da, dose: a }, UpcomingItem::Dose { drug: db, dose: b }) => {
                    (a.local_time, da, a.slot).cmp(&(b.local_time, db, b.slot))
                }
                _ => std::cmp::Ordering::Equal,
            });
            doses.extend(others);
            UpcomingDay { date, items: doses }
        })
        .collect();
    (plan, unreadable)
}

/// "Today", "Tomorrow", or the date.
/// Days of [`upcoming_plan`] in a row with the same plan, as one entry: "Thu, December 3 to Mon, December 7: every
/// day" instead of the same lines five times. Today and tomorrow always stand alone.
#[derive(Debug, Clone, PartialEq)]
pub struct UpcomingRun {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub items: Vec<UpcomingItem>,
}

pub fn upcoming_runs(plan: Vec<UpcomingDay>, today: NaiveDate) -> Vec<UpcomingRun> {
    // What is taken, when and how: the same on two days even though each dose names its own date and cycle day.
    fn same_plan(a: &[UpcomingItem], b: &[UpcomingItem]) -> bool {
        a.len() == b.len()
            && a.iter().zip(b).all(|pair| match pair {
                (UpcomingItem::Dose { drug: d1, dose: x }, UpcomingItem::Dose { drug: d2, dose: y }) => d1 == d2 && x.same_dose_as(y),
                (x, y) => x == y,
            })
    }
    let tomorrow = today.succ_opt().unwrap_or(today);
    let mut runs: Vec<UpcomingRun> = Vec::new();
    for day in plan {
        match runs.last_mut() {
            Some(run) if run.from > tomorrow && day.date > tomorrow && same_plan(&run.items, &day.items) => run.to = day.date,
            _ => runs.push(UpcomingRun { from: day.date, to: day.date, items: day.items }),
        }
    }
    runs
}

fn upcoming_run_name(run: &UpcomingRun, today: NaiveDate) -> String {
    if run.from == run.to {
        upcoming_day_name(run.from, today)
    } else {
        tr!("upcoming-days", from = date_text(run.from), to = date_text(run.to))
    }
}

fn upcoming_day_name(date: NaiveDate, today: NaiveDate) -> String {
    if date == today {
        tr!("upcoming-today", date = date_text(date))
    } else if today.succ_opt() == Some(date) {
        tr!("upcoming-tomorrow", date = date_text(date))
    } else {
        date_text(date)
    }
}

// ---- Components ----

/// A calendar of one regimen line's diary, one cycle (or four weeks) at a time, with buttons for the previous and
/// next page. Opens on the page `today` is in. `records` are the line's diary records in recorded order (e.g.
/// from [`carepath_domain::sync::diary_records`]); `today` is the patient's calendar date.
#[component]
pub fn CycleCalendar(line: RegimenLine, records: Vec<DiaryRecord>, today: NaiveDate) -> impl IntoView {
    let periods = match cycles_in_view(&line, today) {
        Ok(periods) if !periods.is_empty() => periods,
        _ => return view! { <p class="calendar-error">{text!("calendar-error")}</p> }.into_any(),
    };
    let title_id = format!("calendar-title-{}", line.id);
    let kind = periods[0].kind;
    let count = periods.len();
    let index = RwSignal::new(count - 1);
    let page = Memo::new(move |_| {
        let period = periods[index.get().min(count - 1)];
        let days = calendar_days(&line, &records, period.from, period.to, today).unwrap_or_default();
        (period, days)
    });
    let at_first = move || index.get() == 0;
    let at_last = move || index.get() + 1 >= count;
    let previous = move |_| index.update(|i| *i = i.saturating_sub(1));
    let next = move |_| index.update(|i| *i = (*i + 1).min(count - 1));
    let previous_label = move || match kind {
        PeriodKind::Cycle => tr!("calendar-previous-cycle"),
        PeriodKind::FourWeeks => tr!("calendar-previous-weeks"),
    };
    let next_label = move || match kind {
        PeriodKind::Cycle => tr!("calendar-next-cycle"),
        PeriodKind::FourWeeks => tr!("calendar-next-weeks"),
    };
    let weekdays = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];

    view! {
        <div class="calendar" data-testid="cycle-calendar">
            <p class="calendar-title" id=title_id.clone() aria-live="polite">
                {move || page.with(|(period, _)| period_title(period))}
            </p>
            // aria-disabled rather than disabled: a button that becomes disabled would drop the keyboard focus.
            <div class="calendar-nav">
                <button type="button" class="secondary" aria-disabled=move || at_first().then_some("true")
                    on:click=previous>
                    <span aria-hidden="true">"← "</span>{previous_label}
                </button>
                <button type="button" class="secondary" aria-disabled=move || at_last().then_some("true")
                    on:click=next>
                    {next_label}<span aria-hidden="true">" →"</span>
                </button>
            </div>
            <table class="calendar-grid" aria-labelledby=title_id>
                <thead>
                    <tr>
                        {weekdays.into_iter().map(|wd| view! {
                            <th scope="col">
                                <span aria-hidden="true">{move || weekday_abbreviation(wd)}</span>
                                <span class="visually-hidden">{move || weekday_name(wd)}</span>
                            </th>
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {move || page.with(|(_, days)| {
                        week_rows(days).into_iter().map(|week| view! {
                            <tr>
                                {week.into_iter().map(|cell| match cell {
                                    Some(i) => day_cell(&days[i], today),
                                    None => view! { <td class="calendar-pad"></td> }.into_any(),
                                }).collect_view()}
                            </tr>
                        }).collect_view()
                    })}
                </tbody>
            </table>
            {move || page.with(|(_, days)| legend(days))}
        </div>
    }
    .into_any()
}

fn day_cell(day: &CalendarDay, today: NaiveDate) -> AnyView {
    let description = day_description(day, today);
    let is_today = day.date == today;
    view! {
        <td class="calendar-day" class:calendar-today=is_today class:calendar-has-extra=day.extra data-status=status_key(day.status)
            aria-current=is_today.then_some("date")>
            <span class="calendar-num" aria-hidden="true">{day.date.day()}</span>
            <span class="calendar-sym" aria-hidden="true">
                {status_symbol(day.status)}
                {day.extra.then(|| view! { <span class="calendar-extra-mark">"!"</span> })}
            </span>
            <span class="calendar-word" aria-hidden="true">{status_short(day.status)}</span>
            <span class="visually-hidden">{description}</span>
        </td>
    }
    .into_any()
}

/// The key: the symbols that appear on this page, in words.
fn legend(days: &[CalendarDay]) -> AnyView {
    let present: Vec<DayStatus> =
        STATUSES.into_iter().filter(|status| days.iter().any(|day| day.status == *status)).collect();
    let extra = days.iter().any(|day| day.extra);
    view! {
        <div class="calendar-legend">
            <p class="calendar-legend-title">{tr!("calendar-legend-title")}</p>
            <ul>
                {present.into_iter().map(|status| view! {
                    <li>
                        <span class="calendar-sym" data-status=status_key(status) aria-hidden="true">{status_symbol(status)}</span>
                        " "{status_legend(status)}
                    </li>
                }).collect_view()}
                {extra.then(|| view! {
                    <li class="calendar-legend-extra">
                        <span class="calendar-extra-mark" aria-hidden="true">"!"</span>
                        " "{tr!("calendar-legend-extra")}
                    </li>
                })}
            </ul>
        </div>
    }
    .into_any()
}

/// Adherence in plain words: doses taken out of doses due over the last 7 and 30 days and this cycle, extra doses
/// flagged, the estimated run-out date, and (for the pharmacist) the proportion of days covered.
#[component]
pub fn AdherenceFigures(summary: AdherenceSummary, #[prop(optional)] for_pharmacist: bool) -> impl IntoView {
    let rows: Vec<(Box<dyn Fn() -> String + Send + Sync>, Adherence)> = {
        let mut rows: Vec<(Box<dyn Fn() -> String + Send + Sync>, Adherence)> = vec![
            (Box::new(|| tr!("adherence-last-7")), summary.last_7_days),
            (Box::new(|| tr!("adherence-last-30")), summary.last_30_days),
        ];
        if let Some((cycle, a)) = summary.cycle {
            rows.push((Box::new(move || tr!("adherence-cycle", cycle = cycle.to_string())), a));
        }
        rows
    };
    let any_extra = rows.iter().any(|(_, a)| a.extra_doses > 0);
    // Day 1 (or only rest days and holds so far): one line, not "None due before today" three times.
    let none_yet = rows.iter().all(|(_, a)| a.per_mille.is_none() && a.extra_doses == 0);
    let pdc = summary.pdc.filter(|_| for_pharmacist);
    let run_out = summary.run_out;
    let refill_due = summary.refill_due;
    view! {
        <div class="adherence" data-testid="adherence-figures">
            {any_extra.then(|| view! {
                <p class="adherence-extra-warning">
                    <span aria-hidden="true">"⚠ "</span>
                    {move || if for_pharmacist { tr!("adherence-extra-pharmacist") } else { tr!("adherence-extra-patient") }}
                </p>
            })}
            {none_yet.then(|| view! { <p class="adherence-none-yet">{text!("adherence-none-yet")}</p> })}
            <dl class="adherence-figures">
                {rows.into_iter().filter(|_| !none_yet).map(|(label, a)| view! {
                    <div class="adherence-row">
                        <dt>{label}</dt>
                        <dd>
                            {move || adherence_text(&a)}
                            {(a.extra_doses > 0).then(|| view! {
                                <span class="adherence-extra">
                                    " · "<span aria-hidden="true">"⚠ "</span>
                                    {move || tr!("adherence-extra-count", count = a.extra_doses)}
                                </span>
                            })}
                        </dd>
                    </div>
                }).collect_view()}
                {pdc.map(|pdc| {
                    let adherent = pdc.is_adherent();
                    view! {
                        <div class="adherence-row">
                            <dt>{text!("adherence-pdc")}</dt>
                            <dd>
                                {move || tr!("adherence-pdc-value", covered = pdc.covered_days, days = pdc.period_days, percent = (pdc.per_mille() / 10))}
                                " · "
                                <span class=if adherent { "adherence-pdc-ok" } else { "adherence-pdc-low" }>
                                    <span aria-hidden="true">{if adherent { "✓ " } else { "⚠ " }}</span>
                                    {move || if adherent { tr!("adherence-pdc-adherent") } else { tr!("adherence-pdc-below") }}
                                </span>
                            </dd>
                        </div>
                    }
                })}
                {run_out.map(|date| view! {
                    <div class="adherence-row">
                        <dt>{text!("adherence-run-out")}</dt>
                        <dd>
                            {move || date_text(date)}
                            {refill_due.then(|| view! { " · "<strong>{text!("adherence-refill-due")}</strong> })}
                        </dd>
                    </div>
                })}
            </dl>
            <p class="hint adherence-note">{text!("adherence-note")}</p>
        </div>
    }
}

/// The doses of the next `days` days (today included) for every line: time, drug and amount, with rest days,
/// holds and stops in words.
#[component]
pub fn UpcomingDoses(lines: Vec<RegimenLine>, today: NaiveDate, days: u32) -> impl IntoView {
    let (plan, unreadable) = upcoming_plan(&lines, today, days);
    view! {
        <div class="upcoming" data-testid="upcoming-doses">
            {unreadable.into_iter().map(|drug| view! {
                <p class="error">{move || tr!("upcoming-unreadable", drug = drug.clone())}</p>
            }).collect_view()}
            <ol class="upcoming-days">
                {upcoming_runs(plan, today).into_iter().map(|day| {
                    let name = upcoming_run_name(&day, today);
                    let empty = day.items.is_empty();
                    view! {
                        <li class="upcoming-day">
                            <p class="upcoming-date">{name}</p>
                            {empty.then(|| view! { <p class="hint">{text!("upcoming-nothing")}</p> })}
                            {(!empty).then(|| view! {
                                <ul class="upcoming-items">
                                    {day.items.into_iter().map(upcoming_item).collect_view()}
                                </ul>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </div>
    }
}

fn upcoming_item(item: UpcomingItem) -> AnyView {
    match item {
        UpcomingItem::Dose { drug, dose } => {
            let (time, amount, food) = (dose.local_time, dose.amount, dose.food);
            view! {
                <li class="upcoming-dose">
                    <span class="upcoming-time">{move || time_of(time)}</span>
                    " "<span class="upcoming-drug">{drug}</span>
                    " · "<span class="upcoming-amount">{move || amount_text(&amount)}</span>
                    " · "<span class="upcoming-food">{move || food_text(food)}</span>
                </li>
            }
            .into_any()
        }
        UpcomingItem::OffDay { drug } => view! {
            <li class="upcoming-off"><span aria-hidden="true">"– "</span>{move || tr!("upcoming-off", drug = drug.clone())}</li>
        }
        .into_any(),
        UpcomingItem::Held { drug, since } => view! {
            <li class="upcoming-held">
                <span aria-hidden="true">"‖ "</span>
                {move || tr!("upcoming-held", drug = drug.clone(), since = date_text(since))}
            </li>
        }
        .into_any(),
        UpcomingItem::Stopped { drug } => view! {
            <li class="upcoming-stopped"><span aria-hidden="true">"⊘ "</span>{move || tr!("upcoming-stopped", drug = drug.clone())}</li>
        }
        .into_any(),
    }
}

fn time_of(t: NaiveTime) -> String {
    time_text(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use carepath_domain::regimen::DEFAULT_REFILL_REMINDER_DAYS;
    use carepath_domain::schedule::{CyclePattern, DoseAmount, DoseSlot, Regimen, SlotDose};
    use uuid::Uuid;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn day(date: &str, status: DayStatus, expected: u32, taken: u32) -> CalendarDay {
        CalendarDay {
            date: d(date),
            cycle: Some(1),
            day_of_cycle: Some(1),
            status,
            doses_expected: expected,
            doses_taken: taken,
            doses_missed: 0,
            extra: false,
        }
    }

    fn line(drug: &str, pattern: CyclePattern, start: &str, doses: Vec<SlotDose>) -> RegimenLine {
        RegimenLine {
            id: Uuid::nil(),
            regimen: Regimen {
                version: 1,
                drug_name: drug.into(),
                strength: "500 mg tablets".into(),
                doses,
                pattern,
                start: d(start),
                first_cycle: 1,
                time_zone: "Europe/Madrid".parse().unwrap(),
            },
            changes: Vec::new(),
            dispenses: Vec::new(),
            refill_reminder_days: DEFAULT_REFILL_REMINDER_DAYS,
        }
    }

    #[test]
    fn weeks_start_on_monday_and_pad_the_ends() {
        // Wednesday 4 March to Tuesday 17 March 2026.
        let days: Vec<CalendarDay> = d("2026-03-04")
            .iter_days()
            .take(14)
            .map(|date| CalendarDay { date, ..day("2026-03-04", DayStatus::Taken, 1, 1) })
            .collect();
        let rows = week_rows(&days);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0], [None, None, Some(0), Some(1), Some(2), Some(3), Some(4)]);
        assert_eq!(rows[2], [Some(12), Some(13), None, None, None, None, None]);
        assert!(week_rows(&[]).is_empty());
        // A period starting on a Monday needs no padding in front.
        let rows = week_rows(&days[5..12]);
        assert_eq!(rows, vec![[Some(0), Some(1), Some(2), Some(3), Some(4), Some(5), Some(6)]]);
    }

    #[test]
    fn weekday_headers_are_two_letters() {
        assert_eq!(weekday_abbreviation(Weekday::Mon), "Mo");
        assert_eq!(weekday_abbreviation(Weekday::Sun), "Su");
    }

    #[test]
    fn every_status_has_its_own_symbol_and_words() {
        let symbols: Vec<&str> =
            STATUSES.iter().filter(|s| **s != DayStatus::Upcoming).map(|s| status_symbol(*s)).collect();
        let mut unique = symbols.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), symbols.len(), "symbols tell statuses apart without colour: {symbols:?}");
        for status in STATUSES {
            assert!(!status_word(status).is_empty() && !status_short(status).is_empty());
            assert!(!status_legend(status).is_empty());
        }
    }

    #[test]
    fn a_day_is_described_in_words() {
        let today = d("2026-03-05");
        assert_eq!(
            day_description(&day("2026-03-03", DayStatus::Taken, 2, 2), today),
            "Tuesday, March 3: taken, 2 of 2 doses"
        );
        assert_eq!(
            day_description(&day("2026-03-04", DayStatus::Partial, 2, 1), today),
            "Wednesday, March 4: partly taken, 1 of 2 doses"
        );
        assert_eq!(
            day_description(&day("2026-03-05", DayStatus::Today, 1, 0), today),
            "Thursday, March 5: today, 0 of 1 dose"
        );
        assert_eq!(
            day_description(&day("2026-03-06", DayStatus::Upcoming, 2, 0), today),
            "Friday, March 6: coming up, 2 doses"
        );
        let extra = CalendarDay { extra: true, ..day("2026-03-02", DayStatus::OffDay, 0, 0) };
        assert_eq!(day_description(&extra, today), "Monday, March 2: rest day, extra dose recorded");
        assert_eq!(
            day_description(&day("2026-03-05", DayStatus::Held, 0, 0), today),
            "Thursday, March 5: today, on hold (no doses)"
        );
    }

    #[test]
    fn periods_have_titles() {
        let cycle = CalendarPeriod { kind: PeriodKind::Cycle, number: 3, from: d("2026-03-02"), to: d("2026-03-22") };
        assert_eq!(period_title(&cycle), "Cycle 3: March 2 to March 22");
        let block =
            CalendarPeriod { kind: PeriodKind::FourWeeks, number: 2, from: d("2026-03-30"), to: d("2026-04-26") };
        assert_eq!(period_title(&block), "Weeks 5 to 8: March 30 to April 26");
    }

    #[test]
    fn adherence_in_words() {
        let a = Adherence { taken: 12, expected: 14, per_mille: Some(857), extra_doses: 0, over_adherence: false };
        assert_eq!(adherence_text(&a), "12 of 14 doses taken (85%)");
        let none = Adherence { taken: 0, expected: 0, per_mille: None, extra_doses: 0, over_adherence: false };
        assert_eq!(adherence_text(&none), "None due before today");
    }

    #[test]
    fn upcoming_doses_are_sorted_by_time_with_rest_days_and_holds_in_words() {
        let capecitabine = line(
            "Capecitabine",
            CyclePattern::OnOff { days_on: 2, days_off: 1 },
            "2026-03-02",
            vec![
                SlotDose::new(DoseSlot::Morning, DoseAmount::mg_tablets(1500, 3)),
                SlotDose::new(DoseSlot::Evening, DoseAmount::mg_tablets(1500, 3)),
            ],
        );
        let mut other = line(
            "Olaparib",
            CyclePattern::Continuous,
            "2026-03-03",
            vec![SlotDose::new(DoseSlot::Daily, DoseAmount::tablets(2))],
        );
        other.changes.push(carepath_domain::regimen::RecordedChange {
            id: Uuid::nil(),
            change: carepath_domain::schedule::RegimenChange::Hold { from: d("2026-03-04"), until: None },
            recorded_at: "2026-03-01T00:00:00Z".parse().unwrap(),
            by: "Pat".into(),
        });
        let mut broken = other.clone();
        broken.regimen.doses.clear();
        broken.regimen.drug_name = "Broken".into();

        let (plan, unreadable) = upcoming_plan(&[capecitabine, other, broken], d("2026-03-02"), 3);
        assert_eq!(unreadable, vec!["Broken".to_string()]);
        assert_eq!(
            plan.iter().map(|p| p.date).collect::<Vec<_>>(),
            vec![d("2026-03-02"), d("2026-03-03"), d("2026-03-04")]
        );
        let summary = |day: &UpcomingDay| -> Vec<String> {
            day.items
                .iter()
                .map(|item| match item {
                    UpcomingItem::Dose { drug, dose } => format!("{} {drug}", dose.local_time.format("%H:%M")),
                    UpcomingItem::OffDay { drug } => format!("off {drug}"),
                    UpcomingItem::Held { drug, since } => format!("held {drug} since {since}"),
                    UpcomingItem::Stopped { drug } => format!("stopped {drug}"),
                })
                .collect()
        };
        // Day 1: Olaparib has not started and says nothing.
        assert_eq!(summary(&plan[0]), ["08:00 Capecitabine", "20:00 Capecitabine"]);
        assert_eq!(summary(&plan[1]), ["08:00 Capecitabine", "09:00 Olaparib", "20:00 Capecitabine"]);
        assert_eq!(summary(&plan[2]), ["off Capecitabine", "held Olaparib since 2026-03-04"]);
        assert_eq!(upcoming_day_name(d("2026-03-03"), d("2026-03-02")), "Tomorrow, Tue, March 3, 2026");
    }

    #[test]
    fn days_in_a_row_with_the_same_doses_are_one_entry_today_and_tomorrow_apart() {
        let capecitabine = line(
            "Capecitabine",
            CyclePattern::OnOff { days_on: 14, days_off: 7 },
            "2026-03-02",
            vec![
                SlotDose::new(DoseSlot::Morning, DoseAmount::mg_tablets(1500, 3)),
                SlotDose::new(DoseSlot::Evening, DoseAmount::mg_tablets(1500, 3)),
            ],
        );
        // Day 10 of 14: today, tomorrow, days 12 to 14 alike, then the rest days alike.
        let (plan, _) = upcoming_plan(&[capecitabine], d("2026-03-11"), 7);
        let runs = upcoming_runs(plan, d("2026-03-11"));
        assert_eq!(
            runs.iter().map(|r| (r.from, r.to, r.items.len())).collect::<Vec<_>>(),
            vec![
                (d("2026-03-11"), d("2026-03-11"), 2),
                (d("2026-03-12"), d("2026-03-12"), 2),
                (d("2026-03-13"), d("2026-03-15"), 2),
                (d("2026-03-16"), d("2026-03-17"), 1),
            ]
        );
        assert!(matches!(runs[3].items[0], UpcomingItem::OffDay { .. }));
        let words = upcoming_run_name(&runs[2], d("2026-03-11"));
        assert_eq!(words, "Fri, March 13, 2026 to Sun, March 15, 2026: the same each day");
    }
}
