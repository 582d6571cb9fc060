//! The pharmacist's page (`/pharmacy`): sign in, enroll a patient, review the queue. The desk's navigation
//! (review queue, patients) and page titles live here too.

use carepath_domain::sync::{EnrollPatientRequest, DEFAULT_CHECK_IN_EVERY_DAYS, EnrollPatientResponse, EventBody, PharmacistInfo, Queue, QueueItem, TermNames};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::alerts::AlertQueueSection;
pub(crate) use crate::sign_in::Login;
use carepath_domain::sync::ErrorCode;
use carepath_ui::api::{self, ApiError};
use carepath_ui::format;
use carepath_ui::regimen_text::slot_label;
use carepath_ui::regimen_text::{date_text, food_text, outcome_text, pattern_text, slot_dose_text};
use crate::regimen_form::{focus_field, Field, RegimenDraft, RegimenFields};
use carepath_ui::i18n::current;
use crate::identity_fields::{Identity, IdentityDraft, IdentityFields};
use carepath_ui::tr;
use carepath_ui::text;

/// How often the open queue refreshes itself.
const QUEUE_REFRESH_MS: u32 = 15_000;

/// The check-in reminder choices offered at enrollment, in days (the server accepts 1–28).
const CHECK_IN_CADENCES: [u16; 4] = [3, 7, 14, 28];

pub(crate) fn cadence_label(days: u16) -> String {
    match days {
        3 => tr!("cadence-3"),
        7 => tr!("cadence-7"),
        14 => tr!("cadence-14"),
        _ => tr!("cadence-28"),
    }
}

/// The check-in cadence choices as a select bound to `chosen` (days).
#[component]
pub(crate) fn CadenceSelect(
    id: &'static str,
    chosen: RwSignal<u16>,
    #[prop(optional)] described_by: Option<&'static str>,
) -> impl IntoView {
    view! {
        <select id=id aria-describedby=described_by on:change=move |ev| {
            if let Ok(days) = event_target_value(&ev).parse::<u16>() {
                chosen.set(days);
            }
        }>
            {CHECK_IN_CADENCES.iter().map(|&days| view! {
                <option value=days.to_string() prop:selected=move || chosen.get() == days>{move || cadence_label(days)}</option>
            }).collect_view()}
        </select>
    }
}

/// The desk's pages, for the navigation's `aria-current`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum DeskPage {
    Queue,
    Patients,
    Worklists,
    Program,
    /// The site admin's page (linked from the review queue's header, for admins).
    Admin,
    /// A patient's page: neither link is the current page.
    Patient,
}

/// The desk's navigation: the review queue and the patient list, on every desk page.
#[component]
pub(crate) fn DeskNav(current: DeskPage) -> impl IntoView {
    let link = move |page: DeskPage, href: &'static str, label: fn() -> String| {
        view! {
            <li><a href=href aria-current=(current == page).then_some("page")>{label}</a></li>
        }
    };
    view! {
        <nav class="desk-nav" aria-label=text!("desk-nav-label")>
            <ul role="list">
                {link(DeskPage::Queue, "/pharmacy", || tr!("pharmacy-title"))}
                {link(DeskPage::Patients, "/pharmacy/patients", || tr!("desk-patients-title"))}
                {link(DeskPage::Worklists, "/pharmacy/worklists", || tr!("worklists-title"))}
                {link(DeskPage::Program, "/pharmacy/program", || tr!("program-title"))}
            </ul>
        </nav>
    }
}

/// Sets the browser tab's title (`… – Carepath`) while a desk page is on screen, reactively; back to
/// "Carepath" when it goes.
pub(crate) fn desk_title(title: impl Fn() -> String + 'static) {
    let set = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let ours = set.clone();
    Effect::new(move |_| {
        let text = title();
        document().set_title(&text);
        if let Ok(mut set) = set.lock() {
            *set = text;
        }
    });
    // Only if the next page has not set its own yet.
    on_cleanup(move || {
        if ours.lock().is_ok_and(|ours| document().title() == *ours) {
            document().set_title("Carepath");
        }
    });
}

/// A patient's page on the desk.
pub(crate) fn patient_href(id: uuid::Uuid) -> String {
    format!("/pharmacy/patients/{id}")
}

#[component]
pub fn PharmacyPage() -> impl IntoView {
    let me = LocalResource::new(|| api::get::<PharmacistInfo>("/api/pharmacy/me", None));
    move || match me.get() {
        None => view! { <p class="loading" aria-busy="true">{text!("loading")}</p> }.into_any(),
        Some(Ok(info)) => view! { <Dashboard info=info on_logout=move || me.refetch()/> }.into_any(),
        Some(Err(e)) => view! { <Login on_login=move || me.refetch() after=e.code().unwrap_or(ErrorCode::Unknown)/> }.into_any(),
    }
}

