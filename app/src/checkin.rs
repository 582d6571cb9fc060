//! The symptom check-in (`/check-in`): safety questions first, then the items the pharmacy chose for the
//! patient's regimen, one symptom per screen, then "anything else". Everything runs on the device from the profile
//! (items, answer labels, the site's fever threshold), so it works offline; red flags are checked here with the
//! same domain rules the server uses, and a red flag shows "Call now" at once.

use std::collections::{BTreeMap, BTreeSet};

use carepath_domain::checkin::{CheckInAnswers, CheckInForm, Item, ItemAnswer, Temperature, TemperatureUnit, MAX_NOTE};
use carepath_domain::grading::{composite_grade, Attribute, Responses};
use carepath_domain::sync::{DeviceProfile, EventBody, PatientEvent};
use carepath_domain::triage::{red_flags, EmergencyQuestion, RedFlag, SiteSettings};
use chrono::Utc;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use uuid::Uuid;

use crate::device::Device;
use crate::format;
use crate::i18n::{current, tr_dynamic};
use crate::reasons::red_flag_text;
use crate::tr;

const UNIT_KEY: &str = "carepath.temperature-unit";

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Safety,
    Item(usize),
    Note,
    /// Call now, with the red flags found.
    RedFlags(Vec<RedFlag>),
    Sent,
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

