//! The two-way thread between a patient and the pharmacy: what the patient (or a caregiver) writes, and the thread
//! in order with the pharmacy's messages.
//!
//! A patient's message is a `message_sent` event ([`crate::sync::EventBody::MessageSent`]): it goes through the
//! phone's outbox like every record, so it is kept on the phone while offline and sent when back online. It is
//! plain text of at most [`MAX_PATIENT_MESSAGE`] characters, with no control characters ([`crate::check_free_text`]).
//! The messages are not for emergencies: the phone says so next to the form, and the check-in's "Call now" stays.

use crate::sorting;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::sync::PharmacyMessage;
use crate::ValidationError;

/// Longest message a patient or caregiver can write.
pub const MAX_PATIENT_MESSAGE: usize = 1000;

/// Checks a patient's message as typed: not blank, at most [`MAX_PATIENT_MESSAGE`] characters (trimmed), and free
/// text without control characters.
pub fn check_patient_text(text: &str) -> Result<(), ValidationError> {
    crate::required_text("text", text, MAX_PATIENT_MESSAGE).map(drop)
}

/// A message the patient or one of their caregivers wrote to the pharmacy, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PatientMessage {
    /// The `message_sent` event's id.
    pub id: Uuid,
    /// Trimmed.
    pub body: String,
    /// When it was written (the phone's clock).
    pub recorded_at: DateTime<Utc>,
    /// When the server received it.
    pub received_at: DateTime<Utc>,
    /// The pharmacy message it answers, if it answers one.
    #[serde(default)]
    pub in_reply_to: Option<Uuid>,
    /// The caregiver who wrote it (as the pharmacy named them); `None`: the patient.
    #[serde(default)]
    pub caregiver: Option<String>,
    /// The alert it was filed under (the patient's open alert then, or the one it raised).
    #[serde(default)]
    pub alert_id: Option<Uuid>,
}

/// The Web Push message a phone gets when the pharmacy writes: only that there is a message and where to open it,
/// never its words (lock screens show notifications to anyone nearby). The service worker words it in the phone's
/// language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MessagePush {
    /// Always [`MESSAGE_PUSH_KIND`].
    pub kind: String,
    /// The app page to open: [`MESSAGES_PATH`].
    pub url: String,
}

pub const MESSAGE_PUSH_KIND: &str = "message";
/// The phone's messages page.
pub const MESSAGES_PATH: &str = "/messages";

impl MessagePush {
    pub fn new() -> Self {
        MessagePush { kind: MESSAGE_PUSH_KIND.into(), url: MESSAGES_PATH.into() }
    }
}

impl Default for MessagePush {
    fn default() -> Self {
        Self::new()
    }
}

/// One entry of a thread, either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadEntry<'a> {
    Pharmacy(&'a PharmacyMessage),
    Patient(&'a PatientMessage),
}

impl ThreadEntry<'_> {
    /// When it was written: sent by the pharmacy, or recorded on the phone.
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            ThreadEntry::Pharmacy(m) => m.sent_at,
            ThreadEntry::Patient(m) => m.recorded_at,
        }
    }

    pub fn id(&self) -> Uuid {
        match self {
            ThreadEntry::Pharmacy(m) => m.id,
            ThreadEntry::Patient(m) => m.id,
        }
    }
}

/// The thread oldest first: both directions merged by when each was written (ties by id, so the order is stable).
pub fn thread<'a>(pharmacy: &'a [PharmacyMessage], patient: &'a [PatientMessage]) -> Vec<ThreadEntry<'a>> {
    let mut all: Vec<ThreadEntry<'a>> =
        pharmacy.iter().map(ThreadEntry::Pharmacy).chain(patient.iter().map(ThreadEntry::Patient)).collect();
    sorting::sort_by_key(&mut all, |e| (e.at(), e.id()));
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::{EventBody, PatientEvent};

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn sent(text: &str, in_reply_to: Option<Uuid>) -> PatientEvent {
        PatientEvent {
            id: Uuid::from_u128(7),
            recorded_at: at("2026-11-23T10:00:00Z"),
            body: EventBody::MessageSent { text: text.into(), in_reply_to },
        }
    }

    #[test]
    fn a_patient_message_is_plain_text_of_at_most_1000_characters() {
        let now = at("2026-11-23T12:00:00Z");
        assert_eq!(sent("Yes, the rash is better since Monday.", Some(Uuid::from_u128(1))).validate(now), Ok(()));
        assert_eq!(sent("¿Puedo tomarla con leche?\nGracias", None).validate(now), Ok(()));
        assert_eq!(sent(&"é".repeat(MAX_PATIENT_MESSAGE), None).validate(now), Ok(()), "characters, not bytes");
        assert_eq!(
            sent(&"a".repeat(MAX_PATIENT_MESSAGE + 1), None).validate(now),
            Err(ValidationError::TooLong { field: "text", max: MAX_PATIENT_MESSAGE })
        );
        assert_eq!(sent("  \n ", None).validate(now), Err(ValidationError::Required("text")));
        for bad in ["bell\u{7}", "esc\u{1b}[2J", "rtl \u{202e}x", "nul\u{0}"] {
            assert_eq!(sent(bad, None).validate(now), Err(ValidationError::ControlCharacter("text")), "{bad:?}");
        }
    }

    #[test]
    fn message_sent_has_a_stable_json_shape() {
        let ev = sent("Thank you", Some(Uuid::from_u128(1)));
        assert_eq!(ev.body.kind(), "message_sent");
        let json = serde_json::to_string(&ev).unwrap();
        assert!(
            json.contains(r#""body":{"type":"message_sent","text":"Thank you","in_reply_to":"00000000-0000-0000-0000-000000000001"}"#),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<PatientEvent>(&json).unwrap(), ev);
        let question = serde_json::to_string(&sent("A question", None)).unwrap();
        assert!(!question.contains("in_reply_to"), "{question}");
        let extra = json.replace(r#""text":"#, r#""html":"<b>x</b>","text":"#);
        assert!(serde_json::from_str::<PatientEvent>(&extra).is_err(), "unknown fields are refused");
    }

    #[test]
    fn the_thread_is_in_the_order_written_both_ways() {
        let pharmacy = |n: u128, t: &str| PharmacyMessage {
            id: Uuid::from_u128(n),
            body: format!("p{n}"),
            sent_at: at(t),
            from: "Dana".into(),
            read_at: None,
            to_caregivers: false,
        };
        let patient = |n: u128, t: &str| PatientMessage {
            id: Uuid::from_u128(n),
            body: format!("q{n}"),
            recorded_at: at(t),
            received_at: at("2026-11-23T12:00:00Z"),
            in_reply_to: None,
            caregiver: None,
            alert_id: None,
        };
        // Newest first, as the server sends both lists.
        let from_pharmacy = [pharmacy(3, "2026-11-23T11:00:00Z"), pharmacy(1, "2026-11-23T09:00:00Z")];
        let from_patient = [patient(4, "2026-11-23T11:30:00Z"), patient(2, "2026-11-23T10:00:00Z")];
        let ids: Vec<u128> = thread(&from_pharmacy, &from_patient).iter().map(|e| e.id().as_u128()).collect();
        assert_eq!(ids, [1, 2, 3, 4]);
        assert!(matches!(thread(&from_pharmacy, &from_patient)[1], ThreadEntry::Patient(m) if m.body == "q2"));
    }
}
