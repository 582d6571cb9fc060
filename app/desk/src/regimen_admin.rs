//! The pharmacist's regimen tools on the patient page: the plan in words, the care team's changes (hold,
//! restart, change the dose, a new cycle, stop), dispenses and the refill reminder, the dosing diary; and
//! the patient's caregivers (add with a one-time code, revoke).
//!
//! Every change is reviewed in words before it is recorded; the server checks it against the plan again
//! (422 with a reason when it does not fit).

use carepath_domain::sorting;
use carepath_domain::regimen::{ChangeRequest, DispenseRequest, RefillReminderRequest, RegimenLine};
use carepath_domain::schedule::{DayPlan, RegimenChange, SlotDose};
use carepath_domain::sync::{CaregiverRequest, CaregiverResponse, CaregiverView, DiaryItem, Empty, LineDiary, PatientDiary};
use chrono::{DateTime, NaiveDate, Utc};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use carepath_ui::api::{self, ApiError};
use carepath_ui::format;
use carepath_ui::i18n::current;
use crate::pharmacy::error_text;
use crate::regimen_form::{build_doses, check_amounts, parse_date, DoseFields, DosesDraft, FieldError};
use carepath_ui::regimen_text::{change_text, date_text, food_text, outcome_text, pattern_text, slot_dose_text, slot_name};
use carepath_ui::tr;
use carepath_ui::text;

/// A short, stable part of element ids for one regimen line.
fn line_key(line_id: Uuid) -> String {
    line_id.simple().to_string()[..8].to_string()
}

fn diary_path(patient_id: Uuid) -> String {
    format!("/api/pharmacy/patients/{patient_id}/diary")
}

/// The changes in effective order (ties in recorded order), as the schedule applies them.
fn changes_by_date(line: &RegimenLine) -> Vec<&RegimenChange> {
    let mut changes: Vec<&RegimenChange> = line.changes.iter().map(|c| &c.change).collect();
    sorting::sort_by_key(&mut changes, |c| c.effective());
    changes
}

/// The doses in force on `date`: the latest dose change on or before it, else the prescribed doses.
pub fn doses_in_force(line: &RegimenLine, date: NaiveDate) -> Vec<SlotDose> {
    changes_by_date(line)
        .into_iter()
        .rev()
        .find_map(|c| match c {
            RegimenChange::DoseChanged { on, doses } if *on <= date => Some(doses.clone()),
            _ => None,
        })
        .unwrap_or_else(|| line.regimen.doses.clone())
}

/// The date the line is stopped from, if a stop is recorded.
pub fn stopped_on(line: &RegimenLine) -> Option<NaiveDate> {
    line.changes.iter().find_map(|c| match c.change {
        RegimenChange::Stop { on } => Some(on),
        _ => None,
    })
}

/// The hold in force on `today` or starting later and not yet ended, with its first day: what "Restart" ends.
pub fn current_hold(line: &RegimenLine, today: NaiveDate) -> Option<NaiveDate> {
    let schedule = line.schedule().ok()?;
    changes_by_date(line).into_iter().rev().find_map(|c| match c {
        RegimenChange::Hold { from, .. } => {
            let day = (*from).max(today);
            matches!(schedule.day_plan(day), DayPlan::Held { since } if since == *from).then_some(*from)
        }
        _ => None,
    })
}

/// The cycle in force on `date`, if the plan is readable and the date is a taking or rest day.
fn cycle_on(line: &RegimenLine, date: NaiveDate) -> Option<u32> {
    match line.schedule().ok()?.day_plan(date) {
        DayPlan::Taking { doses } => doses.first().map(|d| d.cycle),
        DayPlan::OffDay { cycle, .. } => Some(cycle),
        _ => None,
    }
}

/// What today is for the line, in words.
fn status_text(line: &RegimenLine, today: NaiveDate) -> String {
    let status = match line.schedule() {
        Err(e) => return tr!("admin-status-unreadable", reason = e.to_string()),
        Ok(schedule) => match schedule.day_plan(today) {
            DayPlan::NotStarted => tr!("admin-status-not-started", date = date_text(line.regimen.start)),
            DayPlan::Taking { doses } => {
                let (cycle, day) = doses.first().map_or((0, 0), |d| (d.cycle, d.day_of_cycle));
                tr!("admin-status-taking", cycle = cycle.to_string(), day = day.to_string())
            }
            DayPlan::OffDay { cycle, day } => tr!("admin-status-off", cycle = cycle.to_string(), day = day.to_string()),
            DayPlan::Held { since } => tr!("admin-status-held", date = date_text(since)),
            DayPlan::Stopped { on } => tr!("admin-status-stopped", date = date_text(on)),
        },
    };
    tr!("admin-status-today", date = date_text(today), status = status)
}

fn action_error(e: &ApiError) -> String {
    match e {
        ApiError::Server { status: 422, message, .. } => tr!("admin-error-invalid", reason = message.clone()),
        other => error_text(other),
    }
}

