//! Documented interventions: what a pharmacist did for a patient (called, advised a dose hold, referred …) and how
//! it ended, saved with an alert, a worklist item or the patient alone, and the program figures an oncology practice
//! reports for value-based care (check-in completion, alert share, time to acknowledge, interventions, PDC bands).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::worklist::{PdcBand, Worklist, MAX_NOTE};
use crate::ValidationError;

/// What the pharmacist did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InterventionKind {
    CalledPatient,
    AdvisedDoseHold,
    ReferredToClinic,
    ReferredToEmergency,
    EducatedPatient,
    ContactedPrescriber,
    Other,
}

impl InterventionKind {
    pub const ALL: [InterventionKind; 7] = [
        InterventionKind::CalledPatient,
        InterventionKind::AdvisedDoseHold,
        InterventionKind::ReferredToClinic,
        InterventionKind::ReferredToEmergency,
        InterventionKind::EducatedPatient,
        InterventionKind::ContactedPrescriber,
        InterventionKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InterventionKind::CalledPatient => "called_patient",
            InterventionKind::AdvisedDoseHold => "advised_dose_hold",
            InterventionKind::ReferredToClinic => "referred_to_clinic",
            InterventionKind::ReferredToEmergency => "referred_to_emergency",
            InterventionKind::EducatedPatient => "educated_patient",
            InterventionKind::ContactedPrescriber => "contacted_prescriber",
            InterventionKind::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// How it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InterventionOutcome {
    Resolved,
    FollowUpNeeded,
    Referred,
    CouldNotReach,
}

impl InterventionOutcome {
    pub const ALL: [InterventionOutcome; 4] = [
        InterventionOutcome::Resolved,
        InterventionOutcome::FollowUpNeeded,
        InterventionOutcome::Referred,
        InterventionOutcome::CouldNotReach,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InterventionOutcome::Resolved => "resolved",
            InterventionOutcome::FollowUpNeeded => "follow_up_needed",
            InterventionOutcome::Referred => "referred",
            InterventionOutcome::CouldNotReach => "could_not_reach",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// An intervention as the desk sends it. Type and outcome come as text and are checked here, so an unknown one is
/// a 422 with the field named (not a JSON shape error).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InterventionRequest {
    pub kind: String,
    pub outcome: String,
    #[serde(default)]
    pub note: String,
    /// The alert it is about (the patient's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert_id: Option<Uuid>,
    /// Also acknowledge that alert.
    #[serde(default)]
    pub acknowledge: bool,
}

/// A checked intervention request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intervention {
    pub kind: InterventionKind,
    pub outcome: InterventionOutcome,
    /// Trimmed; may be empty.
    pub note: String,
}

impl InterventionRequest {
    pub fn validated(&self) -> Result<Intervention, ValidationError> {
        let kind = InterventionKind::parse(self.kind.trim())
            .ok_or(ValidationError::Inconsistent("the intervention type is not one of the listed types"))?;
        let outcome = InterventionOutcome::parse(self.outcome.trim())
            .ok_or(ValidationError::Inconsistent("the intervention outcome is not one of the listed outcomes"))?;
        Ok(Intervention { kind, outcome, note: checked_note(&self.note)? })
    }
}

/// A note of at most [`MAX_NOTE`] characters, free text rules checked, trimmed (empty allowed).
pub fn checked_note(note: &str) -> Result<String, ValidationError> {
    let note = note.trim();
    if note.chars().count() > MAX_NOTE {
        return Err(ValidationError::TooLong { field: "note", max: MAX_NOTE });
    }
    crate::check_free_text("note", note)?;
    Ok(note.to_string())
}

/// A stored intervention, for the timeline and the export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InterventionView {
    pub id: Uuid,
    pub patient_id: Uuid,
    pub kind: InterventionKind,
    pub outcome: InterventionOutcome,
    pub note: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert_id: Option<Uuid>,
    /// The worklist item it was done with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worklist: Option<Worklist>,
    pub at: DateTime<Utc>,
    pub by: String,
}

/// The program page's period.
pub const PROGRAM_PERIODS: [u32; 2] = [30, 90];

