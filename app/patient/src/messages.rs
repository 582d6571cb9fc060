//! `/messages`: the patient's (or caregiver's) thread with the pharmacy, and a form to answer a message
//! (`?reply=<message id>`, from Today's "Answer") or to ask a question of their own.
//!
//! What they write is a `message_sent` event recorded through the outbox like every record: saved on the phone
//! first, shown at once as "Waiting to send" while offline, and sent when the phone is back online. The thread
//! merges the pharmacy's messages and what this person's side wrote (from the profile, which carries what every
//! device of the patient sent, and from this phone's outbox for what is not there yet). It is not for emergencies:
//! the screen says so, and the "Call now" numbers stay below it.
//!
//! On the patient's own phone the screen also has "Let my caregivers read my messages" (off until turned on), a
//! `message_sharing` event through the outbox; a caregiver's phone says which messages it shows (issue #14 item 4).

use carepath_domain::message_audience::sharing_in_force;
use carepath_domain::sorting;
use carepath_domain::messages::{check_patient_text, MAX_PATIENT_MESSAGE};
use carepath_domain::sync::{DeviceProfile, EventBody, PatientEvent};
use carepath_domain::ValidationError;
use chrono::{DateTime, Utc};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

use crate::device::Device;
use carepath_ui::format;
use carepath_ui::i18n::current;
use crate::outbox::Delivery;
use crate::patient::CallNow;
use carepath_ui::tr;
use carepath_ui::text;

/// One message of the thread as the phone shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    id: Uuid,
    at: DateTime<Utc>,
    /// Who wrote it: a pharmacist's name, "You", the patient's or a caregiver's name.
    who: String,
    body: String,
    from_pharmacy: bool,
    /// For this phone's own messages not yet acknowledged: waiting or refused.
    delivery: Option<Delivery>,
}

/// The thread newest first: the pharmacy's messages, what the patient's side wrote (server copy first), and this
/// phone's messages the server does not have yet.
fn entries(profile: &DeviceProfile, local: &[(PatientEvent, Delivery)], you: &str) -> Vec<Entry> {
    let me_caregiver = profile.caregiver.as_ref().map(|c| c.name.as_str());
    let mut all: Vec<Entry> = profile
        .messages
        .iter()
        .map(|m| Entry { id: m.id, at: m.sent_at, who: m.from.clone(), body: m.body.clone(), from_pharmacy: true, delivery: None })
        .collect();
    for m in &profile.sent_messages {
        let who = match (m.caregiver.as_deref(), me_caregiver) {
            (None, None) => you.to_string(),
            (None, Some(_)) => profile.display_name.clone(),
            (Some(c), Some(me)) if c == me => you.to_string(),
            (Some(c), _) => c.to_string(),
        };
        all.push(Entry { id: m.id, at: m.recorded_at, who, body: m.body.trim().to_string(), from_pharmacy: false, delivery: None });
    }
    for (event, delivery) in local {
        if let EventBody::MessageSent { text, .. } = &event.body {
            if !all.iter().any(|e| e.id == event.id) {
                let delivery = (*delivery != Delivery::Sent).then_some(*delivery);
                all.push(Entry { id: event.id, at: event.recorded_at, who: you.to_string(), body: text.trim().to_string(), from_pharmacy: false, delivery });
            }
        }
    }
    sorting::sort_by_key(&mut all, |e| std::cmp::Reverse((e.at, e.id)));
    all
}

/// Why a message cannot be sent, in the patient's words.
fn error_text(e: &ValidationError) -> String {
    match e {
        ValidationError::Required(_) => tr!("messages-error-empty"),
        ValidationError::TooLong { .. } => tr!("messages-error-long"),
        _ => tr!("messages-error-characters"),
    }
}