fn date_or_error(text: &str) -> Result<NaiveDate, String> {
    parse_date(text).ok_or_else(|| tr!("admin-error-date"))
}

/// The patient's treatment: one card per regimen line.
#[component]
pub fn RegimenSection(patient_id: Uuid) -> impl IntoView {
    let diary = LocalResource::new(move || {
        let path = diary_path(patient_id);
        async move { api::get::<PatientDiary>(&path, None).await }
    });
    // The last diary that loaded: a failed refresh keeps it on screen.
    let latest = Memo::new(move |previous: Option<&Option<PatientDiary>>| match diary.get() {
        Some(Ok(d)) => Some(d),
        _ => previous.cloned().flatten(),
    });
    let failure = Memo::new(move |_| diary.get().and_then(Result::err));
    let today = Memo::new(move |_| latest.with(|d| d.as_ref().map(|d| d.today)).unwrap_or_else(format::today));
    let line_ids = Memo::new(move |_| latest.with(|d| d.as_ref().map(|d| d.lines.iter().map(|l| l.line.id).collect::<Vec<_>>()).unwrap_or_default()));
    let on_change = Callback::new(move |()| diary.refetch());
    view! {
        <div class="regimen-section">
            <p class="error" role="alert">{move || failure.get().map(|e| error_text(&e))}</p>
            {move || (latest.with(Option::is_none) && failure.with(Option::is_none)).then(|| view! {
                <p aria-busy="true">{text!("loading")}</p>
            })}
            {move || (latest.with(|d| d.as_ref().is_some_and(|d| d.lines.is_empty()))).then(|| view! {
                <section class="card"><p>{text!("admin-no-lines")}</p></section>
            })}
            <For each=move || line_ids.get() key=|id| *id children=move |id| {
                let line = Signal::derive(move || latest.with(|d| d.as_ref().and_then(|d| d.lines.iter().find(|l| l.line.id == id).cloned())));
                view! { <LineCard patient_id=patient_id line_id=id line=line today=today.into() on_change=on_change/> }
            }/>
            <AddMedicine patient_id=patient_id on_change=on_change/>
        </div>
    }
}

/// Another medicine for the patient (or the first, for a patient enrolled before regimens had cycles): the same
/// regimen form as at enrollment.
#[component]
fn AddMedicine(patient_id: Uuid, on_change: Callback<()>) -> impl IntoView {
    use crate::regimen_form::{focus_field, Field, RegimenDraft, RegimenFields};
    let draft = RegimenDraft::new();
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        done.set(false);
        let regimen = match untrack(|| draft.build()) {
            Ok(regimen) => regimen,
            Err(problem) => {
                draft.show_errors.set(true);
                error.set(Some(tr!("enroll-patient-invalid", reason = problem.message)));
                if problem.field != Field::Form {
                    focus_field(&problem.field.id("add-regimen"));
                }
                return;
            }
        };
        busy.set(true);
        spawn_local(async move {
            let path = format!("/api/pharmacy/patients/{patient_id}/regimens");
            match api::post::<_, RegimenLine>(&path, &regimen, None).await {
                Ok(_) => {
                    draft.reset();
                    done.set(true);
                    on_change.run(());
                }
                Err(ApiError::Server { status: 422, message, .. }) => error.set(Some(tr!("enroll-patient-invalid", reason = message))),
                Err(e) => error.set(Some(error_text(&e))),
            }
            busy.set(false);
        });
    };
    view! {
        <details class="card admin-action add-medicine">
            <summary>{text!("admin-add-line")}</summary>
            <form on:submit=submit aria-label=text!("admin-add-line") novalidate>
                <RegimenFields draft=draft prefix="add-regimen"/>
                <p class="error" role="alert">{move || error.get()}</p>
                <p role="status">{move || done.get().then(|| tr!("admin-add-line-done"))}</p>
                <button type="submit" class="primary" disabled=move || busy.get()>{text!("admin-add-line-submit")}</button>
            </form>
        </details>
    }
}

