//! The triage of the shipped content, drug by drug: for every guide drug, the patient's form and rules are built as
//! the server builds them (`library.form_for` and `rules.for_drugs`), and each scenario — what the patient
//! answered, the report before, the diary — gives the device's result screen and the pharmacist's alert tier.
//!
//! `cargo test -p carepath-domain --test triage_by_drug -- --nocapture` prints the whole table.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::PathBuf;

use carepath_domain::checkin::{CheckInAnswers, CheckInForm, Item, ItemAnswer, ItemLibrary, Temperature, TemperatureUnit};
use carepath_domain::grading::{composite_grade, Attribute, AttributeSet, Grade, Responses};
use carepath_domain::rules::{Condition, TriageRules};
use carepath_domain::triage::*;
use chrono::{DateTime, Duration, NaiveDate, Utc};

use Action::{Call911, CallNow, WithinADay};
use AlertReason as R;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn now() -> DateTime<Utc> {
    "2026-11-23T12:00:00Z".parse().unwrap()
}

fn today() -> NaiveDate {
    "2026-11-23".parse().unwrap()
}

fn days_ago(n: u64) -> NaiveDate {
    today() - chrono::Days::new(n)
}

/// The shipped content, checked as the server checks it at startup.
struct Content {
    library: ItemLibrary,
    rules: TriageRules,
    drugs: BTreeSet<String>,
}

