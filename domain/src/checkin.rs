//! Symptom check-ins: the item library (data, not code) and the answers a patient sends.
//!
//! The library has the structure of NCI's PRO-CTCAE — symptom terms asked about through frequency, severity,
//! interference or amount, each on a five-point scale, over a 7-day recall — but the project's own wording, in
//! English and Spanish. It is loaded from a TOML file (`content/checkin/library.toml`), so a deployment that holds
//! NCI's agreement can load the official items as a content pack with no code change. Every item keeps the nearest
//! PRO-CTCAE term for interoperability.
//!
//! A check-in ([`CheckInAnswers`]) is self-describing: each answer carries its attribute set, so it can be graded
//! with [`composite_grade`] on the device and again on the server even if the library changed in between.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::grading::{Attribute, AttributeSet, GradingError, Responses};
use crate::rules::{Advice, Rule, MAX_STOOLS_ABOVE_USUAL};
use crate::triage::{fahrenheit_tenths_to_celsius_tenths, Action, SymptomAnswer, SymptomReport};

/// Yes/no question ids of earlier libraries, no longer asked (a stool count replaced them): check-ins that
/// answered them are still accepted and triaged (a "yes" is a call now).
pub const RETIRED_YES_NO: [&str; 2] = ["severe_diarrhea", "severe_vomiting"];

/// The yes/no question every check-in asks about fever and shaking chills. A "yes" without a thermometer reading
/// tells the patient to take their temperature now.
pub const FEVERISH: &str = "feverish_or_chills";

/// Longest free-text note ("something else") on a check-in.
pub const MAX_NOTE: usize = 2000;
/// Most symptom answers in one check-in.
pub const MAX_ANSWERS: usize = 40;
/// Languages every item must be written in.
pub const LANGUAGES: [&str; 2] = ["en", "es"];
/// Lowest and highest body temperature accepted, in tenths of a degree Celsius (a typo guard, not a clinical range).
pub const TEMPERATURE_RANGE_C_TENTHS: (i32, i32) = (300, 450);

/// A term id: 1–40 characters of a-z, 0-9 and `_`, starting with a letter (e.g. `hand_foot_skin`).
pub fn is_valid_term_id(id: &str) -> bool {
    (1..=40).contains(&id.len())
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The five answer labels of one attribute's scale, from 0 to 4.
pub type ScaleLabels = [String; 5];

/// The answer labels for every attribute, in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Scales {
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>, min_items = 5, max_items = 5))]
    pub frequency: ScaleLabels,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>, min_items = 5, max_items = 5))]
    pub severity: ScaleLabels,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>, min_items = 5, max_items = 5))]
    pub interference: ScaleLabels,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>, min_items = 5, max_items = 5))]
    pub amount: ScaleLabels,
}

impl Scales {
    pub fn for_attribute(&self, attribute: Attribute) -> &ScaleLabels {
        match attribute {
            Attribute::Frequency => &self.frequency,
            Attribute::Severity => &self.severity,
            Attribute::Interference => &self.interference,
            Attribute::Amount => &self.amount,
        }
    }
}

/// One item's wording in one language: its name and one question per attribute it is asked about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ItemText {
    /// Short name in plain words, e.g. "Diarrhea (loose or watery stools)".
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<String>,
}

impl ItemText {
    /// The question for `attribute`, if this item has one.
    pub fn question(&self, attribute: Attribute) -> Option<&str> {
        match attribute {
            Attribute::Frequency => self.frequency.as_deref(),
            Attribute::Severity => self.severity.as_deref(),
            Attribute::Interference => self.interference.as_deref(),
            Attribute::Amount => self.amount.as_deref(),
        }
    }
}

/// Item names by item id, then language: reasons, summaries and charts are worded with them.
pub type TermNames = BTreeMap<String, BTreeMap<String, String>>;

/// The names of `items`, in every language they are written in.
pub fn term_names(items: &[Item]) -> TermNames {
    items
        .iter()
        .map(|item| (item.id.clone(), item.text.iter().map(|(lang, text)| (lang.clone(), text.name.clone())).collect()))
        .collect()
}

