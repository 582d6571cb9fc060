//! Checks the symptom item library in `content/checkin/library.toml` (see `content/checkin/README.md`), and that
//! the format takes another content pack (such as NCI's official items) without a code change.
//!
//! Set `CAREPATH_CHECKIN_LIBRARY` to check another library file.

use std::collections::BTreeSet;
use std::path::PathBuf;

use carepath_domain::checkin::{CheckInAnswers, ItemAnswer, ItemLibrary, LANGUAGES};
use carepath_domain::grading::{Attribute, Grade, Responses};
use carepath_domain::readability::{fernandez_huerta, flesch_kincaid_grade, text_stats, Language};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn load() -> ItemLibrary {
    let path = std::env::var_os("CAREPATH_CHECKIN_LIBRARY")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("content/checkin/library.toml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
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
        assert!((3..=8).contains(&items.len()), "{drug}: {} items; a check-in must stay under 2 minutes", items.len());
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
            if q_en == q_es {
                problems.push(format!("{}: {attribute} question is not translated", item.id));
            }
            let fk = flesch_kincaid_grade(&text_stats(q_en, Language::English));
            if fk > 8.0 {
                problems.push(format!("{}: English {attribute} question reads at grade {fk:.1} (> 8)", item.id));
            }
            let fh = fernandez_huerta(&text_stats(q_es, Language::Spanish));
            if fh < 60.0 {
                problems.push(format!("{}: Spanish {attribute} question scores {fh:.1} (< 60)", item.id));
            }
        }
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

/// A full check-in must stay under 2 minutes: at most 16 questions after the safety page (about 5 seconds each).
/// `cargo test -p carepath-domain --test checkin_library -- --nocapture` prints the count per drug.
#[test]
fn every_regimen_form_stays_short() {
    let library = load();
    let mut too_long = Vec::new();
    for drug in library.regimens.keys() {
        let form = library.form_for(&[drug.as_str()], 7);
        let questions: usize = form.items.iter().map(|i| i.attributes.attributes().len()).sum();
        println!("{drug:<14} {:>2} items {questions:>2} questions", form.items.len());
        if questions > 16 {
            too_long.push(format!("{drug}: {questions} questions"));
        }
    }
    assert!(too_long.is_empty(), "check-ins longer than 16 questions: {too_long:?}");
}
