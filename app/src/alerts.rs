//! The pharmacist's alert queue (top of `/pharmacy`) and the alert card, which the patient page reuses.
//!
//! Open alerts come urgent first, then oldest first (the server's order). The list refreshes itself. Cards are
//! keyed by alert id and read their alert from the list, so a refresh updates a card in place: the focus stays
//! where it was, and what the pharmacist is typing lives in [`Drafts`], outside the cards.
//!
//! `?alert=<id>` in the address (the link in an urgent alert's webhook or e-mail) scrolls to that alert and
//! focuses it once the queue has loaded.

use std::collections::HashMap;

use carepath_domain::sync::{
    AlertNote, AlertQueue, AlertStats, AlertView, Empty, PharmacyMessage, ReplyRequest, TermNames, TextRequest, MAX_MESSAGE,
};
use carepath_domain::triage::Tier;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;
use wasm_bindgen::JsCast;

use crate::api::{self, ApiError};
use crate::format;
use crate::i18n::current;
use crate::pharmacy::error_text;
use crate::reasons::{check_in_summary, reason_text};
use crate::tr;

/// How often the alert queue refreshes itself.
const ALERTS_REFRESH_MS: u32 = 15_000;

/// Text being written in the cards' forms, by form and alert (or patient). It lives with the list, not the
/// card, so a card rebuilt by a refresh, or moved from the open list to the resolved one, keeps it.
#[derive(Clone, Copy)]
pub struct Drafts(StoredValue<HashMap<String, ArcRwSignal<String>>>);

impl Drafts {
    pub fn new() -> Self {
        Drafts(StoredValue::new(HashMap::new()))
    }

    /// The draft under `key`, empty at first.
    pub fn text(self, key: &str) -> ArcRwSignal<String> {
        self.0
            .try_update_value(|drafts| drafts.entry(key.to_string()).or_insert_with(|| ArcRwSignal::new(String::new())).clone())
            .unwrap_or_else(|| ArcRwSignal::new(String::new()))
    }
}

impl Default for Drafts {
    fn default() -> Self {
        Drafts::new()
    }
}

/// What every card of one list shares.
#[derive(Clone, Copy)]
pub struct AlertList {
    /// The list the cards read their alert from (by id).
    pub alerts: Signal<Vec<AlertView>>,
    pub term_names: Signal<TermNames>,
    /// Run after every action: refetch the list.
    pub on_change: Callback<()>,
    pub drafts: Drafts,
    /// A polite announcement for the whole list (e.g. "Alert resolved").
    pub announce: RwSignal<Option<String>>,
    /// The list's heading (with `tabindex="-1"`): it gets the focus when a card the focus was in goes away.
    pub heading_id: &'static str,
    /// The alert the page was opened for (`?alert=<id>`), highlighted.
    pub linked: Option<Uuid>,
}

/// Moves the keyboard focus to an element (after the next paint, so a just-rendered element is there).
pub(crate) fn focus_by_id(id: &str, scroll: bool) {
    let id = id.to_string();
    request_animation_frame(move || {
        let Some(element) = document().get_element_by_id(&id) else { return };
        if scroll {
            element.scroll_into_view();
        }
        if let Ok(element) = element.dyn_into::<web_sys::HtmlElement>() {
            let _ = element.focus();
        }
    });
}

/// "12 min", "2 h 5 min", "3 d 4 h".
pub(crate) fn duration_text(minutes: i64) -> String {
    let minutes = minutes.max(0);
    if minutes < 60 {
        tr!("alert-duration-minutes", minutes = minutes)
    } else if minutes < 24 * 60 {
        let (hours, minutes) = (minutes / 60, minutes % 60);
        tr!("alert-duration-hours", hours = hours, minutes = minutes)
    } else {
        let (days, hours) = (minutes / (24 * 60), minutes % (24 * 60) / 60);
        tr!("alert-duration-days", days = days, hours = hours)
    }
}

/// A share given per thousand, as a percentage with at most one decimal, in the reader's language.
fn percent(per_mille: u32, lang: &str) -> String {
    let separator = if lang == "en" { "." } else { "," };
    let value = match per_mille % 10 {
        0 => (per_mille / 10).to_string(),
        tenths => format!("{}{separator}{tenths}", per_mille / 10),
    };
    tr!("alerts-percent", value = value)
}