#[component]
pub fn MessagesScreen() -> impl IntoView {
    let device = expect_context::<Device>();
    let reply_to = Memo::new(move |_| use_query_map().with(|q| q.get("reply")).and_then(|s| Uuid::parse_str(s.trim()).ok()));
    view! {
        <section aria-labelledby="messages-screen-title">
            <h1 id="messages-screen-title" tabindex="-1">{text!("messages-screen-title")}</h1>
            <p class="hint not-emergency" data-testid="not-emergency">{text!("messages-not-emergency")}</p>
            {move || view! { <WriteForm reply_to=reply_to.get()/> }}
            <Thread/>
            {move || device.profile.with(|p| p.as_ref().and_then(|p| p.as_ref()).is_some_and(|p| p.caregiver.is_none())).then(|| view! { <SharingSetting/> })}
            <A href="/" attr:class="button secondary wide">{text!("nav-today")}</A>
            {move || device.profile.get().flatten().map(|p| view! { <CallNow site=p.site/> })}
        </section>
    }
}

/// The form: an answer to `reply_to` (a message of the pharmacy), or a new question.
#[component]
fn WriteForm(reply_to: Option<Uuid>) -> impl IntoView {
    let device = expect_context::<Device>();
    // The message answered, if the profile has it (a stale link is a new question).
    let target = device.profile.with_untracked(|p| {
        let p = p.as_ref()?.as_ref()?;
        reply_to.and_then(|id| p.messages.iter().find(|m| m.id == id).map(|m| (m.id, m.from.clone(), m.read_at.is_some())))
    });
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<String>);
    let title = target.as_ref().map(|t| t.1.clone());
    let send = Action::new_local(move |body: &String| {
        let (body, target) = (body.clone(), target.clone());
        async move {
            let in_reply_to = target.as_ref().map(|t| t.0);
            let event = PatientEvent { id: Uuid::new_v4(), recorded_at: Utc::now(), body: EventBody::MessageSent { text: body, in_reply_to } };
            device.record(event).await?;
            // Answering a message means it was read.
            if let Some((id, _, false)) = &target {
                let read = device.events.with_untracked(|events| {
                    events.iter().any(|e| matches!(e.event.body, EventBody::MessageRead { message_id } if message_id == *id))
                });
                if !read {
                    let event = PatientEvent { id: Uuid::new_v4(), recorded_at: Utc::now(), body: EventBody::MessageRead { message_id: *id } };
                    let _ = device.record(event).await;
                }
            }
            Ok::<(), String>(())
        }
    });
    Effect::new(move |_| match send.value().get() {
        Some(Ok(())) => {
            text.set(String::new());
            status.set(Some(tr!("messages-saved")));
        }
        Some(Err(_)) => error.set(Some(tr!("messages-error-storage"))),
        None => {}
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if send.pending().get_untracked() {
            return;
        }
        status.set(None);
        let body = text.get_untracked();
        match check_patient_text(&body) {
            Err(e) => error.set(Some(error_text(&e))),
            Ok(()) => {
                error.set(None);
                send.dispatch(body.trim().to_string());
            }
        }
    };
    let label = {
        let title = title.clone();
        move || match &title {
            Some(name) => tr!("messages-reply-label", name = name.clone()),
            None => tr!("messages-write-label"),
        }
    };
    view! {
        <form class="card write-message" on:submit=on_submit novalidate aria-labelledby="write-title" data-testid="write-message">
            <h2 id="write-title">{text!("messages-write-title")}</h2>
            <label for="message-text">{label}</label>
            <p class="hint" id="message-hint">{text!("messages-write-hint")}</p>
            <textarea id="message-text" data-testid="message-text" rows="4" maxlength=MAX_PATIENT_MESSAGE.to_string()
                aria-describedby="message-hint message-error" aria-invalid=move || error.get().is_some().to_string()
                bind:value=text on:input=move |_| status.set(None)></textarea>
            <p id="message-error" class="error" role="alert">{move || error.get()}</p>
            <p class="status" role="status" data-testid="message-status">{move || status.get()}</p>
            <button type="submit" class="primary wide" aria-disabled=move || send.pending().get().to_string()>{text!("messages-send")}</button>
            {title.is_some().then(|| view! { <A href="/messages" attr:class="button secondary wide">{text!("messages-new-question")}</A> })}
        </form>
    }
}