fn load() -> Content {
    let read = |path: &str| {
        let path = repo().join(path);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let library: ItemLibrary = toml::from_str(&read("content/checkin/library.toml")).expect("library.toml");
    library.validate().expect("library.toml validates");
    let rules: TriageRules = toml::from_str(&read("content/checkin/rules.toml")).expect("rules.toml");
    let drugs: BTreeSet<String> = std::fs::read_dir(repo().join("content/guides/en"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(drugs.len() >= 16, "guide drugs: {drugs:?}");
    rules.validate(&library, &drugs).expect("rules.toml validates");
    Content { library, rules, drugs }
}

// --- Expectations written out (not read from the content) -----------------------------------------------------------

/// The yes/no questions asked of everyone, and what a "yes" asks.
const GENERAL_YES_NO: [(&str, Action); 12] = [
    ("chest_pain", Call911),
    ("trouble_breathing", Call911),
    ("bleeding_wont_stop", Call911),
    ("confusion_seizure_stroke", Call911),
    ("fainted", Call911),
    ("feverish_or_chills", CallNow),
    ("racing_heartbeat", CallNow),
    ("leg_swelling_one_side", CallNow),
    ("black_stools_or_coffee_vomit", CallNow),
    ("blistering_rash", CallNow),
    ("cannot_keep_fluids_down", CallNow),
    ("vomited_many_times", CallNow),
];

/// Drug-specific yes/no questions: the drugs whose forms must ask them, and what a "yes" asks.
const DRUG_YES_NO: [(&str, &[&str], Action); 5] = [
    ("vomited_twice_24h", &["capecitabine"], CallNow),
    ("possible_pregnancy", &["lenalidomide", "pomalidomide"], CallNow),
    ("very_little_urine", &["venetoclax"], CallNow),
    ("diarrhea_24h_on_loperamide", &["abemaciclib"], CallNow),
    ("fell", &["enzalutamide"], WithinADay),
];

/// The grade rules of rules.toml and what a new grade at the rule's line asks (from the labels).
const GRADE_RULES: [(&str, Action); 6] = [
    ("capecitabine_hand_foot_2", CallNow),
    ("capecitabine_mouth_sores_2", CallNow),
    ("capecitabine_nausea_2", CallNow),
    ("osimertinib_breathing_2", CallNow),
    ("osimertinib_cough_2", WithinADay),
    ("abiraterone_swelling_2", WithinADay),
];

/// Drugs whose label draws a line at 4 stools above usual.
const STOOLS_4_CALL_NOW: [&str; 2] = ["capecitabine", "abemaciclib"];

// --- Answers --------------------------------------------------------------------------------------------------------

fn responses(set: AttributeSet, values: &[u8]) -> Responses {
    let mut slots = [None; 3];
    for (attribute, value) in set.attributes().iter().zip(values) {
        let i = match attribute {
            Attribute::Frequency => 0,
            Attribute::Severity => 1,
            Attribute::Interference | Attribute::Amount => 2,
        };
        slots[i] = Some(*value);
    }
    Responses::new(slots[0], slots[1], slots[2])
}

/// The lowest answers (in the order asked) that give `grade` for this kind of item, if any do.
fn answer_at(item: &Item, grade: u8) -> Option<ItemAnswer> {
    let set = item.attributes;
    let n = set.attributes().len() as u32;
    let target = Grade::try_from(grade).unwrap();
    (0..5u32.pow(n)).find_map(|code| {
        let values: Vec<u8> = (0..n).rev().map(|i| (code / 5u32.pow(i) % 5) as u8).collect();
        let r = responses(set, &values);
        (composite_grade(set, &r) == Ok(target)).then_some(ItemAnswer { attributes: set, responses: r })
    })
}

/// Every question answered with the worst answer.
fn answer_most(item: &Item) -> ItemAnswer {
    let set = item.attributes;
    ItemAnswer { attributes: set, responses: responses(set, &[4, 4, 4]) }
}

/// One patient on one drug: the form the device holds (with its rules), as the server serves it.
struct Patient {
    drug: String,
    form: CheckInForm,
}

impl Patient {
    fn new(content: &Content, drug: &str) -> Patient {
        let mut form = content.library.form_for(&[drug], 7);
        form.rules = content.rules.for_drugs(&[drug]);
        Patient { drug: drug.into(), form }
    }

    fn item(&self, id: &str) -> Option<&Item> {
        self.form.items.iter().find(|i| i.id == id)
    }

    fn has_item(&self, id: &str) -> bool {
        self.item(id).is_some()
    }

    fn asks(&self, question: &str) -> bool {
        self.form.yes_no.iter().any(|q| q.id == question)
    }

    /// A check-in with nothing to report: every item at grade 0 and, when asked, no extra stools.
    fn quiet(&self) -> CheckInAnswers {
        let mut answers = CheckInAnswers::default();
        for item in &self.form.items {
            answers.answers.insert(item.id.clone(), answer_at(item, 0).unwrap());
        }
        if self.has_item("diarrhea") {
            answers.stools_above_usual = Some(0);
            answers.diarrhea_at_night = Some(false);
        }
        answers
    }

    /// `quiet()` with one item at a grade.
    fn with_grade(&self, item: &str, grade: u8) -> CheckInAnswers {
        let mut answers = self.quiet();
        let it = self.item(item).unwrap_or_else(|| panic!("{}: no {item}", self.drug));
        let answer = answer_at(it, grade).unwrap_or_else(|| panic!("{item} cannot reach grade {grade}"));
        answers.answers.insert(item.into(), answer);
        answers
    }

    /// A stool count, with diarrhea answered at `diarrhea_grade` when the form asks about it.
    fn with_stools(&self, stools: u8, diarrhea_grade: u8, at_night: bool) -> CheckInAnswers {
        let mut answers = if self.has_item("diarrhea") { self.with_grade("diarrhea", diarrhea_grade) } else { self.quiet() };
        answers.stools_above_usual = Some(stools);
        answers.diarrhea_at_night = Some(at_night);
        answers
    }

    fn with_yes(&self, id: &str) -> CheckInAnswers {
        let mut answers = self.quiet();
        answers.emergency_yes.insert(id.into());
        answers
    }

    fn with_temperature(&self, tenths: i32, unit: TemperatureUnit) -> CheckInAnswers {
        CheckInAnswers { temperature: Some(Temperature { tenths, unit }), ..self.quiet() }
    }
}

// --- Scenarios ------------------------------------------------------------------------------------------------------

/// The patient's result screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Screen {
    Call911,
    CallNow,
    /// Told to tell the pharmacy within a day, or shown self-care advice for a graded symptom with no alert.
    SelfCare,
    /// Nothing at all: "sent".
    Sent,
}

impl fmt::Display for Screen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Screen::Call911 => "call 911",
            Screen::CallNow => "call now",
            Screen::SelfCare => "self-care",
            Screen::Sent => "sent",
        })
    }
}