#[component]
fn Dashboard(info: PharmacistInfo, on_logout: impl Fn() + Copy + 'static) -> impl IntoView {
    let queue = LocalResource::new(|| api::get::<Queue>("/api/pharmacy/queue", None));
    let refresh = gloo::timers::callback::Interval::new(QUEUE_REFRESH_MS, move || queue.refetch());
    // The interval lives as long as the dashboard is on screen.
    let refresh = send_wrapper::SendWrapper::new(refresh);
    on_cleanup(move || drop(refresh));
    let logout = move |_| {
        spawn_local(async move {
            let _ = api::post_empty("/api/pharmacy/logout").await;
            on_logout();
        })
    };
    view! {
        <header class="pharmacy-header">
            <div>
                <h1>{text!("pharmacy-title")}</h1>
                <p class="subtitle">{format!("{} · {}", info.display_name, info.site.name)}</p>
            </div>
            <div class="header-actions">
                {(info.role == carepath_domain::admin::Role::Admin).then(|| view! {
                    <a class="button secondary" href="/pharmacy/admin">{text!("admin-title")}</a>
                })}
                <button type="button" class="secondary" on:click=logout>{text!("logout")}</button>
            </div>
        </header>
        <DeskNav current=DeskPage::Queue/>
        <AlertQueueSection/>
        <crate::worklists::WorklistCountsLine/>
        <div class="pharmacy-grid">
            <section class="card" aria-labelledby="queue-title">
                <div class="section-head">
                    <h2 id="queue-title">{text!("activity-title")}</h2>
                    <button type="button" class="secondary" on:click=move |_| queue.refetch()>{text!("queue-refresh")}</button>
                </div>
                {move || match queue.get() {
                    None => view! { <p aria-busy="true">{text!("loading")}</p> }.into_any(),
                    Some(Err(e)) => view! { <p class="error" role="alert">{error_text(&e)}</p> }.into_any(),
                    Some(Ok(q)) if q.items.is_empty() => view! { <p>{text!("queue-empty")}</p> }.into_any(),
                    Some(Ok(q)) => {
                        let names = std::sync::Arc::new(q.term_names);
                        view! {
                            <ol class="queue" role="list">
                                {q.items.into_iter().map(|item| view! { <QueueRow item=item names=names.clone()/> }).collect_view()}
                            </ol>
                        }.into_any()
                    }
                }}
            </section>
            <FindPatient/>
        </div>
        <EnrollPatient on_enrolled=move || queue.refetch()/>
    }
}

/// A search box for the patient list (`/pharmacy/patients?q=…`).
#[component]
fn FindPatient() -> impl IntoView {
    let text = RwSignal::new(String::new());
    let navigate = use_navigate();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let q = text.get_untracked();
        let q = q.trim();
        let href = if q.is_empty() {
            "/pharmacy/patients".to_string()
        } else {
            format!("/pharmacy/patients?q={}", String::from(js_sys::encode_uri_component(q)))
        };
        navigate(&href, Default::default());
    };
    view! {
        <section class="card find-patient" aria-labelledby="find-patient-title">
            <h2 id="find-patient-title">{text!("desk-patients-title")}</h2>
            <form role="search" on:submit=on_submit aria-labelledby="find-patient-title">
                <label for="find-patient">{text!("desk-find-label-any")}</label>
                <p class="hint" id="find-patient-hint">{text!("desk-find-hint")}</p>
                <div class="search-row">
                    <input id="find-patient" type="search" name="q" aria-describedby="find-patient-hint" autocomplete="off" spellcheck="false" maxlength="100" bind:value=text/>
                    <button type="submit" class="secondary">{text!("desk-find-submit")}</button>
                </div>
            </form>
            <p><a href="/pharmacy/patients">{text!("desk-find-all")}</a></p>
        </section>
    }
}

pub(crate) fn error_text(e: &ApiError) -> String {
    match e {
        ApiError::Offline => tr!("error-offline"),
        ApiError::Server { status: 401, .. } => tr!("error-signed-out"),
        _ => tr!("error-generic"),
    }
}

