//! Medication guides: general patient education for one drug, in one language.
//!
//! Guides are *data*: one TOML file per drug per language under `content/guides/<lang>/<drug>.toml`,
//! and one sources list per drug under `content/guides/sources/<drug>.md`. The server serves them as JSON;
//! the app renders them. Nothing here is patient-specific: the pharmacy sets each patient's dose and days.
//!
//! Section text is plain text: paragraphs separated by a blank line; a line starting with `- ` is a list item.
//! Three placeholders are filled from the pharmacy site's settings when shown: `{pharmacy_phone}`,
//! `{after_hours_phone}` and `{fever_threshold}` (the site's fever threshold in °C and °F). No phone number and no
//! fever number is ever written into a guide.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::schedule::FoodInstruction;

/// One guide: a drug in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// The US prescribing information this guide was checked against, as titled on it, e.g.
    /// "XELODA (capecitabine) tablets, US prescribing information". The same in every language.
    pub label: String,
    /// That label's revision, `YYYY-MM` ("Revised: 12/2022" is `2022-12`). Shown to the reader.
    pub label_revised: String,
    /// The day a pharmacist last reviewed this guide against that label. Shown to the reader; a guide reviewed
    /// more than 12 months ago fails the content tests. A TOML date (`reviewed = 2026-12-01`) or, in JSON, a string.
    #[serde(deserialize_with = "date_from_toml_or_text")]
    pub reviewed: NaiveDate,
    /// How a dose is taken with regard to food, as the label says. The regimen form offers it for this drug.
    pub food: FoodInstruction,
    /// When to get help, in the three tiers a patient can act on. The app shows it first and open.
    pub call: CallList,
    pub sections: Sections,
    /// 3–5 "check your understanding" questions (teach-back).
    pub teach_back: Vec<TeachBack>,
}

/// When to get help, sorted by what the patient should do. Each entry is one sign, in plain words with numbers
/// and time windows a patient can check ("4 or more stools a day more than usual"), without the action itself:
/// the app shows the action as the heading ("Call 911", "Call us now", "Tell us within a day").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CallList {
    /// Call 911 or go to the emergency room: chest pain, trouble breathing, fainting, stroke signs, …
    pub call_911: Vec<String>,
    /// Call the pharmacy or care team now, day or night: fever, the label's own stop-and-call signs, …
    pub call_now: Vec<String>,
    /// What to do about the drug meanwhile, shown under "Call us now" (e.g. "Do not take more capecitabine until
    /// your team tells you to.").
    pub call_now_note: String,
    /// Tell the pharmacy within a day: signs that need a word soon but not tonight.
    pub within_a_day: Vec<String>,
}

impl CallList {
    /// `(tier id, entries)` in the order shown.
    pub fn tiers(&self) -> [(&'static str, &[String]); 3] {
        [("call_911", &self.call_911), ("call_now", &self.call_now), ("within_a_day", &self.within_a_day)]
    }
}

/// Every section a guide must have. The order of the fields is the order shown to patients, after the call list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Sections {
    /// One screen to start with: how to take it, a missed dose, when to call now, when to call 911.
    pub start_here: String,
    /// What the drug is, what it is used for and the goal, in general terms.
    pub what_it_is_for: String,
    /// How to take it: food, timing, swallow whole, do not crush, chew or open.
    pub how_to_take: String,
    /// Typical schedule patterns, always with "your pharmacy sets your exact dose and days".
    pub schedule: String,
    /// Missed dose and vomited dose.
    pub missed_or_vomited_dose: String,
    /// Took too much, or took it on a wrong day: call now, and Poison Control 1-800-222-1222.
    pub took_too_much: String,
    /// Common side effects with self-care tips.
    pub common_side_effects: String,
    /// Food, supplement and drug interactions (grapefruit, St John's wort, acid reducers where relevant).
    pub interactions: String,
    /// Alcohol: what is known for this drug, and to ask the team.
    pub alcohol: String,
    /// Storage, and pill boxes.
    pub storage: String,
    /// Safe handling by caregivers (gloves), body fluids and waste.
    pub safe_handling: String,
    /// Disposal of unused medicine.
    pub disposal: String,
    /// Pregnancy, contraception and breastfeeding.
    pub pregnancy_and_breastfeeding: String,
    /// Monitoring: blood tests, visits.
    pub monitoring: String,
    /// A missed visit or lab test: call to reschedule, and whether to keep taking the drug meanwhile.
    pub missed_appointments: String,
    /// Refills and help with costs.
    pub refills_and_costs: String,
    /// Whom to call; uses `{pharmacy_phone}` and `{after_hours_phone}`. Says "day or night" only where the site
    /// does: the app adds that from the site's settings.
    pub who_to_call: String,
    /// Special programmes (e.g. REMS) where they apply, or a plain statement that none applies.
    pub special_programs: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TeachBack {
    pub question: String,
    pub answer: String,
}

/// Section ids in display order (after the call list).
pub const SECTION_IDS: [&str; 18] = [
    "start_here",
    "what_it_is_for",
    "how_to_take",
    "schedule",
    "missed_or_vomited_dose",
    "took_too_much",
    "common_side_effects",
    "interactions",
    "alcohol",
    "storage",
    "safe_handling",
    "disposal",
    "pregnancy_and_breastfeeding",
    "monitoring",
    "missed_appointments",
    "refills_and_costs",
    "who_to_call",
    "special_programs",
];

impl Sections {
    /// `(id, text)` for every section, in display order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let texts: [&str; 18] = [
            &self.start_here,
            &self.what_it_is_for,
            &self.how_to_take,
            &self.schedule,
            &self.missed_or_vomited_dose,
            &self.took_too_much,
            &self.common_side_effects,
            &self.interactions,
            &self.alcohol,
            &self.storage,
            &self.safe_handling,
            &self.disposal,
            &self.pregnancy_and_breastfeeding,
            &self.monitoring,
            &self.missed_appointments,
            &self.refills_and_costs,
            &self.who_to_call,
            &self.special_programs,
        ];
        SECTION_IDS.into_iter().zip(texts)
    }
}