fn screen_of(action: Action) -> Screen {
    match action {
        Call911 => Screen::Call911,
        CallNow => Screen::CallNow,
        WithinADay => Screen::SelfCare,
    }
}

fn tier_text(tier: Option<Tier>) -> &'static str {
    match tier {
        Some(Tier::Urgent) => "urgent",
        Some(Tier::Routine) => "routine",
        None => "none",
    }
}

struct Scenario {
    name: String,
    /// None: a diary-only scenario (no check-in).
    answers: Option<CheckInAnswers>,
    previous: Option<CheckInAnswers>,
    acknowledged: Vec<Acknowledgement>,
    diary: Option<DiaryFacts>,
    screen: Screen,
    tier: Option<Tier>,
    /// Reasons the alert must name (the rule or question that drives it).
    names: Vec<AlertReason>,
}

fn check_in(name: impl Into<String>, answers: CheckInAnswers) -> Scenario {
    Scenario {
        name: name.into(),
        answers: Some(answers),
        previous: None,
        acknowledged: Vec::new(),
        diary: None,
        screen: Screen::Sent,
        tier: None,
        names: Vec::new(),
    }
}

fn diary(name: impl Into<String>, line: LineDiaryFacts) -> Scenario {
    let facts = DiaryFacts { lines: vec![line], today: Some(today()), ..DiaryFacts::default() };
    Scenario { answers: None, diary: Some(facts), ..check_in(name, CheckInAnswers::default()) }
}

impl Scenario {
    fn previous(mut self, previous: CheckInAnswers) -> Self {
        self.previous = Some(previous);
        self
    }
    fn acknowledged(mut self, term: &str, grade: u8, hours_ago: i64) -> Self {
        let grade = Grade::try_from(grade).unwrap();
        self.acknowledged.push(Acknowledgement { term: term.into(), grade, at: now() - Duration::hours(hours_ago) });
        self
    }
    fn expect(mut self, screen: Screen, tier: Option<Tier>) -> Self {
        self.screen = screen;
        self.tier = tier;
        self
    }
    /// The screen and tier that follow from one action.
    fn asks(self, action: Action) -> Self {
        self.expect(screen_of(action), Some(action.tier()))
    }
    fn names(mut self, reasons: impl IntoIterator<Item = AlertReason>) -> Self {
        self.names.extend(reasons);
        self
    }
}

fn rule(id: &str) -> AlertReason {
    R::Rule { rule: id.into() }
}

fn flag(id: &str) -> AlertReason {
    R::RedFlag(RedFlag::Answered(id.into()))
}

fn fever(c: i32) -> AlertReason {
    R::RedFlag(RedFlag::Fever { celsius_tenths: c })
}

fn grade3(term: &str) -> AlertReason {
    R::GradeThreeOrMore { term: term.into(), grade: Grade::Severe }
}

fn line(drug: &str, days_since_start: u32) -> LineDiaryFacts {
    LineDiaryFacts { drugs: vec![drug.into()], days_since_start, ..LineDiaryFacts::default() }
}

