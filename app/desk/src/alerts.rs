//! The pharmacist's alert queue (top of `/pharmacy`) and the alert card, which the patient page reuses.
//!
//! Open alerts come unacknowledged urgent first, then unacknowledged routine, then acknowledged, oldest report
//! first within each ([`queue_rank`]; sorted here too, whatever order the server sent). Cards are compact: the
//! answers, notes, replies and forms are folded until opened. The list refreshes itself; a refresh that finds a
//! new urgent alert shows a "New urgent alert" banner (the pharmacist can turn it off), and the page title counts
//! the alerts waiting. Cards are keyed by alert id and read their alert from the list, so a refresh updates a
//! card in place: the focus stays where it was, and what the pharmacist is typing lives in [`Drafts`] (which
//! cards are open, in [`Folds`]), outside the cards.
//!
//! `?alert=<id>` in the address (the link in an urgent alert's webhook or e-mail) scrolls to that alert and
//! focuses it once the queue has loaded.

use carepath_domain::sorting;
use std::collections::{HashMap, HashSet};

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

use carepath_ui::api::{self, ApiError};
use carepath_ui::format;
use carepath_ui::i18n::current;
use crate::pharmacy::error_text;
use carepath_ui::reasons::{check_in_summary, reason_text};
use carepath_ui::tr;
use carepath_ui::text;

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
    /// The alert the page was opened for (`?alert=<id>`), highlighted and unfolded.
    pub linked: Option<Uuid>,
    pub folds: Folds,
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

/// "Reported by Carmen (daughter)": a check-in (or another record) made on a caregiver's phone.
#[component]
pub(crate) fn ReportedBy(name: String) -> impl IntoView {
    view! { <span class="reported-by" data-testid="reported-by">{move || tr!("desk-reported-by", name = name.clone())}</span> }
}