/// Reads a date written as text ("2026-12-01", as JSON carries it) or as a TOML date, which the `toml` crate hands
/// over as a one-entry map holding its text.
fn date_from_toml_or_text<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
    struct DateVisitor;
    impl<'de> serde::de::Visitor<'de> for DateVisitor {
        type Value = NaiveDate;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a date such as 2026-12-01")
        }
        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<NaiveDate, E> {
            NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| E::custom(format!("{text:?} is not a date like 2026-12-01")))
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<NaiveDate, A::Error> {
            let Some((_, text)) = map.next_entry::<String, String>()? else {
                return Err(serde::de::Error::custom("an empty date"));
            };
            self.visit_str(&text)
        }
    }
    deserializer.deserialize_any(DateVisitor)
}

/// `2022-12`: a label revision as year and month.
pub fn is_valid_label_revision(text: &str) -> bool {
    let Some((year, month)) = text.split_once('-') else { return false };
    year.len() == 4
        && month.len() == 2
        && year.parse::<u16>().is_ok_and(|y| (1990..=2100).contains(&y))
        && month.parse::<u8>().is_ok_and(|m| (1..=12).contains(&m))
}

/// A guide older than this many days since its review is out of date.
pub const REVIEW_VALID_DAYS: i64 = 366;

/// Longest drug id accepted (ids are lower-case generic names).
pub const MAX_DRUG_ID: usize = 60;
/// The languages guides are written in.
pub const LANGUAGES: [&str; 2] = ["en", "es"];

/// A drug id is 1–60 characters of `a-z`, `0-9`, `_` and `-` (it is also a file name and a URL segment).
pub fn is_valid_drug_id(id: &str) -> bool {
    (1..=MAX_DRUG_ID).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// The list of guides the server publishes at `/guides/index.json`: enough to list and search them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuideIndex {
    pub guides: Vec<GuideListing>,
}

/// One drug in the index, with its names in every language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuideListing {
    pub drug: String,
    pub names: Vec<GuideNames>,
    /// The drug's own food rule ([`Guide::food`]), which the regimen form offers when this drug is chosen.
    pub food: FoodInstruction,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuideNames {
    pub lang: String,
    pub generic_name: String,
    pub brand_names: Vec<String>,
}

impl GuideNames {
    /// The names a guide written in `lang` gives its drug.
    pub fn of(lang: &str, guide: &Guide) -> Self {
        GuideNames { lang: lang.to_string(), generic_name: guide.generic_name.clone(), brand_names: guide.brand_names.clone() }
    }
}

impl GuideListing {
    /// The names in `lang`, else the first language listed.
    pub fn names_in(&self, lang: &str) -> Option<&GuideNames> {
        self.names.iter().find(|n| n.lang == lang).or_else(|| self.names.first())
    }