/// Every scenario for one patient. `missing` collects what the content should have and does not.
fn scenarios(p: &Patient, missing: &mut Vec<String>) -> Vec<Scenario> {
    use Screen::{SelfCare, Sent};
    let drug = p.drug.as_str();
    let mut s = vec![
        check_in("nothing to report", p.quiet()).expect(Sent, None),
        check_in("38.0 °C (the default threshold)", p.with_temperature(380, TemperatureUnit::Celsius))
            .asks(CallNow)
            .names([fever(380)]),
        check_in("101.3 °F", p.with_temperature(1013, TemperatureUnit::Fahrenheit)).asks(CallNow).names([fever(385)]),
        check_in("37.9 °C", p.with_temperature(379, TemperatureUnit::Celsius)).expect(Sent, None),
        check_in("chest pain: yes", p.with_yes("chest_pain")).asks(Call911).names([flag("chest_pain")]),
        check_in("feverish or chills: yes, no temperature", p.with_yes("feverish_or_chills"))
            .asks(CallNow)
            .names([flag("feverish_or_chills")]),
        check_in("a note", CheckInAnswers { note: Some("My feet hurt when I walk.".into()), ..p.quiet() })
            .asks(WithinADay)
            .names([R::Note]),
        check_in("a blank note", CheckInAnswers { note: Some("   ".into()), ..p.quiet() }).expect(Sent, None),
    ];
    for question in ["chest_pain", "feverish_or_chills"] {
        if !p.asks(question) {
            missing.push(format!("{drug}: the form does not ask {question}"));
        }
    }

    // Stool counts: the rule for everyone at 7; capecitabine and abemaciclib at 4; abemaciclib's first loose stool.
    let asked = if p.has_item("diarrhea") { "" } else { " (not on this form)" };
    s.push(
        check_in(format!("7 stools above usual{asked}"), p.with_stools(7, 2, false))
            .asks(CallNow)
            .names([rule("stools_7_everyone")]),
    );
    if p.has_item("diarrhea") {
        let four = check_in("4 stools above usual, diarrhea often (grade 2)", p.with_stools(4, 2, false));
        s.push(if STOOLS_4_CALL_NOW.contains(&drug) {
            four.asks(CallNow).names([rule(&format!("{drug}_stools_4"))])
        } else {
            four.expect(SelfCare, None)
        });
        let one = check_in("1 stool above usual, diarrhea rarely (grade 1)", p.with_stools(1, 1, false));
        s.push(if drug == "abemaciclib" {
            one.asks(WithinADay).names([rule("abemaciclib_loose_stools")])
        } else {
            one.expect(SelfCare, None)
        });
        let night = check_in("diarrhea at night, 2 stools above usual (grade 1)", p.with_stools(2, 1, true));
        s.push(match drug {
            "capecitabine" => night.asks(CallNow).names([rule("capecitabine_diarrhea_at_night")]),
            "abemaciclib" => night.asks(WithinADay).names([rule("abemaciclib_loose_stools")]),
            _ => night.expect(SelfCare, None),
        });
        s.push(check_in("diarrhea almost all the time (grade 3), first report", p.with_grade("diarrhea", 3)).asks(CallNow).names([grade3("diarrhea")]));
    }

    // The drug's grade rules: new at the line, the same again, the same again once acknowledged.
    for r in &p.form.rules {
        let Condition::Grade { item, at_least } = &r.when else { continue };
        let Some((_, action)) = GRADE_RULES.iter().find(|(id, _)| *id == r.id) else {
            missing.push(format!("{drug}: no expectation written for the grade rule {}", r.id));
            continue;
        };
        if !p.has_item(item) {
            missing.push(format!("{drug}: the rule {} reads {item}, which the form does not ask", r.id));
            continue;
        }
        let (item, g) = (item.as_str(), *at_least);
        s.push(
            check_in(format!("{item} {} → {g}", g - 1), p.with_grade(item, g))
                .previous(p.with_grade(item, g - 1))
                .asks(*action)
                .names([rule(&r.id)]),
        );
        s.push(
            check_in(format!("{item} {g} → {g}, not acknowledged"), p.with_grade(item, g))
                .previous(p.with_grade(item, g))
                .asks(WithinADay)
                .names([rule(&r.id)]),
        );
        s.push(
            check_in(format!("{item} {g} → {g}, acknowledged 10 h ago"), p.with_grade(item, g))
                .previous(p.with_grade(item, g))
                .acknowledged(item, g, 10)
                .expect(SelfCare, None),
        );
    }
    if drug == "capecitabine" && !p.form.rules.iter().any(|r| r.id == "capecitabine_hand_foot_2") {
        missing.push("capecitabine: no capecitabine_hand_foot_2 rule".into());
    }

    // Grade 3, new and unchanged.
    if p.has_item("shortness_of_breath") {
        s.push(
            check_in("shortness of breath 2 → 3 (a new grade 3)", p.with_grade("shortness_of_breath", 3))
                .previous(p.with_grade("shortness_of_breath", 2))
                .asks(CallNow)
                .names([grade3("shortness_of_breath")]),
        );
        s.push(
            check_in("shortness of breath grade 3, first report", p.with_grade("shortness_of_breath", 3))
                .asks(CallNow)
                .names([grade3("shortness_of_breath")]),
        );
        s.push(
            check_in("shortness of breath 1 → 3 (worsened)", p.with_grade("shortness_of_breath", 3))
                .previous(p.with_grade("shortness_of_breath", 1))
                .asks(CallNow)
                .names([R::Worsened { term: "shortness_of_breath".into(), from: Grade::Mild, to: Grade::Severe }]),
        );
        s.push(
            check_in("shortness of breath 3 → 3, not acknowledged", p.with_grade("shortness_of_breath", 3))
                .previous(p.with_grade("shortness_of_breath", 3))
                .asks(WithinADay)
                .names([grade3("shortness_of_breath")]),
        );
        s.push(
            check_in("shortness of breath 3 → 3, acknowledged 10 h ago", p.with_grade("shortness_of_breath", 3))
                .previous(p.with_grade("shortness_of_breath", 3))
                .acknowledged("shortness_of_breath", 3, 10)
                .expect(SelfCare, None),
        );
    }

    // Capped items (taste, itching, insomnia, hot flashes, memory, hair loss): never urgent.
    for item in p.form.items.iter().filter(|i| i.max_action.is_some()) {
        let most = answer_most(item);
        let grade = composite_grade(item.attributes, &most.responses).unwrap();
        let mut answers = p.quiet();
        answers.answers.insert(item.id.clone(), most);
        let first = check_in(format!("{} at the worst answers (grade {grade}), first report", item.id), answers.clone());
        s.push(if grade == Grade::Severe {
            first.asks(WithinADay).names([grade3(&item.id)])
        } else {
            first.expect(SelfCare, None)
        });
        s.push(
            check_in(format!("{} from none to the worst answers (0 → {grade})", item.id), answers)
                .previous(p.quiet())
                .asks(WithinADay)
                .names([R::Worsened { term: item.id.clone(), from: Grade::Absent, to: grade }]),
        );
    }

    // Drug-specific yes/no questions.
    for (id, drugs, action) in DRUG_YES_NO {
        let should = drugs.contains(&drug);
        if should && !p.asks(id) {
            missing.push(format!("{drug}: the form does not ask {id}"));
        }
        if p.asks(id) {
            let reason = if action >= CallNow { flag(id) } else { rule(id) };
            s.push(check_in(format!("{id}: yes"), p.with_yes(id)).asks(action).names([reason]));
        }
    }

    // The diary.
    let extra = diary("one extra dose", LineDiaryFacts { new_extra_doses: vec![days_ago(1)], ..line(drug, 60) });
    s.push(if drug == "temozolomide" {
        extra.asks(CallNow).names([rule("temozolomide_extra_dose"), R::ExtraDose { date: days_ago(1) }])
    } else {
        extra.asks(WithinADay).names([R::ExtraDose { date: days_ago(1) }])
    });
    let missed_one = diary("one missed dose (day 60)", LineDiaryFacts { missed: vec![days_ago(1)], ..line(drug, 60) });
    s.push(if drug == "temozolomide" {
        missed_one.asks(WithinADay).names([rule("temozolomide_missed_dose")])
    } else {
        missed_one.expect(Sent, None)
    });
    if drug == "venetoclax" {
        for day in [0, 10, 34] {
            s.push(
                diary(format!("one missed dose on day {day} (ramp-up)"), LineDiaryFacts { missed: vec![days_ago(1)], ..line(drug, day) })
                    .asks(CallNow)
                    .names([rule("venetoclax_ramp_up_missed")]),
            );
        }
        s.push(
            diary("one missed dose on day 36 (after the ramp-up)", LineDiaryFacts { missed: vec![days_ago(1)], ..line(drug, 36) })
                .expect(Sent, None),
        );
        // The ramp-up is judged by the dose's own day: missed on day 34, synced on day 36.
        s.push(
            diary("a ramp-up dose missed on day 34, synced on day 36", LineDiaryFacts { missed: vec![days_ago(2)], ..line(drug, 36) })
                .asks(CallNow)
                .names([rule("venetoclax_ramp_up_missed")]),
        );
        s.push(
            diary("one vomited dose on day 10 (ramp-up)", LineDiaryFacts { vomited: vec![today()], ..line(drug, 10) })
                .asks(CallNow)
                .names([rule("venetoclax_ramp_up_vomited")]),
        );
        s.push(diary("one vomited dose on day 40", LineDiaryFacts { vomited: vec![today()], ..line(drug, 40) }).expect(Sent, None));
    }
    s.push(
        diary("two vomited doses in 48 h (day 60)", LineDiaryFacts { vomited: vec![days_ago(1), today()], ..line(drug, 60) })
            .asks(WithinADay)
            .names([R::VomitedDoses { count: 2, hours: 48 }]),
    );
    s.push(
        diary("two vomited doses 3 days apart (day 60)", LineDiaryFacts { vomited: vec![days_ago(2), today()], ..line(drug, 60) })
            .expect(Sent, None),
    );
    s.push(
        diary("two missed doses in a week (day 60)", LineDiaryFacts { missed: vec![days_ago(6), today()], ..line(drug, 60) })
            .asks(WithinADay)
            .names([R::MissedDoses { count: 2, days: 7 }]),
    );
    let mut refill = diary("a refill request", line(drug, 60));
    refill.diary.as_mut().unwrap().refill_requested = true;
    s.push(refill.asks(WithinADay).names([R::RefillRequested]));
    s
}