/// The names of items, yes/no questions and triage rules (their ids never collide), for wording alert reasons.
pub fn all_names(library: &ItemLibrary, rules: &[Rule]) -> TermNames {
    names_of(&library.items, &library.yes_no, rules)
}

fn names_of(items: &[Item], yes_no: &[YesNoQuestion], rules: &[Rule]) -> TermNames {
    let mut names = term_names(items);
    for q in yes_no {
        names.insert(q.id.clone(), q.text.iter().map(|(lang, t)| (lang.clone(), t.name.clone())).collect());
    }
    for rule in rules {
        names.insert(rule.id.clone(), rule.text.iter().map(|(lang, t)| (lang.clone(), t.name.clone())).collect());
    }
    names
}

/// One symptom item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Stable term id, e.g. `diarrhea`. The ids `diarrhea` and `vomiting` take part in red flags (grade 3).
    pub id: String,
    /// The nearest PRO-CTCAE symptom term, e.g. "Diarrhea" or "Hand-foot syndrome".
    pub pro_ctcae_term: String,
    pub attributes: AttributeSet,
    /// The most this symptom alone may ask of the patient and the pharmacist (taste, itching, insomnia, hot
    /// flashes, memory, hair loss: `within_a_day`, never urgent). None: no cap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_action: Option<Action>,
    /// Wording per language (`en`, `es`, …).
    pub text: BTreeMap<String, ItemText>,
}

/// A yes/no question's words in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct YesNoText {
    /// As asked, with numbers and time windows a patient can answer: "Have you had 4 or more … in a day?"
    pub question: String,
    /// Short, for the result screen and the pharmacist's alert: "Chest pain or pressure".
    pub name: String,
}

/// A yes/no question (chest pain, fever or chills, a possible pregnancy, a fall …). A "yes" asks `action` of the
/// patient: questions that call for 911 or a call now are asked first, on the safety page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct YesNoQuestion {
    /// Stable id, e.g. `chest_pain`. Stored in check-ins: never reuse an id for another question.
    pub id: String,
    pub action: Action,
    /// Guide drug ids it is asked for; empty: every patient.
    #[serde(default)]
    pub drugs: Vec<String>,
    /// Why it is asked, for drug-specific questions: the label section.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub text: BTreeMap<String, YesNoText>,
}

impl YesNoQuestion {
    pub fn text_in(&self, lang: &str) -> &YesNoText {
        self.text.get(lang).or_else(|| self.text.get("en")).or_else(|| self.text.values().next()).expect("validated: has text")
    }

    /// Asked on the safety page, before any symptom item.
    pub fn is_safety(&self) -> bool {
        self.action >= Action::CallNow
    }
}

impl Item {
    /// The wording in `lang`, else English.
    pub fn text_in(&self, lang: &str) -> &ItemText {
        self.text.get(lang).or_else(|| self.text.get("en")).or_else(|| self.text.values().next()).expect("validated: has text")
    }
}

/// The whole item library as loaded from a content pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ItemLibrary {
    /// Which library this is, e.g. "Carepath symptom items 1".
    pub name: String,
    /// The recall period the questions ask about, in days (PRO-CTCAE: 7).
    pub recall_days: u8,
    /// Answer labels per language.
    pub scales: BTreeMap<String, Scales>,
    pub items: Vec<Item>,
    /// Items asked for a drug (by guide drug id, e.g. `capecitabine`), in the order asked.
    pub regimens: BTreeMap<String, Vec<String>>,
    /// Items asked when none of the patient's drugs is listed in `regimens`.
    pub default_items: Vec<String>,
    /// Items asked of every patient, after the regimen's own.
    #[serde(default)]
    pub always_items: Vec<String>,
    /// Yes/no questions, in the order asked.
    #[serde(default)]
    pub yes_no: Vec<YesNoQuestion>,
}

/// A content pack that breaks a rule; the message says which item and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("item library: {0}")]
pub struct LibraryError(pub String);