/// One message to the patient, with whether they have read it and whether the pharmacist let caregivers read it.
#[component]
pub(crate) fn MessageItem(message: PharmacyMessage) -> impl IntoView {
    let PharmacyMessage { body, sent_at, from, read_at, to_caregivers, .. } = message;
    view! {
        <li class="message" data-testid="message" data-read=read_at.is_some().to_string() data-to-caregivers=to_caregivers.to_string()>
            <p class="alert-meta">
                {move || tr!("alert-reply-meta", name = from.clone(), time = format::date_time(sent_at, &current()))}
            </p>
            <p class="message-body">{body}</p>
            {to_caregivers.then(|| view! {
                <p class="hint message-audience" data-testid="message-audience">{text!("desk-message-to-caregivers")}</p>
            })}
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
/// next sync. When the patient has caregivers, "Caregivers can read this too" (unticked: for the patient only)
/// lets it reach theirs too.
#[component]
pub(crate) fn ReplyForm(
    patient_id: Uuid,
    patient_name: String,
    alert_id: Option<Uuid>,
    drafts: Drafts,
    on_sent: Callback<()>,
    has_caregivers: Signal<bool>,
) -> impl IntoView {
    let key = format!("reply-{}", alert_id.unwrap_or(patient_id));
    let draft = drafts.text(&key);
    let text: RwSignal<String> = draft.clone().into();
    // Kept with the drafts, so a refresh that rebuilds the card keeps the choice: "yes", or empty.
    let audience: RwSignal<String> = drafts.text(&format!("{key}-caregivers")).into();
    let audience_id = format!("{key}-caregivers");
    let audience_hint_id = format!("{key}-caregivers-hint");
    let hint_id = format!("{key}-hint");
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let to_caregivers = has_caregivers.get_untracked() && audience.get_untracked() == "yes";
        let send = move |body| async move {
            let path = format!("/api/pharmacy/patients/{patient_id}/messages");
            let sent = api::post::<_, PharmacyMessage>(&path, &ReplyRequest { body, alert_id, to_caregivers }, None).await.map(drop);
            if sent.is_ok() {
                audience.set(String::new());
            }
            sent
        };
        send_text(draft.clone(), TextForm { busy, error, status }, send, || tr!("alert-reply-sent"), on_sent);
    };
    let audience_option = move || {
        has_caregivers.get().then(|| {
            view! {
                <label class="choice reply-audience" for=audience_id.clone()>
                    <input type="checkbox" id=audience_id.clone() data-testid="reply-to-caregivers" aria-describedby=audience_hint_id.clone()
                        prop:checked=move || audience.get() == "yes"
                        on:change=move |ev| audience.set(if event_target_checked(&ev) { "yes".into() } else { String::new() })/>
                    <span>{text!("desk-reply-to-caregivers")}</span>
                </label>
                <p class="hint" id=audience_hint_id.clone()>{text!("desk-reply-to-caregivers-hint")}</p>
            }
        })
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
            {audience_option}
            <p class="error" role="alert">{move || error.get()}</p>
            <p class="status" role="status">{move || status.get()}</p>
            <button type="submit" class="primary" aria-disabled=move || busy.get().to_string()>{text!("alert-reply-submit")}</button>
        </form>
    }
}

/// The queue's order, whichever order the server sent: unacknowledged urgent alerts, then unacknowledged routine
/// ones, then acknowledged ones (urgent before routine); oldest report first within each.
pub fn queue_rank(a: &AlertView) -> (u8, u8, chrono::DateTime<chrono::Utc>, Uuid) {
    let tier = match a.tier {
        Tier::Urgent => 0,
        Tier::Routine => 1,
    };
    let group = if a.acknowledged.is_some() { 2 } else { tier };
    (group, tier, a.reported_at, a.id)
}

/// Sorts open alerts in [`queue_rank`] order.
pub fn sort_for_queue(alerts: &mut [AlertView]) {
    sorting::sort_by_key(alerts, queue_rank);
}

/// The patient page's order: open alerts as on the queue, then resolved ones, newest first.
pub fn sort_for_patient(alerts: &mut [AlertView]) {
    sorting::sort_by(alerts, |a, b| match (a.resolved.is_some(), b.resolved.is_some()) {
        (false, false) => queue_rank(a).cmp(&queue_rank(b)),
        (true, true) => b.raised_at.cmp(&a.raised_at).then(a.id.cmp(&b.id)),
        (resolved_a, _) => resolved_a.cmp(&!resolved_a),
    });
}

/// Open alerts not acknowledged yet: (urgent, routine).
pub fn unacknowledged_counts(alerts: &[AlertView]) -> (usize, usize) {
    let waiting = alerts.iter().filter(|a| a.acknowledged.is_none() && a.resolved.is_none());
    waiting.fold((0, 0), |(u, r), a| match a.tier {
        Tier::Urgent => (u + 1, r),
        Tier::Routine => (u, r + 1),
    })
}

/// Which cards are unfolded, by alert id. Like [`Drafts`], it lives with the list, so a refresh (or a card moving
/// to the resolved list) keeps a card open.
#[derive(Clone, Copy)]
pub struct Folds(StoredValue<HashMap<Uuid, ArcRwSignal<bool>>>);

impl Folds {
    pub fn new() -> Self {
        Folds(StoredValue::new(HashMap::new()))
    }

    /// Whether the card of `id` is open (`initially` the first time it is asked for).
    pub fn open(self, id: Uuid, initially: bool) -> ArcRwSignal<bool> {
        self.0
            .try_update_value(|folds| folds.entry(id).or_insert_with(|| ArcRwSignal::new(initially)).clone())
            .unwrap_or_else(|| ArcRwSignal::new(initially))
    }
}

impl Default for Folds {
    fn default() -> Self {
        Folds::new()
    }
}

/// One alert, compact: the tier, the patient, what they were told, the reasons on one line, when, who has seen
/// it, and the buttons; the answers, notes, replies and forms are folded behind a disclosure button until opened.
/// `from_queue`: on the queue, the heading links to the patient's page and the card has a reply form (the patient
/// page has its own reply form).
#[component]
pub(crate) fn AlertCard(id: Uuid, list: AlertList, #[prop(optional)] from_queue: bool) -> impl IntoView {
    let alert = Memo::new(move |_| list.alerts.with(|all| all.iter().find(|a| a.id == id).cloned()));
    let Some(first) = alert.get_untracked() else { return ().into_any() };
    let AlertView { patient_id, patient_name, tier, action, reported_at, raised_at, reported_by, .. } = first;
    let resolved = Memo::new(move |_| alert.with(|a| a.as_ref().is_none_or(|a| a.resolved.is_some())));
    let acknowledged = Memo::new(move |_| alert.with(|a| a.as_ref().is_some_and(|a| a.acknowledged.is_some())));
    let notes = Memo::new(move |_| alert.with(|a| a.as_ref().map(|a| a.notes.clone()).unwrap_or_default()));
    let replies = Memo::new(move |_| alert.with(|a| a.as_ref().map(|a| a.replies.clone()).unwrap_or_default()));
    let from_patient = Memo::new(move |_| alert.with(|a| a.as_ref().map(|a| a.patient_messages.clone()).unwrap_or_default()));
    let has_caregivers = Memo::new(move |_| alert.with(|a| a.as_ref().is_some_and(|a| a.patient_has_caregivers)));
    let thread_name = patient_name.clone();
    let names = list.term_names;
    let card_id = format!("alert-{id}");
    let heading_id = format!("alert-{id}-title");
    let more_id = format!("alert-{id}-more");
    let expanded: RwSignal<bool> = list.folds.open(id, list.linked == Some(id)).into();
    let busy = RwSignal::new(false);

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
                <h4>{text!("alert-notes-title")}</h4>
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
                <h4>{text!("alert-replies-title")}</h4>
                <ul class="messages" role="list">
                    {replies.into_iter().map(|m| view! { <MessageItem message=m/> }).collect_view()}
                </ul>
            }
        })
    };
    let buttons = {
        let (card_id, heading_id, patient_name) = (card_id.clone(), heading_id.clone(), patient_name.clone());
        move || {
            (!resolved.get()).then(|| {
                view! {
                    <AlertButtons
                        id=id
                        list=list
                        patient_name=patient_name.clone()
                        card_id=card_id.clone()
                        heading_id=heading_id.clone()
                        acknowledged=acknowledged
                        busy=busy
                    />
                }
            })
        }
    };
    let forms = {
        let patient_name = patient_name.clone();
        move || {
            (!resolved.get()).then(|| {
                view! {
                    <AlertForms id=id list=list patient_id=patient_id patient_name=patient_name.clone() from_queue=from_queue busy=busy
                        has_caregivers=has_caregivers.into()/>
                }
            })
        }
    };
    let toggle_label = move || {
        let label = if from_queue && !resolved.get() { tr!("desk-alert-more-queue") } else { tr!("desk-alert-more") };
        let (notes, replies) = (notes.with(Vec::len), replies.with(Vec::len));
        let mut counts = Vec::new();
        if notes > 0 {
            counts.push(tr!("desk-alert-notes", count = notes));
        }
        if replies > 0 {
            counts.push(tr!("desk-alert-replies", count = replies));
        }
        if counts.is_empty() {
            label
        } else {
            tr!("desk-alert-more-counts", label = label, counts = counts.join(", "))
        }
    };
    let labelled_by = heading_id.clone();
    let toggle_describedby = heading_id.clone();
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
            data-acknowledged=move || acknowledged.get().to_string()
            data-expanded=move || expanded.get().to_string()
            data-alert-id=id.to_string()
        >
            <h3 id=heading_id>
                <TierBadge tier=tier/>
                " "
                {heading}
                {move || resolved.get().then(|| view! { <span class="state-badge">{text!("alert-state-resolved")}</span> })}
            </h3>
            {action.map(|a| view! { <p class="patient-action" data-action=a.as_str()>{move || carepath_ui::reasons::action_text(a)}</p> })}
            <ul class="reasons">{reasons}</ul>
            <p class="alert-meta alert-when">
                <span>{move || tr!("alert-reported", time = format::date_time(reported_at, &current()))}</span>
                " · "
                {reported_by.map(|name| view! { <ReportedBy name=name/>" · " })}
                <span class="alert-ack" data-acknowledged=move || acknowledged.get().to_string()>{acknowledgement}</span>
            </p>
            {resolution}
            <div class="alert-bar">
                {buttons}
                <button
                    type="button"
                    class="fold-button"
                    aria-expanded=move || expanded.get().to_string()
                    aria-controls=more_id.clone()
                    aria-describedby=toggle_describedby
                    on:click=move |_| expanded.update(|open| *open = !*open)
                >
                    <span class="fold-sign" aria-hidden="true">{move || if expanded.get() { "▾" } else { "▸" }}</span>
                    {toggle_label}
                </button>
            </div>
            <div class="alert-more" id=more_id hidden=move || !expanded.get()>
                {summary}
                <p class="alert-meta">{move || tr!("alert-received", time = format::date_time(raised_at, &current()))}</p>
                {notes_view}
                {replies_view}
                <crate::desk_messages::AlertPatientMessages messages=from_patient.into() patient_name=thread_name/>
                {forms}
            </div>
        </article>
    }
    .into_any()
}

