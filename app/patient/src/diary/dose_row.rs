//! One dose due: one tap to log it taken, the other outcomes, corrections.

use carepath_domain::adherence::{DoseOutcome, SkipReason};
use carepath_domain::regimen::DoseSlot;
use carepath_domain::schedule::ExpectedDose;
use chrono::{NaiveDate, NaiveTime, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use super::{all_records, current_record, dose_event, local_instant, outcome_text, SKIP_REASONS};
use crate::device::Device;
use crate::patient::slot_label;
use carepath_ui::regimen_text::{amount_text, food_text, skip_reason_text, time_text};
use carepath_ui::{text, tr};

thread_local! {
    /// The dose (its row's id) whose recorded state takes the focus once drawn, after "I took it".
    static FOCUS_AFTER_RECORD: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// One dose due: what to take, and either the buttons to log it or what was logged.
#[component]
pub(super) fn DoseRow(line_id: Uuid, drug: String, dose: ExpectedDose) -> impl IntoView {
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