    /// Every generic and brand name, in every language.
    fn all_names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().flat_map(|n| std::iter::once(n.generic_name.as_str()).chain(n.brand_names.iter().map(String::as_str)))
    }

    /// Search: does any name (generic or brand, any language) contain `query`, ignoring case and accents?
    /// An empty query matches everything.
    pub fn matches_search(&self, query: &str) -> bool {
        let query = fold(query.trim());
        query.is_empty() || self.all_names().any(|name| fold(name).contains(&query))
    }

    /// The drug's generic name in each language, when `typed` (a regimen line's drug name, as the pharmacist
    /// typed it) is the generic name in one of them, ignoring case and accents: "Capecitabine" reads "Capecitabina"
    /// in Spanish. A brand name ("Xeloda") or anything else typed stays as typed: `None`.
    /// A name typed with a capital ("Capecitabine") keeps it ("Capecitabina").
    pub fn generic_names_for(&self, typed: &str) -> Option<std::collections::BTreeMap<String, String>> {
        let capital = typed.trim().chars().next().is_some_and(char::is_uppercase);
        let typed = fold(typed.trim());
        self.names.iter().any(|n| fold(&n.generic_name) == typed).then(|| {
            self.names
                .iter()
                .map(|n| {
                    let mut name = n.generic_name.clone();
                    if capital {
                        name = name.chars().take(1).flat_map(char::to_uppercase).chain(name.chars().skip(1)).collect();
                    }
                    (n.lang.clone(), name)
                })
                .collect()
        })
    }

    /// Is this one of the patient's medicines? True when a name appears as a whole word (or words) in the
    /// regimen's drug line, e.g. "Capecitabine 500 mg tablets" or "XELODA 150 mg".
    pub fn is_named_in(&self, regimen_drug_name: &str) -> bool {
        let line = fold(regimen_drug_name);
        self.all_names().any(|name| contains_words(&line, &fold(name)))
    }
}

/// Lower-case and without accents, for matching names as people type them ("abiraterona" ≈ "Abiraterona",
/// "capecitabína" ≈ "capecitabina").
pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            other => other,
        })
        .collect()
}

/// `needle` occurs in `haystack` with no letter or digit directly before or after it.
fn contains_words(haystack: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    haystack.match_indices(needle).any(|(start, _)| {
        let before = haystack[..start].chars().next_back();
        let after = haystack[start + needle.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// A placeholder in section text, filled from the pharmacy site's settings when shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placeholder {
    PharmacyPhone,
    AfterHoursPhone,
    /// The site's fever threshold, e.g. "38.0 °C (100.4 °F)".
    FeverThreshold,
}

/// A run of section text: plain words, or a placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Placeholder(Placeholder),
}

/// A block of section text: a paragraph, or a list (consecutive `- ` lines).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(Vec<Inline>),
    List(Vec<Vec<Inline>>),
}

/// Splits section text into paragraphs (separated by blank lines) and lists (lines starting with `- `).
/// Lines of one paragraph are joined with a space.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut items: Vec<Vec<Inline>> = Vec::new();
    let flush_paragraph = |paragraph: &mut Vec<&str>, out: &mut Vec<Block>| {
        if !paragraph.is_empty() {
            out.push(Block::Paragraph(inlines(&paragraph.join(" "))));
            paragraph.clear();
        }
    };
    for line in text.lines().map(str::trim) {
        if let Some(item) = line.strip_prefix("- ") {
            flush_paragraph(&mut paragraph, &mut out);
            items.push(inlines(item.trim()));
        } else {
            if !items.is_empty() {
                out.push(Block::List(std::mem::take(&mut items)));
            }
            if line.is_empty() {
                flush_paragraph(&mut paragraph, &mut out);
            } else {
                paragraph.push(line);
            }
        }
    }
    flush_paragraph(&mut paragraph, &mut out);
    if !items.is_empty() {
        out.push(Block::List(items));
    }
    out
}

