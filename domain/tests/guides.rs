//! Checks the medication guide content in `content/guides/` (see `content/guides/README.md`).
//!
//! Every test collects all the problems it finds and reports them together, naming the file and the section.
//! `cargo test -p carepath-domain --test guides -- --nocapture` also prints the readability table.
//!
//! Set `CAREPATH_GUIDES_DIR` to check another copy of the guides directory (e.g. a draft outside the repo).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use carepath_domain::guide::{is_valid_label_revision, Guide, REVIEW_VALID_DAYS};
use carepath_domain::readability::{
    fernandez_huerta, flesch_kincaid_grade, strip_placeholders, text_stats, Language, TextStats,
};

/// Drugs every deployment needs a guide for.
const REQUIRED_DRUGS: [&str; 15] = [
    "capecitabine",
    "temozolomide",
    "palbociclib",
    "ribociclib",
    "abemaciclib",
    "abiraterone",
    "enzalutamide",
    "ibrutinib",
    "acalabrutinib",
    "olaparib",
    "imatinib",
    "lenalidomide",
    "pomalidomide",
    "osimertinib",
    "venetoclax",
];
const MIN_DRUGS: usize = 15;
const TEACH_BACK_PAIRS: std::ops::RangeInclusive<usize> = 3..=5;
/// Placeholders the app fills from the pharmacy site's settings; nothing else may appear in braces.
const ALLOWED_PLACEHOLDERS: [&str; 3] = ["pharmacy_phone", "after_hours_phone", "fever_threshold"];
/// The one phone number a guide may spell out: US Poison Control (Poison Help line).
const POISON_CONTROL: &str = "1-800-222-1222";
/// Fever numbers come from the site (`{fever_threshold}`, capped at 38.3 °C); none is written into a guide.
const HARD_CODED_FEVER: [&str; 6] = ["38.0", "38,0", "100.4", "100,4", "38.3", "38,3"];
/// A guide may not promise help around the clock: only the site knows whether it has an after-hours line.
const AROUND_THE_CLOCK: [&str; 9] =
    ["24/7", "24 hours a day", "any time", "anytime", "day or night", "cualquier hora", "de día o de noche", "las 24 horas", "día y noche"];
/// This many digits in a row (allowing spaces, dashes and parentheses between them) look like a phone number.
const PHONE_DIGITS: usize = 7;
/// Highest Flesch–Kincaid grade allowed for English guides.
const MAX_ENGLISH_GRADE: f64 = 8.0;
/// Lowest Fernández-Huerta score allowed for Spanish guides.
const MIN_SPANISH_EASE: f64 = 70.0;
const MIN_SOURCES: usize = 2;

// ---------------------------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Lang {
    En,
    Es,
}

impl Lang {
    const ALL: [Lang; 2] = [Lang::En, Lang::Es];

    fn dir(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    fn readability_language(self) -> Language {
        match self {
            Lang::En => Language::English,
            Lang::Es => Language::Spanish,
        }
    }
}

/// The guides directory: `content/guides` in the repo, or `$CAREPATH_GUIDES_DIR`.
fn guides_dir() -> PathBuf {
    match std::env::var_os("CAREPATH_GUIDES_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/guides"),
    }
}

/// How files are named in messages: `content/guides/en/capecitabine.toml` (or under the override directory).
fn display_root() -> String {
    match std::env::var_os("CAREPATH_GUIDES_DIR") {
        Some(dir) => PathBuf::from(dir).display().to_string(),
        None => "content/guides".to_owned(),
    }
}

fn guide_label(lang: Lang, drug: &str) -> String {
    format!("{}/{}/{drug}.toml", display_root(), lang.dir())
}

fn sources_label(drug: &str) -> String {
    format!("{}/sources/{drug}.md", display_root())
}

/// One guide file: its drug id (the file stem), its label for messages, and the parsed guide or why it did not parse.
struct GuideFile {
    label: String,
    guide: Result<Guide, String>,
}

/// Every guide file found, per language and drug, plus problems met while listing the directories.
struct Corpus {
    guides: BTreeMap<Lang, BTreeMap<String, GuideFile>>,
    listing_problems: Vec<String>,
}

