//! Symptom check-ins. The walking skeleton asks about one symptom at a time with a 0–4 severity;
//! the PRO-CTCAE-style item library (frequency, severity, interference) builds on this.

use serde::{Deserialize, Serialize};

/// Symptoms a patient can pick in a minimal check-in. Ids are stable; wording lives in `locales/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Symptom {
    Nausea,
    Vomiting,
    Diarrhea,
    MouthSores,
    HandFootSkin,
    Fatigue,
    Pain,
    Rash,
    Other,
}

impl Symptom {
    pub const ALL: [Symptom; 9] = [
        Symptom::Nausea,
        Symptom::Vomiting,
        Symptom::Diarrhea,
        Symptom::MouthSores,
        Symptom::HandFootSkin,
        Symptom::Fatigue,
        Symptom::Pain,
        Symptom::Rash,
        Symptom::Other,
    ];

    /// Stable id, also the suffix of its message id in `locales/` (`symptom-<id>`).
    pub fn id(self) -> &'static str {
        match self {
            Symptom::Nausea => "nausea",
            Symptom::Vomiting => "vomiting",
            Symptom::Diarrhea => "diarrhea",
            Symptom::MouthSores => "mouth_sores",
            Symptom::HandFootSkin => "hand_foot_skin",
            Symptom::Fatigue => "fatigue",
            Symptom::Pain => "pain",
            Symptom::Rash => "rash",
            Symptom::Other => "other",
        }
    }

    pub fn from_id(id: &str) -> Option<Symptom> {
        Symptom::ALL.into_iter().find(|s| s.id() == id)
    }
}

/// Severity on a five-point scale: 0 none, 1 mild, 2 moderate, 3 severe, 4 very severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Severity(u8);

impl Severity {
    pub const MAX: u8 = 4;

    pub fn new(value: u8) -> Option<Severity> {
        (value <= Self::MAX).then_some(Severity(value))
    }

    pub fn value(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Severity {
    type Error = String;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Severity::new(value).ok_or_else(|| format!("severity must be 0 to 4, got {value}"))
    }
}

impl From<Severity> for u8 {
    fn from(s: Severity) -> u8 {
        s.0
    }
}

pub const MAX_NOTE: usize = 2000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_accepts_only_zero_to_four() {
        for v in 0..=4 {
            assert_eq!(Severity::new(v).map(Severity::value), Some(v));
        }
        assert_eq!(Severity::new(5), None);
        assert!(serde_json::from_str::<Severity>("5").is_err());
        assert_eq!(serde_json::from_str::<Severity>("3").unwrap().value(), 3);
    }

    #[test]
    fn symptom_ids_round_trip() {
        for s in Symptom::ALL {
            assert_eq!(Symptom::from_id(s.id()), Some(s));
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{}\"", s.id()));
        }
        assert_eq!(Symptom::from_id("headache"), None);
    }
}
