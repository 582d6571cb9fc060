//! The dosing diary on the device: today's doses from the regimen's schedule (held days, rest days and dose
//! changes included), one tap to log a dose taken, the other outcomes (late, missed, skipped with a reason,
//! vomited, extra dose), corrections that supersede earlier records, the care team's changes, refills, and the
//! diary screen with the cycle calendar and adherence.
//!
//! Records come from two places: events recorded on this device (its outbox, sent or not), and the dose records
//! of the patient's other devices that the server sends in the profile. Both are merged by event id.

use carepath_domain::sorting;
use std::collections::{BTreeSet, HashMap};

use carepath_domain::adherence::{summarize, DiaryRecord, DoseOutcome, SkipReason};
use carepath_domain::regimen::{DoseSlot, RegimenLine};
use carepath_domain::schedule::{DayPlan, ExpectedDose};
use carepath_domain::sync::{DeviceProfile, EventBody, PatientEvent};
use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use uuid::Uuid;

use crate::device::Device;
use carepath_ui::format;
use carepath_ui::i18n::current;
use crate::outbox::StoredEvent;
use crate::patient::{profile, slot_label};
use carepath_ui::regimen_text::{amount_text, change_text, date_text, food_text, skip_reason_text, time_text};
use carepath_ui::tr;
use carepath_ui::text;

/// One dose record, from this device or another of the patient's.
#[derive(Debug, Clone, PartialEq)]
pub struct DoseRecord {
    pub id: Uuid,
    pub line: Uuid,
    pub date: NaiveDate,
    pub slot: DoseSlot,
    pub outcome: DoseOutcome,
    pub taken_at: Option<DateTime<Utc>>,
    pub recorded_at: DateTime<Utc>,
    pub supersedes: Option<Uuid>,
    /// The caregiver who logged it; `None` for the patient.
    pub logged_by: Option<String>,
}

/// Every dose record known on this device, in recorded order: its own events and the profile's diary.
pub fn merge_records(events: &[StoredEvent], profile: &DeviceProfile) -> Vec<DoseRecord> {
    let me = profile.caregiver.as_ref().map(|c| c.name.clone());
    let mut by_id: HashMap<Uuid, DoseRecord> = profile
        .diary
        .iter()
        .map(|item| {
            let record = DoseRecord {
                id: item.event_id,
                line: item.regimen_line_id,
                date: item.date,
                slot: item.slot,
                outcome: item.outcome,
                taken_at: item.taken_at,
                recorded_at: item.recorded_at,
                supersedes: item.supersedes,
                logged_by: item.logged_by.clone(),
            };
            (record.id, record)
        })
        .collect();
    for stored in events {
        let event = &stored.event;
        if let Some((line, record)) = event.diary_record() {
            by_id.insert(
                event.id,
                DoseRecord {
                    id: event.id,
                    line,
                    date: record.date,
                    slot: record.slot,
                    outcome: record.kind,
                    taken_at: event.taken_at(),
                    recorded_at: event.recorded_at,
                    supersedes: record.supersedes,
                    logged_by: me.clone(),
                },
            );
        }
    }
    let mut records: Vec<DoseRecord> = by_id.into_values().collect();
    sorting::sort_by_key(&mut records, |r| (r.recorded_at, r.id));
    records
}

/// The domain's diary records of one line (what adherence and the calendar read).
pub fn diary_records(records: &[DoseRecord], line: Uuid) -> Vec<DiaryRecord> {
    records
        .iter()
        .filter(|r| r.line == line)
        .map(|r| DiaryRecord { id: r.id, supersedes: r.supersedes, date: r.date, slot: r.slot, kind: r.outcome, taken_at: r.taken_at.or(Some(r.recorded_at)) })
        .collect()
}

/// Ids of the records a later record corrects.
pub fn superseded(records: &[DoseRecord]) -> BTreeSet<Uuid> {
    records.iter().filter_map(|r| r.supersedes).collect()
}

/// The record that stands for one dose: the latest one nobody corrected (extra doses aside). A correction names a
/// record of the same line and day (the server refuses any other), so only that day's records are looked at: one
/// pass, no set of every record ever made, however long the diary.
pub fn current_record<'a>(records: &'a [DoseRecord], line: Uuid, date: NaiveDate, slot: DoseSlot) -> Option<&'a DoseRecord> {
    let same_day: Vec<&DoseRecord> = records.iter().filter(|r| r.line == line && r.date == date).collect();
    same_day
        .iter()
        .copied()
        .filter(|r| r.slot == slot && r.outcome != DoseOutcome::ExtraDose)
        .filter(|r| !same_day.iter().any(|c| c.supersedes == Some(r.id)))
        .next_back()
}