/// Checks a note or reply before sending it: not blank, not too long.
fn check_text(text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        Err(tr!("alert-error-empty"))
    } else if text.chars().count() > MAX_MESSAGE {
        let max = MAX_MESSAGE;
        Err(tr!("alert-error-too-long", max = max))
    } else {
        Ok(())
    }
}

/// The state of a note or reply form: busy while sending, an error or a "sent" status.
#[derive(Clone, Copy)]
struct TextForm {
    busy: RwSignal<bool>,
    error: RwSignal<Option<String>>,
    status: RwSignal<Option<String>>,
}

/// Sends the text in `draft` (a note or a reply): checks it first, clears the draft once sent, says so with
/// `sent_message`, then runs `after` (a refetch) either way.
fn send_text<Fut>(
    draft: ArcRwSignal<String>,
    form: TextForm,
    send: impl FnOnce(String) -> Fut + 'static,
    sent_message: fn() -> String,
    after: Callback<()>,
) where
    Fut: std::future::Future<Output = Result<(), ApiError>> + 'static,
{
    let TextForm { busy, error, status } = form;
    if busy.get_untracked() {
        return;
    }
    status.set(None);
    let body = draft.get_untracked();
    if let Err(message) = check_text(&body) {
        error.set(Some(message));
        return;
    }
    error.set(None);
    busy.set(true);
    spawn_local(async move {
        match send(body).await {
            Ok(()) => {
                draft.set(String::new());
                status.set(Some(sent_message()));
            }
            Err(e) => error.set(Some(action_error_text(&e))),
        }
        busy.set(false);
        after.try_run(());
    });
}

fn action_error_text(e: &ApiError) -> String {
    match e {
        ApiError::Server { status: 422, message, .. } => {
            let reason = message.clone();
            tr!("alert-error-invalid", reason = reason)
        }
        ApiError::Server { status: 404, .. } => tr!("alert-error-not-found"),
        other => error_text(other),
    }
}

fn tier_attr(tier: Tier) -> &'static str {
    match tier {
        Tier::Urgent => "urgent",
        Tier::Routine => "routine",
    }
}

/// The tier in words, with a shape as well as a colour.
#[component]
fn TierBadge(tier: Tier) -> impl IntoView {
    view! {
        <span class="tier-badge" data-tier=tier_attr(tier)>
            <span aria-hidden="true">{match tier { Tier::Urgent => "▲", Tier::Routine => "●" }}</span>
            {move || match tier { Tier::Urgent => tr!("alert-tier-urgent"), Tier::Routine => tr!("alert-tier-routine") }}
        </span>
    }
}

/// One message to the patient, with whether they have read it.
#[component]
pub(crate) fn MessageItem(message: PharmacyMessage) -> impl IntoView {
    let PharmacyMessage { body, sent_at, from, read_at, .. } = message;
    view! {
        <li class="message" data-testid="message" data-read=read_at.is_some().to_string()>
            <p class="alert-meta">
                {move || tr!("alert-reply-meta", name = from.clone(), time = format::date_time(sent_at, &current()))}
            </p>
            <p class="message-body">{body}</p>
            <p class="read-state" data-read=read_at.is_some().to_string()>
                <span aria-hidden="true">{if read_at.is_some() { "✓ " } else { "… " }}</span>
                {move || match read_at {
                    Some(at) => tr!("alert-read", time = format::date_time(at, &current())),
                    None => tr!("alert-not-read"),
                }}
            </p>
        </li>
    }
}

/// A reply to the patient, about an alert (which it also acknowledges) or not. It reaches their phone at its
/// next sync.
#[component]
pub(crate) fn ReplyForm(
    patient_id: Uuid,
    patient_name: String,
    alert_id: Option<Uuid>,
    drafts: Drafts,
    on_sent: Callback<()>,
) -> impl IntoView {
    let key = format!("reply-{}", alert_id.unwrap_or(patient_id));
    let draft = drafts.text(&key);
    let text: RwSignal<String> = draft.clone().into();
    let hint_id = format!("{key}-hint");
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let send = move |body| async move {
            let path = format!("/api/pharmacy/patients/{patient_id}/messages");
            api::post::<_, PharmacyMessage>(&path, &ReplyRequest { body, alert_id }, None).await.map(drop)
        };
        send_text(draft.clone(), TextForm { busy, error, status }, send, || tr!("alert-reply-sent"), on_sent);
    };
    view! {
        <form class="reply-form" on:submit=on_submit>
            <label for=key.clone()>{move || tr!("alert-reply-label", name = patient_name.clone())}</label>
            <p class="hint" id=hint_id.clone()>
                {move || if alert_id.is_some() { tr!("alert-reply-hint") } else { tr!("timeline-reply-hint") }}
            </p>
            <textarea
                id=key
                data-testid="reply-text"
                rows="3"
                maxlength=MAX_MESSAGE.to_string()
                aria-describedby=hint_id
                bind:value=text
                on:input=move |_| status.set(None)
            ></textarea>
            <p class="error" role="alert">{move || error.get()}</p>
            <p class="status" role="status">{move || status.get()}</p>
            <button type="submit" class="primary" aria-disabled=move || busy.get().to_string()>{move || tr!("alert-reply-submit")}</button>
        </form>
    }
}

