//! Medication guides: general patient education for one drug, in one language.
//!
//! Guides are *data*: one TOML file per drug per language under `content/guides/<lang>/<drug>.toml`,
//! and one sources list per drug under `content/guides/sources/<drug>.md`. The server serves them as JSON;
//! the app renders them. Nothing here is patient-specific: the pharmacy sets each patient's dose and days.
//!
//! Section text is plain text: paragraphs separated by a blank line; a line starting with `- ` is a list item.
//! Two placeholders are filled from the pharmacy site's settings when shown: `{pharmacy_phone}` and
//! `{after_hours_phone}`. No phone number is ever written into a guide.

use serde::{Deserialize, Serialize};

/// One guide: a drug in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guide {
    /// Stable id, the same in every language (lower-case generic name, e.g. `capecitabine`).
    pub drug: String,
    /// Generic name as written in this language (e.g. "capecitabina" in Spanish).
    pub generic_name: String,
    /// Brand names (may be empty for generic-only drugs).
    pub brand_names: Vec<String>,
    /// How to say the generic name, in plain respelling for this language's readers.
    pub pronunciation: String,
    pub sections: Sections,
    /// 3–5 "check your understanding" questions (teach-back).
    pub teach_back: Vec<TeachBack>,
}

/// Every section a guide must have. The order of the fields is the order shown to patients,
/// except `call_right_away`, which the app always shows first and open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sections {
    /// Serious side effects: when to stop and call right away (fever ≥ 38.0 °C / 100.4 °F, bleeding, …).
    pub call_right_away: String,
    /// What the drug is, what it is used for and the goal, in general terms.
    pub what_it_is_for: String,
    /// How to take it: food, timing, swallow whole, do not crush, chew or open.
    pub how_to_take: String,
    /// Typical schedule patterns, always with "your pharmacy sets your exact dose and days".
    pub schedule: String,
    /// Missed dose and vomited dose.
    pub missed_or_vomited_dose: String,
    /// Common side effects with self-care tips.
    pub common_side_effects: String,
    /// Food, supplement and drug interactions (grapefruit, St John's wort, acid reducers where relevant).
    pub interactions: String,
    /// Storage.
    pub storage: String,
    /// Safe handling by caregivers (gloves), body fluids and waste.
    pub safe_handling: String,
    /// Disposal of unused medicine.
    pub disposal: String,
    /// Pregnancy, contraception and breastfeeding.
    pub pregnancy_and_breastfeeding: String,
    /// Monitoring: blood tests, visits.
    pub monitoring: String,
    /// Refills and help with costs.
    pub refills_and_costs: String,
    /// Whom to call day and night; uses `{pharmacy_phone}` and `{after_hours_phone}`.
    pub who_to_call: String,
    /// Special programmes (e.g. REMS) where they apply, or a plain statement that none applies.
    pub special_programs: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeachBack {
    pub question: String,
    pub answer: String,
}

/// Section ids in display order (after `call_right_away`, which is always first).
pub const SECTION_IDS: [&str; 15] = [
    "call_right_away",
    "what_it_is_for",
    "how_to_take",
    "schedule",
    "missed_or_vomited_dose",
    "common_side_effects",
    "interactions",
    "storage",
    "safe_handling",
    "disposal",
    "pregnancy_and_breastfeeding",
    "monitoring",
    "refills_and_costs",
    "who_to_call",
    "special_programs",
];

impl Sections {
    /// `(id, text)` for every section, in display order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let texts: [&str; 15] = [
            &self.call_right_away,
            &self.what_it_is_for,
            &self.how_to_take,
            &self.schedule,
            &self.missed_or_vomited_dose,
            &self.common_side_effects,
            &self.interactions,
            &self.storage,
            &self.safe_handling,
            &self.disposal,
            &self.pregnancy_and_breastfeeding,
            &self.monitoring,
            &self.refills_and_costs,
            &self.who_to_call,
            &self.special_programs,
        ];
        SECTION_IDS.into_iter().zip(texts)
    }
}