/// Acknowledge and resolve, on the card's first line of buttons, with what they did or why they failed.
#[component]
fn AlertButtons(
    id: Uuid,
    list: AlertList,
    patient_name: String,
    card_id: String,
    heading_id: String,
    acknowledged: Memo<bool>,
    busy: RwSignal<bool>,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<String>);

    let acknowledge = {
        let card_id = card_id.clone();
        move |_| {
            if busy.get_untracked() {
                return;
            }
            busy.set(true);
            error.set(None);
            let card_id = card_id.clone();
            spawn_local(async move {
                match api::post::<_, AlertView>(&format!("/api/pharmacy/alerts/{id}/acknowledge"), &Empty {}, None).await {
                    Ok(_) => {
                        status.set(Some(tr!("alert-acknowledged-done")));
                        // The button goes away: keep the focus in the card.
                        focus_by_id(&card_id, false);
                    }
                    Err(e) => error.set(Some(action_error_text(&e))),
                }
                busy.set(false);
                list.on_change.try_run(());
            });
        }
    };
    let resolve = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let name = patient_name.clone();
        spawn_local(async move {
            match api::post::<_, AlertView>(&format!("/api/pharmacy/alerts/{id}/resolve"), &Empty {}, None).await {
                Ok(_) => {
                    list.announce.set(Some(tr!("alerts-resolved-done", name = name)));
                    // The buttons (and, on the queue, the card) go away: the list heading takes the focus.
                    focus_by_id(list.heading_id, false);
                }
                Err(e) => error.set(Some(action_error_text(&e))),
            }
            busy.set(false);
            list.on_change.try_run(());
        });
    };
    let ack_button = {
        let heading_id = heading_id.clone();
        move || {
            (!acknowledged.get()).then(|| {
                let acknowledge = acknowledge.clone();
                view! {
                    <button type="button" class="primary" aria-describedby=heading_id.clone() aria-disabled=move || busy.get().to_string() on:click=acknowledge>
                        {text!("alert-acknowledge")}
                    </button>
                }
            })
        }
    };
    view! {
        {ack_button}
        <button type="button" class="secondary" aria-describedby=heading_id aria-disabled=move || busy.get().to_string() on:click=resolve>
            {text!("alert-resolve")}
        </button>
        <p class="error" role="alert">{move || error.get()}</p>
        <p class="status" role="status">{move || status.get()}</p>
    }
}