/// One alert: why, what the patient answered, when, who has seen it, notes and replies; and, while it is open,
/// what the pharmacist can do about it. `from_queue`: on the queue, the heading links to the patient's page and
/// the card has a reply form (the patient page has its own reply form).
#[component]
pub(crate) fn AlertCard(id: Uuid, list: AlertList, #[prop(optional)] from_queue: bool) -> impl IntoView {
    let alert = Memo::new(move |_| list.alerts.with(|all| all.iter().find(|a| a.id == id).cloned()));
    let Some(first) = alert.get_untracked() else { return ().into_any() };
    let AlertView { patient_id, patient_name, tier, action, reported_at, raised_at, .. } = first;
    let resolved = Memo::new(move |_| alert.with(|a| a.as_ref().is_none_or(|a| a.resolved.is_some())));
    let acknowledged = Memo::new(move |_| alert.with(|a| a.as_ref().is_some_and(|a| a.acknowledged.is_some())));
    let notes = Memo::new(move |_| alert.with(|a| a.as_ref().map(|a| a.notes.clone()).unwrap_or_default()));
    let replies = Memo::new(move |_| alert.with(|a| a.as_ref().map(|a| a.replies.clone()).unwrap_or_default()));
    let names = list.term_names;
    let card_id = format!("alert-{id}");
    let heading_id = format!("alert-{id}-title");

    let heading = if from_queue {
        let href = format!("/pharmacy/patients/{patient_id}");
        view! { <a href=href class="patient-link">{patient_name.clone()}</a> }.into_any()
    } else {
        view! { <span>{move || tr!("alert-raised-heading", time = format::date_time(raised_at, &current()))}</span> }.into_any()
    };
    let reasons = move || {
        alert.with(|a| {
            a.as_ref().map(|a| names.with(|n| a.reasons.iter().map(|r| view! { <li>{reason_text(r, n)}</li> }).collect_view()))
        })
    };
    let summary = move || {
        let summary = alert.with(|a| a.as_ref().and_then(|a| a.check_in.as_ref()).map(|c| names.with(|n| check_in_summary(c, n))))?;
        Some(view! { <p class="alert-summary">{tr!("alert-check-in", summary = summary)}</p> })
    };
    let acknowledgement = move || {
        alert.with(|a| {
            let a = a.as_ref()?;
            Some(match &a.acknowledged {
                Some(stamp) => {
                    let after = a.minutes_to_acknowledge.map(duration_text).unwrap_or_else(|| "—".to_string());
                    tr!("alert-acknowledged", name = stamp.by.clone(), time = format::date_time(stamp.at, &current()), after = after)
                }
                None => tr!("alert-not-acknowledged"),
            })
        })
    };
    let resolution = move || {
        alert.with(|a| {
            let stamp = a.as_ref()?.resolved.as_ref()?;
            let text = tr!("alert-resolved-by", name = stamp.by.clone(), time = format::date_time(stamp.at, &current()));
            Some(view! { <p class="alert-resolved">{text}</p> })
        })
    };
    let notes_view = move || {
        let notes = notes.get();
        (!notes.is_empty()).then(|| {
            view! {
                <h4>{move || tr!("alert-notes-title")}</h4>
                <ul class="alert-notes" role="list">
                    {notes.into_iter().map(|AlertNote { at, by, body }| view! {
                        <li>
                            <p class="alert-meta">{move || tr!("alert-note-meta", name = by.clone(), time = format::date_time(at, &current()))}</p>
                            <p class="note-body">{body}</p>
                        </li>
                    }).collect_view()}
                </ul>
            }
        })
    };
    let replies_view = move || {
        let replies = replies.get();
        (!replies.is_empty()).then(|| {
            view! {
                <h4>{move || tr!("alert-replies-title")}</h4>
                <ul class="messages" role="list">
                    {replies.into_iter().map(|m| view! { <MessageItem message=m/> }).collect_view()}
                </ul>
            }
        })
    };
    let work = {
        let (card_id, heading_id, patient_name) = (card_id.clone(), heading_id.clone(), patient_name.clone());
        move || {
            (!resolved.get()).then(|| {
                view! {
                    <AlertActions
                        id=id
                        list=list
                        patient_id=patient_id
                        patient_name=patient_name.clone()
                        card_id=card_id.clone()
                        heading_id=heading_id.clone()
                        acknowledged=acknowledged
                        from_queue=from_queue
                    />
                }
            })
        }
    };
    let labelled_by = heading_id.clone();
    view! {
        <article
            class="alert-card"
            class:linked=list.linked == Some(id)
            id=card_id
            tabindex="-1"
            aria-labelledby=labelled_by
            data-testid=move || if resolved.get() { "resolved-alert" } else { "alert" }
            data-tier=tier_attr(tier)
            data-state=move || if resolved.get() { "resolved" } else { "open" }
            data-alert-id=id.to_string()
        >
            <h3 id=heading_id>
                <TierBadge tier=tier/>
                " "
                {heading}
                {move || resolved.get().then(|| view! { <span class="state-badge">{move || tr!("alert-state-resolved")}</span> })}
            </h3>
            {action.map(|a| view! { <p class="patient-action" data-action=a.as_str()>{move || crate::reasons::action_text(a)}</p> })}
            <ul class="reasons">{reasons}</ul>
            {summary}
            <p class="alert-meta">
                <span>{move || tr!("alert-reported", time = format::date_time(reported_at, &current()))}</span>
                " · "
                <span>{move || tr!("alert-received", time = format::date_time(raised_at, &current()))}</span>
            </p>
            <p class="alert-ack" data-acknowledged=move || acknowledged.get().to_string()>{acknowledgement}</p>
            {resolution}
            {notes_view}
            {replies_view}
            {work}
        </article>
    }
    .into_any()
}

