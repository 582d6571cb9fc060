//! The worklists (`/pharmacy/worklists`): the daily follow-up beside the alert queue — new starts due for their
//! day 7–14 call, patients who stopped logging doses, overdue check-ins, refills due or asked for, and 30-day PDC
//! under 80 %. One list at a time (a tab per list, each with its count, `?list=`), oldest due first, a page at a
//! time; each item links the patient and is marked "Done" with a note and, if one was made, the intervention. The
//! dashboard shows the counts (`WorklistCountsLine`).

use carepath_domain::intervention::InterventionRequest;
use carepath_domain::sync::{Empty, PharmacistInfo};
use carepath_domain::worklist::{DoneRequest, Worklist, WorklistCounts, WorklistItem, WorklistPage, MAX_NOTE};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use carepath_ui::api::{self, ApiError};
use crate::intervention_form::{InterventionDraft, InterventionFields};
use crate::pharmacy::{desk_title, error_text, patient_href, DeskNav, DeskPage, Login};
use carepath_ui::regimen_text::date_text;
use carepath_ui::tr;
use carepath_ui::text;

pub fn list_title(list: Worklist) -> String {
    match list {
        Worklist::FollowUp => tr!("worklist-follow-up"),
        Worklist::StoppedLogging => tr!("worklist-stopped-logging"),
        Worklist::CheckInOverdue => tr!("worklist-check-in-overdue"),
        Worklist::Refill => tr!("worklist-refill"),
        Worklist::LowPdc => tr!("worklist-low-pdc"),
    }
}

fn list_hint(list: Worklist) -> String {
    match list {
        Worklist::FollowUp => tr!("worklist-follow-up-hint"),
        Worklist::StoppedLogging => tr!("worklist-stopped-logging-hint"),
        Worklist::CheckInOverdue => tr!("worklist-check-in-overdue-hint"),
        Worklist::Refill => tr!("worklist-refill-hint"),
        Worklist::LowPdc => tr!("worklist-low-pdc-hint"),
    }
}

/// What the item says beside the name.
fn item_detail(item: &WorklistItem) -> String {
    let due = date_text(item.due_on);
    match item.list {
        Worklist::FollowUp => tr!("worklist-item-follow-up", drug = item.drug_name.clone().unwrap_or_default(), date = due),
        Worklist::StoppedLogging => tr!("worklist-item-stopped-logging", count = item.unrecorded_doses, date = due),
        Worklist::CheckInOverdue => tr!("worklist-item-check-in-overdue", date = due),
        Worklist::Refill if item.key.starts_with("request:") => tr!("worklist-item-refill-requested", date = due),
        Worklist::Refill => tr!("worklist-item-refill-due", drug = item.drug_name.clone().unwrap_or_default(), date = due),
        Worklist::LowPdc => {
            let percent: u32 = item.pdc_30_per_mille.unwrap_or(0) / 10;
            tr!("worklist-item-low-pdc", percent = percent)
        }
    }
}

/// Signed-in pharmacists only, as on `/pharmacy`.
#[component]
pub fn WorklistsPage() -> impl IntoView {
    desk_title(|| tr!("desk-title-worklists"));
    let me = LocalResource::new(|| api::get::<PharmacistInfo>("/api/pharmacy/me", None));
    move || match me.get() {
        None => view! { <p class="loading" aria-busy="true">{text!("loading")}</p> }.into_any(),
        Some(Ok(_)) => view! { <Worklists/> }.into_any(),
        Some(Err(ApiError::Server { status: 401, code, .. })) => view! { <Login on_login=move || me.refetch() after=code/> }.into_any(),
        Some(Err(e)) => view! {
            <section class="card narrow" aria-labelledby="worklists-error-title">
                <h1 id="worklists-error-title">{text!("worklists-title")}</h1>
                <p class="error" role="alert">{error_text(&e)}</p>
                <button type="button" class="secondary" on:click=move |_| me.refetch()>{text!("timeline-retry")}</button>
            </section>
        }
        .into_any(),
    }
}

