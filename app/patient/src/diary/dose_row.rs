//! One dose due: one tap to log it taken, the other outcomes, corrections.

use std::cell::RefCell;

use carepath_domain::adherence::{DoseOutcome, DoseTiming, SkipReason};
use carepath_domain::regimen::DoseSlot;
use carepath_domain::schedule::ExpectedDose;
use carepath_domain::sync::PatientEvent;
use chrono::{NaiveDate, NaiveTime, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use super::{all_records, current_record, dose_event, local_instant, outcome_text, SKIP_REASONS};
use crate::device::Device;
use crate::patient::{caring_for, slot_label};
use carepath_ui::format;
use carepath_ui::i18n::current as current_lang;
use carepath_ui::regimen_text::{amount_text, food_text, skip_reason_text, time_text};
use carepath_ui::{text, tr};

thread_local! {
    /// The dose (its row's id) waiting for focus once its new state is drawn, and where the focus goes. The row may
    /// be drawn anew when the diary changes, so this is kept outside it.
    static FOCUS_NEXT: RefCell<Option<(String, FocusTarget)>> = const { RefCell::new(None) };
    /// The record that may still be undone, and until when (milliseconds since the epoch, the phone's clock).
    static UNDOABLE: RefCell<Option<(Uuid, f64)>> = const { RefCell::new(None) };
}

/// How long "Undo" stays after a dose is logged. Later, "Change" still corrects it.
const UNDO_SECONDS: u32 = 15;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FocusTarget {
    /// What was recorded, after "I took it" or a save.
    Recorded,
    /// "I took it" again, after an undo or "Not yet".
    TakeButton,
    /// The question "Did you take it now?".
    EarlyQuestion,
}

fn focus_next_is(row: &str, target: FocusTarget) -> bool {
    FOCUS_NEXT.with(|f| f.borrow().as_ref().is_some_and(|(r, t)| r == row && *t == target))
}

/// Focuses `element` if this row was waiting for focus on `target`.
fn take_focus(row: &str, target: FocusTarget, element: Option<web_sys::HtmlElement>) {
    if let Some(element) = element.filter(|_| focus_next_is(row, target)) {
        FOCUS_NEXT.with(|f| f.borrow_mut().take());
        let _ = element.focus();
    }
}

/// One dose due: what to take, and either the buttons to log it or what was logged (with "Undo" for a few
/// seconds). A dose tapped hours before it is due is asked about first; a past day's dose asks when it was taken.
#[component]
pub(super) fn DoseRow(line_id: Uuid, drug: String, dose: ExpectedDose) -> impl IntoView {
    let device = expect_context::<Device>();
    let (date, slot) = (dose.date, dose.slot);
    let past_day = date < format::today();
    // A memo: the row's state is drawn anew only when its record changes, not whenever any event does (a sync
    // marking the record sent would otherwise redraw it and drop the keyboard focus to the page).
    let shown = Memo::new(move |_| {
        let records = all_records(device);
        current_record(&records, line_id, date, slot).cloned()
    });
    let current = move || shown.get();
    let editing = RwSignal::new(false);
    let asking_early = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let id = format!("dose-{line_id}-{date}-{slot:?}").to_lowercase();
    let row = StoredValue::new(id.clone());

    let recorded = NodeRef::<leptos::html::Span>::new();
    let take_button = NodeRef::<leptos::html::Button>::new();
    let early_question = NodeRef::<leptos::html::P>::new();
    let undo_button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move || take_focus(&row.get_value(), FocusTarget::Recorded, recorded.get().map(Into::into)));
    Effect::new(move || take_focus(&row.get_value(), FocusTarget::TakeButton, take_button.get().map(Into::into)));
    Effect::new(move || take_focus(&row.get_value(), FocusTarget::EarlyQuestion, early_question.get().map(Into::into)));

    // "Undo" shows while the record on screen is the one just made here, for what is left of its time.
    let undo_open = RwSignal::new(false);
    Effect::new(move || {
        let Some(record) = shown.get() else {
            undo_open.set(false);
            return;
        };
        let left = UNDOABLE.with(|u| u.borrow().filter(|(id, _)| *id == record.id).map(|(_, until)| until - js_sys::Date::now()));
        match left {
            Some(ms) if ms > 0.0 => {
                undo_open.set(true);
                gloo::timers::callback::Timeout::new(ms as u32, move || {
                    // The button goes: if it had the focus, the focus stays in the row, on what was recorded. The
                    // row may be gone by now (another screen): try_ reads, which do nothing then.
                    let focused = undo_button.try_get_untracked().flatten().is_some_and(|b| {
                        document().active_element().is_some_and(|a| a == **b)
                    });
                    if undo_open.try_set(false).is_none() && focused {
                        if let Some(status) = recorded.try_get_untracked().flatten() {
                            let _ = status.focus();
                        }
                    }
                })
                .forget();
            }
            _ => undo_open.set(false),
        }
    });

    // Every record of this row goes through here: stored on the phone first, then the focus and "Undo".
    let record = move |event: PatientEvent, focus: FocusTarget, undoable: bool| {
        busy.set(true);
        error.set(None);
        FOCUS_NEXT.with(|f| *f.borrow_mut() = Some((row.get_value(), focus)));
        if undoable {
            UNDOABLE.with(|u| *u.borrow_mut() = Some((event.id, js_sys::Date::now() + f64::from(UNDO_SECONDS) * 1000.0)));
        }
        spawn_local(async move {
            if device.record(event).await.is_err() {
                FOCUS_NEXT.with(|f| f.borrow_mut().take());
                UNDOABLE.with(|u| u.borrow_mut().take());
                error.set(Some(tr!("storage-error")));
            }
            busy.set(false);
        });
    };
    let taken_now = move || {
        asking_early.set(false);
        record(dose_event(line_id, date, slot, DoseOutcome::Taken, Some(Utc::now()), None), FocusTarget::Recorded, true);
    };
    let due = dose.local_time;
    let take = move |_| {
        if busy.get_untracked() || asking_early.get_untracked() || shown.get_untracked().is_some() {
            return;
        }
        if past_day {
            // Yesterday's dose: when was it taken? (Or "I don't know the time": never "now".)
            editing.set(true);
            return;
        }
        let early = local_instant(date, due).is_some_and(|due_at| DoseTiming::of(due_at, Utc::now()) == DoseTiming::WellBeforeDue);
        if early {
            FOCUS_NEXT.with(|f| *f.borrow_mut() = Some((row.get_value(), FocusTarget::EarlyQuestion)));
            asking_early.set(true);
        } else {
            taken_now();
        }
    };
    let not_yet = move |_| {
        FOCUS_NEXT.with(|f| *f.borrow_mut() = Some((row.get_value(), FocusTarget::TakeButton)));
        asking_early.set(false);
        // The button stays drawn: focus it now.
        if let Some(button) = take_button.get_untracked() {
            FOCUS_NEXT.with(|f| f.borrow_mut().take());
            let _ = button.focus();
        }
    };
    let undo = move |_| {
        let Some(last) = shown.get_untracked() else { return };
        UNDOABLE.with(|u| u.borrow_mut().take());
        editing.set(false);
        record(dose_event(line_id, date, slot, DoseOutcome::EnteredInError, None, Some(last.id)), FocusTarget::TakeButton, false);
    };
    let on_record = Callback::new(move |event: PatientEvent| {
        editing.set(false);
        record(event, FocusTarget::Recorded, true);
    });

    let amount = dose.amount;
    let food = dose.food;
    let day = if past_day { "yesterday" } else { "today" };
    let slot_words = move || slot_label(slot);
    let drug = StoredValue::new(drug);
    let heading_id = format!("{id}-name");
    let labelled_by = heading_id.clone();
    view! {
        <li class="slot" data-slot=format!("{slot:?}").to_lowercase() data-date=date.to_string() aria-labelledby=labelled_by>
            <div class="slot-what">
                <span class="slot-name" id=heading_id>{slot_words}" · "{move || time_text(due)}</span>
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
                            <Show when=move || undo_open.get()>
                                <button type="button" class="secondary undo" node_ref=undo_button on:click=undo disabled=move || busy.get()
                                    aria-label=move || tr!("diary-undo-aria", day = day, slot = slot_words())>{text!("diary-undo")}</button>
                            </Show>
                            <button type="button" class="link-button" on:click=move |_| editing.update(|e| *e = !*e)
                                aria-expanded=move || editing.get().to_string()
                                aria-label=move || tr!("diary-change-aria", day = day, slot = slot_words())>{text!("diary-change")}</button>
                        </div>
                    }.into_any()
                }
                None => view! {
                    <div class="slot-actions">
                        <button type="button" class="primary take" node_ref=take_button on:click=take
                            disabled=move || busy.get()
                            aria-label=move || match caring_for() {
                                Some(patient) => tr!("dose-take-for-aria", day = day, slot = slot_words(), drug = drug.get_value(), patient = patient),
                                None => tr!("dose-take-aria", day = day, slot = slot_words(), drug = drug.get_value()),
                            }>
                            {move || match caring_for() {
                                Some(patient) => tr!("dose-take-for", patient = patient),
                                None => tr!("dose-take"),
                            }}
                        </button>
                        <button type="button" class="secondary" on:click=move |_| editing.update(|e| *e = !*e)
                            aria-expanded=move || editing.get().to_string()
                            aria-label=move || tr!("diary-other-aria", day = day, slot = slot_words())>{text!("diary-other")}</button>
                    </div>
                }.into_any(),
            }}
            <Show when=move || asking_early.get()>
                <div class="ask-early notice" role="group" aria-labelledby=format!("{}-early", row.get_value())>
                    <p id=format!("{}-early", row.get_value()) tabindex="-1" node_ref=early_question>
                        {move || {
                            let (now, due) = (format::clock(chrono::Local::now().time(), &current_lang()), time_text(due));
                            match caring_for() {
                                Some(patient) => tr!("dose-early-question-for", now = now, due = due, patient = patient),
                                None => tr!("dose-early-question", now = now, due = due),
                            }
                        }}
                    </p>
                    <div class="button-row">
                        <button type="button" class="primary" on:click=move |_| taken_now()>{move || match caring_for() {
                            Some(patient) => tr!("dose-early-yes-for", patient = patient),
                            None => tr!("dose-early-yes"),
                        }}</button>
                        <button type="button" class="secondary" on:click=not_yet>{text!("dose-early-not-yet")}</button>
                    </div>
                </div>
            </Show>
            <Show when=move || editing.get()>
                <DoseDetails line_id=line_id date=date dose_slot=slot supersedes=current().map(|r| r.id) due=due
                    taking=past_day && current().is_none() on_record=on_record on_cancel=Callback::new(move |_| editing.set(false))/>
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
        DoseOutcome::EnteredInError => "entered_in_error",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Choice {
    TakenAt,
    Missed,
    Skipped,
    Vomited,
    /// A correction: the record was logged by mistake (as "Undo").
    Mistake,
}

