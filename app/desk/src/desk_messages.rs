//! The two-way thread on the pharmacist's desk: what the patient and caregivers wrote (on the alert card it was
//! filed under, and in the patient page's messages, both directions in order, who wrote each).

use carepath_domain::messages::{thread, PatientMessage, ThreadEntry};
use carepath_domain::sync::PharmacyMessage;
use leptos::prelude::*;

use crate::alerts::MessageItem;
use carepath_ui::format;
use carepath_ui::i18n::current;
use carepath_ui::tr;
use carepath_ui::text;

/// One message of the thread, either way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Said {
    Pharmacy(PharmacyMessage),
    Patient(PatientMessage),
}

/// The thread newest first (as the desk lists messages).
pub fn newest_first(pharmacy: &[PharmacyMessage], patient: &[PatientMessage]) -> Vec<Said> {
    thread(pharmacy, patient)
        .into_iter()
        .rev()
        .map(|e| match e {
            ThreadEntry::Pharmacy(m) => Said::Pharmacy(m.clone()),
            ThreadEntry::Patient(m) => Said::Patient(m.clone()),
        })
        .collect()
}

/// A message of the thread, from the pharmacy (with whether it was read) or from the patient's side.
#[component]
pub fn SaidItem(said: Said, patient_name: String) -> impl IntoView {
    match said {
        Said::Pharmacy(m) => view! { <MessageItem message=m/> }.into_any(),
        Said::Patient(m) => view! { <PatientMessageItem message=m patient_name=patient_name/> }.into_any(),
    }
}

/// What the patient (or a caregiver, named) wrote.
#[component]
pub fn PatientMessageItem(message: PatientMessage, patient_name: String) -> impl IntoView {
    let PatientMessage { body, recorded_at, caregiver, .. } = message;
    let by = caregiver.is_some().then_some("caregiver").unwrap_or("patient");
    let meta = move || match &caregiver {
        Some(name) => tr!("desk-from-caregiver", name = name.clone(), patient = patient_name.clone(), time = format::date_time(recorded_at, &current())),
        None => tr!("desk-from-patient", name = patient_name.clone(), time = format::date_time(recorded_at, &current())),
    };
    view! {
        <li class="message from-patient" data-testid="patient-message" data-by=by>
            <p class="alert-meta"><span aria-hidden="true">"↩ "</span>{meta}</p>
            <p class="message-body">{body}</p>
        </li>
    }
}

/// The patient's messages on an alert card, oldest first (nothing when there are none).
#[component]
pub fn AlertPatientMessages(messages: Signal<Vec<PatientMessage>>, patient_name: String) -> impl IntoView {
    move || {
        let list = messages.get();
        let name = patient_name.clone();
        (!list.is_empty()).then(|| {
            view! {
                <h4>{text!("desk-patient-wrote")}</h4>
                <ul class="messages" role="list" data-testid="alert-patient-messages">
                    {list.into_iter().map(|m| view! { <PatientMessageItem message=m patient_name=name.clone()/> }).collect_view()}
                </ul>
            }
        })
    }
}
