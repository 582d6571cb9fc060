//! Today's card for each regimen line: the day's plan (doses, hold, rest day), yesterday's doses nobody logged,
//! an extra dose.

use carepath_domain::adherence::DoseOutcome;
use carepath_domain::regimen::{DoseSlot, RegimenLine};
use carepath_domain::schedule::{CyclePattern, DayPlan, ExpectedDose, Schedule};
use chrono::{NaiveDate, NaiveTime, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use super::dose_row::DoseRow;
use super::notices::{ChangeNotice, RefillCard};
use super::{all_records, current_record, dose_event, local_instant};
use crate::device::Device;
use crate::patient::profile;
use carepath_ui::format;
use carepath_ui::i18n::current;
use carepath_ui::regimen_text::date_text;
use carepath_ui::{text, tr};

/// Today's plan for every regimen line, then yesterday's doses nobody logged.
#[component]
pub fn TodayDoses() -> impl IntoView {
    let today = format::today();
    // Rebuilt only when the regimen changes, not on every sync (a half-filled form must survive a sync).
    let lines = Memo::new(move |_| profile().regimen);
    move || {
        let lines = lines.get();
        if lines.is_empty() {
            return view! { <p class="card">{text!("diary-no-regimen")}</p> }.into_any();
        }
        view! {
            <ul class="doses" role="list">
                {lines.into_iter().map(|line| view! { <LineToday line=line today=today/> }).collect_view()}
            </ul>
        }
        .into_any()
    }
}

#[component]
fn LineToday(line: RegimenLine, today: NaiveDate) -> impl IntoView {
    let drug = line.drug_name().to_string();
    let title = format!("{} {}", line.drug_name(), line.regimen.strength);
    let schedule = line.schedule();
    let body = match &schedule {
        Err(_) => view! { <p class="error">{text!("diary-schedule-error")}</p> }.into_any(),
        Ok(schedule) => {
            let yesterday = today.pred_opt().unwrap_or(today);
            let missed_yesterday = schedule.expected_doses(yesterday, yesterday);
            let plan = schedule.day_plan(today);
            let cycle = cycle_day(&line, schedule, &plan, today);
            let line_id = line.id;
            let drug_y = drug.clone();
            view! {
                {cycle.map(|words| view! { <p class="cycle-day" data-testid="cycle-day">{words}</p> })}
                {day_plan_view(plan, line_id, drug.clone())}
                <UnloggedYesterday line_id=line_id drug=drug_y doses=missed_yesterday/>
            }
            .into_any()
        }
    };
    let line_for_notice = line.clone();
    let line_for_refill = line.clone();
    let line_for_extra = line.clone();
    view! {
        <li class="card regimen" data-testid="regimen-line">
            <h2>{title}</h2>
            <ChangeNotice line=line_for_notice/>
            {body}
            <ExtraDose line=line_for_extra today=today/>
            <RefillCard line=line_for_refill today=today/>
        </li>
    }
}

/// "Day 5 of 21 · break starts December 15" on a day of a cycle with a break (issue #14): where the patient is.
fn cycle_day(line: &RegimenLine, schedule: &Schedule, plan: &DayPlan, today: NaiveDate) -> Option<impl Fn() -> String + Send + Sync + 'static> {
    let CyclePattern::OnOff { days_on, days_off } = line.regimen.pattern else { return None };
    let DayPlan::Taking { doses } = plan else { return None };
    let day = doses.first()?.day_of_cycle;
    let length = u32::from(days_on) + u32::from(days_off);
    let break_on = match schedule.next_change(today, u32::from(days_on)) {
        Some((date, DayPlan::OffDay { .. })) => Some(date),
        _ => None,
    };
    Some(move || match break_on {
        Some(date) => tr!("diary-cycle-day-break", day = day, length = length, date = format::day_month(date, &current())),
        None => tr!("diary-cycle-day", day = day, length = length),
    })
}

