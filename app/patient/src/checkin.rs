//! The symptom check-in (`/check-in`): the safety questions first (the yes/no questions that call for 911 or a
//! call now, and the thermometer), the stool count for patients asked about diarrhea, then the items the pharmacy
//! chose for the patient's regimen, one symptom per screen, the other yes/no questions, then "anything else".
//! Everything runs on the device from the profile (items, questions, the drug rules, self-care advice, the site's
//! fever threshold), so it works offline. After each step the same domain rules the server uses
//! (`triage::check_in_reasons`) decide what the patient is told: "Call 911" or "Call us now" at once (the report is
//! recorded first), else "Tell us within a day" or self-care advice at the end.

use std::collections::{BTreeMap, BTreeSet};

use carepath_domain::checkin::{
    CheckInAnswers, CheckInForm, CheckInScope, Item, ItemAnswer, Temperature, TemperatureUnit, YesNoQuestion, FEVERISH,
    MAX_NOTE,
};
use carepath_domain::grading::{composite_grade, Attribute, Grade, Responses};
use carepath_domain::rules::{Advice, MAX_STOOLS_ABOVE_USUAL};
use carepath_domain::sync::{DeviceProfile, EventBody, PatientEvent};
use carepath_domain::triage::{check_in_reasons, Action, AlertReason, SiteSettings, SymptomReport};
use chrono::Utc;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use uuid::Uuid;

use crate::device::Device;
use carepath_ui::i18n::current;
use carepath_ui::reasons::{reason_text, term_name};
use carepath_ui::tr;
use carepath_ui::text;

const UNIT_KEY: &str = "carepath.temperature-unit";

/// The item whose patients are asked the stool count and about diarrhea at night.
const DIARRHEA: &str = "diarrhea";

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Safety,
    Stools,
    Item(usize),
    /// The yes/no questions that ask for a word within a day (a fall, …).
    MoreQuestions,
    Note,
    /// What the answers ask of the patient: "Call 911" / "Call us now" at once, else "within a day" or self-care.
    Result(Outcome),
}

/// The result screen's content.
#[derive(Debug, Clone, PartialEq)]
struct Outcome {
    action: Option<Action>,
    reasons: Vec<(Action, AlertReason)>,
    /// Fever or chills answered yes with no thermometer reading: "take your temperature now".
    take_temperature: bool,
    /// Self-care advice for the symptoms reported.
    advice: Vec<(String, Advice)>,
    /// The report was recorded before the last questions (after a call-now answer).
    early: bool,
}

fn set_response(r: &mut Responses, attribute: Attribute, value: Option<u8>) {
    match attribute {
        Attribute::Frequency => r.frequency = value,
        Attribute::Severity => r.severity = value,
        Attribute::Interference | Attribute::Amount => r.interference = value,
    }
}

/// Whether the item is answered enough to grade: exactly when the composite grading accepts it (the first
/// question, and the rest unless the first was 0).
fn complete(item: &Item, r: &Responses) -> bool {
    composite_grade(item.attributes, r).is_ok()
}

/// The unit the temperature field starts in: the one the patient chose on this phone, else the site's, else by
/// language (thermometers in the US read °F; elsewhere °C).
fn starting_unit(site: Option<TemperatureUnit>) -> TemperatureUnit {
    let saved = window().local_storage().ok().flatten().and_then(|s| s.get_item(UNIT_KEY).ok().flatten());
    match saved.as_deref() {
        Some("celsius") => TemperatureUnit::Celsius,
        Some("fahrenheit") => TemperatureUnit::Fahrenheit,
        _ => site.unwrap_or(if current() == "en" { TemperatureUnit::Fahrenheit } else { TemperatureUnit::Celsius }),
    }
}

fn unit_symbol(unit: TemperatureUnit) -> &'static str {
    match unit {
        TemperatureUnit::Celsius => "°C",
        TemperatureUnit::Fahrenheit => "°F",
    }
}