/// On the patient's own phone: whether their caregivers may read every message. The box shows the newest choice,
/// made on this phone (still waiting or sent) or on another of the patient's phones (in the profile).
#[component]
fn SharingSetting() -> impl IntoView {
    let device = expect_context::<Device>();
    let allowed = Memo::new(move |_| {
        let stored = device.profile.with(|p| p.as_ref().and_then(|p| p.as_ref()).and_then(|p| p.message_sharing));
        device.events.with(|events| {
            let local = events.iter().filter(|e| e.delivery != Delivery::Refused).filter_map(|e| match e.event.body {
                EventBody::MessageSharing { caregivers_may_read } => Some((e.event.recorded_at, caregivers_may_read)),
                _ => None,
            });
            sharing_in_force(stored, local)
        })
    });
    let status = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let on_change = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        status.set(None);
        error.set(None);
        leptos::task::spawn_local(async move {
            let body = EventBody::MessageSharing { caregivers_may_read: on };
            match device.record(PatientEvent { id: Uuid::new_v4(), recorded_at: Utc::now(), body }).await {
                Ok(()) => status.set(Some(if on { tr!("messages-sharing-saved-on") } else { tr!("messages-sharing-saved-off") })),
                Err(_) => error.set(Some(tr!("messages-error-storage"))),
            }
        });
    };
    view! {
        <section class="card message-sharing" aria-labelledby="sharing-title" data-testid="message-sharing">
            <h2 id="sharing-title">{text!("messages-sharing-title")}</h2>
            <label class="choice" for="sharing-option">
                <input type="checkbox" id="sharing-option" aria-describedby="sharing-hint" prop:checked=move || allowed.get() on:change=on_change/>
                <span>{text!("messages-sharing-option")}</span>
            </label>
            <p class="hint" id="sharing-hint">{text!("messages-sharing-hint")}</p>
            <p class="status" role="status" data-testid="sharing-status">{move || status.get()}</p>
            <p class="error" role="alert">{move || error.get()}</p>
        </section>
    }
}

/// On a caregiver's phone: which messages it shows (all of them, or those the pharmacy let caregivers read).
fn caregiver_sees(profile: &DeviceProfile) -> Option<String> {
    profile.caregiver.as_ref()?;
    Some(if profile.message_sharing.is_some_and(|s| s.caregivers_may_read) {
        tr!("messages-caregiver-sees-all", patient = profile.display_name.clone())
    } else {
        tr!("messages-caregiver-sees-addressed")
    })
}