/// What one scenario gave.
struct Outcome {
    screen: Screen,
    alert: Option<Alert>,
    /// The device's reasons differ from the server's (without acknowledgements they must not).
    disagreement: Option<String>,
}

fn run(content: &Content, p: &Patient, s: &Scenario) -> Result<Outcome, String> {
    let settings = SiteSettings::default();
    let server_rules = content.rules.for_drugs(&[p.drug.as_str()]);
    let mut device: Vec<(Action, AlertReason)> = Vec::new();
    let mut server: Vec<(Action, AlertReason)> = Vec::new();
    let mut graded = false;
    if let Some(answers) = &s.answers {
        let report = answers.report().map_err(|e| format!("the check-in does not grade: {e}"))?;
        let previous = match &s.previous {
            Some(p) => Some(p.report().map_err(|e| format!("the previous check-in does not grade: {e}"))?),
            None => None,
        };
        graded = report.answers.iter().any(|a| a.grade > Grade::Absent);
        // The device: the form it holds, no acknowledgements.
        let cx = p.form.context(previous.as_ref(), now(), &settings);
        device.extend(check_in_reasons(&report, &cx));
        // The server: the whole library, the drug's rules, the acknowledgements.
        let cx = CheckInContext {
            yes_no: &content.library.yes_no,
            items: &content.library.items,
            rules: &server_rules,
            acknowledged: &s.acknowledged,
            ..cx
        };
        server.extend(check_in_reasons(&report, &cx));
        if s.acknowledged.is_empty() && patient_action(&report, &cx) != device.iter().map(|(a, _)| *a).max() {
            return Err("patient_action differs from the reasons".into());
        }
    }
    if let Some(facts) = &s.diary {
        device.extend(diary_reasons(facts, &p.form.rules));
        server.extend(diary_reasons(facts, &server_rules));
    }
    let disagreement = (s.acknowledged.is_empty() && device != server)
        .then(|| format!("device {device:?}\n    server {server:?}"));
    let screen = match device.iter().map(|(a, _)| *a).max() {
        Some(action) => screen_of(action),
        None if graded => Screen::SelfCare,
        None => Screen::Sent,
    };
    Ok(Outcome { screen, alert: Alert::of(server), disagreement })
}