/// Moves keyboard and screen-reader focus to the new step's heading.
fn focus_step_heading() {
    request_animation_frame(|| {
        if let Some(el) = document().get_element_by_id("step-heading") {
            use wasm_bindgen::JsCast;
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    });
}

/// The outcome of `answers` for this patient: the same rules the server runs (without acknowledgements, which
/// only the server has), comparing with the patient's previous check-in on this phone.
fn outcome_of(answers: &CheckInAnswers, form: Option<&CheckInForm>, settings: &SiteSettings, previous: Option<&SymptomReport>, early: bool) -> Outcome {
    let report = answers.report().unwrap_or_default();
    let empty = CheckInForm::default();
    let form = form.unwrap_or(&empty);
    let cx = form.context(previous, Utc::now(), settings);
    let care = &form.self_care;
    let reasons = check_in_reasons(&report, &cx);
    let action = reasons.iter().map(|(a, _)| *a).max();
    let mut advice = Vec::new();
    for answer in report.answers.iter().filter(|a| a.grade > Grade::Absent) {
        let best = care.iter().filter(|a| a.item == answer.term && a.min_grade <= answer.grade.number()).max_by_key(|a| a.min_grade);
        if let Some(best) = best {
            advice.push((answer.term.clone(), best.clone()));
        }
    }
    Outcome {
        action,
        reasons,
        take_temperature: answers.emergency_yes.contains(FEVERISH) && answers.temperature.is_none(),
        advice,
        early,
    }
}

/// `answers` without what `sent` already recorded (the first answers went out on their own after a call now).
fn unsent(answers: CheckInAnswers, sent: Option<&CheckInAnswers>) -> CheckInAnswers {
    let Some(sent) = sent else { return answers };
    CheckInAnswers {
        emergency_yes: answers.emergency_yes.into_iter().filter(|id| !sent.emergency_yes.contains(id)).collect(),
        temperature: answers.temperature.filter(|_| sent.temperature.is_none()),
        stools_above_usual: answers.stools_above_usual.filter(|_| sent.stools_above_usual.is_none()),
        diarrhea_at_night: answers.diarrhea_at_night.filter(|_| sent.diarrhea_at_night.is_none()),
        ..answers
    }
}

#[component]
pub fn CheckInScreen() -> impl IntoView {
    let device = expect_context::<Device>();
    // Opening the check-in puts keyboard and screen-reader focus on its first question (issue #14), as each step does.
    focus_step_heading();
    let profile = move || device.profile.get().flatten();
    let form = Memo::new(move |_| profile().and_then(|p: DeviceProfile| p.check_in));
    let settings = Memo::new(move |_| profile().map(|p| p.triage).unwrap_or_default());
    let item_count = move || form.with(|f| f.as_ref().map_or(0, |f| f.items.len()));
    let asks_stools = move || form.with(|f| f.as_ref().is_some_and(|f| f.items.iter().any(|i| i.id == DIARRHEA)));
    let later_questions = move || {
        form.with(|f| f.as_ref().map(|f| f.yes_no.iter().filter(|q| !q.is_safety()).cloned().collect::<Vec<_>>()).unwrap_or_default())
    };
    // The patient's previous check-in on this phone, for "new or worse than last time".
    let previous = move || {
        device.events.with_untracked(|events| {
            events
                .iter()
                .filter_map(|e| match &e.event.body {
                    EventBody::CheckIn(answers) if !answers.answers.is_empty() => Some((e.event.recorded_at, answers.clone())),
                    _ => None,
                })
                .max_by_key(|(at, _)| *at)
                .and_then(|(_, answers)| answers.report().ok())
        })
    };

    // `/check-in?symptom=nausea`: one symptom between check-ins (from `/report`), its questions and a note only.
    let one_symptom = leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get("symptom"))
        .and_then(|id| form.with_untracked(|f| f.as_ref().and_then(|f| f.items.iter().position(|i| i.id == id))));
    let step = RwSignal::new(one_symptom.map_or(Step::Safety, Step::Item));
    let emergency = RwSignal::new(BTreeSet::<String>::new());
    let temperature_text = RwSignal::new(String::new());
    let unit = RwSignal::new(starting_unit(settings.get_untracked().temperature_unit));
    let stools_text = RwSignal::new(String::new());
    let at_night = RwSignal::new(None::<bool>);
    let responses = RwSignal::new(BTreeMap::<String, Responses>::new());
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // What already went out on its own (after a call-now answer): not repeated in the second report.
    let early_recorded = RwSignal::new(None::<CheckInAnswers>);

    let go = move |next: Step| {
        error.set(None);
        step.set(next);
        focus_step_heading();
    };

    let record = move |answers: CheckInAnswers, then: Step| {
        busy.set(true);
        let event = PatientEvent { id: Uuid::new_v4(), recorded_at: Utc::now(), body: EventBody::CheckIn(answers) };
        spawn_local(async move {
            match device.record(event).await {
                Ok(()) => go(then),
                Err(_) => error.set(Some(tr!("storage-error"))),
            }
            busy.set(false);
        });
    };

    let stools = move || -> Result<Option<u8>, String> {
        let text = stools_text.get_untracked();
        if text.trim().is_empty() {
            return Ok(None);
        }
        match text.trim().parse::<u8>() {
            Ok(n) if n <= MAX_STOOLS_ABOVE_USUAL => Ok(Some(n)),
            _ => Err(tr!("check-in-stools-invalid", max = MAX_STOOLS_ABOVE_USUAL)),
        }
    };

    // The answers given so far (the safety page, the stool count), without the symptom items.
    let first_answers = move || -> Result<CheckInAnswers, String> {
        let text = temperature_text.get_untracked();
        let temperature = if text.trim().is_empty() {
            None
        } else {
            let unit = unit.get_untracked();
            match Temperature::parse(&text, unit) {
                Some(reading) => Some(reading),
                // "38.6" in °F is not a body temperature, but in °C it is: ask, do not just refuse.
                None => match Temperature::in_the_other_unit(&text, unit) {
                    Some(other) => {
                        return Err(tr!("check-in-temperature-other-unit", typed = text.trim().to_string(),
                            typed_unit = unit_symbol(unit), other_unit = unit_symbol(other.unit)))
                    }
                    None => return Err(tr!("check-in-temperature-invalid")),
                },
            }
        };
        Ok(CheckInAnswers {
            temperature,
            emergency_yes: emergency.get_untracked(),
            stools_above_usual: stools()?,
            diarrhea_at_night: at_night.get_untracked(),
            ..CheckInAnswers::default()
        })
    };

    // After the safety page and the stool count: a call-now answer is recorded and shown at once.
    let check_so_far = move |next: Step| {
        if busy.get_untracked() {
            return;
        }
        let answers = match first_answers() {
            Ok(a) => a,
            Err(message) => {
                error.set(Some(message));
                return;
            }
        };
        // Only what was not sent yet can raise something new (after a call now, the patient may go on).
        let fresh = early_recorded.with_untracked(|sent| unsent(answers.clone(), sent.as_ref()));
        let outcome = form.with_untracked(|f| outcome_of(&fresh, f.as_ref(), &settings.get_untracked(), None, true));
        if outcome.action >= Some(Action::CallNow) {
            // Record at once: if the patient calls and closes the app, the pharmacy still gets the report.
            early_recorded.set(Some(answers));
            record(fresh, Step::Result(outcome));
        } else {
            go(next);
        }
    };
    // Each a form's submit: Enter in the temperature or the stool count moves on, as "Next" does.
    let after_safety = move |ev: SubmitEvent| {
        ev.prevent_default();
        let next = if asks_stools() { Step::Stools } else if item_count() > 0 { Step::Item(0) } else { Step::MoreQuestions };
        check_so_far(next)
    };
    let after_stools = move |ev: SubmitEvent| {
        ev.prevent_default();
        check_so_far(if item_count() > 0 { Step::Item(0) } else { Step::MoreQuestions })
    };
    let after_items = move || if later_questions().is_empty() { Step::Note } else { Step::MoreQuestions };

    // "I feel fine, nothing new": the safety page seen with nothing on it answered yes; recorded as that, with a
    // reading if one was typed (a fever still asks for a call).
    let feeling_fine = move |_| {
        if busy.get_untracked() {
            return;
        }
        let answers = match first_answers() {
            Ok(a) => CheckInAnswers { scope: CheckInScope::FeelingFine, stools_above_usual: None, diarrhea_at_night: None, ..a },
            Err(message) => {
                error.set(Some(message));
                return;
            }
        };
        let outcome = form.with_untracked(|f| outcome_of(&answers, f.as_ref(), &settings.get_untracked(), None, false));
        record(answers, Step::Result(outcome));
    };

    let submit = move |_| {
        if busy.get_untracked() {
            return;
        }
        let note_text = note.get_untracked().trim().to_string();
        if note_text.chars().count() > MAX_NOTE {
            error.set(Some(tr!("check-in-note-too-long", max = MAX_NOTE)));
            return;
        }
        let mut answers = match first_answers() {
            Ok(a) => a,
            Err(message) => {
                error.set(Some(message));
                return;
            }
        };
        // What already went out after a call-now answer is not sent twice.
        answers = early_recorded.with_untracked(|sent| unsent(answers, sent.as_ref()));
        let items = form.get_untracked().map(|f| f.items).unwrap_or_default();
        let given = responses.get_untracked();
        for item in &items {
            if let Some(r) = given.get(&item.id).filter(|r| complete(item, r)) {
                answers.answers.insert(item.id.clone(), ItemAnswer { attributes: item.attributes, responses: *r });
            }
        }
        answers.note = (!note_text.is_empty()).then_some(note_text);
        if one_symptom.is_some() {
            answers.scope = CheckInScope::OneSymptom;
        }
        let outcome = form.with_untracked(|f| outcome_of(&answers, f.as_ref(), &settings.get_untracked(), previous().as_ref(), false));
        record(answers, Step::Result(outcome));
    };

    view! {
        <section class="check-in" aria-labelledby="check-in-title">
            <h1 id="check-in-title">{move || match (one_symptom, crate::patient::caring_for()) {
                (Some(_), _) => tr!("report-symptom-title"),
                (None, Some(patient)) => tr!("check-in-title-for", patient = patient),
                (None, None) => tr!("check-in-title"),
            }}</h1>
            {move || match step.get() {
                Step::Safety => view! {
                    <p class="hint check-in-intro">{text!("check-in-intro")}</p>
                    <form on:submit=after_safety novalidate>
                        <SafetyStep questions=form.with_untracked(|f| f.as_ref().map(|f| f.yes_no.iter().filter(|q| q.is_safety()).cloned().collect()).unwrap_or_default())
                            emergency=emergency temperature_text=temperature_text unit=unit/>
                        <p class="error" role="alert">{move || error.get()}</p>
                        <button type="submit" class="primary wide" disabled=move || busy.get()>
                            {text!("check-in-next")}
                        </button>
                        <Show when=move || emergency.with(BTreeSet::is_empty)>
                            <div class="feeling-fine">
                                <p class="hint" id="feeling-fine-hint">{text!("check-in-feeling-fine-hint")}</p>
                                <button type="button" class="secondary wide" data-testid="feeling-fine" aria-describedby="feeling-fine-hint"
                                    disabled=move || busy.get() on:click=feeling_fine>
                                    {text!("check-in-feeling-fine")}
                                </button>
                            </div>
                        </Show>
                    </form>
                }.into_any(),
                Step::Stools => view! {
                    <form on:submit=after_stools novalidate>
                        <StoolsStep stools_text=stools_text at_night=at_night/>
                        <p class="error" role="alert">{move || error.get()}</p>
                        <div class="step-buttons">
                            <button type="submit" class="primary wide" disabled=move || busy.get()>{text!("check-in-next")}</button>
                            <button type="button" class="secondary" on:click=move |_| go(Step::Safety)>{text!("check-in-back")}</button>
                        </div>
                    </form>
                }.into_any(),
                Step::Item(index) => {
                    let item = form.with_untracked(|f| f.as_ref().and_then(|f| f.items.get(index).cloned()));
                    let form_value = form.get_untracked();
                    match (item, form_value) {
                        (Some(item), Some(form_value)) => {
                            let total = form_value.items.len();
                            let next = move || if one_symptom.is_some() {
                                Step::Note
                            } else if index + 1 < total { Step::Item(index + 1) } else { after_items() };
                            let back = move || match index {
                                0 if asks_stools() => Step::Stools,
                                0 => Step::Safety,
                                _ => Step::Item(index - 1),
                            };
                            let item_for_check = item.clone();
                            let ready = move || responses.with(|r| r.get(&item_for_check.id).is_some_and(|r| complete(&item_for_check, r)));
                            let skip_id = item.id.clone();
                            let progress = one_symptom.is_none().then_some((index, total));
                            view! {
                                <ItemStep item=item form=form_value progress=progress responses=responses/>
                                <div class="step-buttons">
                                    <button type="button" class="primary wide" disabled=move || !ready() on:click=move |_| go(next())>
                                        {text!("check-in-next")}
                                    </button>
                                    {if one_symptom.is_some() {
                                        view! { <A href="/report" attr:class="button secondary">{text!("check-in-back")}</A> }.into_any()
                                    } else {
                                        view! {
                                            <button type="button" class="secondary" on:click=move |_| go(back())>{text!("check-in-back")}</button>
                                            <button type="button" class="link" on:click=move |_| {
                                                responses.update(|r| { r.remove(&skip_id); });
                                                go(next());
                                            }>{text!("check-in-skip")}</button>
                                        }.into_any()
                                    }}
                                </div>
                            }.into_any()
                        }
                        _ => view! { <p>{text!("check-in-no-items")}</p> }.into_any(),
                    }
                }
                Step::MoreQuestions => view! {
                    <h2 id="step-heading" tabindex="-1">{text!("check-in-more-title")}</h2>
                    <YesNoList questions=later_questions() chosen=emergency id_prefix="more"/>
                    <div class="step-buttons">
                        <button type="button" class="primary wide" on:click=move |_| go(Step::Note)>{text!("check-in-next")}</button>
                        <button type="button" class="secondary" on:click=move |_| go(if item_count() > 0 { Step::Item(item_count() - 1) } else { Step::Safety })>
                            {text!("check-in-back")}
                        </button>
                    </div>
                }.into_any(),
                Step::Note => view! {
                    <h2 id="step-heading" tabindex="-1">{text!("check-in-note-title")}</h2>
                    <label for="check-in-note">{text!("check-in-note-label")}</label>
                    <p class="hint" id="check-in-note-hint">{text!("check-in-note-hint")}</p>
                    <textarea id="check-in-note" name="note" rows="4" maxlength=MAX_NOTE.to_string() aria-describedby="check-in-note-hint" bind:value=note></textarea>
                    <p class="error" role="alert">{move || error.get()}</p>
                    <div class="step-buttons">
                        <button type="button" class="primary wide" on:click=submit disabled=move || busy.get()>{text!("check-in-submit")}</button>
                        <button type="button" class="secondary" on:click=move |_| go(if let Some(index) = one_symptom {
                            Step::Item(index)
                        } else if !later_questions().is_empty() {
                            Step::MoreQuestions
                        } else if item_count() > 0 { Step::Item(item_count() - 1) } else { Step::Safety })>
                            {text!("check-in-back")}
                        </button>
                    </div>
                }.into_any(),
                Step::Result(outcome) => {
                    let more = outcome.early && item_count() > 0 && responses.with_untracked(|r| r.is_empty());
                    let next_after_early = if asks_stools() && stools_text.with_untracked(|t| t.is_empty()) { Step::Stools } else { Step::Item(0) };
                    view! {
                        <ResultScreen outcome=outcome/>
                        <Show when=move || more>
                            {
                                let next_after_early = next_after_early.clone();
                                view! {
                                    <button type="button" class="secondary wide" on:click=move |_| go(next_after_early.clone())>
                                        {text!("check-in-continue-after-red-flag")}
                                    </button>
                                }
                            }
                        </Show>
                        <A href="/" attr:class="button secondary wide">{text!("nav-today")}</A>
                    }.into_any()
                }
            }}
        </section>
    }
}