/// The thread, newest first.
#[component]
fn Thread() -> impl IntoView {
    let device = expect_context::<Device>();
    let list = Memo::new(move |_| {
        let local: Vec<(PatientEvent, Delivery)> = device.events.with(|events| {
            events.iter().filter(|e| matches!(e.event.body, EventBody::MessageSent { .. })).map(|e| (e.event.clone(), e.delivery)).collect()
        });
        let you = tr!("messages-you");
        device.profile.with(|p| p.as_ref().and_then(|p| p.as_ref()).map(|p| entries(p, &local, &you)).unwrap_or_default())
    });
    view! {
        <section class="card messages thread" aria-labelledby="thread-title" data-testid="thread">
            <h2 id="thread-title">{text!("messages-thread-title")}</h2>
            {move || device.profile.with(|p| p.as_ref().and_then(|p| p.as_ref()).and_then(caregiver_sees)).map(|t| view! {
                <p class="hint" data-testid="caregiver-sees">{t}</p>
            })}
            {move || list.with(Vec::is_empty).then(|| view! { <p>{text!("messages-thread-empty")}</p> })}
            <ul role="list">
                {move || list.get().into_iter().map(|e| {
                    let Entry { at, who, body, from_pharmacy, delivery, .. } = e;
                    let state = match delivery {
                        Some(Delivery::Waiting) => "waiting",
                        Some(_) => "refused",
                        None => "sent",
                    };
                    view! {
                        <li class="message" data-from=if from_pharmacy { "pharmacy" } else { "patient" } data-state=state data-testid="thread-message">
                            <p class="message-meta">{move || tr!("messages-from", name = who.clone(), time = format::date_time(at, &current()))}</p>
                            <p class="message-body">{body}</p>
                            {match delivery {
                                Some(Delivery::Waiting) => Some(view! { <p class="read-state" data-read="false">{text!("messages-waiting")}</p> }.into_any()),
                                Some(_) => Some(view! { <p class="error">{text!("messages-refused")}</p> }.into_any()),
                                None => None,
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use carepath_domain::messages::PatientMessage;
    use carepath_domain::sync::{CaregiverInfo, PharmacyMessage, SiteInfo};

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn profile(caregiver: Option<&str>) -> DeviceProfile {
        DeviceProfile {
            patient_id: Uuid::nil(),
            display_name: "Ana".into(),
            site: SiteInfo { name: "North".into(), phone: "1".into(), after_hours_phone: "2".into(), office_hours: None },
            regimen: Vec::new(),
            check_in: None,
            triage: Default::default(),
            messages: vec![PharmacyMessage { id: Uuid::from_u128(1), body: "How are you?".into(), sent_at: at("2026-11-23T09:00:00Z"), from: "Dana".into(), read_at: None, to_caregivers: false }],
            caregiver: caregiver.map(|name| CaregiverInfo { id: Uuid::nil(), name: name.into() }),
            sent_messages: vec![
                PatientMessage { id: Uuid::from_u128(2), body: "Better".into(), recorded_at: at("2026-11-23T10:00:00Z"), received_at: at("2026-11-23T10:00:00Z"), in_reply_to: Some(Uuid::from_u128(1)), caregiver: None, alert_id: None },
                PatientMessage { id: Uuid::from_u128(3), body: "She ate".into(), recorded_at: at("2026-11-23T11:00:00Z"), received_at: at("2026-11-23T11:00:00Z"), in_reply_to: None, caregiver: Some("Maria".into()), alert_id: None },
            ],
            message_sharing: None,
            diary: Vec::new(),
            drug_names: Default::default(),
        }
    }

    #[test]
    fn the_thread_names_who_wrote_each_and_marks_what_waits() {
        let waiting = PatientEvent { id: Uuid::from_u128(4), recorded_at: at("2026-11-23T12:00:00Z"), body: EventBody::MessageSent { text: "Thanks ".into(), in_reply_to: None } };
        // Already on the server: shown once, from the server's copy.
        let sent = PatientEvent { id: Uuid::from_u128(2), recorded_at: at("2026-11-23T10:00:00Z"), body: EventBody::MessageSent { text: "Better".into(), in_reply_to: None } };
        let local = [(waiting, Delivery::Waiting), (sent, Delivery::Sent)];
        let on_patients_phone: Vec<_> = entries(&profile(None), &local, "You").into_iter().map(|e| (e.who, e.body, e.delivery)).collect();
        assert_eq!(
            on_patients_phone,
            [
                ("You".into(), "Thanks".into(), Some(Delivery::Waiting)),
                ("Maria".into(), "She ate".into(), None),
                ("You".into(), "Better".into(), None),
                ("Dana".into(), "How are you?".into(), None),
            ]
        );
        let on_marias_phone: Vec<_> = entries(&profile(Some("Maria")), &[], "You").into_iter().map(|e| e.who).collect();
        assert_eq!(on_marias_phone, ["You", "Ana", "Dana"]);
    }
}