#[component]
fn LineCard(patient_id: Uuid, line_id: Uuid, line: Signal<Option<LineDiary>>, today: Signal<NaiveDate>, on_change: Callback<()>) -> impl IntoView {
    let key = line_key(line_id);
    let title_id = format!("line-{key}-title");
    let regimen_line = Signal::derive(move || line.with(|l| l.as_ref().map(|l| l.line.clone())));
    let with_line = move |f: fn(&RegimenLine, NaiveDate) -> AnyView| move || regimen_line.with(|l| l.as_ref().map(|l| f(l, today.get())));
    let stopped = Signal::derive(move || regimen_line.with(|l| l.as_ref().and_then(stopped_on)).is_some());
    let held = Signal::derive(move || regimen_line.with(|l| l.as_ref().and_then(|l| current_hold(l, today.get()))).is_some());
    let plan = with_line(|l, today| {
        let doses = doses_in_force(l, today);
        let r = &l.regimen;
        let (pattern, start, cycle, tz) = (r.pattern.clone(), r.start, r.first_cycle, r.time_zone.name().replace('_', " "));
        view! {
            <ul class="plan-doses" role="list">
                {doses.into_iter().map(|d| view! {
                    <li>{move || tr!("admin-dose-food", dose = slot_dose_text(&d), food = food_text(d.food))}</li>
                }).collect_view()}
            </ul>
            <p>{move || tr!("admin-plan-pattern", pattern = pattern_text(&pattern))}</p>
            <p>{move || tr!("admin-plan-start", date = date_text(start), cycle = cycle.to_string())}</p>
            <p>{move || tr!("admin-plan-time-zone", tz = tz.clone())}</p>
        }
        .into_any()
    });
    let history = with_line(|l, _| {
        if l.changes.is_empty() {
            return view! { <p>{text!("admin-history-empty")}</p> }.into_any();
        }
        let mut changes = l.changes.clone();
        sorting::sort_by_key(&mut changes, |c| std::cmp::Reverse(c.recorded_at));
        view! {
            <ol class="change-history" role="list">
                {changes.into_iter().map(|c| {
                    let (at, by) = (c.recorded_at, c.by.clone());
                    view! {
                        <li>
                            <p>{move || change_text(&c.change)}</p>
                            <p class="meta">{move || tr!("admin-history-by", time = format::date_time(at, &current()), name = by.clone())}</p>
                        </li>
                    }
                }).collect_view()}
            </ol>
        }
        .into_any()
    });
    let dispenses = with_line(|l, _| {
        if l.dispenses.is_empty() {
            return view! { <p>{text!("dispense-none")}</p> }.into_any();
        }
        view! {
            <ul class="dispense-list" role="list">
                {l.dispenses.iter().rev().map(|d| {
                    let (date, tablets, days, by) = (d.dispense.date, d.dispense.tablets, d.dispense.days_supply, d.by.clone());
                    view! { <li>{move || tr!("dispense-item", date = date_text(date), tablets = tablets, days = days, name = by.clone())}</li> }
                }).collect_view()}
            </ul>
        }
        .into_any()
    });
    let requests = move || {
        line.with(|l| l.as_ref().map(|l| l.refill_requests.clone())).filter(|r| !r.is_empty()).map(|requests| view! {
            <h3>{text!("dispense-requests-title")}</h3>
            <ul class="refill-requests" role="list">
                {requests.into_iter().map(|at| view! {
                    <li>{move || tr!("dispense-request-item", time = format::date_time(at, &current()))}</li>
                }).collect_view()}
            </ul>
        })
    };
    let diary = move || {
        line.with(|l| l.as_ref().map(|l| l.items.clone())).map(|items| {
            if items.is_empty() {
                return view! { <p>{text!("admin-diary-empty")}</p> }.into_any();
            }
            view! {
                <ol class="admin-diary" role="list">
                    {items.into_iter().rev().map(|item| view! { <DiaryRow item=item/> }).collect_view()}
                </ol>
            }
            .into_any()
        })
    };
    // Adherence (the same domain function the patient's phone uses) and the cycle calendar.
    let adherence = move || {
        line.with(|l| {
            l.as_ref().map(|ld| {
                let records: Vec<carepath_domain::adherence::DiaryRecord> = ld.items.iter().map(DiaryItem::diary_record).collect();
                let t = today.get();
                let summary = carepath_domain::adherence::summarize(&ld.line, &records, t).ok();
                view! {
                    {summary.map(|s| view! { <carepath_ui::calendar::AdherenceFigures summary=s for_pharmacist=true/> })}
                    <carepath_ui::calendar::CycleCalendar line=ld.line.clone() records=records today=t/>
                }
            })
        })
    };
    let initial_refill = line.with_untracked(|l| l.as_ref().map_or(7, |l| l.line.refill_reminder_days));
    view! {
        <section class="card regimen-line" aria-labelledby=title_id.clone()>
            <h2 id=title_id.clone()>
                {move || regimen_line.with(|l| l.as_ref().map(|l| l.regimen.drug_name.clone()))}
                " "<span class="strength">{move || regimen_line.with(|l| l.as_ref().map(|l| l.regimen.strength.clone()))}</span>
            </h2>
            <p class="line-status">{move || regimen_line.with(|l| l.as_ref().map(|l| status_text(l, today.get())))}</p>
            <h3>{text!("admin-adherence-title")}</h3>
            {adherence}
            <h3>{text!("admin-plan-title")}</h3>
            {plan}
            <h3>{text!("admin-actions-title")}</h3>
            <div class="admin-actions">
                {move || (!stopped.get() && !held.get()).then(|| view! { <HoldAction patient_id line_id today on_change/> })}
                {move || (!stopped.get() && held.get()).then(|| view! { <ResumeAction patient_id line_id today line=regimen_line on_change/> })}
                {move || (!stopped.get()).then(|| view! { <DoseAction patient_id line_id today line=regimen_line on_change/> })}
                {move || (!stopped.get()).then(|| view! { <CycleAction patient_id line_id today line=regimen_line on_change/> })}
                {move || (!stopped.get()).then(|| view! { <StopAction patient_id line_id today on_change/> })}
            </div>
            <h3>{text!("admin-history-title")}</h3>
            {history}
            <h3>{text!("dispense-title")}</h3>
            {dispenses}
            <DispenseForm patient_id line_id today on_change/>
            <RefillReminderForm patient_id line_id initial=initial_refill/>
            {requests}
            <h3>{text!("admin-diary-title")}</h3>
            {diary}
        </section>
    }
}

