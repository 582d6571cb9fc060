//! The pharmacist's page about one patient (`/pharmacy/patients/:id`). What needs acting on comes first: the
//! alerts (open ones compact and workable here too, resolved ones folded) beside the messages, with a reply form;
//! then the plan and adherence (side by side at desktop width); then caregivers and phones, the check-in cadence and a new code; then
//! symptom trends, temperature readings and every check-in, folded.

use carepath_domain::sync::{CadenceRequest, PatientTimeline, PharmacistInfo};
use carepath_domain::triage::{celsius_tenths_to_fahrenheit_tenths, format_tenths};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

use crate::alerts::{sort_for_patient, AlertCard, AlertList, Drafts, Folds, ReplyForm, ReportedBy};
use carepath_ui::api::{self, ApiError};
use carepath_ui::format;
use carepath_ui::i18n::current;
use crate::pharmacy::{cadence_label, desk_title, error_text, CadenceSelect, DeskNav, DeskPage, Login};
use carepath_ui::reasons::{check_in_summary, term_name};
use crate::patient_header::{PatientHeaderCard, ReissueCode};
use crate::regimen_admin::{CaregiversSection, RegimenSection};
use carepath_ui::tr;
use carepath_ui::text;
use carepath_ui::trends::{trend_points, SymptomTrend};

/// How many messages show before the older ones are folded.
const RECENT_MESSAGES: usize = 3;

/// Signed-in pharmacists only, as on `/pharmacy`.
#[component]
pub fn PatientPage() -> impl IntoView {
    let me = LocalResource::new(|| api::get::<PharmacistInfo>("/api/pharmacy/me", None));
    move || match me.get() {
        None => view! { <p class="loading" aria-busy="true">{text!("loading")}</p> }.into_any(),
        Some(Ok(_)) => view! { <PatientTimelineView/> }.into_any(),
        Some(Err(ApiError::Server { status: 401, code, .. })) => view! { <Login on_login=move || me.refetch() after=code/> }.into_any(),
        Some(Err(e)) => view! {
            <section class="card narrow" aria-labelledby="timeline-error-title">
                <h1 id="timeline-error-title">{text!("timeline-title")}</h1>
                <p class="error" role="alert">{error_text(&e)}</p>
                <button type="button" class="secondary" on:click=move |_| me.refetch()>{text!("timeline-retry")}</button>
            </section>
        }
        .into_any(),
    }
}

fn not_found() -> ApiError {
    ApiError::Server { status: 404, code: carepath_domain::sync::ErrorCode::NotFound, message: String::new(), event_index: None }
}