fn short(reason: &AlertReason) -> String {
    match reason {
        R::RedFlag(RedFlag::Fever { celsius_tenths }) => format!("fever {}", format_tenths(*celsius_tenths)),
        R::RedFlag(RedFlag::Answered(id)) => format!("flag:{id}"),
        R::GradeThreeOrMore { term, grade } => format!("grade{grade}:{term}"),
        R::Worsened { term, from, to } => format!("worse:{term} {from}→{to}"),
        R::MissedDoses { count, days } => format!("missed {count}/{days}d"),
        R::ExtraDose { date } => format!("extra {date}"),
        R::RefillRequested => "refill".into(),
        R::Rule { rule } => format!("rule:{rule}"),
        R::Note => "note".into(),
        R::VomitedDoses { count, hours } => format!("vomited {count}/{hours}h"),
        R::PatientMessage => "message".into(),
        R::StoppedLogging { count } => format!("stopped logging {count}"),
    }
}

#[test]
fn every_drug_every_scenario() {
    let content = load();
    let mut failures = Vec::new();
    let mut rules_seen = BTreeSet::new();
    let mut rows = 0;
    println!("{:<13} {:<62} {:<9} {:<7} reasons", "drug", "scenario", "screen", "alert");
    for drug in &content.drugs {
        let patient = Patient::new(&content, drug);
        for s in scenarios(&patient, &mut failures) {
            rows += 1;
            let outcome = match run(&content, &patient, &s) {
                Ok(o) => o,
                Err(e) => {
                    failures.push(format!("{drug} / {}: {e}", s.name));
                    continue;
                }
            };
            let tier = outcome.alert.as_ref().map(|a| a.tier);
            let reasons = outcome.alert.as_ref().map(|a| a.reasons.clone()).unwrap_or_default();
            for r in &reasons {
                if let R::Rule { rule } = r {
                    rules_seen.insert(rule.clone());
                }
            }
            let shown: Vec<String> = reasons.iter().map(short).collect();
            let ok = outcome.screen == s.screen && tier == s.tier && s.names.iter().all(|n| reasons.contains(n));
            println!(
                "{:<13} {:<62} {:<9} {:<7} {}{}",
                drug,
                s.name,
                outcome.screen.to_string(),
                tier_text(tier),
                shown.join(", "),
                if ok { "" } else { "   <-- MISMATCH" }
            );
            if !ok {
                let names: Vec<String> = s.names.iter().map(short).collect();
                failures.push(format!(
                    "{drug} / {}: expected {} / {} naming [{}], got {} / {} [{}]",
                    s.name,
                    s.screen,
                    tier_text(s.tier),
                    names.join(", "),
                    outcome.screen,
                    tier_text(tier),
                    shown.join(", ")
                ));
            }
            if let Some(d) = outcome.disagreement {
                failures.push(format!("{drug} / {}: the device and the server disagree:\n    {d}", s.name));
            }
        }
    }
    println!("{rows} scenarios for {} drugs", content.drugs.len());
    let unexercised: Vec<&String> =
        content.rules.rules.iter().map(|r| &r.id).filter(|id| !rules_seen.contains(*id)).collect();
    if !unexercised.is_empty() {
        failures.push(format!("rules no scenario exercised: {unexercised:?}"));
    }
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
}