#[component]
fn DiaryRow(item: DiaryItem) -> impl IntoView {
    let DiaryItem { date, slot, outcome, taken_at, logged_by, superseded, supersedes, .. } = item;
    let text = move || {
        let mut text = tr!("admin-diary-item", date = date_text(date), slot = slot_name(slot), outcome = outcome_text(outcome));
        match taken_at {
            Some(at) if outcome.has_time() => text.push_str(&format!(" {}", tr!("admin-diary-at", time = format::time(at, &current())))),
            None if outcome.has_time() => text.push_str(&format!(" {}", tr!("admin-diary-time-unknown"))),
            _ => {}
        }
        text
    };
    view! {
        <li class="diary-item" class:superseded=superseded>
            {if superseded { view! { <s>{text}</s> }.into_any() } else { view! { <span>{text}</span> }.into_any() }}
            {superseded.then(|| view! { " "<span class="tag">{text!("admin-diary-corrected")}</span> })}
            {supersedes.is_some().then(|| view! { " "<span class="tag">{text!("admin-diary-correction")}</span> })}
            {logged_by.map(|name| view! { " "<span class="logged-by">{move || tr!("admin-diary-logged-by", name = name.clone())}</span> })}
        </li>
    }
}

/// A change form: the inputs, "Review …", then the change in words with "Yes, record it" / "Go back".
#[component]
fn ChangeForm(
    patient_id: Uuid,
    line_id: Uuid,
    id: String,
    title: fn() -> String,
    review: fn() -> String,
    make: Callback<(), Result<RegimenChange, String>>,
    on_change: Callback<()>,
    children: Children,
) -> impl IntoView {
    let pending = RwSignal::new(None::<RegimenChange>);
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let confirm_ref = NodeRef::<leptos::html::Button>::new();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        status.set(None);
        match untrack(|| make.run(())) {
            Ok(change) => {
                error.set(None);
                pending.set(Some(change));
                request_animation_frame(move || {
                    if let Some(button) = confirm_ref.get_untracked() {
                        let _ = button.focus();
                    }
                });
            }
            Err(message) => error.set(Some(message)),
        }
    };
    let confirm = move |_| {
        let Some(change) = pending.get_untracked() else { return };
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let request = ChangeRequest { regimen_line_id: line_id, change: change.clone() };
        spawn_local(async move {
            let path = format!("/api/pharmacy/patients/{patient_id}/regimen-changes");
            match api::post::<_, RegimenLine>(&path, &request, None).await {
                Ok(_) => {
                    pending.set(None);
                    error.set(None);
                    status.set(Some(tr!("admin-saved", change = change_text(&change))));
                }
                Err(e) => {
                    pending.set(None);
                    error.set(Some(action_error(&e)));
                }
            }
            busy.set(false);
            on_change.run(());
        });
    };
    let error_id = format!("{id}-error");
    view! {
        <details class="admin-action" id=id.clone()>
            <summary>{move || title()}</summary>
            <form on:submit=on_submit aria-label=title aria-describedby=error_id.clone() novalidate>
                {children()}
                <button type="submit" class="secondary">{move || review()}</button>
                <p class="error" role="alert" id=error_id.clone()>{move || error.get()}</p>
            </form>
            <div class="confirm-box" role="status">
                {move || pending.get().map(|change| view! {
                    <p>{move || tr!("admin-confirm", change = change_text(&change))}</p>
                    <div class="actions">
                        <button type="button" class="primary" node_ref=confirm_ref on:click=confirm disabled=move || busy.get()>
                            {text!("admin-confirm-yes")}
                        </button>
                        <button type="button" class="secondary" on:click=move |_| pending.set(None)>{text!("admin-confirm-no")}</button>
                    </div>
                })}
                {move || status.get().map(|s| view! { <p class="saved">{s}</p> })}
            </div>
        </details>
    }
}

/// A labelled date input.
#[component]
fn DateInput(id: String, label: fn() -> String, value: RwSignal<String>, #[prop(optional)] hint: Option<fn() -> String>) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let described = hint.map(|_| hint_id.clone());
    view! {
        <label for=id.clone()>{move || label()}</label>
        {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{move || h()}</p> })}
        <input id=id.clone() type="date" aria-describedby=described bind:value=value/>
    }
}