/// Splits one paragraph or list item into text and placeholders. Unknown `{…}` stays as text.
pub fn inlines(text: &str) -> Vec<Inline> {
    const PLACEHOLDERS: [(&str, Placeholder); 3] = [
        ("{pharmacy_phone}", Placeholder::PharmacyPhone),
        ("{after_hours_phone}", Placeholder::AfterHoursPhone),
        ("{fever_threshold}", Placeholder::FeverThreshold),
    ];
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let next = PLACEHOLDERS.iter().filter_map(|(token, p)| rest.find(token).map(|at| (at, *token, *p))).min_by_key(|(at, ..)| *at);
        match next {
            Some((at, token, placeholder)) => {
                if at > 0 {
                    out.push(Inline::Text(rest[..at].to_string()));
                }
                out.push(Inline::Placeholder(placeholder));
                rest = &rest[at + token.len()..];
            }
            None => {
                out.push(Inline::Text(rest.to_string()));
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_generic_name_reads_in_each_language_and_a_brand_stays() {
        let listing = GuideListing {
            drug: "capecitabine".into(),
            names: vec![
                GuideNames { lang: "en".into(), generic_name: "capecitabine".into(), brand_names: vec!["Xeloda".into()] },
                GuideNames { lang: "es".into(), generic_name: "capecitabina".into(), brand_names: vec!["Xeloda".into()] },
            ],
            food: FoodInstruction::AfterMeal { within_minutes: 30 },
        };
        let names = listing.generic_names_for(" Capecitabine ").unwrap();
        assert_eq!((names["en"].as_str(), names["es"].as_str()), ("Capecitabine", "Capecitabina"));
        assert_eq!(listing.generic_names_for("capecitabína").unwrap()["en"], "capecitabine", "typed in Spanish, lower case");
        assert_eq!(listing.generic_names_for("Xeloda"), None, "a brand name is the same in every language");
        assert_eq!(listing.generic_names_for("Capecitabine 500 mg"), None, "only the name itself");
    }

    fn listing() -> GuideListing {
        GuideListing {
            drug: "abiraterone".into(),
            names: vec![
                GuideNames { lang: "en".into(), generic_name: "abiraterone".into(), brand_names: vec!["Zytiga".into(), "Yonsa".into()] },
                GuideNames { lang: "es".into(), generic_name: "abiraterona".into(), brand_names: vec!["Zytiga".into()] },
            ],
            food: FoodInstruction::NoFood { before_minutes: 120, after_minutes: 60 },
        }
    }

    #[test]
    fn drug_ids_are_short_lower_case_words() {
        assert!(is_valid_drug_id("capecitabine"));
        assert!(is_valid_drug_id("co-pack_2"));
        for bad in ["", "Capecitabine", "cape citabine", "../etc", "capecitabina\u{301}", &"a".repeat(61)] {
            assert!(!is_valid_drug_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn search_ignores_case_accents_and_language() {
        let l = listing();
        assert!(l.matches_search("ZYTIGA"));
        assert!(l.matches_search("abirat"));
        assert!(l.matches_search("abiraterona"));
        assert!(l.matches_search("  abíraterona "));
        assert!(l.matches_search(""));
        assert!(!l.matches_search("xeloda"));
    }

    #[test]
    fn my_medicines_match_whole_names_in_the_regimen_line() {
        let l = listing();
        assert!(l.is_named_in("Abiraterone 250 mg tablets"));
        assert!(l.is_named_in("ZYTIGA 500mg"));
        assert!(l.is_named_in("Abiraterona acetato"));
        assert!(!l.is_named_in("Capecitabine 500 mg tablets"));
        assert!(!l.is_named_in("Abiraterones"));
    }

    #[test]
    fn label_revisions_are_year_and_month() {
        assert!(is_valid_label_revision("2022-12"));
        for bad in ["12/2022", "2022-13", "2022-1", "22-12", "2022-12-01", ""] {
            assert!(!is_valid_label_revision(bad), "{bad:?}");
        }
    }

    #[test]
    fn the_fever_threshold_is_a_placeholder() {
        assert_eq!(
            inlines("A fever of {fever_threshold} or higher."),
            vec![Inline::Text("A fever of ".into()), Inline::Placeholder(Placeholder::FeverThreshold), Inline::Text(" or higher.".into())]
        );
    }

    #[test]
    fn section_text_becomes_paragraphs_lists_and_phone_placeholders() {
        let text = "Stop and call:\n\n- A fever.\n- Bleeding.\n\nCall {pharmacy_phone}. At night,\ncall {after_hours_phone}.\n";
        assert_eq!(
            blocks(text),
            vec![
                Block::Paragraph(vec![Inline::Text("Stop and call:".into())]),
                Block::List(vec![vec![Inline::Text("A fever.".into())], vec![Inline::Text("Bleeding.".into())]]),
                Block::Paragraph(vec![
                    Inline::Text("Call ".into()),
                    Inline::Placeholder(Placeholder::PharmacyPhone),
                    Inline::Text(". At night, call ".into()),
                    Inline::Placeholder(Placeholder::AfterHoursPhone),
                    Inline::Text(".".into()),
                ]),
            ]
        );
    }

    #[test]
    fn a_list_right_after_a_paragraph_line_is_still_a_list() {
        assert_eq!(
            blocks("Do this:\n- one\nThen this."),
            vec![
                Block::Paragraph(vec![Inline::Text("Do this:".into())]),
                Block::List(vec![vec![Inline::Text("one".into())]]),
                Block::Paragraph(vec![Inline::Text("Then this.".into())]),
            ]
        );
    }
}
