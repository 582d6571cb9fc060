//! Drug-specific triage rules and self-care advice, as data (`content/checkin/rules.toml`,
//! `content/checkin/self_care.toml`).
//!
//! A composite grade of 3 is the general line for "call now", but many labels draw their own, lower line: the
//! capecitabine label interrupts the drug at 4 or more stools a day above usual, the abemaciclib label at diarrhea
//! that lasts 24 hours on loperamide, and a temozolomide dose on a wrong day is an emergency. Those lines are
//! [`Rule`]s: per drug (or for everyone), one condition, the [`Action`] the patient is told, and the source. The
//! server loads and checks them at startup, the device profile carries the ones for the patient's drugs, and device
//! and server run them through the same [`crate::triage`] functions.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::checkin::{is_valid_term_id, ItemLibrary, LANGUAGES};
use crate::grading::Grade;
use crate::triage::Action;

/// Most stools above usual a patient can report for one day (a typo guard).
pub const MAX_STOOLS_ABOVE_USUAL: u8 = 30;

/// What a rule looks at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    /// The check-in's stool count: at least this many stools more than usual on the worst of the last 2 days.
    StoolsAboveUsual { at_least: u8 },
    /// The check-in says there was diarrhea at night.
    DiarrheaAtNight,
    /// A symptom item at this composite grade (1–3) or more, when it was lower (or not reported) the time before.
    Grade { item: String, at_least: u8 },
    /// At least this many doses recorded missed within `days` days (diary). `first_days`: only while the regimen
    /// line is within this many days of its start (e.g. venetoclax's 5-week ramp-up).
    MissedDoses {
        at_least: u32,
        days: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        first_days: Option<u32>,
    },
    /// At least this many doses recorded as vomited within `hours` hours (diary).
    VomitedDoses {
        at_least: u32,
        hours: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        first_days: Option<u32>,
    },
    /// A dose taken beyond the plan (an extra dose, or a dose on a day the plan has none).
    ExtraDose,
}

impl Condition {
    /// Read from the check-in (the device can tell the patient at once), not from the diary.
    pub fn is_check_in(&self) -> bool {
        matches!(self, Condition::StoolsAboveUsual { .. } | Condition::DiarrheaAtNight | Condition::Grade { .. })
    }
}

/// A rule's words in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RuleText {
    /// What was found, as the result screen and the pharmacist read it: "4 or more stools a day more than usual".
    pub name: String,
}

/// One triage rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable id, e.g. `capecitabine_stools_4`.
    pub id: String,
    /// Guide drug ids the rule is for; empty: every patient.
    #[serde(default)]
    pub drugs: Vec<String>,
    pub when: Condition,
    /// What the patient is told when it matches (and so how soon a pharmacist is asked to act).
    pub action: Action,
    /// Where the line comes from: the label (name, revision, section) or a named guideline.
    pub source: String,
    pub text: BTreeMap<String, RuleText>,
}

impl Rule {
    pub fn applies_to(&self, drugs: &[&str]) -> bool {
        self.drugs.is_empty() || self.drugs.iter().any(|d| drugs.contains(&d.as_str()))
    }

    /// The rule's words in `lang`, else English.
    pub fn text_in(&self, lang: &str) -> Option<&RuleText> {
        self.text.get(lang).or_else(|| self.text.get("en"))
    }
}

/// The rules file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TriageRules {
    #[serde(default, rename = "rule")]
    pub rules: Vec<Rule>,
}

/// A rules or self-care file that breaks a rule; the message names the entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ContentError(pub String);

fn check_text<T>(what: &str, text: &BTreeMap<String, T>, fields: impl Fn(&T) -> Vec<&str>) -> Result<(), ContentError> {
    for lang in LANGUAGES {
        let Some(t) = text.get(lang) else { return Err(ContentError(format!("{what} has no {lang} text"))) };
        if fields(t).iter().any(|f| f.trim().is_empty()) {
            return Err(ContentError(format!("{what} has empty {lang} text")));
        }
    }
    Ok(())
}

