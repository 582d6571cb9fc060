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
pub struct GuideIndex {
    pub guides: Vec<GuideListing>,
}

/// One drug in the index, with its names in every language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideListing {
    pub drug: String,
    pub names: Vec<GuideNames>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    const PLACEHOLDERS: [(&str, Placeholder); 2] =
        [("{pharmacy_phone}", Placeholder::PharmacyPhone), ("{after_hours_phone}", Placeholder::AfterHoursPhone)];
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

    fn listing() -> GuideListing {
        GuideListing {
            drug: "abiraterone".into(),
            names: vec![
                GuideNames { lang: "en".into(), generic_name: "abiraterone".into(), brand_names: vec!["Zytiga".into(), "Yonsa".into()] },
                GuideNames { lang: "es".into(), generic_name: "abiraterona".into(), brand_names: vec!["Zytiga".into()] },
            ],
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