impl ItemLibrary {
    /// Checks every rule a content pack must meet: unique, well-formed ids; wording in every language of
    /// [`LANGUAGES`] with exactly one question per attribute of the item; five non-empty labels per scale;
    /// regimen lists that name existing items.
    pub fn validate(&self) -> Result<(), LibraryError> {
        let err = |m: String| Err(LibraryError(m));
        if self.name.trim().is_empty() {
            return err("name is empty".into());
        }
        if !(1..=31).contains(&self.recall_days) {
            return err(format!("recall_days must be 1 to 31, got {}", self.recall_days));
        }
        for lang in LANGUAGES {
            let Some(scales) = self.scales.get(lang) else { return err(format!("no answer scales in {lang}")) };
            for attribute in [Attribute::Frequency, Attribute::Severity, Attribute::Interference, Attribute::Amount] {
                if scales.for_attribute(attribute).iter().any(|l| l.trim().is_empty()) {
                    return err(format!("an empty {attribute} answer label in {lang}"));
                }
            }
        }
        if self.items.is_empty() {
            return err("no items".into());
        }
        let mut ids = BTreeSet::new();
        for item in &self.items {
            if !is_valid_term_id(&item.id) {
                return err(format!("item id {:?} must be 1–40 characters of a-z, 0-9 and _", item.id));
            }
            if !ids.insert(item.id.as_str()) {
                return err(format!("item {} appears twice", item.id));
            }
            if item.pro_ctcae_term.trim().is_empty() {
                return err(format!("item {} has no pro_ctcae_term", item.id));
            }
            for lang in LANGUAGES {
                let Some(text) = item.text.get(lang) else { return err(format!("item {} has no {lang} text", item.id)) };
                if text.name.trim().is_empty() {
                    return err(format!("item {} has no {lang} name", item.id));
                }
                for attribute in [Attribute::Frequency, Attribute::Severity, Attribute::Interference, Attribute::Amount] {
                    let asked = item.attributes.includes(attribute);
                    match (asked, text.question(attribute).map(str::trim)) {
                        (true, None | Some("")) => {
                            return err(format!("item {} has no {lang} {attribute} question", item.id));
                        }
                        (false, Some(_)) => {
                            return err(format!("item {} has a {lang} {attribute} question but is not asked about {attribute}", item.id));
                        }
                        _ => {}
                    }
                }
            }
        }
        let lists = self.regimens.iter().map(|(drug, list)| (format!("regimen {drug}"), list));
        let lists = lists.chain([("default_items".to_string(), &self.default_items), ("always_items".to_string(), &self.always_items)]);
        for (name, list) in lists {
            let mut seen = BTreeSet::new();
            for id in list {
                if !ids.contains(id.as_str()) {
                    return err(format!("{name} names {id:?}, which is not an item"));
                }
                if !seen.insert(id) {
                    return err(format!("{name} names {id} twice"));
                }
            }
        }
        if self.default_items.is_empty() {
            return err("default_items is empty".into());
        }
        let mut yes_no_ids = BTreeSet::new();
        for question in &self.yes_no {
            if !is_valid_term_id(&question.id) || ids.contains(question.id.as_str()) || !yes_no_ids.insert(question.id.as_str()) {
                return err(format!("yes/no question id {:?} must be unique (also among items), a-z, 0-9 and _", question.id));
            }
            for lang in LANGUAGES {
                match question.text.get(lang) {
                    Some(t) if !t.question.trim().is_empty() && !t.name.trim().is_empty() => {}
                    _ => return err(format!("yes/no question {} needs a {lang} question and name", question.id)),
                }
            }
            if !question.drugs.is_empty() && question.source.as_deref().is_none_or(|s| s.trim().is_empty()) {
                return err(format!("yes/no question {} is asked for some drugs only: give its source", question.id));
            }
        }
        match self.yes_no.iter().find(|q| q.id == FEVERISH) {
            Some(q) if q.drugs.is_empty() && q.action >= Action::CallNow => {}
            _ => return err(format!("a yes/no question {FEVERISH} asked of everyone, calling now, is required")),
        }
        Ok(())
    }

