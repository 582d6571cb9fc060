//! Who reads the pharmacy's messages (issue #14 item 4). The patient's own phones read the whole thread. A
//! caregiver's phone reads a pharmacy message only where the pharmacist addressed it to the caregivers too
//! ([`crate::sync::ReplyRequest::to_caregivers`]) or the patient let their caregivers read every message (a
//! `message_sharing` event, [`crate::sync::EventBody::MessageSharing`], recorded on the patient's own phone); of
//! what the patient's side wrote, a caregiver reads what caregivers wrote and, when allowed, the patient's own.
//! The server applies these rules to a device's profile, to message pushes and to a caregiver's answers.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The patient's choice in force: the newest `message_sharing` event the server applied (by recorded time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageSharing {
    /// The patient lets their caregivers read every pharmacy message and what the patient wrote.
    pub caregivers_may_read: bool,
    /// When the patient chose it (the phone's clock).
    pub recorded_at: DateTime<Utc>,
}

/// Who a device belongs to, as the message rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// The patient's own phone: every message.
    Patient,
    /// A caregiver's phone; `all`: the patient lets caregivers read every message.
    Caregiver { all: bool },
}

impl Reader {
    /// Whether this reader may read a pharmacy message addressed to caregivers too (`to_caregivers`) or not.
    pub fn reads_pharmacy_message(self, to_caregivers: bool) -> bool {
        match self {
            Reader::Patient => true,
            Reader::Caregiver { all } => all || to_caregivers,
        }
    }

    /// Whether this reader may read what the patient's side wrote: by a caregiver (`by_caregiver`) or the patient.
    pub fn reads_patient_message(self, by_caregiver: bool) -> bool {
        match self {
            Reader::Patient => true,
            Reader::Caregiver { all } => all || by_caregiver,
        }
    }
}

/// Whether caregivers may read every message, as the patient's phone shows it: the newest of the choice the server
/// applied (`stored`) and the choices still on this phone (`local`, each with when it was recorded); a choice made
/// on the phone at the same instant as the stored one is the stored one sent back, so either reads the same.
pub fn sharing_in_force(stored: Option<MessageSharing>, local: impl IntoIterator<Item = (DateTime<Utc>, bool)>) -> bool {
    let mut newest = stored.map(|s| (s.recorded_at, s.caregivers_may_read));
    for (at, may_read) in local {
        if newest.is_none_or(|(n, _)| at >= n) {
            newest = Some((at, may_read));
        }
    }
    newest.is_some_and(|(_, may_read)| may_read)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::{EventBody, PatientEvent};
    use uuid::Uuid;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn a_caregiver_reads_what_was_addressed_to_them_or_everything_once_allowed() {
        let (patient, addressed_only, allowed) = (Reader::Patient, Reader::Caregiver { all: false }, Reader::Caregiver { all: true });
        assert!(patient.reads_pharmacy_message(false) && patient.reads_pharmacy_message(true));
        assert!(!addressed_only.reads_pharmacy_message(false));
        assert!(addressed_only.reads_pharmacy_message(true));
        assert!(allowed.reads_pharmacy_message(false));
        // The patient's own words only once allowed; what caregivers wrote, always.
        assert!(!addressed_only.reads_patient_message(false));
        assert!(addressed_only.reads_patient_message(true));
        assert!(allowed.reads_patient_message(false));
        assert!(patient.reads_patient_message(false));
    }

    #[test]
    fn the_newest_choice_is_in_force_whichever_side_has_it() {
        let stored = |may_read, t| Some(MessageSharing { caregivers_may_read: may_read, recorded_at: at(t) });
        assert!(!sharing_in_force(None, []), "off until the patient chooses");
        assert!(sharing_in_force(stored(true, "2026-11-23T10:00:00Z"), []));
        // Withdrawn on this phone, not sent yet.
        assert!(!sharing_in_force(stored(true, "2026-11-23T10:00:00Z"), [(at("2026-11-23T11:00:00Z"), false)]));
        // An older choice still on this phone does not undo a newer one made on the patient's other phone.
        assert!(sharing_in_force(stored(true, "2026-11-23T10:00:00Z"), [(at("2026-11-23T09:00:00Z"), false)]));
        let choices = [(at("2026-11-23T08:00:00Z"), true), (at("2026-11-23T09:00:00Z"), false), (at("2026-11-23T07:00:00Z"), true)];
        assert!(!sharing_in_force(None, choices), "the newest by recorded time, in any order");
    }

    #[test]
    fn message_sharing_has_a_stable_json_shape() {
        let now = at("2026-11-23T12:00:00Z");
        let ev = PatientEvent { id: Uuid::from_u128(9), recorded_at: now, body: EventBody::MessageSharing { caregivers_may_read: true } };
        assert_eq!(ev.body.kind(), "message_sharing");
        assert_eq!(ev.validate(now), Ok(()));
        let json = serde_json::to_string(&ev).unwrap();
        assert!(json.contains(r#""body":{"type":"message_sharing","caregivers_may_read":true}"#), "{json}");
        assert_eq!(serde_json::from_str::<PatientEvent>(&json).unwrap(), ev);
        for bad in [r#"{"type":"message_sharing"}"#, r#"{"type":"message_sharing","caregivers_may_read":"yes"}"#,
            r#"{"type":"message_sharing","caregivers_may_read":true,"who":"all"}"#] {
            let json = format!(r#"{{"id":"00000000-0000-0000-0000-000000000009","recorded_at":"2026-11-23T12:00:00Z","body":{bad}}}"#);
            assert!(serde_json::from_str::<PatientEvent>(&json).is_err(), "accepted {json}");
        }
        let future = PatientEvent { recorded_at: now + chrono::Duration::hours(25), ..ev };
        assert!(future.validate(now).is_err(), "dated like every event");
    }
}