/// The figures of one period (`days` back from now).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgramFigures {
    pub days: u32,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub check_ins_received: u32,
    /// Check-ins due by each patient's cadence over the days they were enrolled in the period.
    pub check_ins_expected: u32,
    pub check_ins_alerted: u32,
    pub acknowledged_urgent: u32,
    pub median_minutes_urgent: Option<i64>,
    pub acknowledged_routine: u32,
    pub median_minutes_routine: Option<i64>,
    /// Each type and outcome documented, with how many.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::intervention_counts))]
    pub interventions: Vec<(InterventionKind, InterventionOutcome, u32)>,
    /// Patients in each 30-day PDC band (patients without a dispense are not counted).
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::pdc_band_counts))]
    pub pdc_bands: Vec<(PdcBand, u32)>,
}

impl ProgramFigures {
    /// Received ÷ expected, in whole percent (rounded down; `None` when none was expected).
    pub fn completion_percent(&self) -> Option<u32> {
        (self.check_ins_expected > 0).then(|| {
            (u64::from(self.check_ins_received) * 100 / u64::from(self.check_ins_expected)).min(u64::from(u32::MAX)) as u32
        })
    }

    pub fn alerted_percent(&self) -> Option<u32> {
        (self.check_ins_received > 0)
            .then(|| (u64::from(self.check_ins_alerted) * 100 / u64::from(self.check_ins_received)) as u32)
    }

    pub fn intervention_total(&self) -> u32 {
        self.interventions.iter().map(|(_, _, n)| n).sum()
    }
}

/// Check-ins due in a stretch of `days` days at one every `every_days` (whole ones only). The server sums the same
/// rule over a site in SQL (`server/src/routes/program.rs`, `EXPECTED_SQL`).
pub fn check_ins_expected(days: i64, every_days: u16) -> u32 {
    u32::try_from(days.max(0) / i64::from(every_days.max(1))).unwrap_or(u32::MAX)
}

/// A spreadsheet cell made safe from formula injection: text starting with `=`, `+`, `-`, `@` (or a tab or
/// carriage return) gets a leading `'`, so a spreadsheet shows it as text.
pub fn csv_cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(kind: &str, outcome: &str, note: &str) -> InterventionRequest {
        InterventionRequest { kind: kind.into(), outcome: outcome.into(), note: note.into(), alert_id: None, acknowledge: false }
    }

    #[test]
    fn a_request_names_a_listed_type_and_outcome_and_a_short_clean_note() {
        let ok = request("called_patient", "resolved", "  Talked about mouth care. ").validated().unwrap();
        assert_eq!(ok, Intervention {
            kind: InterventionKind::CalledPatient,
            outcome: InterventionOutcome::Resolved,
            note: "Talked about mouth care.".into()
        });
        assert!(request("phoned", "resolved", "").validated().is_err());
        assert!(request("called_patient", "fine", "").validated().is_err());
        assert_eq!(
            request("other", "referred", &"a".repeat(MAX_NOTE + 1)).validated(),
            Err(ValidationError::TooLong { field: "note", max: MAX_NOTE })
        );
        assert_eq!(request("other", "referred", "x\u{202e}y").validated(), Err(ValidationError::ControlCharacter("note")));
        assert!(request("other", "could_not_reach", &"é".repeat(MAX_NOTE)).validated().is_ok());
        for kind in InterventionKind::ALL {
            assert_eq!(InterventionKind::parse(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), serde_json::Value::String(kind.as_str().into()));
        }
        for outcome in InterventionOutcome::ALL {
            assert_eq!(InterventionOutcome::parse(outcome.as_str()), Some(outcome));
        }
    }

    #[test]
    fn cells_that_a_spreadsheet_would_run_are_quoted() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("-2"), "'-2");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("Called, no answer"), "Called, no answer");
        assert_eq!(csv_cell(""), "");
    }

    #[test]
    fn completion_and_expected_check_ins() {
        assert_eq!(check_ins_expected(30, 7), 4);
        assert_eq!(check_ins_expected(6, 7), 0);
        assert_eq!(check_ins_expected(-3, 7), 0);
        let figures = ProgramFigures {
            days: 30,
            from: "2026-11-01".parse().unwrap(),
            to: "2026-11-30".parse().unwrap(),
            check_ins_received: 3,
            check_ins_expected: 4,
            check_ins_alerted: 1,
            acknowledged_urgent: 0,
            median_minutes_urgent: None,
            acknowledged_routine: 0,
            median_minutes_routine: None,
            interventions: vec![(InterventionKind::CalledPatient, InterventionOutcome::Resolved, 2)],
            pdc_bands: vec![],
        };
        assert_eq!(figures.completion_percent(), Some(75));
        assert_eq!(figures.alerted_percent(), Some(33));
        assert_eq!(figures.intervention_total(), 2);
    }
}
