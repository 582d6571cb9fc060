//! Every UI message exists in English and Spanish, is not empty, and uses the same variables in both.
//! The files are read with the Fluent parser itself, so a syntax error also fails here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};

const LANGUAGES: [&str; 2] = ["en", "es"];

/// Message id → the variables it uses.
fn messages(lang: &str) -> BTreeMap<String, BTreeSet<String>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../locales").join(lang).join("carepath_app.ftl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let resource = fluent_syntax::parser::parse(text.as_str())
        .unwrap_or_else(|(_, errors)| panic!("{}: Fluent syntax errors: {errors:?}", path.display()));
    let mut out = BTreeMap::new();
    for entry in resource.body {
        if let Entry::Message(message) = entry {
            let id = message.id.name.to_string();
            let pattern = message.value.unwrap_or_else(|| panic!("{lang}: {id} has no text"));
            let mut vars = BTreeSet::new();
            collect_variables(&pattern, &mut vars);
            assert!(out.insert(id.clone(), vars).is_none(), "{lang}: {id} is defined twice");
        }
    }
    out
}

fn collect_variables(pattern: &Pattern<&str>, vars: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            match expression {
                Expression::Inline(inline) => collect_inline(inline, vars),
                Expression::Select { selector, variants } => {
                    collect_inline(selector, vars);
                    for variant in variants {
                        collect_variables(&variant.value, vars);
                    }
                }
            }
        }
    }
}

fn collect_inline(inline: &InlineExpression<&str>, vars: &mut BTreeSet<String>) {
    if let InlineExpression::VariableReference { id } = inline {
        vars.insert(id.name.to_string());
    }
}

#[test]
fn every_message_exists_in_every_language_with_the_same_variables() {
    let en = messages("en");
    assert!(en.len() > 50, "expected the full English message file, found {} messages", en.len());
    let mut problems = Vec::new();
    for lang in &LANGUAGES[1..] {
        let other = messages(lang);
        for id in en.keys().filter(|id| !other.contains_key(*id)) {
            problems.push(format!("{lang}: missing {id}"));
        }
        for id in other.keys().filter(|id| !en.contains_key(*id)) {
            problems.push(format!("{lang}: {id} is not in English"));
        }
        for (id, vars) in &other {
            if let Some(en_vars) = en.get(id).filter(|en_vars| *en_vars != vars) {
                problems.push(format!("{lang}: {id} uses {vars:?}, English uses {en_vars:?}"));
            }
        }
    }
    assert!(problems.is_empty(), "locale problems:\n{}", problems.join("\n"));
}

#[test]
fn every_alert_reason_and_patient_action_has_a_message() {
    use carepath_domain::triage::{Action, AlertReason, RedFlag};
    // Yes/no questions and drug rules are named by the check-in content; the rest by the locales.
    let reasons = [
        AlertReason::RedFlag(RedFlag::Answered("chest_pain".into())),
        AlertReason::GradeThreeOrMore { term: "x".into(), grade: carepath_domain::grading::Grade::Severe },
        AlertReason::Worsened {
            term: "x".into(),
            from: carepath_domain::grading::Grade::Absent,
            to: carepath_domain::grading::Grade::Moderate,
        },
        AlertReason::MissedDoses { count: 2, days: 7 },
        AlertReason::ExtraDose { date: "2026-11-21".parse().unwrap() },
        AlertReason::RefillRequested,
        AlertReason::Rule { rule: "capecitabine_stools_4".into() },
        AlertReason::Note,
        AlertReason::VomitedDoses { count: 2, hours: 48 },
        AlertReason::PatientMessage,
    ];
    for lang in LANGUAGES {
        let m = messages(lang);
        for reason in &reasons {
            assert!(m.contains_key(reason.message_id()), "{lang}: no message {}", reason.message_id());
        }
        assert!(m.contains_key("red-flag-fever"), "{lang}: no message red-flag-fever");
        for action in [Action::Call911, Action::CallNow, Action::WithinADay] {
            let id = format!("action-told-{}", action.as_str().replace('_', "-"));
            assert!(m.contains_key(id.as_str()), "{lang}: no message {id}");
        }
    }
}