#[component]
fn PatientTimelineView() -> impl IntoView {
    let params = use_params_map();
    let patient_id = Memo::new(move |_| params.with(|p| p.get("id")).and_then(|s| Uuid::parse_str(&s).ok()));
    let timeline = LocalResource::new(move || {
        let id = patient_id.get();
        async move {
            match id {
                Some(id) => api::get::<PatientTimeline>(&format!("/api/pharmacy/patients/{id}/timeline"), None).await,
                None => Err(not_found()),
            }
        }
    });
    // The last timeline that loaded: a failed refresh keeps it on screen, with the error above it.
    let latest = Memo::new(move |previous: Option<&Option<PatientTimeline>>| match timeline.get() {
        Some(Ok(t)) => Some(t),
        _ => previous.cloned().flatten(),
    });
    let failure = Memo::new(move |_| timeline.get().and_then(Result::err));
    let loaded = Memo::new(move |_| latest.with(Option::is_some));
    let patient = Memo::new(move |_| latest.with(|t| t.as_ref().map(|t| (t.patient_id, t.patient_name.clone()))));
    let check_ins = Memo::new(move |_| latest.with(|t| t.as_ref().map(|t| t.check_ins.clone()).unwrap_or_default()));
    let alerts = Memo::new(move |_| {
        let mut alerts = latest.with(|t| t.as_ref().map(|t| t.alerts.clone()).unwrap_or_default());
        sort_for_patient(&mut alerts);
        alerts
    });
    let open_ids = Memo::new(move |_| alerts.with(|v| v.iter().filter(|a| a.resolved.is_none()).map(|a| a.id).collect::<Vec<_>>()));
    let resolved_ids = Memo::new(move |_| alerts.with(|v| v.iter().filter(|a| a.resolved.is_some()).map(|a| a.id).collect::<Vec<_>>()));
    desk_title(move || match patient.get() {
        Some((_, name)) => tr!("desk-title-patient", name = name),
        None => tr!("desk-title-patients"),
    });
    let messages = Memo::new(move |_| {
        latest.with(|t| t.as_ref().map(|t| crate::desk_messages::newest_first(&t.messages, &t.patient_messages)).unwrap_or_default())
    });
    let thread_name = Memo::new(move |_| latest.with(|t| t.as_ref().map(|t| t.patient_name.clone()).unwrap_or_default()));
    let has_caregivers = Memo::new(move |_| latest.with(|t| t.as_ref().is_some_and(|t| t.has_caregivers)));
    let sharing = Memo::new(move |_| latest.with(|t| t.as_ref().and_then(|t| t.message_sharing)));
    // The patient's choice about their caregivers reading messages (said where they have caregivers, or allowed).
    let sharing_line = move || {
        let chosen = sharing.get().filter(|s| s.caregivers_may_read);
        (has_caregivers.get() || chosen.is_some()).then(|| {
            let text = match chosen {
                Some(s) => tr!("desk-sharing-on", time = format::date_time(s.recorded_at, &current())),
                None => tr!("desk-sharing-off"),
            };
            view! { <p class="hint message-sharing" data-testid="message-sharing" data-allowed=chosen.is_some().to_string()>{text}</p> }
        })
    };
    let interventions = Memo::new(move |_| latest.with(|t| t.as_ref().map(|t| t.interventions.clone()).unwrap_or_default()));
    let term_names = Memo::new(move |_| latest.with(|t| t.as_ref().map(|t| t.term_names.clone()).unwrap_or_default()));
    let on_change = Callback::new(move |()| timeline.refetch());
    let drafts = Drafts::new();
    let list = AlertList {
        alerts: alerts.into(),
        term_names: term_names.into(),
        on_change,
        drafts,
        announce: RwSignal::new(None),
        heading_id: "timeline-alerts-title",
        linked: None,
        folds: Folds::new(),
    };

    let trends = move || {
        check_ins.with(|all| {
            if all.is_empty() {
                return view! { <p>{text!("timeline-no-check-ins")}</p> }.into_any();
            }
            let pairs: Vec<_> = all.iter().map(|c| (c.recorded_at, &c.answers)).collect();
            let series = trend_points(&pairs);
            if series.is_empty() {
                return view! { <p>{text!("timeline-no-symptoms")}</p> }.into_any();
            }
            term_names.with(|names| {
                view! {
                    <div class="trends">
                        {series.into_iter().map(|(term, points)| view! {
                            <SymptomTrend name=term_name(&term, names) points=points/>
                        }).collect_view()}
                    </div>
                }
                .into_any()
            })
        })
    };
    let temperatures = move || {
        let readings: Vec<_> = check_ins.with(|all| {
            all.iter().rev().filter_map(|c| c.answers.temperature.map(|t| (c.recorded_at, t.celsius_tenths()))).collect()
        });
        (!readings.is_empty()).then(|| {
            view! {
                <h3>{text!("timeline-temperature-title")}</h3>
                <ul class="temperatures" role="list">
                    {readings.into_iter().map(|(at, celsius)| view! {
                        <li>
                            <time datetime=at.to_rfc3339()>{move || format::date_time(at, &current())}</time>
                            ": "
                            {move || tr!(
                                "timeline-temperature-reading",
                                celsius = format_tenths(celsius),
                                fahrenheit = format_tenths(celsius_tenths_to_fahrenheit_tenths(celsius))
                            )}
                        </li>
                    }).collect_view()}
                </ul>
            }
        })
    };
    let all_check_ins = move || {
        let count = check_ins.with(Vec::len);
        (count > 0).then(|| {
            view! {
                <details class="check-in-list">
                    <summary>{move || tr!("timeline-check-ins-summary", count = count)}</summary>
                    <ul role="list">
                        {move || check_ins.with(|all| term_names.with(|names| {
                            all.iter().rev().map(|c| {
                                let at = c.recorded_at;
                                let summary = check_in_summary(&c.answers, names);
                                let by = c.reported_by.clone().map(|name| view! { " · "<ReportedBy name=name/> });
                                view! {
                                    <li data-testid="timeline-check-in">
                                        <time datetime=at.to_rfc3339()>{format::date_time(at, &current())}</time>
                                        ": "{summary}{by}
                                    </li>
                                }
                            }).collect_view()
                        }))}
                    </ul>
                </details>
            }
        })
    };

    let has_check_ins = Memo::new(move |_| check_ins.with(|all| !all.is_empty()));
    let trends_summary = move || {
        let count = check_ins.with(Vec::len);
        match check_ins.with(|all| all.last().map(|c| c.recorded_at)) {
            Some(last) => tr!("desk-trends-summary", count = count, time = format::date_time(last, &current())),
            None => tr!("timeline-no-check-ins"),
        }
    };
    let message_list = move |recent: bool| {
        messages.with(|all| {
            let (newest, older) = all.split_at(all.len().min(RECENT_MESSAGES));
            let shown = if recent { newest } else { older };
            let name = thread_name.get();
            shown.iter().cloned().map(|m| view! { <crate::desk_messages::SaidItem said=m patient_name=name.clone()/> }).collect_view()
        })
    };
    let older_count = move || messages.with(Vec::len).saturating_sub(RECENT_MESSAGES);

    view! {
        <div class="patient-page">
            <DeskNav current=DeskPage::Patient/>
            <h1>{move || patient.get().map(|(_, name)| name).unwrap_or_else(|| tr!("timeline-title"))}</h1>
            {move || patient_id.get().map(|id| view! { <PatientHeaderCard patient_id=id refresh=Signal::derive(move || timeline.track())/> })}
            <p class="error" role="alert">
                {move || failure.get().map(|e| match e {
                    ApiError::Server { status: 404, .. } => tr!("timeline-not-found"),
                    other => error_text(&other),
                })}
            </p>
            {move || (!loaded.get() && failure.with(Option::is_none)).then(|| view! {
                <p aria-busy="true">{text!("loading")}</p>
            })}
            <Show when=move || loaded.get()>
                <div class="patient-top">
                    <section class="card patient-alerts" aria-labelledby="timeline-alerts-title">
                        <div class="section-head">
                            <h2 id="timeline-alerts-title" tabindex="-1">{text!("timeline-alerts-title")}</h2>
                            <button type="button" class="secondary" on:click=move |_| timeline.refetch()>{text!("timeline-refresh")}</button>
                        </div>
                        <p class="status" role="status">{move || list.announce.get()}</p>
                        {move || (open_ids.with(Vec::is_empty) && resolved_ids.with(Vec::is_empty)).then(|| view! {
                            <p>{text!("timeline-no-alerts")}</p>
                        })}
                        {move || (open_ids.with(Vec::is_empty) && !resolved_ids.with(Vec::is_empty)).then(|| view! {
                            <p>{text!("desk-patient-no-open-alerts")}</p>
                        })}
                        <ol class="alert-list" role="list">
                            <For each=move || open_ids.get() key=|id| *id children=move |id| view! {
                                <li><AlertCard id=id list=list/></li>
                            }/>
                        </ol>
                        {move || (!resolved_ids.with(Vec::is_empty)).then(|| view! {
                            <details class="resolved-alerts">
                                <summary>{move || tr!("desk-patient-resolved-alerts", count = resolved_ids.with(Vec::len))}</summary>
                                <ol class="alert-list" role="list">
                                    <For each=move || resolved_ids.get() key=|id| *id children=move |id| view! {
                                        <li><AlertCard id=id list=list/></li>
                                    }/>
                                </ol>
                            </details>
                        })}
                        <div class="patient-interventions">
                            <crate::intervention_form::InterventionList interventions=interventions.into()/>
                            {move || patient.get().map(|(id, _)| view! {
                                <crate::intervention_form::InterventionDetails patient_id=id on_saved=on_change/>
                            })}
                        </div>
                    </section>
                    <section class="card patient-messages" aria-labelledby="timeline-messages-title">
                        <h2 id="timeline-messages-title">{text!("desk-thread-title")}</h2>
                        {sharing_line}
                        {move || messages.with(Vec::is_empty).then(|| view! { <p>{text!("timeline-no-messages")}</p> })}
                        <ul class="messages" role="list">{move || message_list(true)}</ul>
                        {move || (older_count() > 0).then(|| view! {
                            <details class="older-messages">
                                <summary>{move || tr!("desk-older-messages", count = older_count())}</summary>
                                <ul class="messages" role="list">{move || message_list(false)}</ul>
                            </details>
                        })}
                        {move || patient.get().map(|(id, name)| view! {
                            <ReplyForm patient_id=id patient_name=name alert_id=None drafts=drafts on_sent=on_change
                                has_caregivers=has_caregivers.into()/>
                        })}
                    </section>
                </div>
                {move || patient.get().map(|(id, _)| view! { <RegimenSection patient_id=id/> })}
                // Two by two at desk width: the people and their phones side by side, then the cadence and a new code.
                <div class="patient-settings">
                    {move || patient.get().map(|(id, _)| view! { <CaregiversSection patient_id=id/> })}
                    {move || patient.get().map(|(id, name)| view! { <crate::patient_devices::PhonesSection patient_id=id patient_name=name/> })}
                    {move || latest.with(|t| t.as_ref().map(|t| (t.patient_id, t.check_in_every_days))).map(|(id, days)| view! {
                        <CadenceForm patient_id=id current=days/>
                    })}
                    {move || patient.get().map(|(id, _)| view! { <ReissueCode patient_id=id/> })}
                </div>
                <section class="card trends-section" aria-labelledby="timeline-trends-title">
                    <h2 id="timeline-trends-title">{text!("timeline-trends-title")}</h2>
                    <Show when=move || has_check_ins.get() fallback=|| view! { <p>{text!("timeline-no-check-ins")}</p> }>
                        <details class="fold">
                            <summary>{trends_summary}</summary>
                            <div class="fold-body">
                                <p class="hint">{text!("timeline-trends-hint")}</p>
                                {trends}
                                {temperatures}
                                {all_check_ins}
                            </div>
                        </details>
                    </Show>
                </section>
            </Show>
        </div>
    }
}