    /// A yes/no question id a check-in may answer: one of the library's, or one retired from it (devices that
    /// recorded a check-in before an update still send it).
    pub fn knows_yes_no(&self, id: &str) -> bool {
        self.yes_no.iter().any(|q| q.id == id) || RETIRED_YES_NO.contains(&id)
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    /// The check-in form for a patient whose regimen holds the drugs `drug_ids` (guide ids): the items listed
    /// for those drugs in order, without repeats, else the default items; then the items asked of everyone.
    pub fn form_for(&self, drug_ids: &[&str], every_days: u16) -> CheckInForm {
        let mut ids: Vec<&str> = Vec::new();
        for drug in drug_ids {
            for id in self.regimens.get(*drug).into_iter().flatten() {
                if !ids.contains(&id.as_str()) {
                    ids.push(id);
                }
            }
        }
        if ids.is_empty() {
            ids.extend(self.default_items.iter().map(String::as_str));
        }
        for id in &self.always_items {
            if !ids.contains(&id.as_str()) {
                ids.push(id);
            }
        }
        CheckInForm {
            library: self.name.clone(),
            recall_days: self.recall_days,
            every_days,
            scales: self.scales.clone(),
            items: ids.into_iter().filter_map(|id| self.item(id).cloned()).collect(),
            yes_no: self
                .yes_no
                .iter()
                .filter(|q| q.drugs.is_empty() || q.drugs.iter().any(|d| drug_ids.contains(&d.as_str())))
                .cloned()
                .collect(),
            drugs: drug_ids.iter().map(|d| d.to_string()).collect(),
            rules: Vec::new(),
            self_care: Vec::new(),
        }
    }
}

/// What a device needs to run a patient's check-in offline: the items for their regimen, in every language.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckInForm {
    /// The library's name, for the record.
    pub library: String,
    pub recall_days: u8,
    /// The pharmacy asks for a check-in every this many days.
    pub every_days: u16,
    pub scales: BTreeMap<String, Scales>,
    pub items: Vec<Item>,
    /// The yes/no questions for this patient: safety ones first on the device.
    #[serde(default)]
    pub yes_no: Vec<YesNoQuestion>,
    /// The guide drug ids of the patient's regimen.
    #[serde(default)]
    pub drugs: Vec<String>,
    /// The triage rules for those drugs, so the device tells the patient what the server will raise.
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// Self-care advice for the form's items.
    #[serde(default)]
    pub self_care: Vec<Advice>,
}

impl CheckInForm {
    /// The names of the form's items, yes/no questions and rules, for wording reasons on the device.
    pub fn names(&self) -> TermNames {
        names_of(&self.items, &self.yes_no, &self.rules)
    }

    /// What the triage rules need from this form, with the previous report and the site's settings (the device
    /// has no acknowledgements: it tells the patient at least what the server raises).
    pub fn context<'a>(
        &'a self,
        previous: Option<&'a SymptomReport>,
        now: chrono::DateTime<chrono::Utc>,
        settings: &'a crate::triage::SiteSettings,
    ) -> crate::triage::CheckInContext<'a> {
        crate::triage::CheckInContext {
            previous,
            yes_no: &self.yes_no,
            items: &self.items,
            rules: &self.rules,
            acknowledged: &[],
            now,
            settings,
        }
    }

    /// The answer labels in `lang`, else English.
    pub fn scales_in(&self, lang: &str) -> Option<&Scales> {
        self.scales.get(lang).or_else(|| self.scales.get("en"))
    }
}

/// The patient's answers about one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ItemAnswer {
    pub attributes: AttributeSet,
    pub responses: Responses,
}

/// A thermometer reading as the patient typed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Temperature {
    /// Tenths of a degree in `unit` (`385` = 38.5).
    pub tenths: i32,
    pub unit: TemperatureUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TemperatureUnit {
    Celsius,
    Fahrenheit,
}

impl Temperature {
    /// The reading in tenths of a degree Celsius.
    pub fn celsius_tenths(self) -> i32 {
        match self.unit {
            TemperatureUnit::Celsius => self.tenths,
            TemperatureUnit::Fahrenheit => fahrenheit_tenths_to_celsius_tenths(self.tenths),
        }
    }

