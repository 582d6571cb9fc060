//! Triage rules, one named case per line of the rules table. Grades come from `grading::composite_grade`.
//!
//! The yes/no questions, items and drug rules are small fixtures built here, so this file does not depend on the
//! content files (`triage_by_drug.rs` runs the shipped content).

use std::collections::BTreeMap;

use carepath_domain::checkin::{Item, ItemText, YesNoQuestion, YesNoText};
use carepath_domain::grading::{AttributeSet, Grade, Responses};
use carepath_domain::rules::{Condition, Rule, RuleText};
use carepath_domain::triage::*;
use chrono::{DateTime, Duration, NaiveDate, Utc};

use Action::{Call911, CallNow, WithinADay};
use AlertReason as R;
use Grade::*;

fn now() -> DateTime<Utc> {
    "2026-11-23T12:00:00Z".parse().unwrap()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

// --- Fixtures: the questions, items and rules of a capecitabine patient, written out ------------------------------

fn question(id: &str, action: Action) -> YesNoQuestion {
    let text = YesNoText { question: format!("{id}?"), name: id.into() };
    YesNoQuestion { id: id.into(), action, drugs: Vec::new(), source: None, text: BTreeMap::from([("en".into(), text)]) }
}

fn yes_no() -> Vec<YesNoQuestion> {
    vec![
        question("chest_pain", Call911),
        question("feverish_or_chills", CallNow),
        question("black_stools_or_coffee_vomit", CallNow),
        question("fell", WithinADay),
    ]
}

fn item(id: &str, attributes: AttributeSet, max_action: Option<Action>) -> Item {
    let text = ItemText { name: id.into(), frequency: None, severity: None, interference: None, amount: None };
    Item {
        id: id.into(),
        pro_ctcae_term: id.into(),
        attributes,
        max_action,
        text: BTreeMap::from([("en".into(), text)]),
    }
}

fn items() -> Vec<Item> {
    vec![
        item("diarrhea", AttributeSet::Frequency, None),
        item("nausea", AttributeSet::FrequencySeverity, None),
        item("vomiting", AttributeSet::FrequencySeverity, None),
        item("pain", AttributeSet::FrequencySeverityInterference, None),
        item("hand_foot_skin", AttributeSet::Severity, None),
        item("taste_changes", AttributeSet::Severity, Some(WithinADay)),
        item("hair_loss", AttributeSet::Amount, Some(WithinADay)),
    ]
}

fn rule(id: &str, drugs: &[&str], when: Condition, action: Action) -> Rule {
    Rule {
        id: id.into(),
        drugs: drugs.iter().map(|s| s.to_string()).collect(),
        when,
        action,
        source: "test fixture, not clinical content".into(),
        text: BTreeMap::from([("en".into(), RuleText { name: id.into() })]),
    }
}

/// Check-in rules first (a capecitabine patient), then diary rules, which the check-in ignores.
fn rules() -> Vec<Rule> {
    vec![
        rule("stools_7_everyone", &[], Condition::StoolsAboveUsual { at_least: 7 }, CallNow),
        rule("capecitabine_stools_4", &["capecitabine"], Condition::StoolsAboveUsual { at_least: 4 }, CallNow),
        rule("capecitabine_diarrhea_at_night", &["capecitabine"], Condition::DiarrheaAtNight, CallNow),
        rule(
            "capecitabine_hand_foot_2",
            &["capecitabine"],
            Condition::Grade { item: "hand_foot_skin".into(), at_least: 2 },
            CallNow,
        ),
        // A rule asking more than the item's cap allows: the cap wins.
        rule("taste_2", &["capecitabine"], Condition::Grade { item: "taste_changes".into(), at_least: 2 }, CallNow),
        rule("temozolomide_extra_dose", &["temozolomide"], Condition::ExtraDose, CallNow),
        rule(
            "temozolomide_missed_dose",
            &["temozolomide"],
            Condition::MissedDoses { at_least: 1, days: 7, first_days: None },
            WithinADay,
        ),
        rule(
            "venetoclax_ramp_up_missed",
            &["venetoclax"],
            Condition::MissedDoses { at_least: 1, days: 7, first_days: Some(35) },
            CallNow,
        ),
        rule(
            "venetoclax_ramp_up_vomited",
            &["venetoclax"],
            Condition::VomitedDoses { at_least: 1, hours: 48, first_days: Some(35) },
            CallNow,
        ),
        // A diary rule for everyone: the diary only runs drug rules (the general lines are the constants).
        rule("everyone_missed_1", &[], Condition::MissedDoses { at_least: 1, days: 7, first_days: None }, CallNow),
    ]
}

// --- Answers graded by the published algorithm ------------------------------------------------------------------

/// Diarrhea is asked about frequency only: 1–2 → grade 1, 3 → grade 2, 4 (almost constantly) → grade 3.
fn diarrhea(frequency: u8) -> SymptomAnswer {
    SymptomAnswer::graded("diarrhea", AttributeSet::Frequency, Responses::new(Some(frequency), None, None)).unwrap()
}

fn vomiting(frequency: u8, severity: u8) -> SymptomAnswer {
    let r = Responses::new(Some(frequency), Some(severity), None);
    SymptomAnswer::graded("vomiting", AttributeSet::FrequencySeverity, r).unwrap()
}

/// Nausea at a composite grade, from answers that give it: never; rarely & mild; frequently & moderate; frequently
/// & severe.
fn nausea(grade: Grade) -> SymptomAnswer {
    let (f, s) = match grade {
        Absent => (0, None),
        Mild => (1, Some(1)),
        Moderate => (3, Some(2)),
        Severe => (3, Some(3)),
    };
    let answer =
        SymptomAnswer::graded("nausea", AttributeSet::FrequencySeverity, Responses::new(Some(f), s, None)).unwrap();
    assert_eq!(answer.grade, grade);
    answer
}

fn pain(frequency: u8, severity: u8, interference: u8) -> SymptomAnswer {
    let r = Responses::new(Some(frequency), Some(severity), Some(interference));
    SymptomAnswer::graded("pain", AttributeSet::FrequencySeverityInterference, r).unwrap()
}

/// Severity only: 1 → grade 1, 2 → grade 2, 3 or 4 → grade 3.
fn severity_only(term: &str, severity: u8) -> SymptomAnswer {
    SymptomAnswer::graded(term, AttributeSet::Severity, Responses::new(None, Some(severity), None)).unwrap()
}

fn hand_foot(severity: u8) -> SymptomAnswer {
    severity_only("hand_foot_skin", severity)
}

fn taste(severity: u8) -> SymptomAnswer {
    severity_only("taste_changes", severity)
}

/// Hair loss is asked by amount (in the interference slot); the published algorithm tops out at grade 2.
fn hair_loss(amount: u8) -> SymptomAnswer {
    SymptomAnswer::graded("hair_loss", AttributeSet::Amount, Responses::new(None, None, Some(amount))).unwrap()
}

/// Hair loss at grade 3, as another content pack's grading could give it: the cap must hold whatever the grade.
fn hair_loss_grade_3() -> SymptomAnswer {
    SymptomAnswer { grade: Severe, ..hair_loss(4) }
}

fn report(answers: Vec<SymptomAnswer>) -> SymptomReport {
    SymptomReport { answers, ..SymptomReport::default() }
}

fn with_temperature(c_tenths: i32) -> SymptomReport {
    SymptomReport { temperature_c_tenths: Some(c_tenths), ..SymptomReport::default() }
}

fn with_yes(ids: &[&str]) -> SymptomReport {
    SymptomReport { emergency_yes: ids.iter().map(|s| s.to_string()).collect(), ..SymptomReport::default() }
}

fn with_stools(stools: u8) -> SymptomReport {
    SymptomReport { stools_above_usual: Some(stools), diarrhea_at_night: Some(false), ..SymptomReport::default() }
}

fn with_note() -> SymptomReport {
    SymptomReport { note: true, ..SymptomReport::default() }
}

fn acknowledged(term: &str, grade: Grade, hours_ago: i64) -> Acknowledgement {
    Acknowledgement { term: term.into(), grade, at: now() - Duration::hours(hours_ago) }
}

fn fever(c: i32) -> AlertReason {
    R::RedFlag(RedFlag::Fever { celsius_tenths: c })
}

fn flag(id: &str) -> AlertReason {
    R::RedFlag(RedFlag::Answered(id.into()))
}

fn rule_reason(id: &str) -> AlertReason {
    R::Rule { rule: id.into() }
}

fn grade3(term: &str) -> AlertReason {
    R::GradeThreeOrMore { term: term.into(), grade: Severe }
}

fn worsened(term: &str, from: Grade, to: Grade) -> AlertReason {
    R::Worsened { term: term.into(), from, to }
}

// --- The check-in table ---------------------------------------------------------------------------------------------

/// One line of the table: the inputs of `evaluate` (defaults: the fixtures, nothing else going on) and the alert
/// expected (its action, and its reasons most urgent first).
struct Case {
    name: String,
    current: SymptomReport,
    previous: Option<SymptomReport>,
    acks: Vec<Acknowledgement>,
    settings: SiteSettings,
    yes_no: Vec<YesNoQuestion>,
    rules: Vec<Rule>,
    expected: Option<(Action, Vec<AlertReason>)>,
}

fn case(name: impl Into<String>, current: SymptomReport) -> Case {
    Case {
        name: name.into(),
        current,
        previous: None,
        acks: Vec::new(),
        settings: SiteSettings::default(),
        yes_no: yes_no(),
        rules: rules(),
        expected: None,
    }
}

impl Case {
    fn previous(mut self, previous: SymptomReport) -> Self {
        self.previous = Some(previous);
        self
    }
    fn ack(mut self, ack: Acknowledgement) -> Self {
        self.acks.push(ack);
        self
    }
    fn fever_threshold(mut self, c_tenths: i32) -> Self {
        self.settings.fever_threshold_c_tenths = c_tenths;
        self
    }
    fn window(mut self, hours: u32) -> Self {
        self.settings.acknowledged_window_hours = hours;
        self
    }
    fn yes_no(mut self, questions: Vec<YesNoQuestion>) -> Self {
        self.yes_no = questions;
        self
    }
    fn rules(mut self, rules: Vec<Rule>) -> Self {
        self.rules = rules;
        self
    }
    fn call_911(self, reasons: Vec<AlertReason>) -> Self {
        self.expect(Call911, reasons)
    }
    fn call_now(self, reasons: Vec<AlertReason>) -> Self {
        self.expect(CallNow, reasons)
    }
    fn within_a_day(self, reasons: Vec<AlertReason>) -> Self {
        self.expect(WithinADay, reasons)
    }
    fn expect(mut self, action: Action, reasons: Vec<AlertReason>) -> Self {
        self.expected = Some((action, reasons));
        self
    }
    fn nothing(self) -> Self {
        self
    }

    fn run<T>(&self, acks: &[Acknowledgement], f: impl Fn(&SymptomReport, &CheckInContext<'_>) -> T) -> T {
        let items = items();
        let cx = CheckInContext {
            previous: self.previous.as_ref(),
            yes_no: &self.yes_no,
            items: &items,
            rules: &self.rules,
            acknowledged: acks,
            now: now(),
            settings: &self.settings,
        };
        f(&self.current, &cx)
    }
}

fn cases() -> Vec<Case> {
    let capecitabine_free = || rules().into_iter().filter(|r| r.drugs.is_empty()).collect::<Vec<_>>();
    vec![
        // Fever: at or above the site's threshold, which is capped at 38.3 °C.
        case("fever 38.5 °C", with_temperature(385)).call_now(vec![fever(385)]),
        case("37.9 °C is no fever", with_temperature(379)).nothing(),
        case("38.0 °C is a fever at the default threshold", with_temperature(380)).call_now(vec![fever(380)]),
        case("38.2 °C with a site threshold of 38.3", with_temperature(382)).fever_threshold(383).nothing(),
        case("38.3 °C with a site threshold of 38.3", with_temperature(383))
            .fever_threshold(383)
            .call_now(vec![fever(383)]),
        case("38.3 °C with a stored threshold of 39.0: capped at 38.3", with_temperature(383))
            .fever_threshold(390)
            .call_now(vec![fever(383)]),
        case("38.6 °C with a stored threshold of 39.0", with_temperature(386))
            .fever_threshold(390)
            .call_now(vec![fever(386)]),
        case("38.2 °C with a stored threshold of 39.0", with_temperature(382)).fever_threshold(390).nothing(),
        case("37.5 °C with a site threshold of 37.5", with_temperature(375))
            .fever_threshold(375)
            .call_now(vec![fever(375)]),
        case("37.4 °C with a site threshold of 37.5", with_temperature(374)).fever_threshold(375).nothing(),
        case("100.4 °F is 38.0 °C, a fever", with_temperature(fahrenheit_tenths_to_celsius_tenths(1004)))
            .call_now(vec![fever(380)]),
        case("100.3 °F is 37.9 °C, no fever", with_temperature(fahrenheit_tenths_to_celsius_tenths(1003))).nothing(),
        // Yes/no questions: each asks its own action.
        case("chest pain: yes", with_yes(&["chest_pain"])).call_911(vec![flag("chest_pain")]),
        case("feverish or chills: yes, no thermometer", with_yes(&["feverish_or_chills"]))
            .call_now(vec![flag("feverish_or_chills")]),
        case("feverish or chills, though the library says within a day: still call now", with_yes(&["feverish_or_chills"]))
            .yes_no(vec![question("feverish_or_chills", WithinADay)])
            .call_now(vec![flag("feverish_or_chills")]),
        case("feverish or chills with no questions loaded", with_yes(&["feverish_or_chills"]))
            .yes_no(Vec::new())
            .call_now(vec![flag("feverish_or_chills")]),
        case("black stools: yes", with_yes(&["black_stools_or_coffee_vomit"]))
            .call_now(vec![flag("black_stools_or_coffee_vomit")]),
        case("a fall: yes, within a day (a rule reason, not a red flag)", with_yes(&["fell"]))
            .within_a_day(vec![rule_reason("fell")]),
        case("a retired question (severe_diarrhea) from an older device: call now", with_yes(&["severe_diarrhea"]))
            .call_now(vec![flag("severe_diarrhea")]),
        case("feverish: yes, and 38.5 °C: both said", SymptomReport { temperature_c_tenths: Some(385), ..with_yes(&["feverish_or_chills"]) })
            .call_now(vec![fever(385), flag("feverish_or_chills")]),
        case("a fall, 39.1 °C and chest pain: 911 first", SymptomReport { temperature_c_tenths: Some(391), ..with_yes(&["fell", "chest_pain"]) })
            .call_911(vec![flag("chest_pain"), fever(391), rule_reason("fell")]),
        // Stool counts and diarrhea at night (drug rules).
        case("7 stools above usual: the rule for everyone and capecitabine's", with_stools(7))
            .call_now(vec![rule_reason("stools_7_everyone"), rule_reason("capecitabine_stools_4")]),
        case("4 stools above usual on capecitabine", with_stools(4)).call_now(vec![rule_reason("capecitabine_stools_4")]),
        case("3 stools above usual on capecitabine", with_stools(3)).nothing(),
        case("0 stools above usual", with_stools(0)).nothing(),
        case("4 stools above usual on another drug", with_stools(4)).rules(capecitabine_free()).nothing(),
        case("7 stools above usual on another drug", with_stools(7))
            .rules(capecitabine_free())
            .call_now(vec![rule_reason("stools_7_everyone")]),
        case("diarrhea at night on capecitabine", SymptomReport { diarrhea_at_night: Some(true), ..with_stools(1) })
            .call_now(vec![rule_reason("capecitabine_diarrhea_at_night")]),
        case("diarrhea at night on another drug", SymptomReport { diarrhea_at_night: Some(true), ..with_stools(1) })
            .rules(capecitabine_free())
            .nothing(),
        case(
            "7 stools with diarrhea 3 → 3 acknowledged: the count is never suppressed",
            SymptomReport { answers: vec![diarrhea(4)], ..with_stools(7) },
        )
        .previous(report(vec![diarrhea(4)]))
        .ack(acknowledged("diarrhea", Severe, 10))
        .call_now(vec![rule_reason("stools_7_everyone"), rule_reason("capecitabine_stools_4")]),
        // A grade rule (capecitabine hand-foot skin at grade 2).
        case("hand-foot 1 → 2: the rule, call now", report(vec![hand_foot(2)]))
            .previous(report(vec![hand_foot(1)]))
            .call_now(vec![rule_reason("capecitabine_hand_foot_2")]),
        case("hand-foot 2, first report", report(vec![hand_foot(2)])).call_now(vec![rule_reason("capecitabine_hand_foot_2")]),
        case("hand-foot 2 → 2, not acknowledged: within a day", report(vec![hand_foot(2)]))
            .previous(report(vec![hand_foot(2)]))
            .within_a_day(vec![rule_reason("capecitabine_hand_foot_2")]),
        case("hand-foot 2 → 2, acknowledged at 2 10 h ago", report(vec![hand_foot(2)]))
            .previous(report(vec![hand_foot(2)]))
            .ack(acknowledged("hand_foot_skin", Moderate, 10))
            .nothing(),
        case("hand-foot 2 → 2, acknowledged at 2 80 h ago", report(vec![hand_foot(2)]))
            .previous(report(vec![hand_foot(2)]))
            .ack(acknowledged("hand_foot_skin", Moderate, 80))
            .within_a_day(vec![rule_reason("capecitabine_hand_foot_2")]),
        case("hand-foot 2 → 2, acknowledged at 1 only", report(vec![hand_foot(2)]))
            .previous(report(vec![hand_foot(2)]))
            .ack(acknowledged("hand_foot_skin", Mild, 10))
            .within_a_day(vec![rule_reason("capecitabine_hand_foot_2")]),
        case("hand-foot 1 is below the rule's line", report(vec![hand_foot(1)])).nothing(),
        case("hand-foot 3 → 2, better but still at the rule's line: within a day", report(vec![hand_foot(2)]))
            .previous(report(vec![hand_foot(3)]))
            .within_a_day(vec![rule_reason("capecitabine_hand_foot_2")]),
        case("hand-foot 0 → 3: the rule and worsened", report(vec![hand_foot(3)]))
            .previous(report(vec![hand_foot(0)]))
            .call_now(vec![rule_reason("capecitabine_hand_foot_2"), worsened("hand_foot_skin", Absent, Severe)]),
        case("hand-foot 3, first report: the rule and grade 3", report(vec![hand_foot(3)]))
            .call_now(vec![rule_reason("capecitabine_hand_foot_2"), grade3("hand_foot_skin")]),
        case("hand-foot 3 → 3, not acknowledged", report(vec![hand_foot(4)]))
            .previous(report(vec![hand_foot(3)]))
            .within_a_day(vec![rule_reason("capecitabine_hand_foot_2"), grade3("hand_foot_skin")]),
        case("hand-foot 3 → 3, acknowledged at 3 10 h ago", report(vec![hand_foot(3)]))
            .previous(report(vec![hand_foot(3)]))
            .ack(acknowledged("hand_foot_skin", Severe, 10))
            .nothing(),
        // max_action caps every reason of the item: rule, grade 3 and worsened.
        case("taste 2, first report: the rule's call now is capped", report(vec![taste(2)]))
            .within_a_day(vec![rule_reason("taste_2")]),
        case("taste 3, first report: never urgent", report(vec![taste(3)]))
            .within_a_day(vec![rule_reason("taste_2"), grade3("taste_changes")]),
        case("taste 0 → 3: never urgent", report(vec![taste(4)]))
            .previous(report(vec![taste(0)]))
            .within_a_day(vec![rule_reason("taste_2"), worsened("taste_changes", Absent, Severe)]),
        case("hair loss at grade 3, first report: never urgent", report(vec![hair_loss_grade_3()]))
            .within_a_day(vec![grade3("hair_loss")]),
        case("hair loss 1 → 3: never urgent", report(vec![hair_loss_grade_3()]))
            .previous(report(vec![hair_loss(1)]))
            .within_a_day(vec![worsened("hair_loss", Mild, Severe)]),
        case("hair loss at the most (grade 2), first report", report(vec![hair_loss(4)])).nothing(),
        case("hair loss 0 → 2", report(vec![hair_loss(4)]))
            .previous(report(vec![hair_loss(0)]))
            .within_a_day(vec![worsened("hair_loss", Absent, Moderate)]),
        case("taste 3 and chest pain: the cap lowers only taste", SymptomReport { answers: vec![taste(3)], ..with_yes(&["chest_pain"]) })
            .call_911(vec![flag("chest_pain"), rule_reason("taste_2"), grade3("taste_changes")]),
        // New grade 3.
        case("nausea grade 3, first report", report(vec![nausea(Severe)])).call_now(vec![grade3("nausea")]),
        case("nausea grade 2 → 3 is a new grade 3", report(vec![nausea(Severe)]))
            .previous(report(vec![nausea(Moderate)]))
            .call_now(vec![grade3("nausea")]),
        case("pain grade 3 (rarely, severe, quite a bit), not reported before", report(vec![pain(1, 3, 3)]))
            .previous(report(vec![nausea(Mild)]))
            .call_now(vec![grade3("pain")]),
        case("diarrhea almost constantly (grade 3), first report", report(vec![diarrhea(4)]))
            .call_now(vec![grade3("diarrhea")]),
        case("diarrhea often (grade 2), first report", report(vec![diarrhea(3)])).nothing(),
        case("vomiting 2 → 3", report(vec![vomiting(3, 3)]))
            .previous(report(vec![vomiting(3, 2)]))
            .call_now(vec![grade3("vomiting")]),
        // Unchanged grade 3 and acknowledgements.
        case("nausea 3 → 3, acknowledged 10 h ago", report(vec![nausea(Severe)]))
            .previous(report(vec![nausea(Severe)]))
            .ack(acknowledged("nausea", Severe, 10))
            .nothing(),
        case("nausea 3 → 3, acknowledged exactly 72 h ago", report(vec![nausea(Severe)]))
            .previous(report(vec![nausea(Severe)]))
            .ack(acknowledged("nausea", Severe, 72))
            .nothing(),
        case("nausea 3 → 3, acknowledged 72 h and 1 s ago", report(vec![nausea(Severe)]))
            .previous(report(vec![nausea(Severe)]))
            .ack(Acknowledgement { term: "nausea".into(), grade: Severe, at: now() - Duration::hours(72) - Duration::seconds(1) })
            .within_a_day(vec![grade3("nausea")]),
        case("nausea 3 → 3, acknowledged 80 h ago (window 72 h)", report(vec![nausea(Severe)]))
            .previous(report(vec![nausea(Severe)]))
            .ack(acknowledged("nausea", Severe, 80))
            .within_a_day(vec![grade3("nausea")]),
        case("nausea 3 → 3, acknowledged 5 minutes in the future (clock skew): still quiet", report(vec![nausea(Severe)]))
            .previous(report(vec![nausea(Severe)]))
            .ack(Acknowledgement { term: "nausea".into(), grade: Severe, at: now() + Duration::minutes(5) })
            .nothing(),
        case("nausea 3 → 3, acknowledged 24 h ago, window 24 h", report(vec![nausea(Severe)]))
            .previous(report(vec![nausea(Severe)]))
            .window(24)
            .ack(acknowledged("nausea", Severe, 24))
            .nothing(),
        case("nausea 3 → 3, acknowledged 25 h ago, window 24 h", report(vec![nausea(Severe)]))
            .previous(report(vec![nausea(Severe)]))
            .window(24)
            .ack(acknowledged("nausea", Severe, 25))
            .within_a_day(vec![grade3("nausea")]),
        case("nausea 3 → 3, acknowledged 1 h ago, window 0", report(vec![nausea(Severe)]))
            .previous(report(vec![nausea(Severe)]))
            .window(0)
            .ack(acknowledged("nausea", Severe, 1))
            .within_a_day(vec![grade3("nausea")]),
        case("nausea 3 → 3, never acknowledged", report(vec![nausea(Severe)]))
            .previous(report(vec![nausea(Severe)]))
            .within_a_day(vec![grade3("nausea")]),
        case("nausea 3 → 3, acknowledged at grade 2 only", report(vec![nausea(Severe)]))
            .previous(report(vec![nausea(Severe)]))
            .ack(acknowledged("nausea", Moderate, 10))
            .within_a_day(vec![grade3("nausea")]),
        case("nausea 3 → 3, the acknowledgement was for pain", report(vec![nausea(Severe)]))
            .previous(report(vec![nausea(Severe)]))
            .ack(acknowledged("pain", Severe, 10))
            .within_a_day(vec![grade3("nausea")]),
        case("diarrhea 3 → 3, acknowledged 10 h ago", report(vec![diarrhea(4)]))
            .previous(report(vec![diarrhea(4)]))
            .ack(acknowledged("diarrhea", Severe, 10))
            .nothing(),
        // Worsening.
        case("nausea 1 → 3", report(vec![nausea(Severe)]))
            .previous(report(vec![nausea(Mild)]))
            .call_now(vec![worsened("nausea", Mild, Severe)]),
        case("nausea 1 → 3 with grade 3 acknowledged 10 h ago: a grade that went up", report(vec![nausea(Severe)]))
            .previous(report(vec![nausea(Mild)]))
            .ack(acknowledged("nausea", Severe, 10))
            .call_now(vec![worsened("nausea", Mild, Severe)]),
        case("pain 0 → 2 (occasionally, moderate, a little bit)", report(vec![pain(2, 2, 1)]))
            .previous(report(vec![pain(0, 0, 0)]))
            .within_a_day(vec![worsened("pain", Absent, Moderate)]),
        case("pain 1 → 2 is no alert", report(vec![pain(2, 2, 1)])).previous(report(vec![pain(1, 1, 1)])).nothing(),
        case("nausea 3 → 1 is better, no alert", report(vec![nausea(Mild)]))
            .previous(report(vec![nausea(Severe)]))
            .nothing(),
        case("grade 2, first report, is no alert", report(vec![nausea(Moderate)])).nothing(),
        // A note, duplicates, several reasons, nothing.
        case("a note: within a day", with_note()).within_a_day(vec![R::Note]),
        case("a note and nausea grade 3", SymptomReport { answers: vec![nausea(Severe)], ..with_note() })
            .call_now(vec![grade3("nausea"), R::Note]),
        case("the same answer twice: one reason", report(vec![nausea(Severe), nausea(Severe)]))
            .call_now(vec![grade3("nausea")]),
        case("chest pain with nausea 3 → 3 acknowledged 10 h ago", SymptomReport { answers: vec![nausea(Severe)], ..with_yes(&["chest_pain"]) })
            .previous(report(vec![nausea(Severe)]))
            .ack(acknowledged("nausea", Severe, 10))
            .call_911(vec![flag("chest_pain")]),
        case(
            "nausea 3 → 3 unacknowledged, pain 0 → 2, a note: all within a day",
            SymptomReport { answers: vec![nausea(Severe), pain(2, 2, 1)], ..with_note() },
        )
        .previous(report(vec![nausea(Severe), pain(0, 0, 0)]))
        .within_a_day(vec![grade3("nausea"), worsened("pain", Absent, Moderate), R::Note]),
        case(
            "fever, pain 0 → 2, a note and a fall: call now first",
            SymptomReport {
                temperature_c_tenths: Some(391),
                note: true,
                ..SymptomReport { answers: vec![nausea(Mild), pain(2, 2, 1)], ..with_yes(&["fell"]) }
            },
        )
        .previous(report(vec![pain(0, 0, 0)]))
        .call_now(vec![fever(391), rule_reason("fell"), worsened("pain", Absent, Moderate), R::Note]),
        case("an empty report", report(vec![])).nothing(),
    ]
}

#[test]
fn rules_table() {
    let mut failures = Vec::new();
    for c in cases() {
        let got = c.run(&c.acks, evaluate);
        let expected = c.expected.clone().map(|(action, reasons)| Alert { tier: action.tier(), action, reasons });
        if got != expected {
            failures.push(format!("{}:\n  expected {:?}\n  got      {:?}", c.name, expected, got));
        }
        let action = c.run(&c.acks, patient_action);
        if action != c.expected.as_ref().map(|(a, _)| *a) {
            failures.push(format!("{}: patient_action {:?}", c.name, action));
        }
        let reasons = c.run(&c.acks, check_in_reasons);
        if reasons.iter().enumerate().any(|(i, (_, r))| reasons[..i].iter().any(|(_, s)| s == r)) {
            failures.push(format!("{}: a reason twice: {reasons:?}", c.name));
        }
    }
    assert!(failures.is_empty(), "{} case(s) failed:\n{}", failures.len(), failures.join("\n"));
}

/// The device has no acknowledgements: it never tells the patient less than the server raises.
#[test]
fn the_device_says_at_least_what_the_server_raises() {
    for c in cases() {
        let device = c.run(&[], patient_action);
        let server = c.run(&c.acks, patient_action);
        assert!(device >= server, "{}: device {device:?}, server {server:?}", c.name);
        if c.acks.is_empty() {
            assert_eq!(device, server, "{}", c.name);
        }
    }
}

#[test]
fn actions_order_and_tiers() {
    assert!(WithinADay < CallNow && CallNow < Call911);
    assert_eq!(WithinADay.tier(), Tier::Routine);
    assert_eq!(CallNow.tier(), Tier::Urgent);
    assert_eq!(Call911.tier(), Tier::Urgent);
    for a in [WithinADay, CallNow, Call911] {
        assert_eq!(Action::parse(a.as_str()), Some(a));
        assert_eq!(serde_json::to_value(a).unwrap(), serde_json::json!(a.as_str()));
    }
    assert_eq!(Action::parse("urgent"), None);
    assert_eq!(Action::parse("Call_now"), None);
}

#[test]
fn alerts_put_the_most_urgent_reason_first() {
    assert_eq!(Alert::of(Vec::new()), None);
    let alert = Alert::of(vec![
        (WithinADay, R::Note),
        (CallNow, fever(385)),
        (WithinADay, R::RefillRequested),
        (Call911, flag("chest_pain")),
        (CallNow, grade3("nausea")),
        (Call911, flag("fainted")),
    ])
    .unwrap();
    assert_eq!(alert.action, Call911);
    assert_eq!(alert.tier, Tier::Urgent);
    assert_eq!(
        alert.reasons,
        vec![flag("chest_pain"), flag("fainted"), fever(385), grade3("nausea"), R::Note, R::RefillRequested],
        "most urgent first, in the order found within an action"
    );
    let routine = Alert::of(vec![(WithinADay, R::RefillRequested), (WithinADay, R::Note)]).unwrap();
    assert_eq!((routine.tier, routine.action), (Tier::Routine, WithinADay));
    assert_eq!(routine.reasons, vec![R::RefillRequested, R::Note]);
}

// --- The diary table -------------------------------------------------------------------------------------------------

fn line(drug: &str, days_since_start: u32) -> LineDiaryFacts {
    LineDiaryFacts { drugs: vec![drug.into()], days_since_start, ..LineDiaryFacts::default() }
}

fn dates(list: &[&str]) -> Vec<NaiveDate> {
    list.iter().map(|s| d(s)).collect()
}

fn missed(drug: &str, days_since_start: u32, list: &[&str]) -> LineDiaryFacts {
    LineDiaryFacts { missed: dates(list), ..line(drug, days_since_start) }
}

fn vomited(drug: &str, days_since_start: u32, list: &[&str]) -> LineDiaryFacts {
    LineDiaryFacts { vomited: dates(list), ..line(drug, days_since_start) }
}

fn extra(drug: &str, list: &[&str]) -> LineDiaryFacts {
    LineDiaryFacts { new_extra_doses: dates(list), ..line(drug, 60) }
}

fn diary(lines: Vec<LineDiaryFacts>) -> DiaryFacts {
    DiaryFacts { lines, today: Some(d("2026-11-23")), ..DiaryFacts::default() }
}

#[test]
fn diary_table() {
    let missed_2 = R::MissedDoses { count: 2, days: 7 };
    let vomited_2 = R::VomitedDoses { count: 2, hours: 48 };
    type Expected = Vec<(Action, AlertReason)>;
    let cases: Vec<(&str, DiaryFacts, Expected)> = vec![
        ("2 missed in 7 days", diary(vec![missed("capecitabine", 60, &["2026-11-17", "2026-11-23"])]), vec![(WithinADay, missed_2.clone())]),
        ("2 missed, one 8 days ago", diary(vec![missed("capecitabine", 60, &["2026-11-16", "2026-11-23"])]), vec![]),
        ("a missed dose dated tomorrow does not count", diary(vec![missed("capecitabine", 60, &["2026-11-23", "2026-11-24"])]), vec![]),
        ("1 missed on each of 2 lines", diary(vec![missed("capecitabine", 60, &["2026-11-20"]), missed("imatinib", 60, &["2026-11-21"])]), vec![(WithinADay, missed_2.clone())]),
        ("1 missed dose (a diary rule for everyone does not apply)", diary(vec![missed("capecitabine", 60, &["2026-11-20"])]), vec![]),
        ("3 missed with a missed-doses alert open", DiaryFacts { already_open: vec![missed_2.clone()], ..diary(vec![missed("capecitabine", 60, &["2026-11-20", "2026-11-21", "2026-11-22"])]) }, vec![]),
        ("2 vomited, today and yesterday", diary(vec![vomited("capecitabine", 60, &["2026-11-22", "2026-11-23"])]), vec![(WithinADay, vomited_2.clone())]),
        ("2 vomited today", diary(vec![vomited("capecitabine", 60, &["2026-11-23", "2026-11-23"])]), vec![(WithinADay, vomited_2.clone())]),
        ("2 vomited, one 2 days ago (beyond 48 h)", diary(vec![vomited("capecitabine", 60, &["2026-11-21", "2026-11-23"])]), vec![]),
        ("1 vomited dose", diary(vec![vomited("capecitabine", 60, &["2026-11-23"])]), vec![]),
        ("2 vomited with a vomited-doses alert open", DiaryFacts { already_open: vec![R::VomitedDoses { count: 3, hours: 48 }], ..diary(vec![vomited("imatinib", 60, &["2026-11-22", "2026-11-23"])]) }, vec![]),
        ("an extra dose", diary(vec![extra("capecitabine", &["2026-11-21"])]), vec![(WithinADay, R::ExtraDose { date: d("2026-11-21") })]),
        (
            "the same extra dose twice, and another: by date, once each",
            diary(vec![extra("capecitabine", &["2026-11-22", "2026-11-21"]), extra("imatinib", &["2026-11-22"])]),
            vec![(WithinADay, R::ExtraDose { date: d("2026-11-21") }), (WithinADay, R::ExtraDose { date: d("2026-11-22") })],
        ),
        ("a refill request", DiaryFacts { refill_requested: true, ..diary(vec![]) }, vec![(WithinADay, R::RefillRequested)]),
        ("a refill request with no regimen", DiaryFacts { refill_requested: true, ..DiaryFacts::default() }, vec![(WithinADay, R::RefillRequested)]),
        ("a refill request already open", DiaryFacts { refill_requested: true, already_open: vec![R::RefillRequested], ..diary(vec![]) }, vec![]),
        ("nothing", diary(vec![line("capecitabine", 3)]), vec![]),
        (
            "a temozolomide extra dose: call now",
            diary(vec![extra("temozolomide", &["2026-11-22"])]),
            vec![(CallNow, rule_reason("temozolomide_extra_dose")), (WithinADay, R::ExtraDose { date: d("2026-11-22") })],
        ),
        (
            "a temozolomide extra dose with that rule's alert open: the date still",
            DiaryFacts { already_open: vec![rule_reason("temozolomide_extra_dose")], ..diary(vec![extra("temozolomide", &["2026-11-22"])]) },
            vec![(WithinADay, R::ExtraDose { date: d("2026-11-22") })],
        ),
        ("1 missed temozolomide dose", diary(vec![missed("temozolomide", 60, &["2026-11-22"])]), vec![(WithinADay, rule_reason("temozolomide_missed_dose"))]),
        (
            "2 missed temozolomide doses",
            diary(vec![missed("temozolomide", 60, &["2026-11-20", "2026-11-22"])]),
            vec![(WithinADay, missed_2.clone()), (WithinADay, rule_reason("temozolomide_missed_dose"))],
        ),
        ("1 missed venetoclax dose on day 10", diary(vec![missed("venetoclax", 10, &["2026-11-22"])]), vec![(CallNow, rule_reason("venetoclax_ramp_up_missed"))]),
        ("1 missed venetoclax dose on day 34 (the 35th)", diary(vec![missed("venetoclax", 34, &["2026-11-22"])]), vec![(CallNow, rule_reason("venetoclax_ramp_up_missed"))]),
        ("1 missed venetoclax dose on day 35", diary(vec![missed("venetoclax", 36, &["2026-11-22"])]), vec![]),
        ("a ramp-up dose (day 34) synced on day 36", diary(vec![missed("venetoclax", 36, &["2026-11-21"])]), vec![(CallNow, rule_reason("venetoclax_ramp_up_missed"))]),
        ("1 vomited venetoclax dose on day 10", diary(vec![vomited("venetoclax", 10, &["2026-11-23"])]), vec![(CallNow, rule_reason("venetoclax_ramp_up_vomited"))]),
        ("1 vomited venetoclax dose on day 40", diary(vec![vomited("venetoclax", 40, &["2026-11-23"])]), vec![]),
        (
            "everything at once",
            DiaryFacts {
                refill_requested: true,
                ..diary(vec![
                    LineDiaryFacts { missed: dates(&["2026-11-22"]), new_extra_doses: dates(&["2026-11-22"]), ..line("temozolomide", 3) },
                    LineDiaryFacts { missed: dates(&["2026-11-21"]), vomited: dates(&["2026-11-22", "2026-11-23"]), ..line("capecitabine", 3) },
                ])
            },
            vec![
                (WithinADay, missed_2.clone()),
                (WithinADay, vomited_2.clone()),
                (CallNow, rule_reason("temozolomide_extra_dose")),
                (WithinADay, rule_reason("temozolomide_missed_dose")),
                (WithinADay, R::ExtraDose { date: d("2026-11-22") }),
                (WithinADay, R::RefillRequested),
            ],
        ),
    ];
    let mut failures = Vec::new();
    for (name, facts, expected) in cases {
        let got = diary_reasons(&facts, &rules());
        if got != expected {
            failures.push(format!("{name}:\n  expected {expected:?}\n  got      {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{} case(s) failed:\n{}", failures.len(), failures.join("\n"));

    // The alert for the lot: the temozolomide rule first.
    let facts = diary(vec![extra("temozolomide", &["2026-11-22"]), missed("capecitabine", 60, &["2026-11-21", "2026-11-22"])]);
    let alert = Alert::of(diary_reasons(&facts, &rules())).unwrap();
    assert_eq!((alert.tier, alert.action), (Tier::Urgent, CallNow));
    assert_eq!(
        alert.reasons,
        vec![rule_reason("temozolomide_extra_dose"), missed_2, R::ExtraDose { date: d("2026-11-22") }]
    );
}

// --- Settings, temperatures, rates, serde --------------------------------------------------------------------------

#[test]
fn site_settings_are_bounded() {
    let s = |fever, window| SiteSettings { fever_threshold_c_tenths: fever, acknowledged_window_hours: window, ..SiteSettings::default() };
    assert_eq!(SiteSettings::default(), s(380, 72));
    assert_eq!(SiteSettings::default().validated(), Ok(s(380, 72)));
    for ok in [s(375, 0), s(383, 720), s(380, 72)] {
        assert_eq!(ok.validated(), Ok(ok));
    }
    for (fever, window, err) in [
        (374, 72, SettingsError::FeverThreshold),
        (384, 72, SettingsError::FeverThreshold),
        (390, 72, SettingsError::FeverThreshold),
        (-380, 72, SettingsError::FeverThreshold),
        (380, 721, SettingsError::AcknowledgedWindow),
        (380, u32::MAX, SettingsError::AcknowledgedWindow),
    ] {
        assert_eq!(s(fever, window).validated(), Err(err), "{fever} / {window} h");
    }
    // A stored value from before the cap is read as the cap; lower ones as they are.
    assert_eq!(s(390, 72).fever_threshold(), 383);
    assert_eq!(s(383, 72).fever_threshold(), 383);
    assert_eq!(s(376, 72).fever_threshold(), 376);
    assert_eq!(MAX_FEVER_THRESHOLD_C_TENTHS, 383);
    assert_eq!(MIN_FEVER_THRESHOLD_C_TENTHS, 375);
    assert_eq!(MAX_ACKNOWLEDGED_WINDOW_HOURS, 720);

    let partial: SiteSettings = serde_json::from_str(r#"{"fever_threshold_c_tenths": 383}"#).unwrap();
    assert_eq!(partial, s(383, 72));
    let empty: SiteSettings = serde_json::from_str("{}").unwrap();
    assert_eq!(empty, SiteSettings::default());
}

#[test]
fn fahrenheit_to_celsius_tenths() {
    for (f, c) in [
        (1004, 380), // 100.4 °F, the usual fever line
        (986, 370),  // 98.6 °F
        (1013, 385), // 101.3 °F
        (1009, 383), // 38.28 rounds up
        (1008, 382), // 38.22 rounds down
        (1010, 383), // 101 °F, 38.33
        (1022, 390),
        (320, 0),
        (0, -178), // −17.78
        (-400, -400),
    ] {
        assert_eq!(fahrenheit_tenths_to_celsius_tenths(f), c, "{f} tenths °F");
    }
    // No overflow at the extremes.
    assert_eq!(fahrenheit_tenths_to_celsius_tenths(i32::MAX), 1_193_046_293);
    assert_eq!(fahrenheit_tenths_to_celsius_tenths(i32::MIN), -1_193_046_649);
}

#[test]
fn celsius_to_fahrenheit_tenths() {
    for (c, f) in [(380, 1004), (370, 986), (385, 1013), (383, 1009), (0, 320), (-178, 0), (-400, -400)] {
        assert_eq!(celsius_tenths_to_fahrenheit_tenths(c), f, "{c} tenths °C");
    }
    // Back and forth: every body temperature in °C survives a round trip through °F.
    for c in 300..=450 {
        assert_eq!(fahrenheit_tenths_to_celsius_tenths(celsius_tenths_to_fahrenheit_tenths(c)), c, "{c}");
    }
    assert_eq!(celsius_tenths_to_fahrenheit_tenths(i32::MAX), i32::MAX, "saturates");
    assert_eq!(celsius_tenths_to_fahrenheit_tenths(i32::MIN), i32::MIN, "saturates");
}

#[test]
fn temperatures_display_in_both_units() {
    assert_eq!(format_tenths(385), "38.5");
    assert_eq!(format_tenths(-5), "-0.5");
    assert_eq!(format_tenths(0), "0.0");
    assert_eq!(format_tenths(celsius_tenths_to_fahrenheit_tenths(385)), "101.3");
    assert_eq!(celsius_tenths_to_fahrenheit_tenths(380), 1004);
}

#[test]
fn every_reason_has_a_distinct_message_id() {
    let reasons = [
        fever(385),
        grade3("diarrhea"),
        worsened("nausea", Mild, Severe),
        R::MissedDoses { count: 2, days: 7 },
        R::ExtraDose { date: d("2026-11-21") },
        R::RefillRequested,
        rule_reason("capecitabine_stools_4"),
        R::Note,
        R::VomitedDoses { count: 2, hours: 48 },
    ];
    let ids: std::collections::BTreeSet<&str> = reasons.iter().map(|r| r.message_id()).collect();
    assert_eq!(ids.len(), reasons.len());
    assert_eq!(flag("chest_pain").message_id(), fever(385).message_id(), "one message for every red flag");
    assert_eq!(RedFlag::Fever { celsius_tenths: 385 }.id(), "fever");
    assert_eq!(RedFlag::Answered("chest_pain".into()).id(), "chest_pain");
}

#[test]
fn alert_rate_per_mille() {
    for (with_alerts, reports, rate) in [
        (1, 3, Some(333)),
        (2, 3, Some(666)),
        (0, 3, Some(0)),
        (3, 3, Some(1000)),
        (0, 0, None),
        (4, 3, None),
        (usize::MAX, usize::MAX, Some(1000)),
    ] {
        assert_eq!(alert_rate(with_alerts, reports), rate, "{with_alerts} of {reports}");
    }
}

#[test]
fn alerts_and_reasons_serialize() {
    use serde_json::json;
    let alert = Alert {
        tier: Tier::Urgent,
        action: Call911,
        reasons: vec![
            flag("chest_pain"),
            fever(385),
            grade3("pain"),
            rule_reason("capecitabine_stools_4"),
            R::Note,
            R::VomitedDoses { count: 2, hours: 48 },
            worsened("nausea", Mild, Severe),
        ],
    };
    let value = serde_json::to_value(&alert).unwrap();
    assert_eq!(value["tier"], json!("urgent"));
    assert_eq!(value["action"], json!("call_911"));
    assert_eq!(
        value["reasons"],
        json!([
            {"reason": "red_flag", "flag": "chest_pain"},
            {"reason": "red_flag", "flag": "fever", "celsius_tenths": 385},
            {"reason": "grade_three_or_more", "term": "pain", "grade": 3},
            {"reason": "rule", "rule": "capecitabine_stools_4"},
            {"reason": "note"},
            {"reason": "vomited_doses", "count": 2, "hours": 48},
            {"reason": "worsened", "term": "nausea", "from": 1, "to": 3},
        ])
    );
    assert_eq!(serde_json::from_value::<Alert>(value).unwrap(), alert);

    assert_eq!(serde_json::to_value(RedFlag::Answered("chest_pain".into())).unwrap(), json!({"flag": "chest_pain"}));
    assert_eq!(
        serde_json::to_value(RedFlag::Fever { celsius_tenths: 380 }).unwrap(),
        json!({"flag": "fever", "celsius_tenths": 380})
    );
    assert!(serde_json::from_value::<RedFlag>(json!({"flag": "fever"})).is_err(), "a fever needs its temperature");
}

/// Alerts stored before the redesign (the reasons column), with the old red flags, still read.
#[test]
fn reasons_stored_before_the_redesign_still_read() {
    let stored = r#"[
        {"reason": "red_flag", "flag": "chest_pain"},
        {"reason": "red_flag", "flag": "bleeding_wont_stop"},
        {"reason": "red_flag", "flag": "trouble_breathing"},
        {"reason": "red_flag", "flag": "severe_diarrhea"},
        {"reason": "red_flag", "flag": "severe_vomiting"},
        {"reason": "red_flag", "flag": "cannot_keep_fluids_down"},
        {"reason": "red_flag", "flag": "fever", "celsius_tenths": 385},
        {"reason": "grade_three_or_more", "term": "diarrhea", "grade": 3},
        {"reason": "worsened", "term": "pain", "from": 0, "to": 2},
        {"reason": "missed_doses", "count": 2, "days": 7},
        {"reason": "extra_dose", "date": "2026-11-21"},
        {"reason": "refill_requested"}
    ]"#;
    let reasons: Vec<AlertReason> = serde_json::from_str(stored).unwrap();
    assert_eq!(
        reasons,
        vec![
            flag("chest_pain"),
            flag("bleeding_wont_stop"),
            flag("trouble_breathing"),
            flag("severe_diarrhea"),
            flag("severe_vomiting"),
            flag("cannot_keep_fluids_down"),
            fever(385),
            grade3("diarrhea"),
            worsened("pain", Absent, Moderate),
            R::MissedDoses { count: 2, days: 7 },
            R::ExtraDose { date: d("2026-11-21") },
            R::RefillRequested,
        ]
    );
    // And they write back the same.
    let back: serde_json::Value = serde_json::to_value(&reasons).unwrap();
    assert_eq!(back, serde_json::from_str::<serde_json::Value>(stored).unwrap());
}

#[test]
fn reports_serialize() {
    let report = SymptomReport {
        temperature_c_tenths: Some(385),
        emergency_yes: ["chest_pain".to_string(), "fell".to_string()].into(),
        stools_above_usual: Some(4),
        diarrhea_at_night: Some(true),
        note: true,
        ..report(vec![diarrhea(4), hair_loss(2)])
    };
    let back: SymptomReport = serde_json::from_str(&serde_json::to_string(&report).unwrap()).unwrap();
    assert_eq!(back, report);
    // A report written before stool counts and notes.
    let old = r#"{"answers": [], "temperature_c_tenths": 380, "emergency_yes": ["severe_diarrhea"]}"#;
    let old: SymptomReport = serde_json::from_str(old).unwrap();
    assert_eq!(old, SymptomReport { temperature_c_tenths: Some(380), ..with_yes(&["severe_diarrhea"]) });
}