/// The records of this device and the profile, as a signal-friendly snapshot.
fn all_records(device: Device) -> Vec<DoseRecord> {
    let Some(profile) = device.profile.get().flatten() else { return Vec::new() };
    device.events.with(|events| merge_records(events, &profile))
}

fn dose_event(line: Uuid, date: NaiveDate, slot: DoseSlot, outcome: DoseOutcome, taken_at: Option<DateTime<Utc>>, supersedes: Option<Uuid>) -> PatientEvent {
    PatientEvent {
        id: Uuid::new_v4(),
        recorded_at: Utc::now(),
        body: EventBody::DoseLogged { regimen_line_id: line, date, slot, outcome, taken_at, supersedes },
    }
}

/// A local clock time on `date` on this device, as an instant. `None` for a time that does not exist.
fn local_instant(date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    chrono::Local.from_local_datetime(&date.and_time(time)).earliest().map(|t| t.with_timezone(&Utc))
}

/// "Taken · 8:05 AM", "Missed", "Skipped: side effects"…
pub fn outcome_text(outcome: DoseOutcome, taken_at: Option<DateTime<Utc>>) -> String {
    let words = carepath_ui::regimen_text::outcome_text(outcome);
    match taken_at {
        Some(t) => tr!("diary-outcome-at", outcome = words, time = format::time(t, &current())),
        None => words,
    }
}