#[component]
fn HoldAction(patient_id: Uuid, line_id: Uuid, today: Signal<NaiveDate>, on_change: Callback<()>) -> impl IntoView {
    let key = line_key(line_id);
    let from = RwSignal::new(today.get_untracked().to_string());
    let until = RwSignal::new(String::new());
    let build = Callback::new(move |()| {
        let from = date_or_error(&from.get())?;
        let until = match until.get().trim() {
            "" => None,
            text => Some(date_or_error(text)?),
        };
        if until.is_some_and(|until| until < from) {
            return Err(tr!("admin-error-hold-order"));
        }
        Ok(RegimenChange::Hold { from, until })
    });
    view! {
        <ChangeForm patient_id line_id id=format!("hold-{key}") title=|| tr!("admin-hold") review=|| tr!("admin-hold-review") make=build on_change>
            <DateInput id=format!("hold-{key}-from") label=|| tr!("admin-hold-from") value=from/>
            <DateInput id=format!("hold-{key}-until") label=|| tr!("admin-hold-until") value=until hint=|| tr!("admin-hold-until-hint")/>
        </ChangeForm>
    }
}

#[component]
fn ResumeAction(
    patient_id: Uuid,
    line_id: Uuid,
    today: Signal<NaiveDate>,
    line: Signal<Option<RegimenLine>>,
    on_change: Callback<()>,
) -> impl IntoView {
    let key = line_key(line_id);
    let on = RwSignal::new(today.get_untracked().to_string());
    let since = move || line.with(|l| l.as_ref().and_then(|l| current_hold(l, today.get())));
    let build = Callback::new(move |()| Ok(RegimenChange::Resume { on: date_or_error(&on.get())? }));
    view! {
        <ChangeForm patient_id line_id id=format!("resume-{key}") title=|| tr!("admin-resume") review=|| tr!("admin-resume-review") make=build on_change>
            <p class="hint">{move || since().map(|d| tr!("admin-resume-held-since", date = date_text(d)))}</p>
            <DateInput id=format!("resume-{key}-on") label=|| tr!("admin-resume-on") value=on/>
        </ChangeForm>
    }
}

#[component]
fn DoseAction(
    patient_id: Uuid,
    line_id: Uuid,
    today: Signal<NaiveDate>,
    line: Signal<Option<RegimenLine>>,
    on_change: Callback<()>,
) -> impl IntoView {
    let key = line_key(line_id);
    let on = RwSignal::new(today.get_untracked().to_string());
    let doses = DosesDraft::new();
    if let Some(current) = line.with_untracked(|l| l.as_ref().map(|l| doses_in_force(l, today.get_untracked()))) {
        doses.set(&current);
    }
    let show_errors = RwSignal::new(false);
    // The new dose is checked against the line's strength, as at enrollment: 1500 mg is not 2 tablets of 500 mg.
    let strength = line.with_untracked(|l| l.as_ref().map(|l| l.regimen.strength.clone())).unwrap_or_default();
    let checked = move || {
        let doses = build_doses(&doses.values())?;
        check_amounts(&strength, &doses)?;
        Ok::<_, FieldError>(doses)
    };
    let result = Memo::new({
        let checked = checked.clone();
        move |_| checked().err()
    });
    let shown = Signal::derive(move || if show_errors.get() { result.get() } else { None });
    let build = Callback::new(move |()| {
        let on = date_or_error(&on.get())?;
        show_errors.set(true);
        let doses = checked().map_err(|FieldError { message, .. }| message)?;
        Ok(RegimenChange::DoseChanged { on, doses })
    });
    let prefix = format!("dose-{key}");
    view! {
        <ChangeForm patient_id line_id id=format!("dose-{key}") title=|| tr!("admin-dose") review=|| tr!("admin-dose-review") make=build on_change>
            <DateInput id=format!("dose-{key}-from") label=|| tr!("admin-dose-from") value=on/>
            <DoseFields doses=doses prefix=prefix.clone() shown=shown/>
        </ChangeForm>
    }
}

#[component]
fn CycleAction(
    patient_id: Uuid,
    line_id: Uuid,
    today: Signal<NaiveDate>,
    line: Signal<Option<RegimenLine>>,
    on_change: Callback<()>,
) -> impl IntoView {
    let key = line_key(line_id);
    let on = RwSignal::new(today.get_untracked().to_string());
    let next = line.with_untracked(|l| l.as_ref().and_then(|l| cycle_on(l, today.get_untracked()))).map_or(1, |c| c + 1);
    let number = RwSignal::new(next.to_string());
    let build = Callback::new(move |()| {
        let on = date_or_error(&on.get())?;
        let cycle_number = number.get().trim().parse::<u32>().ok().filter(|n| *n >= 1).ok_or_else(|| tr!("admin-error-cycle"))?;
        Ok(RegimenChange::NewCycleStart { on, cycle_number })
    });
    let number_id = format!("cycle-{key}-number");
    view! {
        <ChangeForm patient_id line_id id=format!("cycle-{key}") title=|| tr!("admin-cycle") review=|| tr!("admin-cycle-review") make=build on_change>
            <DateInput id=format!("cycle-{key}-on") label=|| tr!("admin-cycle-on") value=on/>
            <label for=number_id.clone()>{text!("admin-cycle-number")}</label>
            <input id=number_id.clone() type="number" inputmode="numeric" min="1" step="1" bind:value=number/>
        </ChangeForm>
    }
}