fn day_plan_view(plan: DayPlan, line_id: Uuid, drug: String) -> AnyView {
    match plan {
        DayPlan::Taking { doses } => view! {
            <ul class="slots" role="list">
                {doses.into_iter().map(|dose| view! { <DoseRow line_id=line_id drug=drug.clone() dose=dose/> }).collect_view()}
            </ul>
        }
        .into_any(),
        DayPlan::Held { since } => view! {
            <p class="plan-state held" data-testid="on-hold">
                <span class="plan-symbol" aria-hidden="true">"‖ "</span>
                <strong>{text!("diary-held-title")}</strong>" "
                {move || tr!("diary-held-body", date = date_text(since), drug = drug.clone())}
            </p>
        }
        .into_any(),
        DayPlan::OffDay { cycle, day } => view! {
            <p class="plan-state off-day" data-testid="off-day">
                <strong>{text!("diary-off-day-title")}</strong>" "
                {move || tr!("diary-off-day-body", day = day.to_string(), cycle = cycle.to_string(), drug = drug.clone())}
            </p>
        }
        .into_any(),
        DayPlan::NotStarted => view! { <p class="plan-state">{text!("diary-not-started")}</p> }.into_any(),
        DayPlan::Stopped { on } => view! {
            <p class="plan-state stopped" data-testid="stopped">{move || tr!("diary-stopped", date = date_text(on), drug = drug.clone())}</p>
        }
        .into_any(),
    }
}

/// Yesterday's doses with no record, so a forgotten log can still be made. A dose logged here a moment ago stays
/// (with what was recorded, "Undo" and "Change") instead of vanishing under the patient's finger.
#[component]
fn UnloggedYesterday(line_id: Uuid, drug: String, doses: Vec<ExpectedDose>) -> impl IntoView {
    let device = expect_context::<Device>();
    // A memo: the rows are drawn anew only when which doses show changes (a sync must not close a half-filled form).
    let shown = Memo::new(move |_| {
        let records = all_records(device);
        let just_now = Utc::now() - chrono::Duration::minutes(KEEP_LOGGED_MINUTES);
        doses
            .iter()
            .filter(|d| {
                current_record(&records, line_id, d.date, d.slot)
                    .is_none_or(|r| r.recorded_at > just_now)
            })
            .cloned()
            .collect::<Vec<_>>()
    });
    move || {
        let list = shown.get();
        let drug = drug.clone();
        (!list.is_empty()).then(|| view! {
            <div class="unlogged">
                <h3>{text!("diary-yesterday-title")}</h3>
                <ul class="slots" role="list">
                    {list.into_iter().map(|dose| view! { <DoseRow line_id=line_id drug=drug.clone() dose=dose/> }).collect_view()}
                </ul>
            </div>
        })
    }
}

/// How long a dose of yesterday's logged on this screen stays in "Not logged yesterday".
const KEEP_LOGGED_MINUTES: i64 = 10;

/// "I took an extra dose": recorded with its time, and the pharmacy is told (extra doses are dangerous).
#[component]
fn ExtraDose(line: RegimenLine, today: NaiveDate) -> impl IntoView {
    let device = expect_context::<Device>();
    let open = RwSignal::new(false);
    let time = RwSignal::new(chrono::Local::now().time().format("%H:%M").to_string());
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(false);
    // An extra dose is logged against the first time of day the line has (the date is what the pharmacy reads).
    let slot = line.slots().first().copied().unwrap_or(DoseSlot::Daily);
    let line_id = line.id;
    let id = format!("extra-{line_id}-time");
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let at = NaiveTime::parse_from_str(&time.get_untracked(), "%H:%M").ok().and_then(|t| local_instant(today, t));
        let Some(at) = at.filter(|t| *t <= Utc::now() + chrono::Duration::minutes(1)) else {
            error.set(Some(tr!("diary-time-invalid")));
            return;
        };
        let event = dose_event(line_id, today, slot, DoseOutcome::ExtraDose, Some(at), None);
        spawn_local(async move {
            match device.record(event).await {
                Ok(()) => {
                    open.set(false);
                    done.set(true);
                }
                Err(_) => error.set(Some(tr!("storage-error"))),
            }
        });
    };
    view! {
        <div class="extra-dose">
            <button type="button" class="link-button" aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>{move || match crate::patient::caring_for() {
                    Some(patient) => tr!("diary-extra-open-for", patient = patient),
                    None => tr!("diary-extra-open"),
                }}</button>
            <Show when=move || done.get()>
                <p class="notice warning" role="status">{text!("diary-extra-recorded")}</p>
            </Show>
            <Show when=move || open.get()>
                <form class="dose-details" on:submit=save novalidate>
                    <p>{text!("diary-extra-advice")}</p>
                    <label for=id.clone()>{text!("diary-time-label")}</label>
                    <input id=id.clone() type="time" bind:value=time/>
                    <p class="error" role="alert">{move || error.get()}</p>
                    <div class="button-row">
                        <button type="submit" class="primary">{text!("diary-extra-save")}</button>
                        <button type="button" class="secondary" on:click=move |_| open.set(false)>{text!("diary-cancel")}</button>
                    </div>
                </form>
            </Show>
        </div>
    }
}