const SKIP_REASONS: [SkipReason; 5] =
    [SkipReason::SideEffects, SkipReason::Forgot, SkipReason::CareTeamAdvice, SkipReason::RanOut, SkipReason::Other];

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
            let line_id = line.id;
            let drug_y = drug.clone();
            view! {
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

/// Yesterday's doses with no record, so a forgotten log can still be made.
#[component]
fn UnloggedYesterday(line_id: Uuid, drug: String, doses: Vec<ExpectedDose>) -> impl IntoView {
    let device = expect_context::<Device>();
    let unlogged = move || {
        let records = all_records(device);
        doses.iter().filter(|d| current_record(&records, line_id, d.date, d.slot).is_none()).cloned().collect::<Vec<_>>()
    };
    move || {
        let list = unlogged();
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

thread_local! {
    /// The dose (its row's id) whose recorded state takes the focus once drawn, after "I took it".
    static FOCUS_AFTER_RECORD: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// One dose due: what to take, and either the buttons to log it or what was logged.
#[component]
fn DoseRow(line_id: Uuid, drug: String, dose: ExpectedDose) -> impl IntoView {
    let device = expect_context::<Device>();
    let (date, slot) = (dose.date, dose.slot);
    // A memo: the row's state is drawn anew only when its record changes, not whenever any event does (a sync
    // marking the record sent would otherwise redraw it and drop the keyboard focus to the page).
    let shown = Memo::new(move |_| {
        let records = all_records(device);
        current_record(&records, line_id, date, slot).cloned()
    });
    let current = move || shown.get();
    let editing = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let id = format!("dose-{line_id}-{date}-{slot:?}").to_lowercase();
    // After "I took it" the button is gone: focus goes to what was recorded, not to the page (issue #14). The row
    // may be drawn anew when the diary changes, so which dose is waiting for focus is kept outside it.
    let recorded = NodeRef::<leptos::html::Span>::new();
    let dose_id = id.clone();
    Effect::new(move || {
        if let Some(status) = recorded.get() {
            if FOCUS_AFTER_RECORD.with(|f| f.borrow().as_deref() == Some(dose_id.as_str())) {
                FOCUS_AFTER_RECORD.with(|f| f.borrow_mut().take());
                let _ = status.focus();
            }
        }
    });
    let dose_id = StoredValue::new(id.clone());
    let take = move |_| {
        if busy.get_untracked() || shown.get_untracked().is_some() {
            return;
        }
        busy.set(true);
        FOCUS_AFTER_RECORD.with(|f| *f.borrow_mut() = Some(dose_id.get_value()));
        let event = dose_event(line_id, date, slot, DoseOutcome::Taken, Some(Utc::now()), None);
        spawn_local(async move {
            if device.record(event).await.is_err() {
                FOCUS_AFTER_RECORD.with(|f| f.borrow_mut().take());
                error.set(Some(tr!("storage-error")));
            }
            busy.set(false);
        });
    };
    let amount = dose.amount;
    let food = dose.food;
    let time = dose.local_time;
    let drug_label = drug.clone();
    let heading_id = format!("{id}-name");
    let labelled_by = heading_id.clone();
    view! {
        <li class="slot" data-slot=format!("{slot:?}").to_lowercase() data-date=date.to_string() aria-labelledby=labelled_by>
            <div class="slot-what">
                <span class="slot-name" id=heading_id>{move || slot_label(slot)}" · "{move || time_text(time)}</span>
                <span class="slot-amount">{move || amount_text(&amount)}</span>
                <span class="hint">{move || food_text(food)}</span>
            </div>
            {move || match current() {
                Some(record) => {
                    let r = record.clone();
                    view! {
                        <div class="slot-done">
                            <span class=if r.outcome.counts_as_taken() { "taken" } else { "not-taken" } data-outcome=outcome_key(r.outcome)
                                tabindex="-1" node_ref=recorded>
                                <span aria-hidden="true">{if r.outcome.counts_as_taken() { "✓ " } else { "✗ " }}</span>
                                {move || outcome_text(r.outcome, r.taken_at)}
                            </span>
                            {r.logged_by.clone().map(|name| view! { <span class="hint">{move || tr!("diary-logged-by", name = name.clone())}</span> })}
                            <button type="button" class="link-button" on:click=move |_| editing.update(|e| *e = !*e)
                                aria-expanded=move || editing.get().to_string()>{text!("diary-change")}</button>
                        </div>
                    }.into_any()
                }
                None => {
                    let drug = drug_label.clone();
                    view! {
                        <div class="slot-actions">
                            <button type="button" class="primary take" on:click=take disabled=move || busy.get()
                                aria-label=move || tr!("dose-take-aria", slot = slot_label(slot), drug = drug.clone())>
                                {text!("dose-take")}
                            </button>
                            <button type="button" class="secondary" on:click=move |_| editing.update(|e| *e = !*e)
                                aria-expanded=move || editing.get().to_string()>{text!("diary-other")}</button>
                        </div>
                    }.into_any()
                }
            }}
            <Show when=move || editing.get()>
                <DoseDetails line_id=line_id date=date dose_slot=slot supersedes=current().map(|r| r.id) due=time
                    on_done=Callback::new(move |_| editing.set(false))/>
            </Show>
            <span class="error" role="alert">{move || error.get()}</span>
        </li>
    }
}

fn outcome_key(outcome: DoseOutcome) -> &'static str {
    match outcome {
        DoseOutcome::Taken => "taken",
        DoseOutcome::TakenLate => "taken_late",
        DoseOutcome::Missed => "missed",
        DoseOutcome::Skipped { .. } => "skipped",
        DoseOutcome::Vomited => "vomited",
        DoseOutcome::ExtraDose => "extra_dose",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Choice {
    TakenAt,
    Missed,
    Skipped,
    Vomited,
}

/// The other outcomes of a dose, or a correction of what was logged (the new record supersedes the old).
#[component]
fn DoseDetails(line_id: Uuid, date: NaiveDate, dose_slot: DoseSlot, supersedes: Option<Uuid>, due: NaiveTime, on_done: Callback<()>) -> impl IntoView {
    let device = expect_context::<Device>();
    let slot = dose_slot;
    let choice = RwSignal::new(None::<Choice>);
    let reason = RwSignal::new(SkipReason::SideEffects);
    let now_local = chrono::Local::now();
    let default_time = if now_local.date_naive() == date { now_local.time() } else { due };
    let time = RwSignal::new(default_time.format("%H:%M").to_string());
    let error = RwSignal::new(None::<String>);
    let base = format!("details-{line_id}-{date}-{slot:?}").to_lowercase();
    let name = base.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(c) = choice.get_untracked() else {
            error.set(Some(tr!("diary-choose")));
            return;
        };
        let taken_at = match c {
            Choice::TakenAt | Choice::Vomited => {
                let parsed = NaiveTime::parse_from_str(&time.get_untracked(), "%H:%M").ok().and_then(|t| local_instant(date, t));
                match parsed {
                    Some(t) if t <= Utc::now() + chrono::Duration::minutes(1) => Some(t),
                    Some(_) => {
                        error.set(Some(tr!("diary-time-future")));
                        return;
                    }
                    None => {
                        error.set(Some(tr!("diary-time-invalid")));
                        return;
                    }
                }
            }
            _ => None,
        };
        let outcome = match c {
            Choice::TakenAt => {
                let due_at = local_instant(date, due);
                if taken_at.zip(due_at).is_some_and(|(t, d)| t > d + chrono::Duration::hours(2)) {
                    DoseOutcome::TakenLate
                } else {
                    DoseOutcome::Taken
                }
            }
            Choice::Missed => DoseOutcome::Missed,
            Choice::Skipped => DoseOutcome::Skipped { reason: reason.get_untracked() },
            Choice::Vomited => DoseOutcome::Vomited,
        };
        let event = dose_event(line_id, date, slot, outcome, taken_at, supersedes);
        spawn_local(async move {
            match device.record(event).await {
                Ok(()) => on_done.run(()),
                Err(_) => error.set(Some(tr!("storage-error"))),
            }
        });
    };
    let option = move |value: Choice, label: fn() -> String| {
        let id = format!("{name}-{value:?}").to_lowercase();
        let group = name.clone();
        view! {
            <div class="choice">
                <input type="radio" id=id.clone() name=group prop:checked=move || choice.get() == Some(value)
                    on:change=move |_| choice.set(Some(value))/>
                <label for=id>{label}</label>
            </div>
        }
    };
    let time_id = format!("{base}-time");
    let reason_id = format!("{base}-reason");
    let error_id = format!("{base}-error");
    let described_by = error_id.clone();
    view! {
        <form class="dose-details" on:submit=save novalidate aria-describedby=described_by>
            <fieldset>
                <legend>{move || if supersedes.is_some() { tr!("diary-correct-legend") } else { tr!("diary-other-legend") }}</legend>
                {option(Choice::TakenAt, || tr!("diary-choice-taken-at"))}
                {option(Choice::Missed, || tr!("diary-choice-missed"))}
                {option(Choice::Skipped, || tr!("diary-choice-skipped"))}
                {option(Choice::Vomited, || tr!("diary-choice-vomited"))}
            </fieldset>
            <Show when=move || matches!(choice.get(), Some(Choice::TakenAt | Choice::Vomited))>
                <label for=time_id.clone()>{text!("diary-time-label")}</label>
                <input id=time_id.clone() type="time" bind:value=time/>
            </Show>
            <Show when=move || choice.get() == Some(Choice::Skipped)>
                <label for=reason_id.clone()>{text!("diary-reason-label")}</label>
                <select id=reason_id.clone() on:change=move |ev| {
                    let i: usize = event_target_value(&ev).parse().unwrap_or(0);
                    reason.set(SKIP_REASONS[i.min(SKIP_REASONS.len() - 1)]);
                }>
                    {SKIP_REASONS.iter().enumerate().map(|(i, r)| {
                        let r = *r;
                        view! { <option value=i.to_string() prop:selected=move || reason.get() == r>{move || skip_reason_text(r)}</option> }
                    }).collect_view()}
                </select>
            </Show>
            <Show when=move || choice.get() == Some(Choice::Vomited)>
                <p class="hint">{text!("diary-vomited-advice")}</p>
            </Show>
            <p id=error_id class="error" role="alert">{move || error.get()}</p>
            <div class="button-row">
                <button type="submit" class="primary">{text!("diary-save")}</button>
                <button type="button" class="secondary" on:click=move |_| on_done.run(())>{text!("diary-cancel")}</button>
            </div>
        </form>
    }
}

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
                on:click=move |_| open.update(|o| *o = !*o)>{text!("diary-extra-open")}</button>
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

/// Storage key of the care-team changes the patient has already seen (change ids).
const SEEN_CHANGES_KEY: &str = "carepath.seen_changes";

fn seen_changes() -> BTreeSet<Uuid> {
    gloo::storage::LocalStorage::get::<BTreeSet<Uuid>>(SEEN_CHANGES_KEY).unwrap_or_default()
}

use gloo::storage::Storage as _;

/// "Your pharmacy changed your plan on …": the latest care-team change of the last 30 days until the patient says OK.
#[component]
fn ChangeNotice(line: RegimenLine) -> impl IntoView {
    let since = Utc::now() - chrono::Duration::days(30);
    let latest = line.latest_change_since(since).cloned();
    let dismissed = RwSignal::new(latest.as_ref().is_some_and(|c| seen_changes().contains(&c.id)));
    latest.map(|change| {
        let id = change.id;
        let dismiss = move |_| {
            let mut seen = seen_changes();
            seen.insert(id);
            let _ = gloo::storage::LocalStorage::set(SEEN_CHANGES_KEY, &seen);
            dismissed.set(true);
        };
        let recorded = change.recorded_at;
        let what = change.change.clone();
        view! {
            <Show when=move || !dismissed.get()>
                <div class="notice change-notice" role="status" data-testid="change-notice">
                    <p><strong>{move || tr!("diary-change-notice", date = format::long_date(recorded.with_timezone(&chrono::Local).date_naive(), &current()))}</strong></p>
                    <p>{let what = what.clone(); move || change_text(&what)}</p>
                    <p class="hint">{text!("diary-change-ask")}</p>
                    <button type="button" class="secondary" on:click=dismiss>{text!("diary-change-ok")}</button>
                </div>
            </Show>
        }
    })
}

/// When the supply is running low: the estimated run-out date and "request a refill" (a record sent to the pharmacy).
#[component]
fn RefillCard(line: RegimenLine, today: NaiveDate) -> impl IntoView {
    let device = expect_context::<Device>();
    let line_id = line.id;
    let last_dispense = line.dispenses.iter().map(|d| d.recorded_at).max();
    let line = StoredValue::new(line);
    let summary = move || {
        let records = all_records(device);
        line.with_value(|l| summarize(l, &diary_records(&records, line_id), today).ok())
    };
    // A request made since the last dispense is still pending.
    let requested = move || {
        device.events.with(|events| {
            events
                .iter()
                .filter(|e| matches!(e.event.body, EventBody::RefillRequested { regimen_line_id } if regimen_line_id == line_id))
                .map(|e| e.event.recorded_at)
                .filter(|at| last_dispense.is_none_or(|d| *at > d))
                .max()
        })
    };
    let busy = RwSignal::new(false);
    let request = move |_| {
        if busy.get_untracked() || requested().is_some() {
            return;
        }
        busy.set(true);
        let event = PatientEvent { id: Uuid::new_v4(), recorded_at: Utc::now(), body: EventBody::RefillRequested { regimen_line_id: line_id } };
        spawn_local(async move {
            let _ = device.record(event).await;
            busy.set(false);
        });
    };
    move || {
        let summary = summary()?;
        let run_out = summary.run_out?;
        if !summary.refill_due {
            return Some(view! { <p class="hint supply">{move || tr!("diary-supply-until", date = date_text(run_out))}</p> }.into_any());
        }
        Some(match requested() {
            Some(at) => view! {
                <div class="notice refill" data-testid="refill-requested" role="status">
                    <p>{move || tr!("diary-refill-requested", date = format::date_time(at, &current()))}</p>
                </div>
            }
            .into_any(),
            None => view! {
                <div class="notice refill" data-testid="refill-due">
                    <p>{move || tr!("diary-refill-due", date = date_text(run_out))}</p>
                    <button type="button" class="primary" on:click=request disabled=move || busy.get()>{text!("diary-refill-request")}</button>
                </div>
            }
            .into_any(),
        })
    }
}

/// `/diary`: per regimen line, adherence, the cycle calendar and every record (corrections shown, not hidden).
#[component]
pub fn DiaryScreen() -> impl IntoView {
    let device = expect_context::<Device>();
    let today = format::today();
    view! {
        <section aria-labelledby="diary-title">
            <h1 id="diary-title">{text!("diary-title")}</h1>
            {move || {
                let p = profile();
                let records = all_records(device);
                p.regimen.into_iter().map(|line| {
                    let line_records = diary_records(&records, line.id);
                    let summary = summarize(&line, &line_records, today).ok();
                    let history: Vec<DoseRecord> = records.iter().filter(|r| r.line == line.id).rev().cloned().collect();
                    let corrected = superseded(&records);
                    let title = format!("{} {}", line.drug_name(), line.regimen.strength);
                    view! {
                        <section class="card" aria-label=title.clone()>
                            <h2>{title.clone()}</h2>
                            {summary.map(|s| view! { <carepath_ui::calendar::AdherenceFigures summary=s for_pharmacist=false/> })}
                            <carepath_ui::calendar::CycleCalendar line=line.clone() records=line_records today=today/>
                            <h3>{text!("diary-history")}</h3>
                            <DiaryHistory records=history corrected=corrected/>
                        </section>
                    }
                }).collect_view()
            }}
            <section class="card" aria-labelledby="upcoming-title">
                <h2 id="upcoming-title">{text!("diary-upcoming-title")}</h2>
                {move || view! { <carepath_ui::calendar::UpcomingDoses lines=profile().regimen today=today days=7/> }}
            </section>
            <A href="/" attr:class="button secondary wide">{text!("nav-today")}</A>
        </section>
    }
}

/// Records newest first; a corrected record stays, struck through and marked.
#[component]
pub fn DiaryHistory(records: Vec<DoseRecord>, corrected: BTreeSet<Uuid>) -> impl IntoView {
    if records.is_empty() {
        return view! { <p>{text!("diary-history-empty")}</p> }.into_any();
    }
    view! {
        <ol class="history diary-history" role="list">
            {records.into_iter().map(|r| {
                let was_corrected = corrected.contains(&r.id);
                let r2 = r.clone();
                view! {
                    <li class:superseded=was_corrected>
                        <span class="history-when">{move || date_text(r2.date)}" · "{move || slot_label(r2.slot)}</span>" "
                        {if was_corrected {
                            view! { <s>{move || outcome_text(r.outcome, r.taken_at)}</s>" "<span class="badge">{text!("diary-corrected")}</span> }.into_any()
                        } else {
                            view! { <span>{move || outcome_text(r.outcome, r.taken_at)}</span> }.into_any()
                        }}
                        {r.logged_by.clone().map(|name| view! { " " <span class="hint">{move || tr!("diary-logged-by", name = name.clone())}</span> })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use carepath_domain::sync::{DiaryItem, SiteInfo};

    fn profile_with(diary: Vec<DiaryItem>) -> DeviceProfile {
        DeviceProfile {
            patient_id: Uuid::nil(),
            display_name: "Ana".into(),
            site: SiteInfo { name: "North".into(), phone: "1".into(), after_hours_phone: "2".into() },
            regimen: Vec::new(),
            check_in: None,
            triage: Default::default(),
            messages: Vec::new(),
            caregiver: None,
            sent_messages: Vec::new(),
            diary,
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn records_from_this_device_and_others_merge_by_id_and_corrections_win() {
        let line = Uuid::from_u128(1);
        let date: NaiveDate = "2026-11-22".parse().unwrap();
        let taken = PatientEvent {
            id: Uuid::from_u128(10),
            recorded_at: at("2026-11-22T08:00:00Z"),
            body: EventBody::DoseLogged { regimen_line_id: line, date, slot: DoseSlot::Morning, outcome: DoseOutcome::Taken, taken_at: Some(at("2026-11-22T08:00:00Z")), supersedes: None },
        };
        // The same record came back from the server, and a caregiver's correction too.
        let echoed = DiaryItem {
            event_id: taken.id, regimen_line_id: line, date, slot: DoseSlot::Morning, outcome: DoseOutcome::Taken,
            taken_at: taken.taken_at(), recorded_at: taken.recorded_at, logged_by: None, supersedes: None, superseded: true,
        };
        let correction = DiaryItem {
            event_id: Uuid::from_u128(11), outcome: DoseOutcome::Vomited, recorded_at: at("2026-11-22T09:00:00Z"),
            logged_by: Some("Maria".into()), supersedes: Some(taken.id), superseded: false, ..echoed.clone()
        };
        let stored = vec![StoredEvent { event: taken.clone(), delivery: crate::outbox::Delivery::Sent, owner: "default".into() }];
        let records = merge_records(&stored, &profile_with(vec![correction.clone(), echoed]));
        assert_eq!(records.len(), 2, "one record per id");
        let now = current_record(&records, line, date, DoseSlot::Morning).unwrap();
        assert_eq!((now.outcome, now.logged_by.as_deref()), (DoseOutcome::Vomited, Some("Maria")));
        assert_eq!(superseded(&records), BTreeSet::from([taken.id]));
        assert_eq!(diary_records(&records, line).len(), 2);
        assert!(current_record(&records, line, date, DoseSlot::Evening).is_none());
    }
}