#[component]
fn StopAction(patient_id: Uuid, line_id: Uuid, today: Signal<NaiveDate>, on_change: Callback<()>) -> impl IntoView {
    let key = line_key(line_id);
    let on = RwSignal::new(today.get_untracked().to_string());
    let build = Callback::new(move |()| Ok(RegimenChange::Stop { on: date_or_error(&on.get())? }));
    view! {
        <ChangeForm patient_id line_id id=format!("stop-{key}") title=|| tr!("admin-stop") review=|| tr!("admin-stop-review") make=build on_change>
            <p class="hint">{text!("admin-stop-warning")}</p>
            <DateInput id=format!("stop-{key}-on") label=|| tr!("admin-stop-on") value=on/>
        </ChangeForm>
    }
}

/// Checks a dispense as typed: the words for the first problem.
pub fn check_dispense(line_id: Uuid, date: &str, tablets: &str, days: &str) -> Result<DispenseRequest, String> {
    let date = parse_date(date).ok_or_else(|| tr!("admin-error-date"))?;
    let tablets = tablets.trim().parse::<u32>().ok().filter(|t| (1..=carepath_domain::regimen::MAX_DISPENSE_TABLETS).contains(t));
    let tablets = tablets.ok_or_else(|| tr!("dispense-error-tablets"))?;
    let days_supply = days.trim().parse::<u32>().ok().filter(|d| (1..=carepath_domain::regimen::MAX_DAYS_SUPPLY).contains(d));
    let days_supply = days_supply.ok_or_else(|| tr!("dispense-error-days"))?;
    Ok(DispenseRequest { regimen_line_id: line_id, date, tablets, days_supply })
}

#[component]
fn DispenseForm(patient_id: Uuid, line_id: Uuid, today: Signal<NaiveDate>, on_change: Callback<()>) -> impl IntoView {
    let key = line_key(line_id);
    let date = RwSignal::new(today.get_untracked().to_string());
    let tablets = RwSignal::new(String::new());
    let days = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        status.set(None);
        if busy.get_untracked() {
            return;
        }
        let request = match check_dispense(line_id, &date.get_untracked(), &tablets.get_untracked(), &days.get_untracked()) {
            Ok(request) => request,
            Err(message) => {
                error.set(Some(message));
                return;
            }
        };
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            let path = format!("/api/pharmacy/patients/{patient_id}/dispenses");
            match api::post::<_, Empty>(&path, &request, None).await {
                Ok(_) => {
                    status.set(Some(tr!("dispense-saved")));
                    tablets.set(String::new());
                    days.set(String::new());
                }
                Err(e) => error.set(Some(action_error(&e))),
            }
            busy.set(false);
            on_change.run(());
        });
    };
    let (date_id, tablets_id, days_id, error_id) =
        (format!("dispense-{key}-date"), format!("dispense-{key}-tablets"), format!("dispense-{key}-days"), format!("dispense-{key}-error"));
    view! {
        <form class="dispense-form" on:submit=submit aria-label=text!("dispense-submit") novalidate>
            <div class="field-row">
                <div class="field">
                    <label for=date_id.clone()>{text!("dispense-date")}</label>
                    <input id=date_id.clone() type="date" aria-describedby=error_id.clone() bind:value=date/>
                </div>
                <div class="field">
                    <label for=tablets_id.clone()>{text!("dispense-tablets")}</label>
                    <input id=tablets_id.clone() type="number" inputmode="numeric" min="1" max="1500" step="1" aria-describedby=error_id.clone() bind:value=tablets/>
                </div>
                <div class="field">
                    <label for=days_id.clone()>{text!("dispense-days")}</label>
                    <input id=days_id.clone() type="number" inputmode="numeric" min="1" max="180" step="1" aria-describedby=error_id.clone() bind:value=days/>
                </div>
            </div>
            <button type="submit" class="secondary" disabled=move || busy.get()>{text!("dispense-submit")}</button>
            <p class="error" role="alert" id=error_id.clone()>{move || error.get()}</p>
            <p class="status" role="status">{move || status.get()}</p>
        </form>
    }
}