/// Yes/no questions as checkboxes: checked is "yes".
#[component]
fn YesNoList(questions: Vec<YesNoQuestion>, chosen: RwSignal<BTreeSet<String>>, id_prefix: &'static str) -> impl IntoView {
    let lang = current();
    view! {
        <div class="choices">
            {questions.into_iter().map(|q| {
                let id = format!("{id_prefix}-{}", q.id);
                let label_for = id.clone();
                let (qid, qid2) = (q.id.clone(), q.id.clone());
                let text = q.text_in(&lang).question.clone();
                view! {
                    <label class="choice" for=label_for>
                        <input type="checkbox" id=id data-question=q.id.clone() prop:checked=move || chosen.with(|e| e.contains(&qid))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                chosen.update(|e| { if on { e.insert(qid2.clone()); } else { e.remove(&qid2); } });
                            }/>
                        <span>{text}</span>
                    </label>
                }
            }).collect_view()}
        </div>
    }
}

#[component]
fn SafetyStep(
    questions: Vec<YesNoQuestion>,
    emergency: RwSignal<BTreeSet<String>>,
    temperature_text: RwSignal<String>,
    unit: RwSignal<TemperatureUnit>,
) -> impl IntoView {
    let set_unit = move |u: TemperatureUnit| {
        unit.set(u);
        if let Some(storage) = window().local_storage().ok().flatten() {
            let _ = storage.set_item(UNIT_KEY, if u == TemperatureUnit::Celsius { "celsius" } else { "fahrenheit" });
        }
    };
    let unit_choice = move |u: TemperatureUnit, id: &'static str| {
        let label = unit_symbol(u);
        view! {
            <label class="choice compact" for=id>
                <input type="radio" id=id name="temperature-unit" prop:checked=move || unit.get() == u on:change=move |_| set_unit(u)/>
                <span>{label}</span>
            </label>
        }
    };
    view! {
        <h2 id="step-heading" tabindex="-1">{text!("check-in-safety-title")}</h2>
        <fieldset>
            <legend>{text!("check-in-emergency-legend")}</legend>
            <p class="hint">{text!("check-in-emergency-hint")}</p>
            <YesNoList questions=questions chosen=emergency id_prefix="emergency"/>
        </fieldset>
        <fieldset>
            <legend>{text!("check-in-temperature-legend")}</legend>
            <label for="temperature">{text!("check-in-temperature-label")}</label>
            <p class="hint" id="temperature-hint">{text!("check-in-temperature-hint")}</p>
            <div class="temperature-row">
                <input id="temperature" name="temperature" type="text" inputmode="decimal" autocomplete="off"
                    aria-describedby="temperature-hint" bind:value=temperature_text/>
                <div class="choices inline" role="radiogroup" aria-label=text!("check-in-temperature-unit")>
                    {unit_choice(TemperatureUnit::Celsius, "unit-celsius")}
                    {unit_choice(TemperatureUnit::Fahrenheit, "unit-fahrenheit")}
                </div>
            </div>
        </fieldset>
    }
}