/// Every yes/no question on every form, answered yes alone, asks what it should; the drug-specific ones are on
/// the forms of their drugs and no others.
#[test]
fn every_yes_no_question_on_every_form() {
    let content = load();
    let expected: BTreeMap<&str, (Option<&[&str]>, Action)> = GENERAL_YES_NO
        .iter()
        .map(|(id, a)| (*id, (None, *a)))
        .chain(DRUG_YES_NO.iter().map(|(id, drugs, a)| (*id, (Some(*drugs), *a))))
        .collect();
    let mut failures = Vec::new();
    for id in expected.keys() {
        if !content.library.yes_no.iter().any(|q| q.id == *id) {
            failures.push(format!("the library has no yes/no question {id}"));
        }
    }
    for q in &content.library.yes_no {
        match expected.get(q.id.as_str()) {
            None => failures.push(format!("no expectation written for the yes/no question {} ({:?})", q.id, q.action)),
            Some((None, _)) if !q.drugs.is_empty() => failures.push(format!("{} should be asked of everyone", q.id)),
            Some((Some(drugs), _)) => {
                let listed: BTreeSet<&str> = q.drugs.iter().map(String::as_str).collect();
                let wanted: BTreeSet<&str> = drugs.iter().copied().collect();
                if listed != wanted {
                    failures.push(format!("{} is asked for {listed:?}, expected {wanted:?}", q.id));
                }
            }
            _ => {}
        }
    }
    for drug in &content.drugs {
        let p = Patient::new(&content, drug);
        for (id, (drugs, action)) in &expected {
            let should_ask = drugs.is_none_or(|d| d.contains(&drug.as_str()));
            if p.asks(id) != should_ask {
                failures.push(format!("{drug}: asks {id}: {}, expected {should_ask}", p.asks(id)));
            }
            if !p.asks(id) {
                continue;
            }
            let report = p.with_yes(id).report().unwrap();
            let settings = SiteSettings::default();
            let cx = p.form.context(None, now(), &settings);
            let reason = if *action >= CallNow { flag(id) } else { rule(id) };
            let got = evaluate(&report, &cx);
            let want = Some(Alert { tier: action.tier(), action: *action, reasons: vec![reason] });
            if got != want {
                failures.push(format!("{drug}: {id} yes: expected {want:?}, got {got:?}"));
            }
        }
        // A question retired from the library, from an older device: call now.
        let mut old = p.quiet();
        old.emergency_yes.insert("severe_diarrhea".into());
        let settings = SiteSettings::default();
        let cx = CheckInContext {
            previous: None,
            yes_no: &content.library.yes_no,
            items: &content.library.items,
            rules: &p.form.rules,
            acknowledged: &[],
            now: now(),
            settings: &settings,
        };
        if patient_action(&old.report().unwrap(), &cx) != Some(CallNow) {
            failures.push(format!("{drug}: the retired severe_diarrhea yes is not a call now"));
        }
    }
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
}