#[component]
fn RefillReminderForm(patient_id: Uuid, line_id: Uuid, initial: u16) -> impl IntoView {
    let key = line_key(line_id);
    let days = RwSignal::new(initial.to_string());
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<String>);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        status.set(None);
        let Some(value) = days.get_untracked().trim().parse::<u16>().ok().filter(|d| *d <= carepath_domain::regimen::MAX_REFILL_REMINDER_DAYS) else {
            error.set(Some(tr!("dispense-refill-error")));
            return;
        };
        error.set(None);
        let request = RefillReminderRequest { regimen_line_id: line_id, days: value };
        spawn_local(async move {
            let path = format!("/api/pharmacy/patients/{patient_id}/refill-reminder");
            match api::put::<_, Empty>(&path, &request).await {
                Ok(_) => status.set(Some(tr!("dispense-refill-saved", days = value))),
                Err(e) => error.set(Some(action_error(&e))),
            }
        });
    };
    let (input_id, hint_id) = (format!("refill-{key}-days"), format!("refill-{key}-hint"));
    view! {
        <form class="refill-form" on:submit=submit novalidate>
            <label for=input_id.clone()>{text!("dispense-refill-label")}</label>
            <p class="hint" id=hint_id.clone()>{text!("dispense-refill-hint")}</p>
            <div class="inline-form">
                <input id=input_id.clone() type="number" inputmode="numeric" min="0" max="30" step="1"
                    aria-describedby=format!("{hint_id} {input_id}-error") bind:value=days/>
                <button type="submit" class="secondary">{text!("dispense-refill-save")}</button>
            </div>
            <p class="error" role="alert" id=format!("{input_id}-error")>{move || error.get()}</p>
            <p class="status" role="status">{move || status.get()}</p>
        </form>
    }
}

/// The patient's caregivers: add one (their own one-time code), see and revoke them.
#[component]
pub fn CaregiversSection(patient_id: Uuid) -> impl IntoView {
    let diary = LocalResource::new(move || {
        let path = diary_path(patient_id);
        async move { api::get::<PatientDiary>(&path, None).await }
    });
    let caregivers = Memo::new(move |previous: Option<&Vec<CaregiverView>>| match diary.get() {
        Some(Ok(d)) => d.caregivers,
        _ => previous.cloned().unwrap_or_default(),
    });
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let issued = RwSignal::new(None::<CaregiverResponse>);
    let add = move |ev: SubmitEvent| {
        ev.prevent_default();
        status.set(None);
        if busy.get_untracked() {
            return;
        }
        let typed = name.get_untracked().trim().to_string();
        if typed.is_empty() {
            error.set(Some(tr!("caregiver-error-name")));
            return;
        }
        error.set(None);
        busy.set(true);
        let request = CaregiverRequest { name: typed };
        spawn_local(async move {
            let path = format!("/api/pharmacy/patients/{patient_id}/caregivers");
            match api::post::<_, CaregiverResponse>(&path, &request, None).await {
                Ok(created) => {
                    issued.set(Some(created));
                    name.set(String::new());
                }
                Err(e) => error.set(Some(action_error(&e))),
            }
            busy.set(false);
            diary.refetch();
        });
    };
    let revoke = Callback::new(move |caregiver: CaregiverView| {
        spawn_local(async move {
            let path = format!("/api/pharmacy/patients/{patient_id}/caregivers/{}/revoke", caregiver.id);
            match api::post::<_, Empty>(&path, &Empty {}, None).await {
                Ok(_) => status.set(Some(tr!("caregiver-revoke-done", name = caregiver.name.clone()))),
                Err(e) => error.set(Some(action_error(&e))),
            }
            diary.refetch();
        });
    });
    view! {
        <section class="card caregivers" aria-labelledby="caregivers-title">
            <h2 id="caregivers-title">{text!("caregiver-title")}</h2>
            <p class="hint">{text!("caregiver-intro")}</p>
            {move || caregivers.with(Vec::is_empty).then(|| view! { <p>{text!("caregiver-none")}</p> })}
            <ul class="caregiver-list" role="list">
                <For each=move || caregivers.get() key=|c| (c.id, c.revoked_at, c.devices) children=move |c| view! { <CaregiverRow caregiver=c revoke=revoke/> }/>
            </ul>
            <p class="status" role="status">{move || status.get()}</p>
            <form on:submit=add novalidate>
                <label for="caregiver-name">{text!("caregiver-name")}</label>
                <p class="hint" id="caregiver-name-hint">{text!("caregiver-name-hint")}</p>
                <input id="caregiver-name" type="text" maxlength="100" autocomplete="off"
                    aria-describedby="caregiver-name-hint caregiver-error" bind:value=name/>
                <p class="error" role="alert" id="caregiver-error">{move || error.get()}</p>
                <button type="submit" class="primary" disabled=move || busy.get()>{text!("caregiver-add")}</button>
            </form>
            {move || issued.get().map(|created| {
                let expires = created.expires_at;
                let who = created.caregiver.name.clone();
                view! {
                    <div class="issued-code" role="status">
                        <p>{move || tr!("caregiver-code-for", name = who.clone())}</p>
                        <p class="code" data-testid="caregiver-code">{created.code.clone()}</p>
                        <p class="hint">{move || tr!("caregiver-code-expires", time = format::date_time(expires, &current()))}</p>
                    </div>
                }
            })}
        </section>
    }
}