/// Diarrhea by stool count: stools more than usual on the worst of the last 2 days, and at night.
#[component]
fn StoolsStep(stools_text: RwSignal<String>, at_night: RwSignal<Option<bool>>) -> impl IntoView {
    let night_choice = move |value: bool, id: &'static str| {
        view! {
            <label class="choice" for=id>
                <input type="radio" id=id name="diarrhea-at-night" prop:checked=move || at_night.get() == Some(value)
                    on:change=move |_| at_night.set(Some(value))/>
                <span>{move || if value { tr!("check-in-yes") } else { tr!("check-in-no") }}</span>
            </label>
        }
    };
    view! {
        <h2 id="step-heading" tabindex="-1">{text!("check-in-stools-title")}</h2>
        <label for="stools-above-usual">{text!("check-in-stools-label")}</label>
        <p class="hint" id="stools-hint">{text!("check-in-stools-hint")}</p>
        <input id="stools-above-usual" name="stools-above-usual" type="number" inputmode="numeric" min="0"
            max=MAX_STOOLS_ABOVE_USUAL.to_string() autocomplete="off" aria-describedby="stools-hint" bind:value=stools_text/>
        <fieldset>
            <legend>{text!("check-in-diarrhea-at-night")}</legend>
            <div class="choices inline">
                {night_choice(true, "night-yes")}
                {night_choice(false, "night-no")}
            </div>
        </fieldset>
    }
}

