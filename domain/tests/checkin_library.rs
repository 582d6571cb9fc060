//! Checks the symptom item library in `content/checkin/library.toml` and the self-care advice in
//! `content/checkin/self_care.toml` (see `content/checkin/README.md`), and that the format takes another content pack
//! (such as NCI's official items) without a code change.
//!
//! Set `CAREPATH_CHECKIN_LIBRARY` to check another library file; its `self_care.toml` is the file next to it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use carepath_domain::checkin::{CheckInAnswers, ItemAnswer, ItemLibrary, FEVERISH, LANGUAGES};
use carepath_domain::grading::{Attribute, Grade, Responses};
use carepath_domain::readability::{fernandez_huerta, flesch_kincaid_grade, text_stats, Language};
use carepath_domain::rules::SelfCare;
use carepath_domain::triage::Action;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn library_path() -> PathBuf {
    std::env::var_os("CAREPATH_CHECKIN_LIBRARY")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("content/checkin/library.toml"))
}

fn read_toml<T: serde::de::DeserializeOwned>(path: &Path) -> T {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn load() -> ItemLibrary {
    read_toml(&library_path())
}

/// The self-care file next to the library file.
fn load_self_care() -> SelfCare {
    read_toml(&Path::new(&library_path()).with_file_name("self_care.toml"))
}

/// Items asked in some form: every `[regimens]` list, `default_items` and `always_items`.
fn asked_items(library: &ItemLibrary) -> BTreeSet<String> {
    let lists = library.regimens.values().chain([&library.default_items, &library.always_items]);
    lists.flatten().cloned().collect()
}

/// The same bars as for the item questions: English Flesch–Kincaid grade 8 or lower, Spanish Fernández-Huerta 60
/// or higher, and the Spanish is not the English.
fn check_wording(what: &str, en: &str, es: &str, problems: &mut Vec<String>) {
    if en.trim() == es.trim() {
        problems.push(format!("{what}: not translated"));
    }
    let fk = flesch_kincaid_grade(&text_stats(en, Language::English));
    if fk > 8.0 {
        problems.push(format!("{what}: English reads at grade {fk:.1} (> 8): {en:?}"));
    }
    let fh = fernandez_huerta(&text_stats(es, Language::Spanish));
    if fh < 60.0 {
        problems.push(format!("{what}: Spanish scores {fh:.1} (< 60): {es:?}"));
    }
}

#[test]
fn shipped_library_meets_every_rule() {
    let library = load();
    library.validate().unwrap();
    assert_eq!(library.recall_days, 7, "PRO-CTCAE asks about the last 7 days");
}

#[test]
fn every_drug_with_a_guide_has_tailored_items() {
    let library = load();
    let guides: BTreeSet<String> = std::fs::read_dir(repo().join("content/guides/en"))
        .unwrap()
        .map(|e| e.unwrap().path().file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let missing: Vec<_> = guides.iter().filter(|drug| !library.regimens.contains_key(*drug)).collect();
    assert!(missing.is_empty(), "drugs with a guide but no check-in items: {missing:?}");
    for (drug, items) in &library.regimens {
        assert!((3..=10).contains(&items.len()), "{drug}: {} items; a check-in must stay under 2 minutes", items.len());
    }
}

#[test]
fn the_issue_examples_are_tailored_as_asked() {
    let library = load();
    let has = |drug: &str, ids: &[&str]| {
        let list = &library.regimens[drug];
        for id in ids {
            assert!(list.iter().any(|i| i == id), "{drug} should ask about {id}: {list:?}");
        }
    };
    has("capecitabine", &["diarrhea", "hand_foot_skin", "mouth_sores", "nausea"]);
    has("ibrutinib", &["bruising", "palpitations", "joint_pain"]);
    has("palbociclib", &["chills", "fatigue"]);
}

/// Red flags read the grades of `diarrhea` and `vomiting`: those ids must exist and be graded by frequency.
#[test]
fn red_flag_terms_exist() {
    let library = load();
    for id in ["diarrhea", "vomiting"] {
        let item = library.item(id).unwrap_or_else(|| panic!("no item {id}"));
        assert!(item.attributes.includes(Attribute::Frequency), "{id}");
    }
}

#[test]
fn wording_is_plain_and_translated() {
    let library = load();
    let mut problems = Vec::new();
    for item in &library.items {
        let (en, es) = (&item.text["en"], &item.text["es"]);
        for attribute in item.attributes.attributes() {
            let (q_en, q_es) = (en.question(*attribute).unwrap(), es.question(*attribute).unwrap());
            check_wording(&format!("item {} {attribute} question", item.id), q_en, q_es, &mut problems);
        }
    }
    for question in &library.yes_no {
        let (en, es) = (question.text_in("en"), question.text_in("es"));
        check_wording(&format!("yes/no {} question", question.id), &en.question, &es.question, &mut problems);
        check_wording(&format!("yes/no {} name", question.id), &en.name, &es.name, &mut problems);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    for lang in LANGUAGES {
        assert!(library.scales.contains_key(lang));
    }
}

#[test]
fn form_follows_the_regimen_and_falls_back_to_the_default() {
    let library = load();
    let form = library.form_for(&["capecitabine"], 7);
    let ids: Vec<&str> = form.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(&ids[..library.regimens["capecitabine"].len()], library.regimens["capecitabine"].iter().map(String::as_str).collect::<Vec<_>>());
    for always in &library.always_items {
        assert!(ids.contains(&always.as_str()));
    }
    let unknown = library.form_for(&["not_a_drug"], 7);
    assert_eq!(unknown.items[0].id, library.default_items[0]);
    let both = library.form_for(&["capecitabine", "ibrutinib"], 7);
    let unique: BTreeSet<_> = both.items.iter().map(|i| &i.id).collect();
    assert_eq!(unique.len(), both.items.len(), "no item asked twice");
}

/// A content pack with other wording, other items and a third language loads and grades with no code change.
#[test]
fn another_content_pack_loads_without_code_changes() {
    let pack = r#"
        name = "Licensed pack (test)"
        recall_days = 7
        default_items = ["decreased_appetite"]
        [scales.en]
        frequency = ["Never", "Rarely", "Occasionally", "Frequently", "Almost constantly"]
        severity = ["None", "Mild", "Moderate", "Severe", "Very severe"]
        interference = ["Not at all", "A little bit", "Somewhat", "Quite a bit", "Very much"]
        amount = ["Not at all", "A little bit", "Somewhat", "Quite a bit", "Very much"]
        [scales.es]
        frequency = ["N", "R", "O", "F", "C"]
        severity = ["N", "L", "M", "G", "MG"]
        interference = ["N", "P", "A", "B", "M"]
        amount = ["N", "P", "A", "B", "M"]
        [regimens]
        [[items]]
        id = "decreased_appetite"
        pro_ctcae_term = "Decreased appetite"
        attributes = "severity_interference"
        [items.text.en]
        name = "Appetite"
        severity = "Official wording, severity"
        interference = "Official wording, interference"
        [items.text.es]
        name = "Apetito"
        severity = "Texto oficial, intensidad"
        interference = "Texto oficial, interferencia"
        [items.text.fr]
        name = "Appétit"
        severity = "Texte officiel"
        interference = "Texte officiel"
        [[yes_no]]
        id = "feverish_or_chills"
        action = "call_now"
        [yes_no.text.en]
        question = "Official wording, fever"
        name = "Fever"
        [yes_no.text.es]
        question = "Texto oficial, fiebre"
        name = "Fiebre"
    "#;
    let library: ItemLibrary = toml::from_str(pack).unwrap();
    library.validate().unwrap();
    let form = library.form_for(&["capecitabine"], 14);
    assert_eq!(form.items.len(), 1);
    assert_eq!(form.items[0].text_in("fr").name, "Appétit");
    let mut answers = CheckInAnswers::default();
    answers.answers.insert(
        "decreased_appetite".into(),
        ItemAnswer { attributes: form.items[0].attributes, responses: Responses::new(None, Some(3), Some(3)) },
    );
    assert_eq!(answers.report().unwrap().grade_of("decreased_appetite"), Some(Grade::Severe));
}

#[test]
fn broken_packs_are_refused_with_a_reason() {
    let good: ItemLibrary = load();
    let mut broken = good.clone();
    broken.items[0].text.remove("es");
    assert!(broken.validate().unwrap_err().to_string().contains("no es text"));
    let mut broken = good.clone();
    let first = broken.items[0].clone();
    broken.items.push(first);
    assert!(broken.validate().unwrap_err().to_string().contains("twice"));
    let mut broken = good.clone();
    broken.default_items.push("no_such_item".into());
    assert!(broken.validate().unwrap_err().to_string().contains("not an item"));
    let mut broken = good;
    let item = &mut broken.items[0];
    let asked = item.attributes.attributes()[0];
    let text = item.text.get_mut("en").unwrap();
    match asked {
        Attribute::Frequency => text.frequency = None,
        Attribute::Severity => text.severity = None,
        Attribute::Interference => text.interference = None,
        Attribute::Amount => text.amount = None,
    }
    assert!(broken.validate().unwrap_err().to_string().contains("question"));
}

#[test]
fn broken_yes_no_questions_and_advice_are_refused() {
    let good = load();
    let mut broken = good.clone();
    broken.yes_no[0].id = broken.items[0].id.clone();
    assert!(broken.validate().unwrap_err().to_string().contains("unique"), "a question id equal to an item id");
    let mut broken = good.clone();
    broken.yes_no.retain(|q| q.id != FEVERISH);
    assert!(broken.validate().unwrap_err().to_string().contains(FEVERISH));
    let mut broken = good.clone();
    let q = broken.yes_no.iter_mut().find(|q| !q.drugs.is_empty()).unwrap();
    q.source = None;
    assert!(broken.validate().unwrap_err().to_string().contains("source"));

    let self_care = load_self_care();
    let mut broken = self_care.clone();
    broken.advice[0].item = "no_such_item".into();
    assert!(broken.validate(&good).unwrap_err().to_string().contains("not an item"));
    let mut broken = self_care.clone();
    let first = broken.advice[0].clone();
    broken.advice.push(first);
    assert!(broken.validate(&good).unwrap_err().to_string().contains("one entry each"));
    let mut broken = self_care;
    broken.advice[0].text.remove("es");
    assert!(broken.validate(&good).unwrap_err().to_string().contains("no es text"));
}

/// A full check-in must stay under 2 minutes: at most 16 questions after the safety page (about 5 seconds each):
/// one per attribute of each item (with `always_items`), plus the drug's within-a-day yes/no questions, which are
/// asked after the items. `cargo test -p carepath-domain --test checkin_library -- --nocapture` prints the count.
#[test]
fn every_regimen_form_stays_short() {
    let library = load();
    let mut too_long = Vec::new();
    println!("{:<14} {:>5} {:>9} {:>6} {:>9}", "drug", "items", "item q's", "yes/no", "questions");
    for drug in library.regimens.keys() {
        let form = library.form_for(&[drug.as_str()], 7);
        let item_questions: usize = form.items.iter().map(|i| i.attributes.attributes().len()).sum();
        let later_yes_no = form.yes_no.iter().filter(|q| !q.is_safety()).count();
        let questions = item_questions + later_yes_no;
        println!("{drug:<14} {:>5} {item_questions:>9} {later_yes_no:>6} {questions:>9}", form.items.len());
        if questions > 16 {
            too_long.push(format!("{drug}: {questions} questions"));
        }
    }
    let default = library.form_for(&["not_a_drug"], 7);
    let default_questions: usize = default.items.iter().map(|i| i.attributes.attributes().len()).sum::<usize>()
        + default.yes_no.iter().filter(|q| !q.is_safety()).count();
    println!("{:<14} {:>5} {:>9} {:>6} {default_questions:>9}", "(default)", default.items.len(), "", "");
    if default_questions > 16 {
        too_long.push(format!("default_items: {default_questions} questions"));
    }
    assert!(too_long.is_empty(), "check-ins longer than 16 questions: {too_long:?}");
}

/// The answer labels mean PRO-CTCAE's levels: severity 3 (composite grade 3, "call now") is "Severe", not "Bad".
#[test]
fn severity_labels_carry_pro_ctcae_meaning() {
    let library = load();
    assert_eq!(library.scales["en"].severity, ["None", "Mild", "Moderate", "Severe", "Very severe"].map(String::from));
    assert_eq!(library.scales["en"].severity[3], "Severe");
    let es = &library.scales["es"].severity;
    assert_eq!(es[3], "Intensa", "Spanish level 3 must mean severe");
    for weak in ["Fuerte", "Muy fuerte", "Bad", "Very bad", "Medium"] {
        assert!(!es.contains(&weak.to_string()) && !library.scales["en"].severity.contains(&weak.to_string()), "{weak:?}");
    }
}

/// Taste, itching, sleep, hot flashes, memory and hair loss never ask more than "tell us within a day".
#[test]
fn never_urgent_symptoms_are_capped() {
    let library = load();
    for id in ["taste_changes", "itching", "insomnia", "hot_flashes", "memory", "hair_loss"] {
        let item = library.item(id).unwrap_or_else(|| panic!("no item {id}"));
        assert_eq!(item.max_action, Some(Action::WithinADay), "{id}");
    }
}

/// The yes/no questions the triage and the app rely on, with their actions and drugs.
#[test]
fn yes_no_questions_are_the_agreed_ones() {
    use Action::*;
    let library = load();
    let everyone: &[&str] = &[];
    let expected: &[(&str, Action, &[&str])] = &[
        ("chest_pain", Call911, everyone),
        ("trouble_breathing", Call911, everyone),
        ("bleeding_wont_stop", Call911, everyone),
        ("confusion_seizure_stroke", Call911, everyone),
        ("fainted", Call911, everyone),
        (FEVERISH, CallNow, everyone),
        ("racing_heartbeat", CallNow, everyone),
        ("leg_swelling_one_side", CallNow, everyone),
        ("black_stools_or_coffee_vomit", CallNow, everyone),
        ("blistering_rash", CallNow, everyone),
        ("cannot_keep_fluids_down", CallNow, everyone),
        ("vomited_many_times", CallNow, everyone),
        ("vomited_twice_24h", CallNow, &["capecitabine"]),
        ("possible_pregnancy", CallNow, &["lenalidomide", "pomalidomide"]),
        ("very_little_urine", CallNow, &["venetoclax"]),
        ("diarrhea_24h_on_loperamide", CallNow, &["abemaciclib"]),
        ("fell", WithinADay, &["enzalutamide"]),
    ];
    for (id, action, drugs) in expected {
        let q = library.yes_no.iter().find(|q| q.id == *id).unwrap_or_else(|| panic!("no yes/no question {id}"));
        assert_eq!(q.action, *action, "{id}");
        let got: BTreeSet<&str> = q.drugs.iter().map(String::as_str).collect();
        assert_eq!(got, drugs.iter().copied().collect::<BTreeSet<_>>(), "{id}: drugs");
        if !drugs.is_empty() {
            assert!(q.source.as_deref().is_some_and(|s| s.contains("section")), "{id}: source names the label section");
        }
    }
    let guides: BTreeSet<String> = library.regimens.keys().cloned().collect();
    for q in &library.yes_no {
        for drug in &q.drugs {
            assert!(guides.contains(drug), "yes/no {} names {drug:?}, which has no [regimens] entry", q.id);
        }
    }
    for retired in ["severe_diarrhea", "severe_vomiting"] {
        assert!(library.yes_no.iter().all(|q| q.id != retired), "{retired} is retired (the app's stool count replaced it)");
    }
    let order: Vec<bool> = library.yes_no.iter().map(|q| q.is_safety()).collect();
    assert!(order.windows(2).all(|w| w[0] >= w[1]), "safety-page questions come first in the file");
}

#[test]
fn shipped_self_care_meets_every_rule() {
    let library = load();
    let self_care = load_self_care();
    self_care.validate(&library).unwrap();
}

/// Every item asked in any form has advice for grades 1 and 2.
#[test]
fn every_asked_item_has_self_care_at_grades_1_and_2() {
    let library = load();
    let self_care = load_self_care();
    let mut missing = Vec::new();
    for item in asked_items(&library) {
        for grade in [1u8, 2] {
            if !self_care.advice.iter().any(|a| a.item == item && a.min_grade == grade) {
                missing.push(format!("{item} at grade {grade}"));
            }
        }
        let shown = self_care.for_grade(&item, Grade::Severe).map(|a| a.min_grade);
        assert!(shown >= Some(2), "{item}: grade 3 shows the grade 2 advice or its own");
    }
    assert!(missing.is_empty(), "no self-care advice for: {missing:?}");
}

/// Advice is plain and translated, names no fever number (the app shows the site's line) and promises nothing
/// about when someone answers.
#[test]
fn self_care_is_plain_translated_and_promises_nothing() {
    let self_care = load_self_care();
    let mut problems = Vec::new();
    for advice in &self_care.advice {
        let what = format!("advice {} grade {}", advice.item, advice.min_grade);
        let (en, es) = (advice.text_in("en").unwrap(), advice.text_in("es").unwrap());
        check_wording(&format!("{what} now"), &en.now, &es.now, &mut problems);
        check_wording(&format!("{what} call_if"), &en.call_if, &es.call_if, &mut problems);
        for text in [&en.now, &en.call_if, &es.now, &es.call_if] {
            let lower = text.to_lowercase();
            for banned in ["24/7", " any time", "anytime", "°", "cualquier hora", "a toda hora"] {
                if lower.contains(banned) {
                    problems.push(format!("{what}: {banned:?} in {text:?}"));
                }
            }
        }
        if advice.sources.iter().any(|s| s.trim().len() < 8) {
            problems.push(format!("{what}: name each source"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