#[component]
fn Worklists() -> impl IntoView {
    let query = use_query_map();
    let chosen = Memo::new(move |_| query.with(|q| q.get("list").and_then(|l| Worklist::parse(&l))).unwrap_or(Worklist::FollowUp));
    let counts = LocalResource::new(|| api::get::<WorklistCounts>("/api/pharmacy/worklists", None));
    let navigate = use_navigate();
    let announce = RwSignal::new(None::<String>);
    let refresh_counts = Callback::new(move |()| counts.refetch());
    view! {
        <DeskNav current=DeskPage::Worklists/>
        <h1>{text!("worklists-title")}</h1>
        <p class="hint">{text!("worklists-hint")}</p>
        <nav class="worklist-tabs" aria-label=text!("worklists-choose")>
            <ul role="list">
                {Worklist::ALL.into_iter().map(|list| {
                    let navigate = navigate.clone();
                    let href = format!("/pharmacy/worklists?list={}", list.as_str());
                    let count = move || counts.get().and_then(Result::ok).map(|c| c.of(list));
                    view! {
                        <li>
                            <a
                                href=href.clone()
                                data-list=list.as_str()
                                aria-current=move || (chosen.get() == list).then_some("page")
                                on:click=move |ev| {
                                    ev.prevent_default();
                                    announce.set(None);
                                    navigate(&href, Default::default());
                                }
                            >
                                {move || list_title(list)}
                                {move || count().map(|n| view! { " " <span class="count-badge">{n}</span> })}
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </nav>
        <p class="status" role="status">{move || announce.get()}</p>
        {move || {
            let list = chosen.get();
            view! { <WorklistSection list=list announce=announce on_done=refresh_counts/> }
        }}
    }
}

const PAGE: u32 = 50;

#[component]
fn WorklistSection(list: Worklist, announce: RwSignal<Option<String>>, on_done: Callback<()>) -> impl IntoView {
    let cursor = RwSignal::new(None::<String>);
    let items = RwSignal::new(Vec::<WorklistItem>::new());
    let page = LocalResource::new(move || {
        let path = match cursor.get() {
            None => format!("/api/pharmacy/worklists/{}?limit={PAGE}", list.as_str()),
            Some(c) => format!("/api/pharmacy/worklists/{}?limit={PAGE}&cursor={}", list.as_str(), String::from(js_sys::encode_uri_component(&c))),
        };
        async move { api::get::<WorklistPage>(&path, None).await }
    });
    let next = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(p)) = page.get() {
            items.update(|all| {
                if cursor.get_untracked().is_none() {
                    all.clear();
                }
                for item in p.items {
                    if !all.iter().any(|i| i.patient_id == item.patient_id && i.key == item.key) {
                        all.push(item);
                    }
                }
            });
            next.set(p.next_cursor);
        }
    });
    let heading_id = "worklist-title";
    let removed = Callback::new(move |(patient, key): (uuid::Uuid, String)| {
        items.update(|all| all.retain(|i| !(i.patient_id == patient && i.key == key)));
        announce.set(Some(tr!("worklist-done-announce")));
        on_done.run(());
        crate::alerts::focus_by_id(heading_id, false);
    });
    view! {
        <section class="card worklist" aria-labelledby=heading_id data-testid="worklist" data-list=list.as_str()>
            <h2 id=heading_id tabindex="-1">{list_title(list)}</h2>
            <p class="hint">{list_hint(list)}</p>
            {move || page.get().and_then(Result::err).map(|e| view! { <p class="error" role="alert">{error_text(&e)}</p> })}
            {move || page.get().is_none().then(|| view! { <p aria-busy="true">{text!("loading")}</p> })}
            {move || (page.get().is_some_and(|p| p.is_ok()) && items.with(Vec::is_empty)).then(|| view! { <p>{text!("worklist-empty")}</p> })}
            <ol class="worklist-items" role="list">
                <For each=move || items.get() key=|i| (i.patient_id, i.key.clone()) children=move |item| view! {
                    <li><WorklistRow item=item on_removed=removed/></li>
                }/>
            </ol>
            {move || next.get().map(|c| view! {
                <button type="button" class="secondary" on:click=move |_| cursor.set(Some(c.clone()))>{text!("worklist-more")}</button>
            })}
        </section>
    }
}

#[component]
fn WorklistRow(item: WorklistItem, on_removed: Callback<(uuid::Uuid, String)>) -> impl IntoView {
    let open = RwSignal::new(false);
    let detail = item_detail(&item);
    let prefix = format!("done-{}-{}", item.patient_id, item.key.replace(':', "-"));
    let name_id = format!("{prefix}-name");
    let (patient_id, key) = (item.patient_id, item.key.clone());
    let note = RwSignal::new(String::new());
    let with_intervention = RwSignal::new(true);
    let draft = InterventionDraft::new();
    let list = item.list;
    let save = Action::new_local(move |request: &DoneRequest| {
        let request = request.clone();
        async move { api::post::<_, Empty>(&format!("/api/pharmacy/worklists/{}/done", list.as_str()), &request, None).await }
    });
    {
        let key = key.clone();
        Effect::new(move |_| {
            if let Some(Ok(_)) = save.value().get() {
                on_removed.run((patient_id, key.clone()));
            }
        });
    }
    let submit_key = key.clone();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if save.pending().get_untracked() {
            return;
        }
        let intervention: Option<InterventionRequest> = with_intervention.get_untracked().then(|| draft.request(None, false));
        save.dispatch(DoneRequest { patient_id, key: submit_key.clone(), note: note.get_untracked(), intervention });
    };
    let (note_id, with_id, form_id) = (format!("{prefix}-done-note"), format!("{prefix}-with"), format!("{prefix}-form"));
    view! {
        <article class="worklist-item" data-testid="worklist-item" data-patient-id=item.patient_id.to_string() aria-labelledby=name_id.clone()>
            <h3 id=name_id.clone()><a href=patient_href(item.patient_id) class="patient-link">{item.patient_name.clone()}</a></h3>
            <p>{detail}</p>
            <button
                type="button"
                class="secondary"
                aria-expanded=move || open.get().to_string()
                aria-controls=form_id.clone()
                aria-describedby=name_id.clone()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {text!("worklist-done")}
            </button>
            <form class="done-form" id=form_id hidden=move || !open.get() on:submit=on_submit>
                <label for=note_id.clone()>{text!("worklist-done-note")}</label>
                <textarea id=note_id rows="2" maxlength=MAX_NOTE.to_string() bind:value=note></textarea>
                <label class="choice" for=with_id.clone()>
                    <input type="checkbox" id=with_id.clone() bind:checked=with_intervention/>
                    <span>{text!("worklist-done-with-intervention")}</span>
                </label>
                <Show when=move || with_intervention.get()>
                    <fieldset>
                        <legend>{text!("intervention-document")}</legend>
                        <InterventionFields prefix=prefix.clone() draft=draft/>
                    </fieldset>
                </Show>
                <p class="error" role="alert">{move || save.value().get().and_then(Result::err).map(|e| error_text(&e))}</p>
                <button type="submit" class="primary" aria-disabled=move || save.pending().get().to_string()>{text!("worklist-done-save")}</button>
            </form>
        </article>
    }
}

/// The dashboard's line of counts, each linking its list.
#[component]
pub fn WorklistCountsLine() -> impl IntoView {
    let counts = LocalResource::new(|| api::get::<WorklistCounts>("/api/pharmacy/worklists", None));
    view! {
        <section class="card worklist-counts" aria-labelledby="worklist-counts-title" data-testid="worklist-counts">
            <h2 id="worklist-counts-title">{text!("worklists-title")}</h2>
            {move || match counts.get() {
                None => view! { <p aria-busy="true">{text!("loading")}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{error_text(&e)}</p> }.into_any(),
                Some(Ok(c)) => view! {
                    <ul class="alert-stats" role="list">
                        {Worklist::ALL.into_iter().map(|list| {
                            let n = c.of(list);
                            view! {
                                <li><a href=format!("/pharmacy/worklists?list={}", list.as_str()) data-list=list.as_str()>
                                    {move || tr!("worklist-count", list = list_title(list), count = n)}
                                </a></li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}