/// The folded forms of an open alert: a note and (on the queue) a reply to the patient.
#[component]
fn AlertForms(
    id: Uuid,
    list: AlertList,
    patient_id: Uuid,
    patient_name: String,
    from_queue: bool,
    busy: RwSignal<bool>,
    has_caregivers: Signal<bool>,
) -> impl IntoView {
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
    view! {
        <div class="alert-work">
            <div class="alert-forms">
                <form class="note-form" on:submit=add_note>
                    <label for=note_key.clone()>{text!("alert-note-label")}</label>
                    <p class="hint" id=note_hint_id.clone()>{text!("alert-note-hint")}</p>
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
                    <button type="submit" class="secondary" aria-disabled=move || busy.get().to_string()>{text!("alert-note-submit")}</button>
                </form>
                {from_queue.then(|| view! {
                    <ReplyForm
                        patient_id=patient_id
                        patient_name=patient_name.clone()
                        alert_id=Some(id)
                        drafts=list.drafts
                        on_sent=list.on_change
                        has_caregivers=has_caregivers
                    />
                })}
                <crate::intervention_form::InterventionDetails patient_id=patient_id alert_id=id on_saved=list.on_change/>
            </div>
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

/// What a paged server adds to the queue (the first server sends none of it). Read beside [`AlertQueue`] from the
/// same answer, so the app reads either server.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
struct QueueExtras {
    #[serde(default)]
    next_cursor: Option<String>,
    /// Open alerts of the site, on every page together.
    #[serde(default)]
    open_total: u64,
    #[serde(default)]
    open_unacknowledged: u64,
    #[serde(default)]
    open_unacknowledged_urgent: u64,
}

/// Open alerts asked for at first, and at most (the server's order puts the most pressing first).
const OPEN_PAGE: u32 = 50;
const OPEN_MAX: u32 = 200;

async fn load_queue(limit: u32) -> Result<(AlertQueue, QueueExtras), ApiError> {
    let value = api::get::<serde_json::Value>(&format!("/api/pharmacy/alerts?limit={limit}"), None).await?;
    let extras = serde_json::from_value::<QueueExtras>(value.clone()).unwrap_or_default();
    let queue = serde_json::from_value::<AlertQueue>(value).map_err(|e| ApiError::bad_response(200, e.to_string()))?;
    Ok((queue, extras))
}

/// The alert queue section of the pharmacist's dashboard.
#[component]
pub fn AlertQueueSection() -> impl IntoView {
    let limit = RwSignal::new(OPEN_PAGE);
    let queue = LocalResource::new(move || load_queue(limit.get()));
    let refresh = gloo::timers::callback::Interval::new(ALERTS_REFRESH_MS, move || queue.refetch());
    // The interval lives as long as the section is on screen.
    let refresh = send_wrapper::SendWrapper::new(refresh);
    on_cleanup(move || drop(refresh));

    // The last queue that loaded: a failed refresh (offline) keeps it on screen, with the error above it.
    let latest = Memo::new(move |previous: Option<&Option<AlertQueue>>| match queue.get() {
        Some(Ok((q, _))) => Some(q),
        _ => previous.cloned().flatten(),
    });
    let failure = Memo::new(move |_| queue.get().and_then(Result::err));
    let loaded = Memo::new(move |_| latest.with(Option::is_some));
    let extras = Memo::new(move |previous: Option<&QueueExtras>| match queue.get() {
        Some(Ok((_, extras))) => extras,
        _ => previous.cloned().unwrap_or_default(),
    });
    let open = Memo::new(move |_| {
        let mut open = latest.with(|q| q.as_ref().map(|q| q.open.clone()).unwrap_or_default());
        sort_for_queue(&mut open);
        open
    });
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
        folds: Folds::new(),
    };
    let resolved_list = AlertList { alerts: resolved.into(), ..open_list };

    // The tab's title counts what waits: "(2 urgent) Review queue – Carepath".
    // Counted here and by a paged server over every page: the larger is the truth.
    let waiting = Memo::new(move |_| {
        let (urgent, routine) = open.with(|v| unacknowledged_counts(v));
        extras.with(|e| {
            let server_urgent = usize::try_from(e.open_unacknowledged_urgent).unwrap_or(usize::MAX);
            let server_routine = usize::try_from(e.open_unacknowledged.saturating_sub(e.open_unacknowledged_urgent)).unwrap_or(usize::MAX);
            (urgent.max(server_urgent), routine.max(server_routine))
        })
    });
    crate::pharmacy::desk_title(move || match waiting.get() {
        (0, 0) => tr!("desk-title-queue"),
        (0, routine) => tr!("desk-title-queue-waiting", count = routine),
        (urgent, _) => tr!("desk-title-queue-urgent", count = urgent),
    });

    // A refresh that finds an urgent alert not seen before shows the banner (unless turned off).
    let banner_on = RwSignal::new(banner_setting());
    let sound = crate::desk_sound::DeskSound::new();
    let seen = StoredValue::new(None::<HashSet<Uuid>>);
    let fresh = RwSignal::new(Vec::<Uuid>::new());
    Effect::new(move |_| {
        if !loaded.get() {
            return;
        }
        let ids: Vec<(Uuid, bool)> =
            open.with(|v| v.iter().map(|a| (a.id, a.tier == Tier::Urgent && a.acknowledged.is_none())).collect());
        let known = seen.get_value();
        if let Some(known) = &known {
            let new: Vec<Uuid> = ids.iter().filter(|(id, urgent)| *urgent && !known.contains(id)).map(|(id, _)| *id).collect();
            if !new.is_empty() {
                sound.cue();
            }
            if !new.is_empty() && banner_on.get_untracked() {
                fresh.update(|f| f.extend(new));
            }
        }
        let mut known = known.unwrap_or_default();
        known.extend(ids.iter().map(|(id, _)| *id));
        seen.set_value(Some(known));
    });
    // The banner names the new urgent alerts still waiting (acknowledged ones drop out).
    let banner = Memo::new(move |_| {
        fresh.with(|f| {
            open.with(|v| {
                f.iter()
                    .filter_map(|id| v.iter().find(|a| a.id == *id && a.acknowledged.is_none()))
                    .map(|a| (a.id, a.patient_name.clone()))
                    .collect::<Vec<_>>()
            })
        })
    });

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
                <h2 id="alerts-title" tabindex="-1">{text!("alerts-title")}</h2>
                <button type="button" class="secondary" on:click=move |_| queue.refetch()>{text!("alerts-reload")}</button>
            </div>
            <div class="new-urgent" role="alert" data-testid="new-urgent-banner" data-sound-cues=move || sound.cues.get().to_string()>
                {move || {
                    let items = banner.get();
                    let first = items.first().map(|(id, _)| *id)?;
                    let count = items.len();
                    let last = items.len() - 1;
                    let names = items
                        .into_iter()
                        .enumerate()
                        .map(|(i, (id, name))| {
                            let patient = open.with_untracked(|v| v.iter().find(|a| a.id == id).map(|a| a.patient_id));
                            view! {
                                {patient.map(|p| view! { <a href=crate::pharmacy::patient_href(p)>{name.clone()}</a> })}
                                {(i < last).then_some(", ")}
                            }
                        })
                        .collect_view();
                    Some(view! {
                        <p>
                            <span class="new-urgent-sign" aria-hidden="true">"▲ "</span>
                            <strong>{move || tr!("desk-new-urgent", count = count)}</strong>
                            " "{names}
                        </p>
                        <div class="button-row">
                            <button type="button" class="primary" on:click=move |_| {
                                focus_by_id(&format!("alert-{first}"), true);
                            }>{text!("desk-new-urgent-show")}</button>
                            <button type="button" class="secondary" on:click=move |_| fresh.set(Vec::new())>
                                {text!("desk-new-urgent-dismiss")}
                            </button>
                        </div>
                    })
                }}
            </div>
            <p class="status" role="status">{move || open_list.announce.get()}</p>
            <p class="error" role="alert">{move || failure.get().map(|e| error_text(&e))}</p>
            {move || link_missing.get().then(|| view! {
                <p class="hint" data-testid="alert-link-missing">{move || tr!("alerts-link-missing", days = days())}</p>
            })}
            {move || (!loaded.get() && failure.with(Option::is_none)).then(|| view! {
                <p aria-busy="true">{text!("loading")}</p>
            })}
            {move || stats.get().map(|s| view! { <AlertStatsLine stats=s/> })}
            <Show when=move || loaded.get()>
                {move || open_ids.with(Vec::is_empty).then(|| view! {
                    <p class="alerts-empty">{text!("alerts-empty")}</p>
                })}
                <ol class="alert-list" role="list">
                    <For each=move || open_ids.get() key=|id| *id children=move |id| view! {
                        <li><AlertCard id=id list=open_list from_queue=true/></li>
                    }/>
                </ol>
                {move || {
                    let more = extras.with(|e| e.next_cursor.is_some());
                    let shown = open_ids.with(Vec::len);
                    let total = extras.with(|e| e.open_total).max(shown as u64);
                    match (more, limit.get() < OPEN_MAX) {
                        (false, _) => ().into_any(),
                        (true, true) => view! {
                            <button type="button" class="secondary wide" data-testid="more-alerts" on:click=move |_| {
                                limit.update(|l| *l = (*l + OPEN_PAGE).min(OPEN_MAX));
                            }>{move || tr!("desk-alerts-more", shown = shown, total = total)}</button>
                        }.into_any(),
                        (true, false) => view! { <p class="hint">{move || tr!("desk-alerts-capped", shown = shown, total = total)}</p> }.into_any(),
                    }
                }}
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
            <label class="choice desk-option" for="urgent-banner-option">
                <input type="checkbox" id="urgent-banner-option" prop:checked=move || banner_on.get() on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    banner_on.set(on);
                    save_banner_setting(on);
                    if !on {
                        fresh.set(Vec::new());
                    }
                }/>
                <span>{text!("desk-new-urgent-option")}</span>
            </label>
            <crate::desk_sound::SoundOption sound=sound/>
        </section>
    }
}