fn when(t: DateTime<Utc>) -> String {
    format::date_time(t, &current())
}

#[component]
fn CaregiverRow(caregiver: CaregiverView, revoke: Callback<CaregiverView>) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let (name, added, revoked, devices) = (caregiver.name.clone(), caregiver.added_at, caregiver.revoked_at, caregiver.devices);
    let (n1, n2, n3) = (name.clone(), name.clone(), name.clone());
    view! {
        <li class="caregiver" class:revoked=revoked.is_some()>
            <p><strong>{name.clone()}</strong></p>
            <p class="meta">
                {move || tr!("caregiver-added", time = when(added))}
                " · "
                {move || tr!("caregiver-devices", count = devices)}
            </p>
            {match revoked {
                Some(at) => view! { <p class="meta">{move || tr!("caregiver-revoked", time = when(at))}</p> }.into_any(),
                None => view! {
                    <div>
                        {move || (!confirming.get()).then(|| {
                            let n1 = n1.clone();
                            view! {
                                <button type="button" class="secondary" aria-label=move || tr!("caregiver-revoke-aria", name = n1.clone())
                                    on:click=move |_| confirming.set(true)>{text!("caregiver-revoke")}</button>
                            }
                        })}
                        {move || confirming.get().then(|| {
                            let (n2, n3, caregiver) = (n2.clone(), n3.clone(), caregiver.clone());
                            view! {
                                <div class="confirm-box" role="group" aria-label=move || tr!("caregiver-revoke-aria", name = n3.clone())>
                                    <p>{move || tr!("caregiver-revoke-confirm", name = n2.clone())}</p>
                                    <div class="actions">
                                        <button type="button" class="primary danger" on:click=move |_| {
                                            confirming.set(false);
                                            revoke.run(caregiver.clone());
                                        }>{text!("caregiver-revoke-yes")}</button>
                                        <button type="button" class="secondary" on:click=move |_| confirming.set(false)>{text!("caregiver-revoke-no")}</button>
                                    </div>
                                </div>
                            }
                        })}
                    </div>
                }.into_any(),
            }}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use carepath_domain::regimen::RecordedChange;
    use carepath_domain::schedule::{CyclePattern, DoseAmount, DoseSlot, Regimen};

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn line(changes: Vec<RegimenChange>) -> RegimenLine {
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
                start: date("2026-03-02"),
                first_cycle: 1,
                time_zone: chrono_tz::Europe::Madrid,
            },
            changes: changes
                .into_iter()
                .map(|change| RecordedChange { id: Uuid::nil(), change, recorded_at: "2026-03-01T10:00:00Z".parse().unwrap(), by: "Pat".into() })
                .collect(),
            dispenses: Vec::new(),
            refill_reminder_days: 7,
        }
    }

    #[test]
    fn the_doses_in_force_follow_dose_changes_by_date() {
        let reduced = vec![SlotDose::new(DoseSlot::Morning, DoseAmount::mg_tablets(1000, 2))];
        let l = line(vec![RegimenChange::DoseChanged { on: date("2026-03-10"), doses: reduced.clone() }]);
        assert_eq!(doses_in_force(&l, date("2026-03-09")).len(), 2);
        assert_eq!(doses_in_force(&l, date("2026-03-10")), reduced);
        assert_eq!(stopped_on(&l), None);
        assert_eq!(cycle_on(&l, date("2026-03-23")), Some(2));
    }

    #[test]
    fn a_hold_is_current_until_it_ends_or_is_resumed() {
        let open = line(vec![RegimenChange::Hold { from: date("2026-03-05"), until: None }]);
        assert_eq!(current_hold(&open, date("2026-03-04")), Some(date("2026-03-05")), "a hold to come");
        assert_eq!(current_hold(&open, date("2026-03-20")), Some(date("2026-03-05")));
        let ended = line(vec![RegimenChange::Hold { from: date("2026-03-05"), until: Some(date("2026-03-08")) }]);
        assert_eq!(current_hold(&ended, date("2026-03-09")), None);
        let resumed = line(vec![
            RegimenChange::Hold { from: date("2026-03-05"), until: None },
            RegimenChange::Resume { on: date("2026-03-10") },
        ]);
        assert_eq!(current_hold(&resumed, date("2026-03-09")), Some(date("2026-03-05")));
        assert_eq!(current_hold(&resumed, date("2026-03-10")), None);
        assert_eq!(current_hold(&line(vec![]), date("2026-03-10")), None);
    }

    #[test]
    fn dispenses_are_checked_before_sending() {
        let ok = check_dispense(Uuid::nil(), "2026-03-02", "84", "14").unwrap();
        assert_eq!((ok.tablets, ok.days_supply), (84, 14));
        assert!(check_dispense(Uuid::nil(), "", "84", "14").is_err());
        assert!(check_dispense(Uuid::nil(), "2026-03-02", "0", "14").is_err());
        assert!(check_dispense(Uuid::nil(), "2026-03-02", "84", "181").is_err());
    }
}