/// The rules file's own lines, checked against the labels' numbers written here.
#[test]
fn the_shipped_rules_draw_the_labels_lines() {
    let content = load();
    let rule = |id: &str| content.rules.rules.iter().find(|r| r.id == id).unwrap_or_else(|| panic!("no rule {id}"));
    assert_eq!(rule("stools_7_everyone").when, Condition::StoolsAboveUsual { at_least: 7 });
    assert!(rule("stools_7_everyone").drugs.is_empty());
    for drug in STOOLS_4_CALL_NOW {
        let r = rule(&format!("{drug}_stools_4"));
        assert_eq!((r.when.clone(), r.action, r.drugs.clone()), (Condition::StoolsAboveUsual { at_least: 4 }, CallNow, vec![drug.to_string()]));
    }
    assert_eq!(rule("temozolomide_extra_dose").action, CallNow);
    assert_eq!(
        rule("venetoclax_ramp_up_missed").when,
        Condition::MissedDoses { at_least: 1, days: 7, first_days: Some(35) }
    );
    for (id, action) in GRADE_RULES {
        assert_eq!(rule(id).action, action, "{id}");
    }
    // Every check-in rule for one drug only names a guide drug whose form it can read.
    for r in content.rules.rules.iter().filter(|r| r.when.is_check_in()) {
        for drug in &r.drugs {
            let p = Patient::new(&content, drug);
            if matches!(r.when, Condition::StoolsAboveUsual { .. } | Condition::DiarrheaAtNight) {
                assert!(p.has_item("diarrhea"), "{}: {drug}'s form has no diarrhea, so no stool count is asked", r.id);
            }
        }
    }
}