/// The other outcomes of a dose, or a correction of what was logged (the new record supersedes the old). Opened by
/// "I took it" on a past day (`taking`), it asks when: the time, or "I don't know the time".
#[component]
fn DoseDetails(
    line_id: Uuid,
    date: NaiveDate,
    dose_slot: DoseSlot,
    supersedes: Option<Uuid>,
    due: NaiveTime,
    taking: bool,
    on_record: Callback<PatientEvent>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let slot = dose_slot;
    let choice = RwSignal::new(taking.then_some(Choice::TakenAt));
    let reason = RwSignal::new(SkipReason::SideEffects);
    let now_local = chrono::Local::now();
    let past_day = date < now_local.date_naive();
    let default_time = if now_local.date_naive() == date { now_local.time() } else { due };
    let time = RwSignal::new(default_time.format("%H:%M").to_string());
    let time_unknown = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let base = format!("details-{line_id}-{date}-{slot:?}").to_lowercase();
    let name = base.clone();
    let time_input = NodeRef::<leptos::html::Input>::new();
    if taking {
        // Straight to the question asked: what time.
        Effect::new(move || {
            if let Some(input) = time_input.get() {
                let _ = input.focus();
            }
        });
    }
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(c) = choice.get_untracked() else {
            error.set(Some(tr!("diary-choose")));
            return;
        };
        let taken_at = match c {
            Choice::TakenAt | Choice::Vomited if past_day && time_unknown.get_untracked() => None,
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
                let late = taken_at.zip(local_instant(date, due)).is_some_and(|(t, d)| DoseTiming::of(d, t) == DoseTiming::Late);
                if late { DoseOutcome::TakenLate } else { DoseOutcome::Taken }
            }
            Choice::Missed => DoseOutcome::Missed,
            Choice::Skipped => DoseOutcome::Skipped { reason: reason.get_untracked() },
            Choice::Vomited => DoseOutcome::Vomited,
            Choice::Mistake => DoseOutcome::EnteredInError,
        };
        on_record.run(dose_event(line_id, date, slot, outcome, taken_at, supersedes));
    };
    // The whole card is the target, not only the radio and its words.
    let option = move |value: Choice, label: fn() -> String| {
        let id = format!("{name}-{value:?}").to_lowercase();
        let group = name.clone();
        view! {
            <label class="choice" for=id.clone()>
                <input type="radio" id=id.clone() name=group prop:checked=move || choice.get() == Some(value)
                    on:change=move |_| choice.set(Some(value))/>
                <span>{label}</span>
            </label>
        }
    };
    let time_id = format!("{base}-time");
    let unknown_id = format!("{base}-time-unknown");
    let reason_id = format!("{base}-reason");
    let error_id = format!("{base}-error");
    let described_by = error_id.clone();
    view! {
        <form class="dose-details" on:submit=save novalidate aria-describedby=described_by>
            <fieldset>
                <legend>{move || if supersedes.is_some() { tr!("diary-correct-legend") } else { tr!("diary-other-legend") }}</legend>
                <div class="choices">
                    {option(Choice::TakenAt, if taking { taken_words } else { || tr!("diary-choice-taken-at") })}
                    {option(Choice::Missed, || tr!("diary-choice-missed"))}
                    {option(Choice::Skipped, || tr!("diary-choice-skipped"))}
                    {option(Choice::Vomited, || tr!("diary-choice-vomited"))}
                    {supersedes.is_some().then(|| option(Choice::Mistake, || tr!("diary-choice-mistake")))}
                </div>
            </fieldset>
            <Show when=move || matches!(choice.get(), Some(Choice::TakenAt | Choice::Vomited))>
                <label for=time_id.clone()>{text!("diary-time-label")}</label>
                <input id=time_id.clone() type="time" bind:value=time node_ref=time_input disabled=move || time_unknown.get()/>
                {past_day.then(|| view! {
                    <label class="choice" for=unknown_id.clone()>
                        <input type="checkbox" id=unknown_id.clone() prop:checked=move || time_unknown.get()
                            on:change=move |ev| time_unknown.set(event_target_checked(&ev))/>
                        <span>{text!("diary-time-unknown")}</span>
                    </label>
                })}
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
                <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>{text!("diary-cancel")}</button>
            </div>
        </form>
    }
}

/// "I took it", or for a caregiver "Rosa took it": the words of the button that opened the question.
fn taken_words() -> String {
    match caring_for() {
        Some(patient) => tr!("dose-take-for", patient = patient),
        None => tr!("dose-take"),
    }
}
