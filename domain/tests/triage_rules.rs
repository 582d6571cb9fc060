//! Triage rules, one named case per line of the rules table. Grades come from `grading::composite_grade`.

use carepath_domain::grading::{AttributeSet, Grade, Responses};
use carepath_domain::triage::*;
use chrono::{DateTime, Duration, NaiveDate, Utc};

use AlertReason as R;
use Grade::*;

fn now() -> DateTime<Utc> {
    "2026-11-23T12:00:00Z".parse().unwrap()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

// Answers graded by the published algorithm.

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

fn report(answers: Vec<SymptomAnswer>) -> SymptomReport {
    SymptomReport { answers, ..SymptomReport::default() }
}

fn with_temperature(c_tenths: i32) -> SymptomReport {
    SymptomReport { temperature_c_tenths: Some(c_tenths), ..SymptomReport::default() }
}

fn with_yes(questions: &[EmergencyQuestion]) -> SymptomReport {
    SymptomReport { emergency_yes: questions.iter().copied().collect(), ..SymptomReport::default() }
}

fn acknowledged(term: &str, grade: Grade, hours_ago: i64) -> Acknowledgement {
    Acknowledgement { term: term.into(), grade, at: now() - Duration::hours(hours_ago) }
}

fn grade3(term: &str) -> AlertReason {
    R::GradeThreeOrMore { term: term.into(), grade: Severe }
}

fn worsened(term: &str, from: Grade, to: Grade) -> AlertReason {
    R::Worsened { term: term.into(), from, to }
}

/// One line of the table: the inputs of `evaluate` (defaults: nothing else going on) and the alert expected.
struct Case {
    name: String,
    current: SymptomReport,
    previous: Option<SymptomReport>,
    missed: u32,
    extra: Vec<NaiveDate>,
    refill: bool,
    acks: Vec<Acknowledgement>,
    settings: SiteSettings,
    expected: Option<(Tier, Vec<AlertReason>)>,
}

fn case(name: impl Into<String>, current: SymptomReport) -> Case {
    Case {
        name: name.into(),
        current,
        previous: None,
        missed: 0,
        extra: Vec::new(),
        refill: false,
        acks: Vec::new(),
        settings: SiteSettings::default(),
        expected: None,
    }
}

impl Case {
    fn previous(mut self, previous: SymptomReport) -> Self {
        self.previous = Some(previous);
        self
    }
    fn missed(mut self, missed: u32) -> Self {
        self.missed = missed;
        self
    }
    fn extra(mut self, dates: &[&str]) -> Self {
        self.extra = dates.iter().map(|s| d(s)).collect();
        self
    }
    fn refill(mut self) -> Self {
        self.refill = true;
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
    fn urgent(mut self, reasons: Vec<AlertReason>) -> Self {
        self.expected = Some((Tier::Urgent, reasons));
        self
    }
    fn routine(mut self, reasons: Vec<AlertReason>) -> Self {
        self.expected = Some((Tier::Routine, reasons));
        self
    }
    fn nothing(self) -> Self {
        self
    }
}

fn cases() -> Vec<Case> {
    use EmergencyQuestion as Q;
    let fever = |c| R::RedFlag(RedFlag::Fever { celsius_tenths: c });
    let mut cases = vec![
        // Fever.
        case("fever 38.5 °C", with_temperature(385)).urgent(vec![fever(385)]),
        case("37.9 °C is no fever", with_temperature(379)).nothing(),
        case("38.0 °C is a fever at the default threshold", with_temperature(380)).urgent(vec![fever(380)]),
        case("38.2 °C with a site threshold of 38.3", with_temperature(382)).fever_threshold(383).nothing(),
        case("38.3 °C with a site threshold of 38.3", with_temperature(383))
            .fever_threshold(383)
            .urgent(vec![fever(383)]),
        case("100.4 °F is 38.0 °C, a fever", with_temperature(fahrenheit_tenths_to_celsius_tenths(1004)))
            .urgent(vec![fever(380)]),
        // New grade 3.
        case("nausea grade 3, first report", report(vec![nausea(Severe)])).urgent(vec![grade3("nausea")]),
        case("nausea grade 2 → 3 is a new grade 3", report(vec![nausea(Severe)]))
            .previous(report(vec![nausea(Moderate)]))
            .urgent(vec![grade3("nausea")]),
        case("pain grade 3 (rarely, severe, quite a bit), not reported before", report(vec![pain(1, 3, 3)]))
            .previous(report(vec![nausea(Mild)]))
            .urgent(vec![grade3("pain")]),
        // Unchanged grade 3 and acknowledgements.
        case("nausea 3 → 3, acknowledged 10 h ago", report(vec![nausea(Severe)]))
            .previous(report(vec![nausea(Severe)]))
            .ack(acknowledged("nausea", Severe, 10))
            .nothing(),
        case("nausea 3 → 3, acknowledged exactly 72 h ago", report(vec![nausea(Severe)]))
            .previous(report(vec![nausea(Severe)]))
            .ack(acknowledged("nausea", Severe, 72))
            .nothing(),
        case("nausea 3 → 3, acknowledged 80 h ago (window 72 h)", report(vec![nausea(Severe)]))
            .previous(report(vec![nausea(Severe)]))
            .ack(acknowledged("nausea", Severe, 80))
            .routine(vec![grade3("nausea")]),
        case("nausea 3 → 3, never acknowledged", report(vec![nausea(Severe)]))
            .previous(report(vec![nausea(Severe)]))
            .routine(vec![grade3("nausea")]),
        case("nausea 3 → 3, acknowledged at grade 2 only", report(vec![nausea(Severe)]))
            .previous(report(vec![nausea(Severe)]))
            .ack(acknowledged("nausea", Moderate, 10))
            .routine(vec![grade3("nausea")]),
        case("nausea 3 → 3, the acknowledgement was for pain", report(vec![nausea(Severe)]))
            .previous(report(vec![nausea(Severe)]))
            .ack(acknowledged("pain", Severe, 10))
            .routine(vec![grade3("nausea")]),
        // Worsening.
        case("nausea 1 → 3", report(vec![nausea(Severe)]))
            .previous(report(vec![nausea(Mild)]))
            .urgent(vec![worsened("nausea", Mild, Severe)]),
        case("nausea 1 → 3 with grade 3 acknowledged 10 h ago: a grade that went up", report(vec![nausea(Severe)]))
            .previous(report(vec![nausea(Mild)]))
            .ack(acknowledged("nausea", Severe, 10))
            .urgent(vec![worsened("nausea", Mild, Severe)]),
        case("pain 0 → 2 (occasionally, moderate, a little bit)", report(vec![pain(2, 2, 1)]))
            .previous(report(vec![pain(0, 0, 0)]))
            .routine(vec![worsened("pain", Absent, Moderate)]),
        case("pain 1 → 2 is no alert", report(vec![pain(2, 2, 1)])).previous(report(vec![pain(1, 1, 1)])).nothing(),
        case("nausea 3 → 1 is better, no alert", report(vec![nausea(Mild)]))
            .previous(report(vec![nausea(Severe)]))
            .nothing(),
        case("grade 2, first report, is no alert", report(vec![nausea(Moderate)])).nothing(),
        // Diarrhea and vomiting at grade 3 are red flags, which are never suppressed.
        case("diarrhea almost constantly (grade 3), first report", report(vec![diarrhea(4)]))
            .urgent(vec![R::RedFlag(RedFlag::SevereDiarrhea), grade3("diarrhea")]),
        case("diarrhea frequently (grade 2) is no red flag", report(vec![diarrhea(3)])).nothing(),
        case("vomiting frequently and severe (grade 3)", report(vec![vomiting(3, 3)]))
            .previous(report(vec![vomiting(3, 2)]))
            .urgent(vec![R::RedFlag(RedFlag::SevereVomiting), grade3("vomiting")]),
        case("diarrhea 3 → 3 acknowledged 10 h ago: still a red flag", report(vec![diarrhea(4)]))
            .previous(report(vec![diarrhea(4)]))
            .ack(acknowledged("diarrhea", Severe, 10))
            .urgent(vec![R::RedFlag(RedFlag::SevereDiarrhea)]),
        case("severe diarrhea answered yes and graded 3: one flag", {
            SymptomReport { emergency_yes: [Q::SevereDiarrhea].into(), ..report(vec![diarrhea(4)]) }
        })
        .urgent(vec![R::RedFlag(RedFlag::SevereDiarrhea), grade3("diarrhea")]),
        case("chest pain with nausea 3 → 3 acknowledged 10 h ago", {
            SymptomReport { emergency_yes: [Q::ChestPain].into(), ..report(vec![nausea(Severe)]) }
        })
        .previous(report(vec![nausea(Severe)]))
        .ack(acknowledged("nausea", Severe, 10))
        .urgent(vec![R::RedFlag(RedFlag::ChestPain)]),
        // Adherence and refills.
        case("2 missed doses in 7 days", report(vec![])).missed(2).routine(vec![R::MissedDoses { count: 2, days: 7 }]),
        case("1 missed dose is no alert", report(vec![])).missed(1).nothing(),
        case("an extra dose", report(vec![]))
            .extra(&["2026-11-21"])
            .routine(vec![R::ExtraDose { date: d("2026-11-21") }]),
        case("the same extra dose twice, and another: by date, once each", report(vec![]))
            .extra(&["2026-11-22", "2026-11-21", "2026-11-22"])
            .routine(vec![R::ExtraDose { date: d("2026-11-21") }, R::ExtraDose { date: d("2026-11-22") }]),
        case("a refill request", report(vec![])).refill().routine(vec![R::RefillRequested]),
        case("an empty report", report(vec![])).nothing(),
        // Several reasons: one alert, the highest tier, every reason.
        case("fever, pain 0 → 2, 3 missed, an extra dose and a refill", {
            SymptomReport { temperature_c_tenths: Some(391), ..report(vec![nausea(Mild), pain(2, 2, 1)]) }
        })
        .previous(report(vec![pain(0, 0, 0)]))
        .missed(3)
        .extra(&["2026-11-20"])
        .refill()
        .urgent(vec![
            fever(391),
            worsened("pain", Absent, Moderate),
            R::MissedDoses { count: 3, days: 7 },
            R::ExtraDose { date: d("2026-11-20") },
            R::RefillRequested,
        ]),
        case(
            "nausea 3 → 3 unacknowledged, pain 0 → 2, 2 missed: all routine",
            report(vec![nausea(Severe), pain(2, 2, 1)]),
        )
        .previous(report(vec![nausea(Severe), pain(0, 0, 0)]))
        .missed(2)
        .routine(vec![
            grade3("nausea"),
            worsened("pain", Absent, Moderate),
            R::MissedDoses { count: 2, days: 7 },
        ]),
    ];
    for q in EmergencyQuestion::ALL {
        cases.push(case(format!("{q:?} answered yes"), with_yes(&[q])).urgent(vec![R::RedFlag(q.red_flag())]));
    }
    cases.push(
        case("every emergency question answered yes, with a fever", {
            SymptomReport { temperature_c_tenths: Some(400), ..with_yes(&EmergencyQuestion::ALL) }
        })
        .urgent(std::iter::once(fever(400)).chain(EmergencyQuestion::ALL.map(|q| R::RedFlag(q.red_flag()))).collect()),
    );
    cases
}

#[test]
fn rules_table() {
    let mut failures = Vec::new();
    for c in cases() {
        let alerts =
            evaluate(&c.current, c.previous.as_ref(), c.missed, &c.extra, c.refill, &c.acks, now(), &c.settings);
        let got = match alerts.as_slice() {
            [] => None,
            [alert] => Some((alert.tier, alert.reasons.clone())),
            _ => {
                failures.push(format!("{}: {} alerts, at most one expected", c.name, alerts.len()));
                continue;
            }
        };
        if got != c.expected {
            failures.push(format!("{}:\n  expected {:?}\n  got      {:?}", c.name, c.expected, got));
        }
    }
    assert!(failures.is_empty(), "{} case(s) failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn red_flags_on_the_device_match_the_alert() {
    for c in cases() {
        let flags = red_flags(&c.current, &c.settings);
        let expected: Vec<RedFlag> = c
            .expected
            .iter()
            .flat_map(|(_, reasons)| reasons)
            .filter_map(|r| match r {
                R::RedFlag(flag) => Some(*flag),
                _ => None,
            })
            .collect();
        assert_eq!(flags, expected, "{}", c.name);
    }
}

#[test]
fn fahrenheit_to_celsius_tenths() {
    for (f, c) in [
        (1004, 380), // 100.4 °F, the usual fever line
        (986, 370),  // 98.6 °F
        (1013, 385), // 101.3 °F
        (1009, 383), // 38.28 rounds up
        (1008, 382), // 38.22 rounds down
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
fn temperatures_display_in_both_units() {
    assert_eq!(format_tenths(385), "38.5");
    assert_eq!(format_tenths(-5), "-0.5");
    assert_eq!(format_tenths(celsius_tenths_to_fahrenheit_tenths(385)), "101.3");
    assert_eq!(celsius_tenths_to_fahrenheit_tenths(380), 1004);
}

#[test]
fn every_reason_and_red_flag_has_a_distinct_message_id() {
    let reasons = [
        R::RedFlag(RedFlag::Fever { celsius_tenths: 385 }),
        grade3("diarrhea"),
        worsened("nausea", Mild, Severe),
        R::MissedDoses { count: 2, days: 7 },
        R::ExtraDose { date: d("2026-11-21") },
        R::RefillRequested,
    ];
    let ids: std::collections::BTreeSet<&str> = reasons.iter().map(|r| r.message_id()).collect();
    assert_eq!(ids.len(), reasons.len());
    let flags = [
        RedFlag::Fever { celsius_tenths: 385 },
        RedFlag::BleedingWontStop,
        RedFlag::ChestPain,
        RedFlag::TroubleBreathing,
        RedFlag::SevereDiarrhea,
        RedFlag::SevereVomiting,
        RedFlag::CannotKeepFluidsDown,
    ];
    let ids: std::collections::BTreeSet<&str> = flags.iter().map(|f| f.message_id()).collect();
    assert_eq!(ids.len(), flags.len());
}

#[test]
fn alert_rate_per_mille() {
    for (with_alerts, reports, rate) in
        [(1, 3, Some(333)), (2, 3, Some(666)), (0, 3, Some(0)), (3, 3, Some(1000)), (0, 0, None), (4, 3, None)]
    {
        assert_eq!(alert_rate(with_alerts, reports), rate, "{with_alerts} of {reports}");
    }
}

#[test]
fn site_settings_default_and_alerts_serialize() {
    assert_eq!(SiteSettings::default(), SiteSettings { fever_threshold_c_tenths: 380, acknowledged_window_hours: 72 });
    let partial: SiteSettings = serde_json::from_str(r#"{"fever_threshold_c_tenths": 383}"#).unwrap();
    assert_eq!(partial.acknowledged_window_hours, 72);

    let alert = Alert {
        tier: Tier::Urgent,
        reasons: vec![
            R::RedFlag(RedFlag::Fever { celsius_tenths: 385 }),
            R::RedFlag(RedFlag::ChestPain),
            grade3("pain"),
        ],
    };
    let json = serde_json::to_value(&alert).unwrap();
    assert_eq!(json["reasons"][0], serde_json::json!({"reason": "red_flag", "flag": "fever", "celsius_tenths": 385}));
    assert_eq!(json["reasons"][2], serde_json::json!({"reason": "grade_three_or_more", "term": "pain", "grade": 3}));
    assert_eq!(serde_json::from_value::<Alert>(json).unwrap(), alert);

    let report = SymptomReport {
        temperature_c_tenths: Some(385),
        emergency_yes: [EmergencyQuestion::ChestPain].into(),
        ..report(vec![diarrhea(4)])
    };
    let back: SymptomReport = serde_json::from_str(&serde_json::to_string(&report).unwrap()).unwrap();
    assert_eq!(back, report);
}