    /// Parses what a patient types: "38.5", "38,5" or "101". One decimal at most.
    pub fn parse(text: &str, unit: TemperatureUnit) -> Option<Temperature> {
        let text = text.trim().replace(',', ".");
        let (whole, frac) = text.split_once('.').unwrap_or((&text, "0"));
        if whole.is_empty() || whole.len() > 3 || frac.len() != 1 || !whole.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) {
            return None;
        }
        let tenths = whole.parse::<i32>().ok()? * 10 + frac.parse::<i32>().ok()?;
        let reading = Temperature { tenths, unit };
        reading.is_plausible().then_some(reading)
    }

    /// What `text` reads as in the other unit, when it is no body temperature in `unit` but is one in the other
    /// ("38.6" with °F chosen: 38.6 °C): the patient is asked, not just refused.
    pub fn in_the_other_unit(text: &str, unit: TemperatureUnit) -> Option<Temperature> {
        if Temperature::parse(text, unit).is_some() {
            return None;
        }
        let other = match unit {
            TemperatureUnit::Celsius => TemperatureUnit::Fahrenheit,
            TemperatureUnit::Fahrenheit => TemperatureUnit::Celsius,
        };
        Temperature::parse(text, other)
    }

    /// Within [`TEMPERATURE_RANGE_C_TENTHS`]: a body temperature, not a typo.
    pub fn is_plausible(self) -> bool {
        let (low, high) = TEMPERATURE_RANGE_C_TENTHS;
        (low..=high).contains(&self.celsius_tenths())
    }
}

/// Everything one check-in records. Answers are keyed by term id.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CheckInAnswers {
    pub answers: BTreeMap<String, ItemAnswer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<Temperature>,
    /// The yes/no questions answered yes (ids of [`YesNoQuestion`]s; the rest were answered no or not asked).
    #[serde(default)]
    pub emergency_yes: BTreeSet<String>,
    /// Stools more than usual on the worst of the last 2 days, when asked (patients whose form has diarrhea).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stools_above_usual: Option<u8>,
    /// Diarrhea at night, when asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diarrhea_at_night: Option<bool>,
    /// "Something else" in the patient's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The whole check-in, "I feel fine, nothing new", or one symptom reported between check-ins.
    #[serde(default, skip_serializing_if = "CheckInScope::is_full")]
    pub scope: CheckInScope,
}

/// How much of the form a check-in covers (issue #14 item 8). Stored as `"scope": "feeling_fine"` /
/// `"one_symptom"`; a check-in without the field is a whole one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CheckInScope {
    /// The safety questions, the stool count where asked, every item, the other questions, a note.
    #[default]
    Full,
    /// "I feel fine, nothing new": the safety page was seen and nothing on it answered yes; no item was asked. The
    /// desk reads it as that, not as "no symptoms" for each item.
    FeelingFine,
    /// One symptom reported between check-ins, with its questions and maybe a note: it does not stand in for the
    /// check-in that is due.
    OneSymptom,
}

impl CheckInScope {
    pub fn is_full(&self) -> bool {
        *self == CheckInScope::Full
    }

    /// Whether it is the check-in the pharmacy asks for at its cadence ("I feel fine" is; one symptom is not).
    pub fn counts_as_check_in(self) -> bool {
        self != CheckInScope::OneSymptom
    }
}

/// A check-in that cannot be graded or stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckInError {
    #[error("{0:?} is not a valid symptom id")]
    BadTerm(String),
    #[error("{term}: {source}")]
    Grading { term: String, source: GradingError },
    #[error("more than {MAX_ANSWERS} symptoms")]
    TooManyAnswers,
    #[error("temperature is outside 30.0–45.0 °C (86.0–113.0 °F)")]
    ImplausibleTemperature,
    #[error("note is longer than {MAX_NOTE} characters")]
    NoteTooLong,
    #[error("{0:?} is not a valid question id")]
    BadQuestion(String),
    #[error("more than {MAX_STOOLS_ABOVE_USUAL} stools above usual")]
    TooManyStools,
    #[error("note contains a control character")]
    ControlCharacter,
    #[error("an \"I feel fine\" check-in has no symptom answers and no yes to a question")]
    FeelingFineWithAnswers,
    #[error("a one-symptom report answers exactly one symptom")]
    NotOneSymptom,
}