/// What can be done about an open alert: acknowledge, note, reply (on the queue), resolve.
#[component]
fn AlertActions(
    id: Uuid,
    list: AlertList,
    patient_id: Uuid,
    patient_name: String,
    card_id: String,
    heading_id: String,
    acknowledged: Memo<bool>,
    from_queue: bool,
) -> impl IntoView {
    let busy = RwSignal::new(false);
    let ack_error = RwSignal::new(None::<String>);
    let ack_status = RwSignal::new(None::<String>);
    let resolve_error = RwSignal::new(None::<String>);

    let acknowledge = {
        let card_id = card_id.clone();
        move |_| {
            if busy.get_untracked() {
                return;
            }
            busy.set(true);
            ack_error.set(None);
            let card_id = card_id.clone();
            spawn_local(async move {
                match api::post::<_, AlertView>(&format!("/api/pharmacy/alerts/{id}/acknowledge"), &Empty {}, None).await {
                    Ok(_) => {
                        ack_status.set(Some(tr!("alert-acknowledged-done")));
                        // The button goes away: keep the focus in the card.
                        focus_by_id(&card_id, false);
                    }
                    Err(e) => ack_error.set(Some(action_error_text(&e))),
                }
                busy.set(false);
                list.on_change.try_run(());
            });
        }
    };
    let resolve = {
        let patient_name = patient_name.clone();
        move |_| {
            if busy.get_untracked() {
                return;
            }
            busy.set(true);
            resolve_error.set(None);
            let name = patient_name.clone();
            spawn_local(async move {
                match api::post::<_, AlertView>(&format!("/api/pharmacy/alerts/{id}/resolve"), &Empty {}, None).await {
                    Ok(_) => {
                        list.announce.set(Some(tr!("alerts-resolved-done", name = name)));
                        // The actions (and, on the queue, the card) go away: the list heading takes the focus.
                        focus_by_id(list.heading_id, false);
                    }
                    Err(e) => resolve_error.set(Some(action_error_text(&e))),
                }
                busy.set(false);
                list.on_change.try_run(());
            });
        }
    };

    let note_key = format!("note-{id}");
    let note_draft = list.drafts.text(&note_key);
    let note: RwSignal<String> = note_draft.clone().into();
    let note_error = RwSignal::new(None::<String>);
    let note_status = RwSignal::new(None::<String>);
    let add_note = move |ev: SubmitEvent| {
        ev.prevent_default();
        let send = move |body| async move {
            api::post::<_, AlertView>(&format!("/api/pharmacy/alerts/{id}/notes"), &TextRequest { body }, None).await.map(drop)
        };
        let form = TextForm { busy, error: note_error, status: note_status };
        send_text(note_draft.clone(), form, send, || tr!("alert-note-added"), list.on_change);
    };
    let note_hint_id = format!("{note_key}-hint");
    let ack_button = {
        let heading_id = heading_id.clone();
        move || {
            (!acknowledged.get()).then(|| {
                let acknowledge = acknowledge.clone();
                view! {
                    <button type="button" class="primary" aria-describedby=heading_id.clone() aria-disabled=move || busy.get().to_string() on:click=acknowledge>
                        {move || tr!("alert-acknowledge")}
                    </button>
                }
            })
        }
    };
    view! {
        <div class="alert-work">
            <div class="alert-actions">{ack_button}</div>
            <p class="error" role="alert">{move || ack_error.get()}</p>
            <p class="status" role="status">{move || ack_status.get()}</p>
            <div class="alert-forms">
                <form class="note-form" on:submit=add_note>
                    <label for=note_key.clone()>{move || tr!("alert-note-label")}</label>
                    <p class="hint" id=note_hint_id.clone()>{move || tr!("alert-note-hint")}</p>
                    <textarea
                        id=note_key
                        rows="2"
                        maxlength=MAX_MESSAGE.to_string()
                        aria-describedby=note_hint_id
                        bind:value=note
                        on:input=move |_| note_status.set(None)
                    ></textarea>
                    <p class="error" role="alert">{move || note_error.get()}</p>
                    <p class="status" role="status">{move || note_status.get()}</p>
                    <button type="submit" class="secondary" aria-disabled=move || busy.get().to_string()>{move || tr!("alert-note-submit")}</button>
                </form>
                {from_queue.then(|| view! {
                    <ReplyForm
                        patient_id=patient_id
                        patient_name=patient_name.clone()
                        alert_id=Some(id)
                        drafts=list.drafts
                        on_sent=list.on_change
                    />
                })}
            </div>
            <div class="alert-actions resolve">
                <button type="button" class="secondary" aria-describedby=heading_id aria-disabled=move || busy.get().to_string() on:click=resolve>
                    {move || tr!("alert-resolve")}
                </button>
            </div>
            <p class="error" role="alert">{move || resolve_error.get()}</p>
        </div>
    }
}

