//! Alert reasons, red flags and symptom names in words, in the current language. The rules live in the domain
//! crate; the wording lives in `locales/` (message ids from `AlertReason::message_id`) and, for symptoms, yes/no
//! questions and drug rules, in the check-in content (their names travel as `TermNames`).

use carepath_domain::checkin::{CheckInAnswers, CheckInScope};
use carepath_domain::grading::Grade;
use carepath_domain::sync::TermNames;
use carepath_domain::triage::{celsius_tenths_to_fahrenheit_tenths, format_tenths, AlertReason, RedFlag};

use crate::i18n::{current, tr_args, tr_dynamic};

/// A symptom's name in the current language (else English, else its id in words).
pub fn term_name(term: &str, names: &TermNames) -> String {
    let lang = current();
    names
        .get(term)
        .and_then(|by_lang| by_lang.get(&lang).or_else(|| by_lang.get("en")))
        .cloned()
        .unwrap_or_else(|| term.replace('_', " "))
}

/// "mild", "moderate", … for a composite grade.
pub fn grade_word(grade: Grade) -> String {
    tr_dynamic(&format!("grade-{}", grade.number()))
}

/// A red flag in words: the fever with its reading, or the yes/no question's name from the check-in content
/// (`names` holds item, question and rule names).
pub fn red_flag_text(flag: &RedFlag, names: &TermNames) -> String {
    match flag {
        RedFlag::Fever { celsius_tenths } => tr_args(
            "red-flag-fever",
            &[
                ("celsius", format_tenths(*celsius_tenths)),
                ("fahrenheit", format_tenths(celsius_tenths_to_fahrenheit_tenths(*celsius_tenths))),
            ],
        ),
        RedFlag::Answered(id) => term_name(id, names),
    }
}

pub fn reason_text(reason: &AlertReason, names: &TermNames) -> String {
    let id = reason.message_id();
    match reason {
        AlertReason::RedFlag(flag) => tr_args(id, &[("flag", red_flag_text(flag, names))]),
        AlertReason::GradeThreeOrMore { term, grade } => tr_args(
            id,
            &[("term", term_name(term, names)), ("grade", grade_word(*grade)), ("number", grade.number().to_string())],
        ),
        AlertReason::Worsened { term, from, to } => tr_args(
            id,
            &[("term", term_name(term, names)), ("from", from.number().to_string()), ("to", to.number().to_string())],
        ),
        // A number, not text, so the plural form is chosen right.
        AlertReason::MissedDoses { count, days } => {
            let (count, days): (u32, u32) = (*count, *days);
            crate::tr!("reason-missed-doses", count = count, days = days)
        },
        AlertReason::ExtraDose { date } => tr_args(id, &[("date", crate::regimen_text::date_text(*date))]),
        AlertReason::RefillRequested | AlertReason::Note => tr_dynamic(id),
        AlertReason::Rule { rule } => tr_args(id, &[("rule", term_name(rule, names))]),
        AlertReason::VomitedDoses { count, hours } => {
            let (count, hours): (u32, u32) = (*count, *hours);
            crate::tr!("reason-vomited-doses", count = count, hours = hours)
        }
        AlertReason::PatientMessage => crate::tr!("reason-patient-message"),
        AlertReason::StoppedLogging { count } => {
            let count: u32 = *count;
            crate::tr!("reason-stopped-logging", count = count)
        }
    }
}

/// What the patient was told, in words ("Told to call 911"), for the desk.
pub fn action_text(action: carepath_domain::triage::Action) -> String {
    tr_dynamic(&format!("action-told-{}", action.as_str().replace('_', "-")))
}

/// One line about a check-in: temperature, emergency answers, every symptom above none, the note.
pub fn check_in_summary(answers: &CheckInAnswers, names: &TermNames) -> String {
    let mut parts = Vec::new();
    if let Some(t) = answers.temperature {
        let c = t.celsius_tenths();
        parts.push(tr_args(
            "summary-temperature",
            &[("celsius", format_tenths(c)), ("fahrenheit", format_tenths(celsius_tenths_to_fahrenheit_tenths(c)))],
        ));
    }
    parts.extend(answers.emergency_yes.iter().map(|q| term_name(q, names)));
    if let Some(n) = answers.stools_above_usual.filter(|n| *n > 0) {
        let n: u32 = n.into();
        parts.push(crate::tr!("summary-stools", count = n));
    }
    if answers.diarrhea_at_night == Some(true) {
        parts.push(tr_dynamic("summary-diarrhea-at-night"));
    }
    if let Ok(report) = answers.report() {
        for answer in report.answers.iter().filter(|a| a.grade > Grade::Absent) {
            parts.push(format!("{}: {}", term_name(&answer.term, names), grade_word(answer.grade)));
        }
    }
    if answers.scope == CheckInScope::FeelingFine {
        // "I feel fine, nothing new": what the patient said, not "no symptoms" for questions never asked.
        parts.insert(0, tr_dynamic("summary-feeling-fine"));
    } else if parts.is_empty() {
        // "No symptoms" only where a symptom question was answered: a check-in whose every question was skipped
        // says nothing about symptoms (issue #14).
        let answered = !answers.answers.is_empty() || answers.stools_above_usual.is_some() || answers.diarrhea_at_night.is_some();
        parts.push(tr_dynamic(if answered { "summary-no-symptoms" } else { "summary-no-answers" }));
    }
    let mut text = parts.join("; ");
    if answers.scope == CheckInScope::OneSymptom {
        text = crate::tr!("summary-one-symptom", report = text);
    }
    if let Some(note) = answers.note.as_deref().filter(|n| !n.trim().is_empty()) {
        text.push_str(&format!(" — “{note}”"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_extra_dose_reason_names_the_day_in_words() {
        let reason = AlertReason::ExtraDose { date: "2026-12-01".parse().unwrap() };
        assert_eq!(reason_text(&reason, &TermNames::new()), "Extra dose taken on Tue, December 1, 2026");
    }

    #[test]
    fn a_check_in_with_every_question_skipped_is_no_answers_not_no_symptoms() {
        let skipped = CheckInAnswers::default();
        assert_eq!(check_in_summary(&skipped, &TermNames::new()), "no symptom questions answered (all skipped)");
        let mut none = CheckInAnswers::default();
        let never = carepath_domain::checkin::ItemAnswer {
            attributes: carepath_domain::grading::AttributeSet::FrequencySeverity,
            responses: carepath_domain::grading::Responses::new(Some(0), None, None),
        };
        none.answers.insert("nausea".into(), never);
        assert_eq!(check_in_summary(&none, &TermNames::new()), "no symptoms");
    }

    #[test]
    fn a_feeling_fine_check_in_and_a_one_symptom_report_say_what_they_are() {
        let fine = CheckInAnswers { scope: CheckInScope::FeelingFine, ..CheckInAnswers::default() };
        assert_eq!(check_in_summary(&fine, &TermNames::new()), "feels fine, nothing new (symptoms not asked)");
        let mut one = CheckInAnswers { scope: CheckInScope::OneSymptom, ..CheckInAnswers::default() };
        one.answers.insert("nausea".into(), carepath_domain::checkin::ItemAnswer {
            attributes: carepath_domain::grading::AttributeSet::FrequencySeverity,
            responses: carepath_domain::grading::Responses::new(Some(3), Some(2), None),
        });
        let text = check_in_summary(&one, &TermNames::new());
        assert!(text.starts_with("One symptom, between check-ins: "), "{text}");
    }
}