const BANNER_KEY: &str = "carepath.desk.urgent-banner";

/// Whether the "New urgent alert" banner is on (it is, unless this browser turned it off).
fn banner_setting() -> bool {
    let stored = window().local_storage().ok().flatten().and_then(|s| s.get_item(BANNER_KEY).ok().flatten());
    stored.as_deref() != Some("off")
}

fn save_banner_setting(on: bool) {
    if let Some(storage) = window().local_storage().ok().flatten() {
        let _ = storage.set_item(BANNER_KEY, if on { "on" } else { "off" });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use carepath_domain::sync::Stamp;
    use chrono::{Duration, TimeZone, Utc};

    fn alert(tier: Tier, minutes: i64, acknowledged: bool, resolved: bool) -> AlertView {
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap() + Duration::minutes(minutes);
        let stamp = Stamp { at: at + Duration::minutes(5), by: "k.osei".into() };
        AlertView {
            id: Uuid::new_v4(),
            patient_id: Uuid::new_v4(),
            patient_name: format!("{tier:?} {minutes}"),
            tier,
            action: None,
            reasons: vec![],
            check_in: None,
            reported_by: None,
            reported_at: at,
            raised_at: at,
            acknowledged: acknowledged.then(|| stamp.clone()),
            resolved: resolved.then_some(stamp),
            minutes_to_acknowledge: None,
            notes: vec![],
            replies: vec![],
            patient_messages: vec![],
            patient_has_caregivers: false,
        }
    }

    #[test]
    fn the_queue_puts_waiting_urgent_first_then_waiting_routine_then_acknowledged() {
        // The server's old order: urgent first (acknowledged or not), then oldest.
        let mut open = vec![
            alert(Tier::Urgent, 0, true, false),
            alert(Tier::Urgent, 10, true, false),
            alert(Tier::Urgent, 60, false, false),
            alert(Tier::Routine, 5, true, false),
            alert(Tier::Routine, 30, false, false),
            alert(Tier::Urgent, 40, false, false),
        ];
        sort_for_queue(&mut open);
        let order: Vec<_> = open.iter().map(|a| a.patient_name.as_str()).collect();
        assert_eq!(order, ["Urgent 40", "Urgent 60", "Routine 30", "Urgent 0", "Urgent 10", "Routine 5"]);
        assert_eq!(unacknowledged_counts(&open), (2, 1));
    }

    #[test]
    fn the_patient_page_shows_open_alerts_first_then_resolved_newest_first() {
        let mut all = vec![
            alert(Tier::Routine, 0, true, true),
            alert(Tier::Urgent, 20, true, true),
            alert(Tier::Routine, 30, false, false),
            alert(Tier::Urgent, 10, true, false),
            alert(Tier::Urgent, 50, false, false),
        ];
        sort_for_patient(&mut all);
        let order: Vec<_> = all.iter().map(|a| a.patient_name.as_str()).collect();
        assert_eq!(order, ["Urgent 50", "Routine 30", "Urgent 10", "Urgent 20", "Routine 0"]);
        assert_eq!(unacknowledged_counts(&all), (1, 1));
    }
}