impl Corpus {
    fn drugs(&self, lang: Lang) -> BTreeSet<&str> {
        self.guides[&lang].keys().map(String::as_str).collect()
    }

    /// Every drug with a guide in at least one language.
    fn all_drugs(&self) -> BTreeSet<&str> {
        Lang::ALL
            .iter()
            .flat_map(|&lang| self.drugs(lang))
            .collect()
    }

    /// The guides that parsed, with their labels, for one language.
    fn parsed(&self, lang: Lang) -> impl Iterator<Item = (&str, &str, &Guide)> {
        self.guides[&lang].iter().filter_map(|(drug, file)| {
            file.guide
                .as_ref()
                .ok()
                .map(|g| (drug.as_str(), file.label.as_str(), g))
        })
    }

    /// The parsed guide for one drug and language, if there is one.
    fn guide(&self, lang: Lang, drug: &str) -> Option<&Guide> {
        self.guides[&lang]
            .get(drug)
            .and_then(|f| f.guide.as_ref().ok())
    }
}

/// Lists `*.toml` files in `dir`, by file stem.
fn list_toml_stems(dir: &Path) -> Result<BTreeMap<String, PathBuf>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut stems = BTreeMap::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
            .path();
        if path.extension().is_some_and(|ext| ext == "toml") {
            if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
                stems.insert(stem.to_owned(), path.clone());
            }
        }
    }
    Ok(stems)
}

/// Reads and parses one guide file (the schema denies unknown fields).
fn load_guide(path: &Path) -> Result<Guide, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    toml::from_str::<Guide>(&text).map_err(|e| format!("does not match the Guide schema: {e}"))
}

fn load_corpus() -> Corpus {
    let root = guides_dir();
    let mut guides = BTreeMap::new();
    let mut listing_problems = Vec::new();
    for lang in Lang::ALL {
        let mut files = BTreeMap::new();
        match list_toml_stems(&root.join(lang.dir())) {
            Ok(stems) => {
                for (drug, path) in stems {
                    let file = GuideFile {
                        label: guide_label(lang, &drug),
                        guide: load_guide(&path),
                    };
                    files.insert(drug, file);
                }
            }
            Err(e) => listing_problems.push(e),
        }
        guides.insert(lang, files);
    }
    Corpus {
        guides,
        listing_problems,
    }
}

/// All guide files, loaded once for every test.
fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(load_corpus)
}

/// Every text field of a guide, with its name for messages (`sections.schedule`, `teach_back[2].answer`, …).
fn text_fields(guide: &Guide) -> Vec<(String, &str)> {
    let mut fields = vec![
        ("drug".to_owned(), guide.drug.as_str()),
        ("generic_name".to_owned(), guide.generic_name.as_str()),
        ("pronunciation".to_owned(), guide.pronunciation.as_str()),
    ];
    for (i, brand) in guide.brand_names.iter().enumerate() {
        fields.push((format!("brand_names[{i}]"), brand.as_str()));
    }
    fields.push(("label".to_owned(), guide.label.as_str()));
    for (tier, entries) in guide.call.tiers() {
        for (i, entry) in entries.iter().enumerate() {
            fields.push((format!("call.{tier}[{i}]"), entry.as_str()));
        }
    }
    fields.push(("call.call_now_note".to_owned(), guide.call.call_now_note.as_str()));
    for (id, text) in guide.sections.iter() {
        fields.push((format!("sections.{id}"), text));
    }
    for (i, pair) in guide.teach_back.iter().enumerate() {
        fields.push((format!("teach_back[{i}].question"), pair.question.as_str()));
        fields.push((format!("teach_back[{i}].answer"), pair.answer.as_str()));
    }
    fields
}

/// The reading matter of a guide: every section and every teach-back question and answer, placeholders removed.
fn readable_text(guide: &Guide) -> String {
    let mut text = String::new();
    for (_, entries) in guide.call.tiers() {
        for entry in entries {
            text.push_str(entry.trim());
            text.push('\n');
        }
    }
    text.push_str(guide.call.call_now_note.trim());
    text.push_str("\n\n");
    for (_, section) in guide.sections.iter() {
        text.push_str(section.trim());
        text.push_str("\n\n");
    }
    for pair in &guide.teach_back {
        text.push_str(pair.question.trim());
        text.push('\n');
        text.push_str(pair.answer.trim());
        text.push('\n');
    }
    strip_placeholders(&text)
}