/// How often the patient's phone asks for a check-in; the phone learns a change at its next sync.
#[component]
fn CadenceForm(patient_id: Uuid, current: u16) -> impl IntoView {
    let chosen = RwSignal::new(current);
    let status = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        status.set(None);
        error.set(None);
        let request = CadenceRequest { check_in_every_days: chosen.get_untracked() };
        leptos::task::spawn_local(async move {
            let path = format!("/api/pharmacy/patients/{patient_id}/check-in-cadence");
            match api::put::<_, CadenceRequest>(&path, &request).await {
                Ok(saved) => status.set(Some(tr!("cadence-saved", choice = cadence_label(saved.check_in_every_days)))),
                Err(e) => error.set(Some(error_text(&e))),
            }
        });
    };
    view! {
        <form class="card cadence-form" on:submit=save aria-labelledby="cadence-form-title">
            <h2 id="cadence-form-title">{text!("cadence-label")}</h2>
            <label for="patient-cadence">{text!("cadence-hint")}</label>
            <div class="inline-form">
                <CadenceSelect id="patient-cadence" chosen=chosen/>
                <button type="submit" class="secondary">{text!("cadence-save")}</button>
            </div>
            <p class="status" role="status">{move || status.get()}</p>
            <p class="error" role="alert">{move || error.get()}</p>
        </form>
    }
}