/// One symptom's questions; `progress` (index, total) for "Question 2 of 7" in a whole check-in.
#[component]
fn ItemStep(item: Item, form: CheckInForm, progress: Option<(usize, usize)>, responses: RwSignal<BTreeMap<String, Responses>>) -> impl IntoView {
    let lang = current();
    let text = item.text_in(&lang).clone();
    let scales = form.scales_in(&lang).cloned();
    let attributes = item.attributes.attributes();
    let first = attributes[0];
    let id = item.id.clone();
    let id_for_first = id.clone();
    let first_answer = Memo::new(move |_| responses.with(|r| r.get(&id_for_first).and_then(|r| r.get(first))));
    view! {
        {progress.map(|(index, total)| view! {
            <p class="progress">{move || {
                let (number, total): (usize, usize) = (index + 1, total);
                tr!("check-in-progress", current = number, total = total)
            }}</p>
        })}
        <h2 id="step-heading" tabindex="-1">{text.name.clone()}</h2>
        {attributes.iter().enumerate().map(|(n, attribute)| {
            let attribute = *attribute;
            let question = text.question(attribute).unwrap_or_default().to_string();
            let labels = scales.as_ref().map(|s| s.for_attribute(attribute).clone()).unwrap_or_default();
            let term = id.clone();
            // Later questions are skipped when the first answer is "never" / "none" (the PRO-CTCAE skip rule).
            let shown = move || n == 0 || first_answer.get().is_some_and(|v| v > 0);
            view! {
                <Show when=shown>
                    <fieldset class="scale">
                        <legend>{question.clone()}</legend>
                        <div class="choices">
                            {labels.iter().enumerate().map(|(value, label)| {
                                let value = value as u8;
                                let input_id = format!("{term}-{}-{value}", attribute.name());
                                let label_for = input_id.clone();
                                let (t1, t2) = (term.clone(), term.clone());
                                view! {
                                    <label class="choice" for=label_for>
                                        <input type="radio" id=input_id name=format!("{term}-{}", attribute.name()) value=value.to_string()
                                            prop:checked=move || responses.with(|r| r.get(&t1).and_then(|r| r.get(attribute)) == Some(value))
                                            on:change=move |_| responses.update(|all| {
                                                let r = all.entry(t2.clone()).or_default();
                                                set_response(r, attribute, Some(value));
                                                if n == 0 && value == 0 {
                                                    // Skipped questions keep no answer.
                                                    for later in &attributes[1..] {
                                                        set_response(r, *later, None);
                                                    }
                                                }
                                            })/>
                                        <span>{label.clone()}</span>
                                    </label>
                                }
                            }).collect_view()}
                        </div>
                    </fieldset>
                </Show>
            }
        }).collect_view()}
    }
}