// ---------------------------------------------------------------------------------------------------------------
// Problem reporting
// ---------------------------------------------------------------------------------------------------------------

/// Problems found by one test; reported all at once.
#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    fn add(&mut self, problem: impl Into<String>) {
        self.0.push(problem.into());
    }

    /// Panics listing every problem, after `context` (extra text such as a table), if there are any.
    fn assert_none(self, what: &str, context: &str) {
        if !self.0.is_empty() {
            panic!(
                "{} problem(s) with {what} in {}:\n  - {}\n{context}",
                self.0.len(),
                display_root(),
                self.0.join("\n  - ")
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Text checks
// ---------------------------------------------------------------------------------------------------------------

/// Brace problems in `text`: unknown placeholders and unmatched braces.
fn placeholder_problems(text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(['{', '}']) {
        if rest[at..].starts_with('}') {
            problems.push("stray \"}\"".to_owned());
            rest = &rest[at + 1..];
            continue;
        }
        let after = &rest[at + 1..];
        match after.find(['{', '}']) {
            Some(end) if after[end..].starts_with('}') => {
                let name = &after[..end];
                if !ALLOWED_PLACEHOLDERS.contains(&name) {
                    problems.push(format!(
                        "unknown placeholder {{{name}}} (only {{{}}} are allowed)",
                        ALLOWED_PLACEHOLDERS.join("}, {")
                    ));
                }
                rest = &after[end + 1..];
            }
            _ => {
                problems.push("unmatched \"{\"".to_owned());
                rest = after;
            }
        }
    }
    problems
}

/// Runs of 7 or more digits, allowing spaces, dashes and parentheses between them, that look like phone numbers.
fn phone_like_numbers(text: &str) -> Vec<String> {
    let is_joiner = |c: char| matches!(c, ' ' | '\u{a0}' | '-' | '‐' | '‑' | '–' | '(' | ')' | '+');
    let mut found = Vec::new();
    let mut run = String::new();
    let mut digits = 0;
    for c in text.chars().chain(std::iter::once('\n')) {
        if c.is_ascii_digit() {
            run.push(c);
            digits += 1;
        } else if is_joiner(c) {
            run.push(c);
        } else {
            if digits >= PHONE_DIGITS {
                let number = run.trim_end_matches(|c: char| !c.is_ascii_digit());
                found.push(
                    number
                        .trim_start_matches(|c: char| !(c.is_ascii_digit() || c == '(' || c == '+'))
                        .to_owned(),
                );
            }
            run.clear();
            digits = 0;
        }
    }
    found
}

fn is_blank(text: &str) -> bool {
    text.trim().is_empty()
}

// ---------------------------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn every_language_has_the_same_complete_set_of_drugs() {
    let corpus = corpus();
    let mut problems = Problems::default();
    for problem in &corpus.listing_problems {
        problems.add(problem.clone());
    }

    let en = corpus.drugs(Lang::En);
    let es = corpus.drugs(Lang::Es);
    for drug in en.difference(&es) {
        problems.add(format!(
            "{} has no Spanish guide {}",
            guide_label(Lang::En, drug),
            guide_label(Lang::Es, drug)
        ));
    }
    for drug in es.difference(&en) {
        problems.add(format!(
            "{} has no English guide {}",
            guide_label(Lang::Es, drug),
            guide_label(Lang::En, drug)
        ));
    }
    for lang in Lang::ALL {
        let drugs = corpus.drugs(lang);
        if drugs.len() < MIN_DRUGS {
            problems.add(format!(
                "{}/{}/ has {} guides; at least {MIN_DRUGS} are needed",
                display_root(),
                lang.dir(),
                drugs.len()
            ));
        }
        for drug in REQUIRED_DRUGS {
            if !drugs.contains(drug) {
                problems.add(format!(
                    "required guide {} is missing",
                    guide_label(lang, drug)
                ));
            }
        }
    }
    problems.assert_none("the set of guides", "");
}

#[test]
fn every_guide_parses_and_is_named_after_its_drug() {
    let corpus = corpus();
    let mut problems = Problems::default();
    for lang in Lang::ALL {
        for (drug, file) in &corpus.guides[&lang] {
            match &file.guide {
                Err(e) => problems.add(format!("{}: {e}", file.label)),
                Ok(guide) if guide.drug != *drug => problems.add(format!(
                    "{}: drug = {:?}, but the file is named {drug:?}; they must match",
                    file.label, guide.drug
                )),
                Ok(_) => {}
            }
        }
    }
    problems.assert_none("parsing guides", "");
}

#[test]
fn no_section_is_empty_and_teach_back_is_complete() {
    let corpus = corpus();
    let mut problems = Problems::default();
    for lang in Lang::ALL {
        for (_, label, guide) in corpus.parsed(lang) {
            if is_blank(&guide.generic_name) {
                problems.add(format!("{label}: generic_name is empty"));
            }
            if is_blank(&guide.pronunciation) {
                problems.add(format!("{label}: pronunciation is empty"));
            }
            for (id, text) in guide.sections.iter() {
                if is_blank(text) {
                    problems.add(format!("{label}: sections.{id} is empty"));
                }
            }
            let pairs = guide.teach_back.len();
            if !TEACH_BACK_PAIRS.contains(&pairs) {
                problems.add(format!(
                    "{label}: teach_back has {pairs} question(s); it needs {} to {}",
                    TEACH_BACK_PAIRS.start(),
                    TEACH_BACK_PAIRS.end()
                ));
            }
            for (i, pair) in guide.teach_back.iter().enumerate() {
                if is_blank(&pair.question) {
                    problems.add(format!("{label}: teach_back[{i}].question is empty"));
                }
                if is_blank(&pair.answer) {
                    problems.add(format!("{label}: teach_back[{i}].answer is empty"));
                }
            }
        }
    }
    problems.assert_none("empty or incomplete guides", "");
}

#[test]
fn spanish_guides_are_translated() {
    let corpus = corpus();
    let mut problems = Problems::default();
    for (drug, label, es) in corpus.parsed(Lang::Es) {
        let Some(en) = corpus.guide(Lang::En, drug) else {
            continue;
        };
        for ((id, en_text), (_, es_text)) in en.sections.iter().zip(es.sections.iter()) {
            if !is_blank(es_text) && en_text.trim() == es_text.trim() {
                problems.add(format!(
                    "{label}: sections.{id} is the same as in English (not translated)"
                ));
            }
        }
        let english_questions: BTreeSet<&str> =
            en.teach_back.iter().map(|p| p.question.trim()).collect();
        for (i, pair) in es.teach_back.iter().enumerate() {
            if !is_blank(&pair.question) && english_questions.contains(pair.question.trim()) {
                problems.add(format!(
                    "{label}: teach_back[{i}].question is the same as an English question (not translated)"
                ));
            }
        }
    }
    problems.assert_none("untranslated Spanish text", "");
}

#[test]
fn only_known_placeholders_and_no_phone_numbers() {
    let corpus = corpus();
    let mut problems = Problems::default();
    for lang in Lang::ALL {
        for (_, label, guide) in corpus.parsed(lang) {
            for (field, text) in text_fields(guide) {
                for problem in placeholder_problems(text) {
                    problems.add(format!("{label}: {field}: {problem}"));
                }
                for number in phone_like_numbers(text).into_iter().filter(|n| n != POISON_CONTROL) {
                    problems.add(format!(
                        "{label}: {field}: {number:?} looks like a phone number; use {{pharmacy_phone}} or {{after_hours_phone}}"
                    ));
                }
            }
            for placeholder in ["pharmacy_phone", "after_hours_phone"] {
                let placeholder = format!("{{{placeholder}}}");
                if !guide.sections.who_to_call.contains(&placeholder) {
                    problems.add(format!(
                        "{label}: sections.who_to_call must contain {placeholder}"
                    ));
                }
            }
        }
    }
    problems.assert_none("placeholders and phone numbers", "");
}

#[test]
fn the_call_list_has_three_tiers_and_the_site_fever_threshold() {
    let corpus = corpus();
    let mut problems = Problems::default();
    for lang in Lang::ALL {
        for (_, label, guide) in corpus.parsed(lang) {
            for (tier, entries) in guide.call.tiers() {
                if entries.is_empty() {
                    problems.add(format!("{label}: call.{tier} is empty"));
                }
                for (i, entry) in entries.iter().enumerate() {
                    if is_blank(entry) || entry.contains('\n') {
                        problems.add(format!("{label}: call.{tier}[{i}] must be one sign on one line"));
                    }
                }
            }
            if is_blank(&guide.call.call_now_note) {
                problems.add(format!("{label}: call.call_now_note is empty"));
            }
            if !guide.call.call_now.iter().any(|sign| sign.contains("{fever_threshold}")) {
                problems.add(format!("{label}: call.call_now must name a fever of {{fever_threshold}} or higher"));
            }
            for (field, text) in text_fields(guide) {
                for number in HARD_CODED_FEVER {
                    if text.contains(number) {
                        problems.add(format!("{label}: {field}: {number:?} is a fever number; write {{fever_threshold}} (the site's)"));
                    }
                }
                let lower = text.to_lowercase();
                for claim in AROUND_THE_CLOCK {
                    if lower.contains(claim) {
                        problems.add(format!("{label}: {field}: {claim:?} promises help around the clock; only the site's settings may say that"));
                    }
                }
            }
        }
    }
    problems.assert_none("call lists", "");
}

/// Words a tier's signs may not be about, because they are the drug's expected, non-urgent effects: an emergency
/// list that names them teaches patients to ignore it.
fn expected_effects_in_urgent_tiers(lang: Lang, guide: &Guide) -> Vec<String> {
    let (nausea, tired, sore_throat, puffy): (&[&str], &[&str], &[&str], &[&str]) = match lang {
        Lang::En => (&["nausea", "feel sick to your stomach"], &["tired", "fatigue"], &["sore throat"], &["puffy", "swelling around the eyes"]),
        Lang::Es => (&["náusea"], &["cansancio", "cansad", "fatiga"], &["dolor de garganta"], &["hinchazón alrededor de los ojos", "párpados hinchados"]),
    };
    let forbidden: &[&[&str]] = match guide.drug.as_str() {
        "venetoclax" => &[nausea],
        "olaparib" | "niraparib" => &[tired],
        "acalabrutinib" => &[sore_throat],
        "imatinib" => &[puffy],
        _ => &[],
    };
    let mut found = Vec::new();
    for entry in guide.call.call_911.iter().chain(&guide.call.call_now) {
        let lower = entry.to_lowercase();
        for word in forbidden.iter().flat_map(|w| w.iter()) {
            // "tired with a fever" style combinations are allowed: the sign is the fever.
            if lower.contains(word) && !lower.contains("{fever_threshold}") {
                found.push(format!("{entry:?} names {word:?}, an expected effect of {}", guide.drug));
            }
        }
    }
    found
}

#[test]
fn urgent_tiers_do_not_list_expected_effects() {
    let corpus = corpus();
    let mut problems = Problems::default();
    for lang in Lang::ALL {
        for (_, label, guide) in corpus.parsed(lang) {
            for problem in expected_effects_in_urgent_tiers(lang, guide) {
                problems.add(format!("{label}: {problem}"));
            }
        }
    }
    problems.assert_none("urgent tiers", "");
}

#[test]
fn every_guide_names_its_label_revision_and_a_recent_review() {
    let corpus = corpus();
    let mut problems = Problems::default();
    let today = chrono::Utc::now().date_naive();
    for lang in Lang::ALL {
        for (drug, label, guide) in corpus.parsed(lang) {
            if is_blank(&guide.label) {
                problems.add(format!("{label}: label is empty"));
            }
            if !is_valid_label_revision(&guide.label_revised) {
                problems.add(format!("{label}: label_revised {:?} must be YYYY-MM", guide.label_revised));
            }
            let age = (today - guide.reviewed).num_days();
            if age > REVIEW_VALID_DAYS {
                problems.add(format!("{label}: reviewed {} is {age} days ago; review it against the current label", guide.reviewed));
            }
            if guide.reviewed > today {
                problems.add(format!("{label}: reviewed {} is in the future", guide.reviewed));
            }
            if !guide.food.is_valid() {
                problems.add(format!("{label}: food rule has impossible minutes"));
            }
            if let (Lang::Es, Some(en)) = (lang, corpus.guide(Lang::En, drug)) {
                for (field, same) in [
                    ("label", en.label == guide.label),
                    ("label_revised", en.label_revised == guide.label_revised),
                    ("reviewed", en.reviewed == guide.reviewed),
                    ("food", en.food == guide.food),
                ] {
                    if !same {
                        problems.add(format!("{label}: {field} differs from the English guide"));
                    }
                }
                for (tier, entries) in guide.call.tiers() {
                    let en_entries = en.call.tiers().into_iter().find(|(t, _)| *t == tier).map(|(_, e)| e.len());
                    if en_entries != Some(entries.len()) {
                        problems.add(format!("{label}: call.{tier} has {} signs, the English guide {en_entries:?}", entries.len()));
                    }
                }
                if en.teach_back.len() != guide.teach_back.len() {
                    problems.add(format!("{label}: {} teach-back questions, the English guide {}", guide.teach_back.len(), en.teach_back.len()));
                }
            }
        }
        let sources_dir = guides_dir().join("sources");
        for (drug, _, guide) in corpus.parsed(lang) {
            let sources = std::fs::read_to_string(sources_dir.join(format!("{drug}.md"))).unwrap_or_default();
            let (year, month) = guide.label_revised.split_once('-').unwrap_or_default();
            if !sources.contains(&format!("{month}/{year}")) {
                problems.add(format!(
                    "{}: must list the label revision the guide was checked against ({month}/{year})",
                    sources_label(drug)
                ));
            }
        }
    }
    problems.assert_none("label revisions and reviews", "");
}

/// What every guide must say somewhere in a section, in each language (any one of the words, lower-case).
fn required_mentions(lang: Lang) -> Vec<(&'static str, &'static [&'static str])> {
    match lang {
        Lang::En => vec![
            ("took_too_much", &["poison control"]),
            ("took_too_much", &[POISON_CONTROL]),
            ("storage", &["pill box", "pillbox", "pill organizer"]),
            ("refills_and_costs", &["refill"]),
            ("alcohol", &["alcohol"]),
            ("missed_appointments", &["visit", "appointment"]),
            ("start_here", &["911"]),
        ],
        Lang::Es => vec![
            ("took_too_much", &["toxicología", "envenenamiento"]),
            ("took_too_much", &[POISON_CONTROL]),
            ("storage", &["pastillero"]),
            ("refills_and_costs", &["resurtido", "surtir", "renovar"]),
            ("alcohol", &["alcohol"]),
            ("missed_appointments", &["cita", "consulta"]),
            ("start_here", &["911"]),
        ],
    }
}

#[test]
fn every_guide_has_the_sections_a_patient_needs() {
    let corpus = corpus();
    let mut problems = Problems::default();
    for lang in Lang::ALL {
        for (_, label, guide) in corpus.parsed(lang) {
            let sections: BTreeMap<&str, String> = guide.sections.iter().map(|(id, t)| (id, t.to_lowercase())).collect();
            for (id, words) in required_mentions(lang) {
                if !words.iter().any(|w| sections[id].contains(&w.to_lowercase())) {
                    problems.add(format!("{label}: sections.{id} must mention {}", words.join(" or ")));
                }
            }
        }
    }
    problems.assert_none("required sections", "");
}

/// Facts the clinical review asked for, per drug: (drug, language, section or "call", any of these words).
const DRUG_FACTS: &[(&str, Lang, &str, &[&str])] = &[
    ("capecitabine", Lang::En, "monitoring", &["dpyd"]),
    ("capecitabine", Lang::Es, "monitoring", &["dpyd"]),
    ("temozolomide", Lang::En, "schedule", &["never take more days than your calendar shows"]),
    ("temozolomide", Lang::Es, "schedule", &["nunca tome más días de los que muestra su calendario"]),
    ("lenalidomide", Lang::En, "pregnancy_and_breastfeeding", &["emergency contraception"]),
    ("lenalidomide", Lang::Es, "pregnancy_and_breastfeeding", &["anticoncepción de emergencia", "anticonceptivo de emergencia"]),
    ("pomalidomide", Lang::En, "pregnancy_and_breastfeeding", &["emergency contraception"]),
    ("pomalidomide", Lang::Es, "pregnancy_and_breastfeeding", &["anticoncepción de emergencia", "anticonceptivo de emergencia"]),
    ("lenalidomide", Lang::En, "pregnancy_and_breastfeeding", &["highly effective"]),
    ("pomalidomide", Lang::En, "pregnancy_and_breastfeeding", &["highly effective"]),
    ("olaparib", Lang::En, "common_side_effects", &["mds", "myelodysplastic"]),
    ("niraparib", Lang::En, "common_side_effects", &["mds", "myelodysplastic"]),
    ("olaparib", Lang::Es, "common_side_effects", &["smd", "mielodisplásico"]),
    ("niraparib", Lang::Es, "common_side_effects", &["smd", "mielodisplásico"]),
];

/// Spanish wording the review corrected: none of these may appear in any Spanish guide.
const SPANISH_REFUSED: [(&str, &str); 5] = [
    ("sin tratar", "sin querer"),
    ("defensas", "conteo de células de la sangre / glóbulos blancos bajos"),
    ("latidos raros", "latidos irregulares"),
    ("trabajo dental", "procedimiento dental"),
    ("sala de urgencias", "sala de emergencias (one term for the emergency room)"),
];

#[test]
fn the_reviewed_facts_and_wording_are_there() {
    let corpus = corpus();
    let mut problems = Problems::default();
    for (drug, lang, section, words) in DRUG_FACTS {
        let Some(guide) = corpus.guide(*lang, drug) else { continue };
        let text = guide.sections.iter().find(|(id, _)| id == section).map(|(_, t)| t.to_lowercase()).unwrap_or_default();
        if !words.iter().any(|w| text.contains(w)) {
            problems.add(format!("{}: sections.{section} must say {}", guide_label(*lang, drug), words.join(" or ")));
        }
    }
    for (_, label, guide) in corpus.parsed(Lang::Es) {
        for (field, text) in text_fields(guide) {
            let lower = text.to_lowercase();
            for (refused, instead) in SPANISH_REFUSED {
                if lower.contains(refused) {
                    problems.add(format!("{label}: {field}: {refused:?}; write {instead}"));
                }
            }
        }
    }
    problems.assert_none("reviewed facts", "");
}

#[test]
fn schedule_defers_to_the_care_team() {
    let corpus = corpus();
    let mut problems = Problems::default();
    for lang in Lang::ALL {
        let wanted: &[&str] = match lang {
            Lang::En => &["pharmacy", "care team"],
            Lang::Es => &["farmacia", "equipo"],
        };
        for (_, label, guide) in corpus.parsed(lang) {
            let schedule = guide.sections.schedule.to_lowercase();
            if !wanted.iter().any(|w| schedule.contains(w)) {
                problems.add(format!(
                    "{label}: sections.schedule must say the pharmacy or care team sets the dose and days (mention {})",
                    wanted.iter().map(|w| format!("{w:?}")).collect::<Vec<_>>().join(" or ")
                ));
            }
        }
    }
    problems.assert_none("schedules", "");
}

#[test]
fn every_drug_lists_its_sources() {
    let corpus = corpus();
    let mut problems = Problems::default();
    let sources_dir = guides_dir().join("sources");
    for drug in corpus.all_drugs() {
        let label = sources_label(drug);
        match std::fs::read_to_string(sources_dir.join(format!("{drug}.md"))) {
            Err(e) => problems.add(format!("{label}: cannot read: {e}")),
            Ok(text) => {
                let sources = text
                    .lines()
                    .filter(|l| l.starts_with("- ") && !is_blank(&l[2..]))
                    .count();
                if sources < MIN_SOURCES {
                    problems.add(format!(
                        "{label}: lists {sources} source(s) (lines starting with \"- \"); at least {MIN_SOURCES} are needed"
                    ));
                }
            }
        }
    }
    problems.assert_none("sources", "");
}

#[test]
fn guides_are_easy_to_read() {
    let corpus = corpus();
    let mut problems = Problems::default();
    let stats = |lang: Lang, drug: &str| -> Option<TextStats> {
        corpus
            .guide(lang, drug)
            .map(|g| text_stats(&readable_text(g), lang.readability_language()))
    };

    let mut table = String::new();
    let header = [
        "drug",
        "EN words",
        "EN FK grade",
        "ES words",
        "ES Fernández-Huerta",
    ];
    writeln!(
        table,
        "{:<16} | {:>8} | {:>11} | {:>8} | {:>19}",
        header[0], header[1], header[2], header[3], header[4]
    )
    .unwrap();
    writeln!(
        table,
        "{:-<16}-|-{:->8}-|-{:->11}-|-{:->8}-|-{:->19}",
        "", "", "", "", ""
    )
    .unwrap();
    for drug in corpus.all_drugs() {
        let (en_words, en_grade) = match stats(Lang::En, drug) {
            Some(s) => {
                let grade = flesch_kincaid_grade(&s);
                if grade > MAX_ENGLISH_GRADE {
                    problems.add(format!(
                        "{}: Flesch–Kincaid grade {grade:.1} is above {MAX_ENGLISH_GRADE:.1}",
                        guide_label(Lang::En, drug)
                    ));
                }
                (s.words.to_string(), format!("{grade:.1}"))
            }
            None => ("—".to_owned(), "—".to_owned()),
        };
        let (es_words, es_ease) = match stats(Lang::Es, drug) {
            Some(s) => {
                let ease = fernandez_huerta(&s);
                if ease < MIN_SPANISH_EASE {
                    problems.add(format!(
                        "{}: Fernández-Huerta score {ease:.1} is below {MIN_SPANISH_EASE:.1}",
                        guide_label(Lang::Es, drug)
                    ));
                }
                (s.words.to_string(), format!("{ease:.1}"))
            }
            None => ("—".to_owned(), "—".to_owned()),
        };
        writeln!(
            table,
            "{drug:<16} | {en_words:>8} | {en_grade:>11} | {es_words:>8} | {es_ease:>19}"
        )
        .unwrap();
    }
    writeln!(
        table,
        "(sections and teach-back, placeholders removed; English grade ≤ {MAX_ENGLISH_GRADE:.1}, Spanish score ≥ {MIN_SPANISH_EASE:.1}; \
         — = missing or unparseable)"
    )
    .unwrap();

    println!("\nReadability of {}:\n{table}", display_root());
    problems.assert_none("readability", &format!("\n{table}"));
}

// ---------------------------------------------------------------------------------------------------------------
// Checks of the checks
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn phone_number_detection() {
    assert_eq!(
        phone_like_numbers("Call (555) 123-4567 now"),
        vec!["(555) 123-4567"]
    );
    assert_eq!(
        phone_like_numbers("Call 1-800-555-0199."),
        vec!["1-800-555-0199"]
    );
    assert_eq!(phone_like_numbers("Call 555 1234"), vec!["555 1234"]);
    assert_eq!(
        phone_like_numbers("Llame al +1 (555) 123 45 67."),
        vec!["+1 (555) 123 45 67"]
    );
    assert!(phone_like_numbers("A fever of 38.0 °C (100.4 °F) or higher").is_empty());
    assert!(phone_like_numbers(
        "Call 911. Take it for 14 days, then stop for 7 days (a 21-day cycle)."
    )
    .is_empty());
    assert!(phone_like_numbers("days 1-21 (28-day cycle)").is_empty());
}

#[test]
fn placeholder_detection() {
    assert!(placeholder_problems("Call {pharmacy_phone} or {after_hours_phone}.").is_empty());
    assert_eq!(placeholder_problems("Call {phone}.").len(), 1);
    assert_eq!(placeholder_problems("Call {pharmacy_phone.").len(), 1);
    assert_eq!(placeholder_problems("Call pharmacy_phone}.").len(), 1);
    assert_eq!(placeholder_problems("{{pharmacy_phone}}").len(), 2);
}