#[component]
fn QueueRow(item: QueueItem, names: std::sync::Arc<TermNames>) -> impl IntoView {
    let recorded = item.recorded_at;
    let (kind, detail) = match &item.body {
        EventBody::DoseTaken { slot, .. } => ("dose", {
            let drug = item.drug_name.clone().unwrap_or_default();
            let slot = *slot;
            Signal::derive(move || tr!("queue-dose-taken", drug = drug.clone(), slot = slot_label(slot)))
        }),
        EventBody::GuideViewed { drug, .. } => ("guide", {
            let drug = carepath_ui::guide_index::capitalized(drug);
            Signal::derive(move || tr!("queue-guide-viewed", drug = drug.clone()))
        }),
        EventBody::CheckIn(answers) => ("check-in", {
            let answers = answers.clone();
            Signal::derive(move || tr!("queue-check-in", summary = carepath_ui::reasons::check_in_summary(&answers, &names)))
        }),
        EventBody::MessageRead { .. } => ("message-read", text!("queue-message-read")),
        EventBody::MessageSharing { caregivers_may_read } => {
            ("message-sharing", if *caregivers_may_read { text!("queue-sharing-on") } else { text!("queue-sharing-off") })
        }
        EventBody::MessageSent { text, .. } => ("message-sent", {
            let text = text.trim().to_string();
            Signal::derive(move || tr!("queue-message-sent", text = text.clone()))
        }),
        EventBody::DoseLogged { slot, outcome, .. } => ("dose", {
            let drug = item.drug_name.clone().unwrap_or_default();
            let (slot, outcome) = (*slot, *outcome);
            Signal::derive(move || {
                tr!("admin-queue-dose-logged", drug = drug.clone(), slot = slot_label(slot), outcome = outcome_text(outcome))
            })
        }),
        EventBody::RefillRequested { .. } => ("refill", {
            let drug = item.drug_name.clone().unwrap_or_default();
            Signal::derive(move || tr!("admin-queue-refill-requested", drug = drug.clone()))
        }),
    };
    view! {
        <li class="queue-item" data-kind=kind>
            <p class="queue-meta">
                <time datetime=recorded.to_rfc3339()>{move || format::date_time(recorded, &current())}</time>
                " · "<a class="patient-name" href=patient_href(item.patient_id)>{item.patient_name.clone()}</a>
                {item.reported_by.clone().map(|name| view! { " · "<crate::alerts::ReportedBy name=name/> })}
            </p>
            <p>{detail}</p>
        </li>
    }
}