/// The end of a check-in: "Call 911", "Call us now" (with the pharmacy's numbers as tel: links), "Tell us within
/// a day", or "Sent" — each with what was found and self-care advice for the symptoms reported.
#[component]
fn ResultScreen(outcome: Outcome) -> impl IntoView {
    let device = expect_context::<Device>();
    let profile = device.profile.get_untracked().flatten();
    let site = profile.as_ref().map(|p| p.site.clone());
    let names = profile.as_ref().and_then(|p| p.check_in.as_ref()).map(CheckInForm::names).unwrap_or_default();
    let action = outcome.action;
    let (class, testid) = match action {
        Some(Action::Call911) => ("red-flag call-911", "call-911"),
        Some(Action::CallNow) => ("red-flag", "call-now"),
        Some(Action::WithinADay) => ("result within-a-day", "within-a-day"),
        None => ("result sent", "sent"),
    };
    let urgent = action >= Some(Action::CallNow);
    // In the patient's words: "Your note", not the desk's "The patient wrote a note".
    let found: Vec<String> = outcome
        .reasons
        .iter()
        .map(|(_, r)| if *r == AlertReason::Note { tr!("result-reason-note") } else { reason_text(r, &names) })
        .collect();
    let lang = current();
    let advice: Vec<(String, String, String)> = outcome
        .advice
        .iter()
        .filter_map(|(term, a)| a.text_in(&lang).map(|t| (term_name(term, &names), t.now.clone(), t.call_if.clone())))
        .collect();
    let has_advice = !advice.is_empty();
    view! {
        <div class=class data-testid=testid>
            <h2 id="step-heading" tabindex="-1">{move || match action {
                Some(Action::Call911) => tr!("result-call-911-title"),
                Some(Action::CallNow) => tr!("red-flag-title"),
                Some(Action::WithinADay) => tr!("result-within-a-day-title"),
                None => tr!("check-in-thanks"),
            }}</h2>
            <Show when=move || matches!(action, Some(Action::Call911))>
                <p class="call-links"><a class="button danger wide" href="tel:911">{text!("result-call-911-button")}</a></p>
            </Show>
            <Show when={let take = outcome.take_temperature; move || take}>
                <p class="take-temperature" data-testid="take-temperature">{text!("result-take-temperature")}</p>
            </Show>
            <Show when={let any = !found.is_empty(); move || any}>
                <p>{move || if urgent { tr!("red-flag-because") } else { tr!("result-because") }}</p>
                <ul class="red-flag-list">
                    {found.iter().cloned().map(|f| view! { <li>{f}</li> }).collect_view()}
                </ul>
            </Show>
            {site.filter(|_| action.is_some()).map(|site| view! { <crate::call_links::CallLinks site=site urgent=urgent wide=true/> })}
            <Show when=move || urgent>
                <p class="emergency-note">{text!("red-flag-emergency")}</p>
            </Show>
            <Show when=move || has_advice>
                <section class="self-care" aria-labelledby="self-care-title">
                    <h3 id="self-care-title">{text!("self-care-title")}</h3>
                    {advice.iter().cloned().map(|(name, now, call_if)| view! {
                        <div class="self-care-item">
                            <h4>{name}</h4>
                            <crate::guides::SectionText text=now/>
                            <p class="self-care-call"><strong>{text!("self-care-call-if")}</strong>" "{call_if}</p>
                        </div>
                    }).collect_view()}
                </section>
            </Show>
            <p role="status">{move || match (urgent, device.waiting.get() > 0) {
                (true, true) => tr!("red-flag-saved-offline"),
                (true, false) => tr!("red-flag-sent"),
                (false, true) => tr!("check-in-saved"),
                (false, false) => tr!("check-in-sent"),
            }}</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_went_out_after_a_call_now_is_not_sent_again() {
        let mut sent = CheckInAnswers::default();
        sent.emergency_yes.insert("chest_pain".into());
        // Later the patient went on: a stool count, one more yes, and the same yes still ticked.
        let mut later = sent.clone();
        later.emergency_yes.insert("fell".into());
        later.stools_above_usual = Some(2);
        later.note = Some("since Sunday".into());
        let rest = unsent(later.clone(), Some(&sent));
        assert_eq!(rest.emergency_yes, BTreeSet::from(["fell".to_string()]));
        assert_eq!(rest.stools_above_usual, Some(2));
        assert_eq!(rest.note.as_deref(), Some("since Sunday"));
        assert_eq!(unsent(later.clone(), None), later, "nothing sent yet: everything goes");
        // A stool count that went out with the first report is not repeated.
        let rest = unsent(later.clone(), Some(&later));
        assert_eq!((rest.emergency_yes.len(), rest.stools_above_usual), (0, None));
    }
}