fn saved_unit() -> TemperatureUnit {
    let saved = window().local_storage().ok().flatten().and_then(|s| s.get_item(UNIT_KEY).ok().flatten());
    match saved.as_deref() {
        Some("celsius") => TemperatureUnit::Celsius,
        Some("fahrenheit") => TemperatureUnit::Fahrenheit,
        // Thermometers in the US read °F; elsewhere °C.
        _ if current() == "en" => TemperatureUnit::Fahrenheit,
        _ => TemperatureUnit::Celsius,
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

#[component]
pub fn CheckInScreen() -> impl IntoView {
    let device = expect_context::<Device>();
    let profile = move || device.profile.get().flatten();
    let form = Memo::new(move |_| profile().and_then(|p: DeviceProfile| p.check_in));
    let settings = Memo::new(move |_| profile().map(|p| p.triage).unwrap_or_default());
    let item_count = move || form.with(|f| f.as_ref().map_or(0, |f| f.items.len()));

    let step = RwSignal::new(Step::Safety);
    let emergency = RwSignal::new(BTreeSet::<EmergencyQuestion>::new());
    let temperature_text = RwSignal::new(String::new());
    let unit = RwSignal::new(saved_unit());
    let responses = RwSignal::new(BTreeMap::<String, Responses>::new());
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // Set once the safety answers went out on their own (after a red flag): not repeated in the second report.
    let safety_recorded = RwSignal::new(false);

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

    let safety_answers = move || -> Result<CheckInAnswers, String> {
        let text = temperature_text.get_untracked();
        let temperature = if text.trim().is_empty() {
            None
        } else {
            Some(Temperature::parse(&text, unit.get_untracked()).ok_or_else(|| tr!("check-in-temperature-invalid"))?)
        };
        Ok(CheckInAnswers { temperature, emergency_yes: emergency.get_untracked(), ..CheckInAnswers::default() })
    };

    let after_safety = move |_| {
        if busy.get_untracked() {
            return;
        }
        let answers = match safety_answers() {
            Ok(a) => a,
            Err(message) => {
                error.set(Some(message));
                return;
            }
        };
        let settings: SiteSettings = settings.get_untracked();
        let flags = answers.report().map(|r| red_flags(&r, &settings)).unwrap_or_default();
        if flags.is_empty() {
            go(if item_count() > 0 { Step::Item(0) } else { Step::Note });
        } else {
            // Record at once: if the patient calls and closes the app, the pharmacy still gets the report.
            safety_recorded.set(true);
            record(answers, Step::RedFlags(flags));
        }
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
        let mut answers = if safety_recorded.get_untracked() {
            CheckInAnswers::default()
        } else {
            match safety_answers() {
                Ok(a) => a,
                Err(message) => {
                    error.set(Some(message));
                    return;
                }
            }
        };
        let items = form.get_untracked().map(|f| f.items).unwrap_or_default();
        let given = responses.get_untracked();
        for item in &items {
            if let Some(r) = given.get(&item.id).filter(|r| complete(item, r)) {
                answers.answers.insert(item.id.clone(), ItemAnswer { attributes: item.attributes, responses: *r });
            }
        }
        answers.note = (!note_text.is_empty()).then_some(note_text);
        let settings = settings.get_untracked();
        let flags = answers.report().map(|r| red_flags(&r, &settings)).unwrap_or_default();
        record(answers, if flags.is_empty() { Step::Sent } else { Step::RedFlags(flags) });
    };

    view! {
        <section class="check-in" aria-labelledby="check-in-title">
            <h1 id="check-in-title">{move || tr!("check-in-title")}</h1>
            {move || match step.get() {
                Step::Safety => view! {
                    <SafetyStep emergency=emergency temperature_text=temperature_text unit=unit/>
                    <p class="error" role="alert">{move || error.get()}</p>
                    <button type="button" class="primary wide" on:click=after_safety disabled=move || busy.get()>
                        {move || tr!("check-in-next")}
                    </button>
                }.into_any(),
                Step::Item(index) => {
                    let item = form.with_untracked(|f| f.as_ref().and_then(|f| f.items.get(index).cloned()));
                    let form_value = form.get_untracked();
                    match (item, form_value) {
                        (Some(item), Some(form_value)) => {
                            let total = form_value.items.len();
                            let next = move || if index + 1 < total { Step::Item(index + 1) } else { Step::Note };
                            let back = move || if index == 0 { Step::Safety } else { Step::Item(index - 1) };
                            let item_for_check = item.clone();
                            let ready = move || responses.with(|r| r.get(&item_for_check.id).is_some_and(|r| complete(&item_for_check, r)));
                            let skip_id = item.id.clone();
                            view! {
                                <ItemStep item=item form=form_value index=index total=total responses=responses/>
                                <div class="step-buttons">
                                    <button type="button" class="primary wide" disabled=move || !ready() on:click=move |_| go(next())>
                                        {move || tr!("check-in-next")}
                                    </button>
                                    <button type="button" class="secondary" on:click=move |_| go(back())>{move || tr!("check-in-back")}</button>
                                    <button type="button" class="link" on:click=move |_| {
                                        responses.update(|r| { r.remove(&skip_id); });
                                        go(next());
                                    }>{move || tr!("check-in-skip")}</button>
                                </div>
                            }.into_any()
                        }
                        _ => view! { <p>{move || tr!("check-in-no-items")}</p> }.into_any(),
                    }
                }
                Step::Note => view! {
                    <h2 id="step-heading" tabindex="-1">{move || tr!("check-in-note-title")}</h2>
                    <label for="check-in-note">{move || tr!("check-in-note-label")}</label>
                    <textarea id="check-in-note" name="note" rows="4" maxlength=MAX_NOTE.to_string() bind:value=note></textarea>
                    <p class="error" role="alert">{move || error.get()}</p>
                    <div class="step-buttons">
                        <button type="button" class="primary wide" on:click=submit disabled=move || busy.get()>{move || tr!("check-in-submit")}</button>
                        <button type="button" class="secondary" on:click=move |_| go(if item_count() > 0 { Step::Item(item_count() - 1) } else { Step::Safety })>
                            {move || tr!("check-in-back")}
                        </button>
                    </div>
                }.into_any(),
                Step::RedFlags(flags) => {
                    let more = safety_recorded.get_untracked() && item_count() > 0 && responses.with_untracked(|r| r.is_empty());
                    view! {
                        <RedFlagScreen flags=flags/>
                        <Show when=move || more>
                            <button type="button" class="secondary wide" on:click=move |_| go(Step::Item(0))>
                                {move || tr!("check-in-continue-after-red-flag")}
                            </button>
                        </Show>
                        <A href="/" attr:class="button secondary wide">{move || tr!("nav-today")}</A>
                    }.into_any()
                }
                Step::Sent => view! {
                    <h2 id="step-heading" tabindex="-1">{move || tr!("check-in-thanks")}</h2>
                    <p class="success" role="status">{move || if device.waiting.get() > 0 { tr!("check-in-saved") } else { tr!("check-in-sent") }}</p>
                    <A href="/" attr:class="button primary wide">{move || tr!("nav-today")}</A>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn SafetyStep(
    emergency: RwSignal<BTreeSet<EmergencyQuestion>>,
    temperature_text: RwSignal<String>,
    unit: RwSignal<TemperatureUnit>,
) -> impl IntoView {
    let set_unit = move |u: TemperatureUnit| {
        unit.set(u);
        if let Some(storage) = window().local_storage().ok().flatten() {
            let _ = storage.set_item(UNIT_KEY, if u == TemperatureUnit::Celsius { "celsius" } else { "fahrenheit" });
        }
    };
    let unit_choice = move |u: TemperatureUnit, id: &'static str, label: &'static str| {
        view! {
            <label class="choice compact" for=id>
                <input type="radio" id=id name="temperature-unit" prop:checked=move || unit.get() == u on:change=move |_| set_unit(u)/>
                <span>{label}</span>
            </label>
        }
    };
    view! {
        <h2 id="step-heading" tabindex="-1">{move || tr!("check-in-safety-title")}</h2>
        <fieldset>
            <legend>{move || tr!("check-in-emergency-legend")}</legend>
            <p class="hint">{move || tr!("check-in-emergency-hint")}</p>
            <div class="choices">
                {EmergencyQuestion::ALL.into_iter().map(|q| {
                    let id = format!("emergency-{}", q.red_flag().message_id());
                    let label_for = id.clone();
                    view! {
                        <label class="choice" for=label_for>
                            <input type="checkbox" id=id prop:checked=move || emergency.with(|e| e.contains(&q))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    emergency.update(|e| { if on { e.insert(q); } else { e.remove(&q); } });
                                }/>
                            <span>{move || tr_dynamic(q.red_flag().message_id())}</span>
                        </label>
                    }
                }).collect_view()}
            </div>
        </fieldset>
        <fieldset>
            <legend>{move || tr!("check-in-temperature-legend")}</legend>
            <label for="temperature">{move || tr!("check-in-temperature-label")}</label>
            <p class="hint" id="temperature-hint">{move || tr!("check-in-temperature-hint")}</p>
            <div class="temperature-row">
                <input id="temperature" name="temperature" type="text" inputmode="decimal" autocomplete="off"
                    aria-describedby="temperature-hint" bind:value=temperature_text/>
                <div class="choices inline" role="radiogroup" aria-label=move || tr!("check-in-temperature-unit")>
                    {unit_choice(TemperatureUnit::Celsius, "unit-celsius", "°C")}
                    {unit_choice(TemperatureUnit::Fahrenheit, "unit-fahrenheit", "°F")}
                </div>
            </div>
        </fieldset>
    }
}

#[component]
fn ItemStep(item: Item, form: CheckInForm, index: usize, total: usize, responses: RwSignal<BTreeMap<String, Responses>>) -> impl IntoView {
    let lang = current();
    let text = item.text_in(&lang).clone();
    let scales = form.scales_in(&lang).cloned();
    let attributes = item.attributes.attributes();
    let first = attributes[0];
    let id = item.id.clone();
    let id_for_first = id.clone();
    let first_answer = Memo::new(move |_| responses.with(|r| r.get(&id_for_first).and_then(|r| r.get(first))));
    view! {
        <p class="progress">{move || {
            let (number, total): (usize, usize) = (index + 1, total);
            tr!("check-in-progress", current = number, total = total)
        }}</p>
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

/// "Call now": shown on the device the moment a red flag is answered, with the pharmacy's numbers as tel: links.
#[component]
pub fn RedFlagScreen(flags: Vec<RedFlag>) -> impl IntoView {
    let device = expect_context::<Device>();
    let site = device.profile.get_untracked().flatten().map(|p| p.site);
    view! {
        <div class="red-flag" data-testid="call-now">
            <h2 id="step-heading" tabindex="-1">{move || tr!("red-flag-title")}</h2>
            <p>{move || tr!("red-flag-because")}</p>
            <ul class="red-flag-list">
                {flags.into_iter().map(|f| view! { <li>{move || red_flag_text(&f)}</li> }).collect_view()}
            </ul>
            {site.map(|site| {
                let (phone, after) = (site.phone.clone(), site.after_hours_phone.clone());
                view! {
                    <p class="call-links">
                        <a class="button danger wide" href=format::tel_href(&site.phone)>{move || tr!("call-now-pharmacy", phone = phone.clone())}</a>
                        <a class="button secondary wide" href=format::tel_href(&site.after_hours_phone)>{move || tr!("call-now-after-hours", phone = after.clone())}</a>
                    </p>
                }
            })}
            <p class="emergency-note">{move || tr!("red-flag-emergency")}</p>
            <p role="status">{move || if device.waiting.get() > 0 { tr!("red-flag-saved-offline") } else { tr!("red-flag-sent") }}</p>
        </div>
    }
}
