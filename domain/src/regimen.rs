//! Regimens as the pharmacy sets them. The walking skeleton has one kind of line: a drug, a dose written
//! by the pharmacy, taken once or twice a day. Cycles, holds and dose changes build on this.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ValidationError;

/// How many times a day the dose is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    OnceDaily,
    TwiceDaily,
}

/// Which dose of the day an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DoseSlot {
    /// The only dose of a once-daily regimen.
    Daily,
    Morning,
    Evening,
}

impl Frequency {
    /// The doses due on a day the drug is taken.
    pub fn slots(self) -> &'static [DoseSlot] {
        match self {
            Frequency::OnceDaily => &[DoseSlot::Daily],
            Frequency::TwiceDaily => &[DoseSlot::Morning, DoseSlot::Evening],
        }
    }
}

/// What the pharmacist enters for one regimen line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegimenLineInput {
    /// Drug name as the pharmacy writes it, e.g. "Capecitabine 500 mg tablets".
    pub drug_name: String,
    /// The dose in the pharmacy's words, e.g. "3 tablets (1500 mg)". Never computed by the app.
    pub dose_text: String,
    pub frequency: Frequency,
}

/// A regimen line as stored and synced to the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegimenLine {
    pub id: Uuid,
    pub drug_name: String,
    pub dose_text: String,
    pub frequency: Frequency,
}

pub const MAX_DRUG_NAME: usize = 120;
pub const MAX_DOSE_TEXT: usize = 200;

impl RegimenLineInput {
    /// Trims and checks the pharmacist's input.
    pub fn validated(self) -> Result<Self, ValidationError> {
        let drug_name = crate::required_text("drug_name", &self.drug_name, MAX_DRUG_NAME)?;
        let dose_text = crate::required_text("dose_text", &self.dose_text, MAX_DOSE_TEXT)?;
        Ok(Self { drug_name, dose_text, frequency: self.frequency })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twice_daily_has_morning_and_evening_doses() {
        assert_eq!(Frequency::TwiceDaily.slots(), &[DoseSlot::Morning, DoseSlot::Evening]);
        assert_eq!(Frequency::OnceDaily.slots(), &[DoseSlot::Daily]);
    }

    #[test]
    fn regimen_input_is_trimmed_and_checked() {
        let ok = RegimenLineInput {
            drug_name: "  Capecitabine 500 mg  ".into(),
            dose_text: "3 tablets".into(),
            frequency: Frequency::TwiceDaily,
        }
        .validated()
        .unwrap();
        assert_eq!(ok.drug_name, "Capecitabine 500 mg");

        let empty = RegimenLineInput { drug_name: "   ".into(), dose_text: "1".into(), frequency: Frequency::OnceDaily };
        assert_eq!(empty.validated(), Err(ValidationError::Required("drug_name")));

        let long = RegimenLineInput { drug_name: "x".repeat(121), dose_text: "1".into(), frequency: Frequency::OnceDaily };
        assert_eq!(long.validated(), Err(ValidationError::TooLong { field: "drug_name", max: 120 }));
    }
}