impl CheckInAnswers {
    /// Checks and grades every answer (a response for an attribute the item is not asked about is refused, not
    /// guessed at): the report the triage rules read.
    pub fn report(&self) -> Result<SymptomReport, CheckInError> {
        if self.answers.len() > MAX_ANSWERS {
            return Err(CheckInError::TooManyAnswers);
        }
        if self.note.as_ref().is_some_and(|n| n.chars().count() > MAX_NOTE) {
            return Err(CheckInError::NoteTooLong);
        }
        if self.note.as_ref().is_some_and(|n| crate::check_free_text("note", n).is_err()) {
            return Err(CheckInError::ControlCharacter);
        }
        if self.temperature.is_some_and(|t| !t.is_plausible()) {
            return Err(CheckInError::ImplausibleTemperature);
        }
        if let Some(id) = self.emergency_yes.iter().find(|id| !is_valid_term_id(id)) {
            return Err(CheckInError::BadQuestion(id.clone()));
        }
        if self.stools_above_usual.is_some_and(|n| n > MAX_STOOLS_ABOVE_USUAL) {
            return Err(CheckInError::TooManyStools);
        }
        match self.scope {
            CheckInScope::Full => {}
            CheckInScope::FeelingFine => {
                let said_something = !self.answers.is_empty()
                    || !self.emergency_yes.is_empty()
                    || self.stools_above_usual.is_some_and(|n| n > 0)
                    || self.diarrhea_at_night == Some(true);
                if said_something {
                    return Err(CheckInError::FeelingFineWithAnswers);
                }
            }
            CheckInScope::OneSymptom if self.answers.len() != 1 => return Err(CheckInError::NotOneSymptom),
            CheckInScope::OneSymptom => {}
        }
        let temperature = self.temperature.map(Temperature::celsius_tenths);
        let mut answers = Vec::with_capacity(self.answers.len());
        for (term, answer) in &self.answers {
            if !is_valid_term_id(term) {
                return Err(CheckInError::BadTerm(term.clone()));
            }
            let graded = SymptomAnswer::graded(term.clone(), answer.attributes, answer.responses)
                .map_err(|source| CheckInError::Grading { term: term.clone(), source })?;
            answers.push(graded);
        }
        Ok(SymptomReport {
            answers,
            temperature_c_tenths: temperature,
            emergency_yes: self.emergency_yes.clone(),
            stools_above_usual: self.stools_above_usual,
            diarrhea_at_night: self.diarrhea_at_night,
            note: self.note.as_ref().is_some_and(|n| !n.trim().is_empty()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grading::Grade;

    #[test]
    fn temperatures_parse_as_typed() {
        let c = TemperatureUnit::Celsius;
        assert_eq!(Temperature::parse("38.5", c).map(|t| t.celsius_tenths()), Some(385));
        assert_eq!(Temperature::parse(" 38,5 ", c).map(|t| t.celsius_tenths()), Some(385));
        assert_eq!(Temperature::parse("38", c).map(|t| t.celsius_tenths()), Some(380));
        assert_eq!(Temperature::parse("100.4", TemperatureUnit::Fahrenheit).map(|t| t.celsius_tenths()), Some(380));
        for bad in ["", "38.55", "abc", "-38", "3 8", "385", "29.9", "45.1", ".5", "38."] {
            assert_eq!(Temperature::parse(bad, c), None, "{bad:?}");
        }
        assert_eq!(Temperature::parse("38.5", TemperatureUnit::Fahrenheit), None, "38.5 °F is not a body temperature");
        // ...but 38.5 °C is: the phone asks "did you mean °C?".
        let f = TemperatureUnit::Fahrenheit;
        assert_eq!(Temperature::in_the_other_unit("38.6", f), Some(Temperature { tenths: 386, unit: c }));
        assert_eq!(Temperature::in_the_other_unit("101.3", c), Some(Temperature { tenths: 1013, unit: f }));
        assert_eq!(Temperature::in_the_other_unit("38.6", c), None, "already a body temperature");
        assert_eq!(Temperature::in_the_other_unit("12", f), None, "in neither unit");
    }

    #[test]
    fn a_feeling_fine_check_in_says_nothing_and_a_one_symptom_report_one_thing() {
        let nausea = ItemAnswer { attributes: AttributeSet::FrequencySeverity, responses: Responses::new(Some(2), Some(1), None) };
        let fine = CheckInAnswers { scope: CheckInScope::FeelingFine, ..CheckInAnswers::default() };
        assert!(fine.report().is_ok());
        let json = serde_json::to_value(&fine).unwrap();
        assert_eq!(json["scope"], "feeling_fine");
        assert!(serde_json::to_value(CheckInAnswers::default()).unwrap().get("scope").is_none(), "a whole check-in stays as it was stored");
        let with_temperature = CheckInAnswers { temperature: Some(Temperature { tenths: 368, unit: TemperatureUnit::Celsius }), ..fine.clone() };
        assert!(with_temperature.report().is_ok(), "a normal reading may come with it");
        let mut yes = fine.clone();
        yes.emergency_yes.insert("chest_pain".into());
        assert_eq!(yes.report(), Err(CheckInError::FeelingFineWithAnswers));
        let mut symptom = fine.clone();
        symptom.answers.insert("nausea".into(), nausea);
        assert_eq!(symptom.report(), Err(CheckInError::FeelingFineWithAnswers));
        assert_eq!(CheckInAnswers { stools_above_usual: Some(3), ..fine.clone() }.report(), Err(CheckInError::FeelingFineWithAnswers));

        let mut one = CheckInAnswers { scope: CheckInScope::OneSymptom, ..CheckInAnswers::default() };
        assert_eq!(one.report(), Err(CheckInError::NotOneSymptom), "no symptom at all");
        one.answers.insert("nausea".into(), nausea);
        assert_eq!(one.report().unwrap().grade_of("nausea"), Some(Grade::Mild));
        one.answers.insert("fatigue".into(), nausea);
        assert_eq!(one.report(), Err(CheckInError::NotOneSymptom), "two symptoms");
        assert!(CheckInScope::FeelingFine.counts_as_check_in() && !CheckInScope::OneSymptom.counts_as_check_in());
    }

    #[test]
    fn answers_are_graded_and_checked() {
        let mut c = CheckInAnswers::default();
        c.answers.insert(
            "diarrhea".into(),
            ItemAnswer { attributes: AttributeSet::Frequency, responses: Responses::new(Some(4), None, None) },
        );
        c.answers.insert(
            "nausea".into(),
            ItemAnswer { attributes: AttributeSet::FrequencySeverity, responses: Responses::new(Some(0), None, None) },
        );
        let report = c.report().unwrap();
        assert_eq!(report.grade_of("diarrhea"), Some(Grade::Severe));
        assert_eq!(report.grade_of("nausea"), Some(Grade::Absent), "first answer never: the rest skipped");

        let mut bad = c.clone();
        bad.answers.get_mut("nausea").unwrap().responses = Responses::new(Some(2), None, None);
        assert!(matches!(bad.report(), Err(CheckInError::Grading { .. })), "severity missing");
        let mut bad = c.clone();
        bad.answers.get_mut("diarrhea").unwrap().responses = Responses::new(Some(2), Some(1), None);
        assert!(matches!(
            bad.report(),
            Err(CheckInError::Grading { source: GradingError::NotAsked { attribute: Attribute::Severity, .. }, .. })
        ));
        let mut bad = c.clone();
        bad.answers.insert("Bad Id".into(), c.answers["diarrhea"]);
        assert!(matches!(bad.report(), Err(CheckInError::BadTerm(_))));
        let mut bad = c.clone();
        bad.temperature = Some(Temperature { tenths: 850, unit: TemperatureUnit::Celsius });
        assert_eq!(bad.report(), Err(CheckInError::ImplausibleTemperature));
        let mut bad = c;
        bad.note = Some("x".repeat(MAX_NOTE + 1));
        assert_eq!(bad.report(), Err(CheckInError::NoteTooLong));
    }
}