#[component]
fn EnrollPatient(on_enrolled: impl Fn() + Copy + 'static) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let identity = IdentityDraft::new();
    let regimen = RegimenDraft::new();
    let cadence = RwSignal::new(DEFAULT_CHECK_IN_EVERY_DAYS);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let issued = RwSignal::new(None::<Enrolled>);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        let who = match identity.build(carepath_ui::format::today()) {
            Ok(who) => who,
            Err(problem) => {
                error.set(Some(tr!("enroll-patient-invalid", reason = problem.message)));
                focus_field(problem.field.id());
                return;
            }
        };
        let built = untrack(|| regimen.build());
        let built = match built {
            Ok(built) => built,
            Err(problem) => {
                regimen.show_errors.set(true);
                error.set(Some(tr!("enroll-patient-invalid", reason = problem.message)));
                if problem.field != Field::Form {
                    focus_field(&problem.field.id("regimen"));
                }
                return;
            }
        };
        let request = EnrollPatientRequest {
            display_name: name.get_untracked(),
            regimen: built,
            check_in_every_days: cadence.get_untracked(),
            date_of_birth: Some(who.date_of_birth),
            mrn: Some(who.mrn.clone()),
            phone: who.phone.clone(),
            language: who.language,
        };
        busy.set(true);
        // The last summary goes: its code is not this patient's.
        issued.set(None);
        spawn_local(async move {
            match api::post::<_, EnrollPatientResponse>("/api/pharmacy/patients", &request, None).await {
                Ok(created) => {
                    crate::handout::remember(created.patient_id, &created.code);
                    issued.set(Some(Enrolled {
                        identity: who,
                        name: request.display_name.trim().to_string(),
                        regimen: request.regimen.clone(),
                        cadence: request.check_in_every_days,
                        created,
                    }));
                    // The summary replaces the form's top: take the reader there.
                    crate::alerts::focus_by_id("enroll-summary-title", true);
                    name.set(String::new());
                    regimen.reset();
                    identity.reset();
                    cadence.set(DEFAULT_CHECK_IN_EVERY_DAYS);
                    on_enrolled();
                }
                Err(ApiError::Server { code: ErrorCode::MrnTaken, .. }) => {
                    let problem = identity.mrn_taken();
                    error.set(Some(tr!("enroll-patient-invalid", reason = problem.message)));
                    focus_field(problem.field.id());
                }
                Err(ApiError::Server { status: 422, message, .. }) => error.set(Some(tr!("enroll-patient-invalid", reason = message))),
                Err(e) => error.set(Some(error_text(&e))),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="card enroll" aria-labelledby="enroll-patient-title">
            <h2 id="enroll-patient-title">{text!("enroll-patient-title")}</h2>
            {move || issued.get().map(|enrolled| view! { <EnrolledSummary enrolled=enrolled/> })}
            <form class="enroll-form" on:submit=on_submit>
                <label for="patient-name">{text!("enroll-patient-name")}</label>
                <input id="patient-name" type="text" required maxlength="100" autocomplete="off" bind:value=name/>
                <IdentityFields draft=identity/>
                <RegimenFields draft=regimen prefix="regimen"/>
                <label for="check-in-cadence">{text!("cadence-label")}</label>
                <p class="hint" id="check-in-cadence-hint">{text!("cadence-hint")}</p>
                <CadenceSelect id="check-in-cadence" chosen=cadence described_by="check-in-cadence-hint"/>
                <p class="error" role="alert">{move || error.get()}</p>
                <button type="submit" class="primary" disabled=move || busy.get()>{text!("enroll-patient-submit")}</button>
            </form>
        </section>
    }
}

/// What the last "Enroll" saved, with the code.
#[derive(Clone)]
struct Enrolled {
    name: String,
    identity: Identity,
    regimen: carepath_domain::schedule::Regimen,
    cadence: u16,
    created: EnrollPatientResponse,
}

/// After "Enroll": the code to give the patient and what was saved, to check with them, with a link to their page.
#[component]
fn EnrolledSummary(enrolled: Enrolled) -> impl IntoView {
    let Enrolled { name, identity, regimen, cadence, created } = enrolled;
    let handout = crate::handout::handout_href(created.patient_id);
    let born = identity.date_of_birth;
    let phone = identity.phone.clone();
    let expires = created.expires_at;
    let href = patient_href(created.patient_id);
    let (title_name, code_name, link_name) = (name.clone(), name.clone(), name);
    let medicine = format!("{} {}", regimen.drug_name, regimen.strength);
    let doses = regimen.doses.clone();
    let (pattern, start, first_cycle, tz) = (regimen.pattern.clone(), regimen.start, regimen.first_cycle, regimen.time_zone.name().replace('_', " "));
    view! {
        <div class="issued-code enroll-summary" data-testid="enroll-summary">
            <h3 id="enroll-summary-title" tabindex="-1">{move || tr!("desk-enrolled-title", name = title_name.clone())}</h3>
            <p>{move || tr!("enroll-patient-code-for", name = code_name.clone())}</p>
            <p class="code" data-testid="enrollment-code">{created.code.clone()}</p>
            <p class="hint">{move || tr!("enroll-patient-code-expires", time = format::date_time(expires, &current()))}</p>
            <p><a href=handout data-testid="handout-link">{text!("handout-open")}</a></p>
            <h4>{text!("desk-enrolled-saved")}</h4>
            <dl class="saved-regimen">
                <div><dt>{text!("header-dob")}</dt><dd>{move || date_text(born)}</dd></div>
                <div><dt>{text!("header-mrn")}</dt><dd data-testid="enrolled-mrn">{identity.mrn.clone()}</dd></div>
                <div><dt>{text!("header-phone")}</dt><dd>{move || phone.clone().unwrap_or_else(|| tr!("header-not-recorded"))}</dd></div>
                <div><dt>{text!("header-language")}</dt><dd>{crate::identity_fields::language_name(identity.language)}</dd></div>
                <div><dt>{text!("desk-enrolled-medicine")}</dt><dd>{medicine}</dd></div>
                <div>
                    <dt>{text!("desk-enrolled-doses")}</dt>
                    <dd>
                        <ul role="list">
                            {doses.into_iter().map(|d| view! {
                                <li>{move || tr!("admin-dose-food", dose = slot_dose_text(&d), food = food_text(d.food))}</li>
                            }).collect_view()}
                        </ul>
                    </dd>
                </div>
                <div><dt>{text!("desk-enrolled-days")}</dt><dd>{move || pattern_text(&pattern)}</dd></div>
                <div>
                    <dt>{text!("desk-enrolled-start")}</dt>
                    <dd>{move || tr!("desk-enrolled-start-value", date = date_text(start), cycle = first_cycle.to_string())}</dd>
                </div>
                <div><dt>{text!("desk-enrolled-time-zone")}</dt><dd>{tz}</dd></div>
                <div><dt>{text!("cadence-label")}</dt><dd>{move || cadence_label(cadence)}</dd></div>
            </dl>
            <p><a href=href>{move || tr!("desk-enrolled-open", name = link_name.clone())}</a></p>
        </div>
    }
}