impl TriageRules {
    /// Unique ids, items that exist in `library`, grades 1–3, windows that make sense, a source and both
    /// languages for every rule. `drugs` are the guide drug ids a rule may name.
    pub fn validate(&self, library: &ItemLibrary, drugs: &BTreeSet<String>) -> Result<(), ContentError> {
        let mut ids = BTreeSet::new();
        for rule in &self.rules {
            let what = format!("rule {}", rule.id);
            if !is_valid_term_id(&rule.id) || !ids.insert(rule.id.as_str()) {
                return Err(ContentError(format!("{what}: the id must be unique, a-z, 0-9 and _")));
            }
            if let Some(drug) = rule.drugs.iter().find(|d| !drugs.contains(*d)) {
                return Err(ContentError(format!("{what} names {drug:?}, which has no guide")));
            }
            if rule.source.trim().len() < 10 {
                return Err(ContentError(format!("{what} needs its source")));
            }
            match &rule.when {
                Condition::StoolsAboveUsual { at_least } if !(1..=MAX_STOOLS_ABOVE_USUAL).contains(at_least) => {
                    return Err(ContentError(format!("{what}: stools must be 1 to {MAX_STOOLS_ABOVE_USUAL}")));
                }
                Condition::Grade { item, at_least } => {
                    if library.item(item).is_none() {
                        return Err(ContentError(format!("{what} names {item:?}, which is not an item")));
                    }
                    if !(1..=3).contains(at_least) {
                        return Err(ContentError(format!("{what}: a grade is 1 to 3")));
                    }
                }
                Condition::MissedDoses { at_least, days, first_days } if *at_least == 0 || !(1..=28).contains(days) || *first_days == Some(0) => {
                    return Err(ContentError(format!("{what}: at least 1 dose within 1 to 28 days")));
                }
                Condition::VomitedDoses { at_least, hours, first_days } if *at_least == 0 || !(1..=168).contains(hours) || *first_days == Some(0) => {
                    return Err(ContentError(format!("{what}: at least 1 dose within 1 to 168 hours")));
                }
                _ => {}
            }
            check_text(&what, &rule.text, |t: &RuleText| vec![t.name.as_str()])?;
            if library.item(&rule.id).is_some() || library.yes_no.iter().any(|q| q.id == rule.id) {
                return Err(ContentError(format!("{what}: the id is also an item or question id")));
            }
        }
        let floor = self.rules.iter().any(|r| {
            r.drugs.is_empty()
                && r.action >= Action::CallNow
                && matches!(r.when, Condition::StoolsAboveUsual { at_least } if at_least <= crate::triage::STOOLS_CALL_NOW_FOR_ALL)
        });
        if !floor {
            return Err(ContentError(format!(
                "a rule for everyone must ask for a call now at {} or fewer stools above usual (CTCAE grade 3)",
                crate::triage::STOOLS_CALL_NOW_FOR_ALL
            )));
        }
        Ok(())
    }

    /// The rules for a patient on `drugs`.
    pub fn for_drugs(&self, drugs: &[&str]) -> Vec<Rule> {
        self.rules.iter().filter(|r| r.applies_to(drugs)).cloned().collect()
    }
}

/// Self-care advice in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AdviceText {
    /// What to do now, in plain words (a line starting with `- ` is a list item).
    pub now: String,
    /// When to call instead.
    pub call_if: String,
}

/// What a patient can do for one symptom at one level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Advice {
    /// The item id (`diarrhea`, `hand_foot_skin`, …).
    pub item: String,
    /// Shown for a composite grade at or above this (1–3); the highest that matches is shown.
    pub min_grade: u8,
    /// Sources for the advice (guideline, label section).
    pub sources: Vec<String>,
    pub text: BTreeMap<String, AdviceText>,
}

impl Advice {
    pub fn text_in(&self, lang: &str) -> Option<&AdviceText> {
        self.text.get(lang).or_else(|| self.text.get("en"))
    }
}

/// The self-care file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SelfCare {
    #[serde(default)]
    pub advice: Vec<Advice>,
}

impl SelfCare {
    /// Items that exist, grades 1–3, one entry per item and grade, sources and both languages.
    pub fn validate(&self, library: &ItemLibrary) -> Result<(), ContentError> {
        let mut seen = BTreeSet::new();
        for advice in &self.advice {
            let what = format!("advice for {} at grade {}", advice.item, advice.min_grade);
            if library.item(&advice.item).is_none() {
                return Err(ContentError(format!("{what}: not an item")));
            }
            if !(1..=3).contains(&advice.min_grade) || !seen.insert((advice.item.as_str(), advice.min_grade)) {
                return Err(ContentError(format!("{what}: grades are 1 to 3, one entry each")));
            }
            if advice.sources.iter().all(|s| s.trim().is_empty()) {
                return Err(ContentError(format!("{what} needs its sources")));
            }
            check_text(&what, &advice.text, |t: &AdviceText| vec![t.now.as_str(), t.call_if.as_str()])?;
        }
        Ok(())
    }

    /// The advice for `item` at `grade`: the entry with the highest `min_grade` not above it.
    pub fn for_grade(&self, item: &str, grade: Grade) -> Option<&Advice> {
        self.advice.iter().filter(|a| a.item == item && a.min_grade <= grade.number()).max_by_key(|a| a.min_grade)
    }

    /// The entries for these items only (what a patient's form needs).
    pub fn for_items<'a>(&self, items: impl IntoIterator<Item = &'a str>) -> Vec<Advice> {
        let items: BTreeSet<&str> = items.into_iter().collect();
        self.advice.iter().filter(|a| items.contains(a.item.as_str())).cloned().collect()
    }
}