/// The dashboard's figures: check-ins, the share that raised an alert, and the median time to acknowledge.
#[component]
fn AlertStatsLine(stats: AlertStats) -> impl IntoView {
    let AlertStats { days, check_ins, check_ins_with_alert, alert_rate_per_mille, median_minutes_to_acknowledge, notices_failing, .. } =
        stats;
    view! {
        {(notices_failing > 0).then(|| view! {
            <p class="error" role="alert" data-testid="notices-failing">{move || tr!("alerts-notices-failing", count = notices_failing)}</p>
        })}
        <ul class="alert-stats" role="list" data-testid="alert-stats">
            <li>{move || tr!("alerts-stats-check-ins", count = check_ins, days = days)}</li>
            <li>
                {move || {
                    let share = alert_rate_per_mille.map(|r| percent(r, &current())).unwrap_or_else(|| "—".to_string());
                    tr!("alerts-stats-with-alert", count = check_ins_with_alert, share = share)
                }}
            </li>
            <li>
                {move || {
                    let time = median_minutes_to_acknowledge.map(duration_text).unwrap_or_else(|| "—".to_string());
                    tr!("alerts-stats-median", time = time)
                }}
            </li>
        </ul>
    }
}

/// The alert queue section of the pharmacist's dashboard.
#[component]
pub fn AlertQueueSection() -> impl IntoView {
    let queue = LocalResource::new(|| api::get::<AlertQueue>("/api/pharmacy/alerts", None));
    let refresh = gloo::timers::callback::Interval::new(ALERTS_REFRESH_MS, move || queue.refetch());
    // The interval lives as long as the section is on screen.
    let refresh = send_wrapper::SendWrapper::new(refresh);
    on_cleanup(move || drop(refresh));

    // The last queue that loaded: a failed refresh (offline) keeps it on screen, with the error above it.
    let latest = Memo::new(move |previous: Option<&Option<AlertQueue>>| match queue.get() {
        Some(Ok(q)) => Some(q),
        _ => previous.cloned().flatten(),
    });
    let failure = Memo::new(move |_| queue.get().and_then(Result::err));
    let loaded = Memo::new(move |_| latest.with(Option::is_some));
    let open = Memo::new(move |_| latest.with(|q| q.as_ref().map(|q| q.open.clone()).unwrap_or_default()));
    let resolved = Memo::new(move |_| latest.with(|q| q.as_ref().map(|q| q.resolved.clone()).unwrap_or_default()));
    let term_names = Memo::new(move |_| latest.with(|q| q.as_ref().map(|q| q.term_names.clone()).unwrap_or_default()));
    let stats = Memo::new(move |_| latest.with(|q| q.as_ref().map(|q| q.stats.clone())));
    let open_ids = Memo::new(move |_| open.with(|v| v.iter().map(|a| a.id).collect::<Vec<_>>()));
    let resolved_ids = Memo::new(move |_| resolved.with(|v| v.iter().map(|a| a.id).collect::<Vec<_>>()));

    let linked = use_query_map().with_untracked(|q| q.get("alert")).and_then(|s| Uuid::parse_str(s.trim()).ok());
    let open_list = AlertList {
        alerts: open.into(),
        term_names: term_names.into(),
        on_change: Callback::new(move |()| queue.refetch()),
        drafts: Drafts::new(),
        announce: RwSignal::new(None),
        heading_id: "alerts-title",
        linked,
    };
    let resolved_list = AlertList { alerts: resolved.into(), ..open_list };

    // The deep link: once the queue is there, show that alert (opening the resolved list if it is there).
    let show_resolved = RwSignal::new(false);
    let link_missing = RwSignal::new(false);
    let link_done = StoredValue::new(false);
    Effect::new(move |_| {
        let Some(target) = linked else { return };
        if !loaded.get() || link_done.get_value() {
            return;
        }
        link_done.set_value(true);
        let in_open = open.with_untracked(|v| v.iter().any(|a| a.id == target));
        let in_resolved = resolved.with_untracked(|v| v.iter().any(|a| a.id == target));
        if in_resolved && !in_open {
            show_resolved.set(true);
        }
        if in_open || in_resolved {
            focus_by_id(&format!("alert-{target}"), true);
        } else {
            link_missing.set(true);
        }
    });

    let days = move || stats.with(|s| s.as_ref().map_or(30, |s| s.days));
    view! {
        <section class="card alerts" aria-labelledby="alerts-title">
            <div class="section-head">
                <h2 id="alerts-title" tabindex="-1">{move || tr!("alerts-title")}</h2>
                <button type="button" class="secondary" on:click=move |_| queue.refetch()>{move || tr!("alerts-reload")}</button>
            </div>
            <p class="status" role="status">{move || open_list.announce.get()}</p>
            <p class="error" role="alert">{move || failure.get().map(|e| error_text(&e))}</p>
            {move || link_missing.get().then(|| view! {
                <p class="hint" data-testid="alert-link-missing">{move || tr!("alerts-link-missing", days = days())}</p>
            })}
            {move || (!loaded.get() && failure.with(Option::is_none)).then(|| view! {
                <p aria-busy="true">{move || tr!("loading")}</p>
            })}
            {move || stats.get().map(|s| view! { <AlertStatsLine stats=s/> })}
            <Show when=move || loaded.get()>
                {move || open_ids.with(Vec::is_empty).then(|| view! {
                    <p class="alerts-empty">{move || tr!("alerts-empty")}</p>
                })}
                <ol class="alert-list" role="list">
                    <For each=move || open_ids.get() key=|id| *id children=move |id| view! {
                        <li><AlertCard id=id list=open_list from_queue=true/></li>
                    }/>
                </ol>
                <details class="resolved-alerts" prop:open=move || show_resolved.get()>
                    <summary>
                        {move || {
                            let count = resolved_ids.with(Vec::len);
                            let days = days();
                            tr!("alerts-resolved-summary", count = count, days = days)
                        }}
                    </summary>
                    <ol class="alert-list" role="list">
                        <For each=move || resolved_ids.get() key=|id| *id children=move |id| view! {
                            <li><AlertCard id=id list=resolved_list from_queue=true/></li>
                        }/>
                    </ol>
                </details>
            </Show>
        </section>
    }
}
