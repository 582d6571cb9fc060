//! Triage rules: which symptom reports need a pharmacist, and how soon.
//!
//! A patient's [`SymptomReport`] is checked twice. On the device, [`red_flags`] decides at once whether to tell the
//! patient to call the pharmacy now (it is pure and cheap, and needs no network). Wherever the pharmacy queue is
//! built, [`evaluate`] turns the report, the one before it and a few adherence facts into at most one [`Alert`]:
//! [`Tier::Urgent`] or [`Tier::Routine`], with every [`AlertReason`] listed.
//!
//! The rules:
//! - **Urgent**: any red flag; a symptom that reaches composite grade 3 when it was lower (or not reported) last
//!   time; a symptom that worsened by 2 grades or more to grade 3.
//! - **Routine**: a symptom that worsened by 2 grades or more to grade 2 (0 → 2); grade 3 unchanged since last time;
//!   2 or more missed doses in the last 7 days; an extra dose; a refill request.
//! - **Alert fatigue**: a symptom at the same grade as in the previous report, which a pharmacist acknowledged at
//!   that grade within [`SiteSettings::acknowledged_window_hours`], gives no reason. Red flags are never suppressed,
//!   and neither is a grade that went up.
//!
//! Temperatures are integer tenths of a degree Celsius (`385` = 38.5 °C): no floating point near a threshold.
//! Nothing here reads the clock; `now` is passed in.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::grading::{composite_grade, AttributeSet, Grade, GradingError, Responses};

/// Fever threshold used unless the site sets another: 38.0 °C (100.4 °F), in tenths of a degree.
pub const DEFAULT_FEVER_THRESHOLD_C_TENTHS: i32 = 380;
/// How long a pharmacist's acknowledgement keeps an unchanged symptom quiet, unless the site sets another.
pub const DEFAULT_ACKNOWLEDGED_WINDOW_HOURS: u32 = 72;
/// A symptom at least this many grades worse than in the previous report has worsened.
pub const WORSENED_BY_GRADES: u8 = 2;
/// This many missed doses in [`MISSED_DOSES_DAYS`] days raise a reason.
pub const MISSED_DOSES_ALERT: u32 = 2;
/// The window, in days, over which missed doses are counted.
pub const MISSED_DOSES_DAYS: u32 = 7;

/// The item id whose composite grade 3 is the red flag "severe diarrhea".
pub const DIARRHEA: &str = "diarrhea";
/// The item id whose composite grade 3 is the red flag "severe vomiting".
pub const VOMITING: &str = "vomiting";

/// The rules a pharmacy site may tune.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SiteSettings {
    /// A temperature at or above this, in tenths of a degree Celsius, is a fever.
    pub fever_threshold_c_tenths: i32,
    /// How long an acknowledgement of an unchanged symptom holds, in hours.
    pub acknowledged_window_hours: u32,
}

impl Default for SiteSettings {
    fn default() -> Self {
        SiteSettings {
            fever_threshold_c_tenths: DEFAULT_FEVER_THRESHOLD_C_TENTHS,
            acknowledged_window_hours: DEFAULT_ACKNOWLEDGED_WINDOW_HOURS,
        }
    }
}

/// Converts tenths of a degree Fahrenheit to tenths of a degree Celsius, rounded to the nearest tenth.
///
/// Exact integer arithmetic: `round((f − 320) × 5 ÷ 9)`. A tie (exactly halfway) cannot happen, since a whole
/// number divided by 9 never ends in one half. So 1004 (100.4 °F) gives 380 (38.0 °C) and 1009 (100.9 °F) gives
/// 383 (38.3 °C, from 38.28). Computed in `i64`: no overflow for any input.
pub fn fahrenheit_tenths_to_celsius_tenths(fahrenheit_tenths: i32) -> i32 {
    let n = (i64::from(fahrenheit_tenths) - 320) * 5;
    // floor((n + 4) / 9) is round-to-nearest when n / 9 is never exactly halfway. Always within i32.
    (n + 4).div_euclid(9) as i32
}

/// Tenths of a degree Celsius to tenths of a degree Fahrenheit, rounded to the nearest tenth (no ties: fifths).
/// Saturates beyond the range of `i32`.
pub fn celsius_tenths_to_fahrenheit_tenths(celsius_tenths: i32) -> i32 {
    let f = (i64::from(celsius_tenths) * 9 + 2).div_euclid(5) + 320;
    f.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
}

/// A yes/no emergency question the check-in asks every time. A "yes" is a red flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmergencyQuestion {
    BleedingWontStop,
    ChestPain,
    TroubleBreathing,
    SevereDiarrhea,
    SevereVomiting,
    CannotKeepFluidsDown,
}

impl EmergencyQuestion {
    /// Every question, in the order asked.
    pub const ALL: [EmergencyQuestion; 6] = [
        EmergencyQuestion::BleedingWontStop,
        EmergencyQuestion::ChestPain,
        EmergencyQuestion::TroubleBreathing,
        EmergencyQuestion::SevereDiarrhea,
        EmergencyQuestion::SevereVomiting,
        EmergencyQuestion::CannotKeepFluidsDown,
    ];

    /// The red flag a "yes" raises.
    pub fn red_flag(self) -> RedFlag {
        match self {
            EmergencyQuestion::BleedingWontStop => RedFlag::BleedingWontStop,
            EmergencyQuestion::ChestPain => RedFlag::ChestPain,
            EmergencyQuestion::TroubleBreathing => RedFlag::TroubleBreathing,
            EmergencyQuestion::SevereDiarrhea => RedFlag::SevereDiarrhea,
            EmergencyQuestion::SevereVomiting => RedFlag::SevereVomiting,
            EmergencyQuestion::CannotKeepFluidsDown => RedFlag::CannotKeepFluidsDown,
        }
    }

    /// The symptom term whose composite grade 3 raises the same red flag as a "yes", if any.
    fn graded_term(self) -> Option<&'static str> {
        match self {
            EmergencyQuestion::SevereDiarrhea => Some(DIARRHEA),
            EmergencyQuestion::SevereVomiting => Some(VOMITING),
            _ => None,
        }
    }
}

/// Something that needs the pharmacy now. The device tells the patient to call; the alert is always urgent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "flag", rename_all = "snake_case")]
pub enum RedFlag {
    /// A temperature at or above the site's threshold.
    Fever {
        celsius_tenths: i32,
    },
    BleedingWontStop,
    ChestPain,
    TroubleBreathing,
    /// The emergency question answered yes, or composite grade 3 for the term `diarrhea`.
    SevereDiarrhea,
    /// The emergency question answered yes, or composite grade 3 for the term `vomiting`.
    SevereVomiting,
    CannotKeepFluidsDown,
}

/// The patient's answers about one symptom term, with its composite grade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SymptomAnswer {
    /// Stable term id, e.g. `diarrhea` (an item id of the check-in library).
    pub term: String,
    pub attributes: AttributeSet,
    pub responses: Responses,
    pub grade: Grade,
}

impl SymptomAnswer {
    /// An answer graded with [`composite_grade`].
    pub fn graded(
        term: impl Into<String>,
        attributes: AttributeSet,
        responses: Responses,
    ) -> Result<Self, GradingError> {
        let grade = composite_grade(attributes, &responses)?;
        Ok(SymptomAnswer { term: term.into(), attributes, responses, grade })
    }
}

/// One check-in: graded symptoms, an optional temperature and the emergency questions answered yes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SymptomReport {
    /// At most one answer per term.
    pub answers: Vec<SymptomAnswer>,
    /// Tenths of a degree Celsius; see [`fahrenheit_tenths_to_celsius_tenths`] for °F readings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature_c_tenths: Option<i32>,
    /// The emergency questions answered yes (the rest were answered no).
    #[serde(default)]
    pub emergency_yes: BTreeSet<EmergencyQuestion>,
}

impl SymptomReport {
    /// The grade reported for `term`, if it was reported.
    pub fn grade_of(&self, term: &str) -> Option<Grade> {
        self.answers.iter().find(|a| a.term == term).map(|a| a.grade)
    }
}

/// The red flags in a report, in [`RedFlag`] order, each once. Cheap enough to run on the device at every check-in.
pub fn red_flags(report: &SymptomReport, settings: &SiteSettings) -> Vec<RedFlag> {
    let mut flags = Vec::new();
    if let Some(t) = report.temperature_c_tenths.filter(|&t| t >= settings.fever_threshold_c_tenths) {
        flags.push(RedFlag::Fever { celsius_tenths: t });
    }
    for question in EmergencyQuestion::ALL {
        let graded_severe = question.graded_term().is_some_and(|term| report.grade_of(term) == Some(Grade::Severe));
        if graded_severe || report.emergency_yes.contains(&question) {
            flags.push(question.red_flag());
        }
    }
    flags
}

/// How soon a pharmacist should act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// Contact the patient today, now if possible.
    Urgent,
    /// Review in the normal course of work.
    Routine,
}

/// Why a report needs a pharmacist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum AlertReason {
    RedFlag(RedFlag),
    /// A symptom at composite grade 3 (new, or unchanged and not acknowledged recently).
    GradeThreeOrMore {
        term: String,
        grade: Grade,
    },
    /// A symptom at least [`WORSENED_BY_GRADES`] grades worse than in the previous report.
    Worsened {
        term: String,
        from: Grade,
        to: Grade,
    },
    /// Doses missed in the last `days` days.
    MissedDoses {
        count: u32,
        days: u32,
    },
    /// A dose taken beyond the plan on `date` (the patient's calendar).
    ExtraDose {
        date: NaiveDate,
    },
    RefillRequested,
}

impl AlertReason {
    /// The Fluent message that words this reason (`locales/*/carepath_app.ftl`).
    pub fn message_id(&self) -> &'static str {
        match self {
            AlertReason::RedFlag(_) => "reason-red-flag",
            AlertReason::GradeThreeOrMore { .. } => "reason-grade-three",
            AlertReason::Worsened { .. } => "reason-worsened",
            AlertReason::MissedDoses { .. } => "reason-missed-doses",
            AlertReason::ExtraDose { .. } => "reason-extra-dose",
            AlertReason::RefillRequested => "reason-refill-requested",
        }
    }
}

impl RedFlag {
    /// The Fluent message that names this red flag (the same words the emergency questions use).
    pub fn message_id(&self) -> &'static str {
        match self {
            RedFlag::Fever { .. } => "red-flag-fever",
            RedFlag::BleedingWontStop => "red-flag-bleeding-wont-stop",
            RedFlag::ChestPain => "red-flag-chest-pain",
            RedFlag::TroubleBreathing => "red-flag-trouble-breathing",
            RedFlag::SevereDiarrhea => "red-flag-severe-diarrhea",
            RedFlag::SevereVomiting => "red-flag-severe-vomiting",
            RedFlag::CannotKeepFluidsDown => "red-flag-cannot-keep-fluids-down",
        }
    }
}

/// `385` → `"38.5"`, `-5` → `"-0.5"`: tenths of a degree as people write them.
pub fn format_tenths(v: i32) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    format!("{sign}{}.{}", a / 10, a % 10)
}

/// A pharmacist saw `term` at `grade` at instant `at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acknowledgement {
    pub term: String,
    pub grade: Grade,
    pub at: DateTime<Utc>,
}

/// What a report puts in the pharmacist's queue: the highest tier among its reasons, and all of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    pub tier: Tier,
    /// Red flags first, then symptoms in report order, missed doses, extra doses (by date), refill request.
    pub reasons: Vec<AlertReason>,
}

/// The alert for `current`, if it needs one: an empty `Vec` or exactly one [`Alert`].
///
/// `previous` is the patient's report before this one; `recent_missed` the missed doses in the last
/// [`MISSED_DOSES_DAYS`] days; `extra_doses` the dates of extra doses not yet alerted on; `acknowledged` the
/// pharmacists' acknowledgements for this patient. An acknowledgement counts if it is at most
/// `acknowledged_window_hours` old at `now` (one stamped after `now`, from clock skew, counts too).
#[allow(clippy::too_many_arguments)]
pub fn evaluate(
    current: &SymptomReport,
    previous: Option<&SymptomReport>,
    recent_missed: u32,
    extra_doses: &[NaiveDate],
    refill_requested: bool,
    acknowledged: &[Acknowledgement],
    now: DateTime<Utc>,
    settings: &SiteSettings,
) -> Vec<Alert> {
    let mut reasons: Vec<(Tier, AlertReason)> =
        red_flags(current, settings).into_iter().map(|flag| (Tier::Urgent, AlertReason::RedFlag(flag))).collect();

    let window = Duration::hours(i64::from(settings.acknowledged_window_hours));
    let recently_acknowledged = |answer: &SymptomAnswer| {
        acknowledged.iter().any(|a| a.term == answer.term && a.grade == answer.grade && now - a.at <= window)
    };
    for answer in &current.answers {
        let (term, to) = (answer.term.clone(), answer.grade);
        let reason = match previous.and_then(|p| p.grade_of(&answer.term)) {
            Some(from) if to.number() >= from.number() + WORSENED_BY_GRADES => {
                let tier = if to == Grade::Severe { Tier::Urgent } else { Tier::Routine };
                Some((tier, AlertReason::Worsened { term, from, to }))
            }
            _ if to < Grade::Severe => None,
            Some(from) if from == to => (!recently_acknowledged(answer))
                .then_some((Tier::Routine, AlertReason::GradeThreeOrMore { term, grade: to })),
            // Grade 3 that was lower last time, or not reported: new.
            _ => Some((Tier::Urgent, AlertReason::GradeThreeOrMore { term, grade: to })),
        };
        reasons.extend(reason);
    }

    if recent_missed >= MISSED_DOSES_ALERT {
        reasons.push((Tier::Routine, AlertReason::MissedDoses { count: recent_missed, days: MISSED_DOSES_DAYS }));
    }
    let extra: BTreeSet<NaiveDate> = extra_doses.iter().copied().collect();
    reasons.extend(extra.into_iter().map(|date| (Tier::Routine, AlertReason::ExtraDose { date })));
    if refill_requested {
        reasons.push((Tier::Routine, AlertReason::RefillRequested));
    }

    if reasons.is_empty() {
        return Vec::new();
    }
    let tier = if reasons.iter().any(|(tier, _)| *tier == Tier::Urgent) { Tier::Urgent } else { Tier::Routine };
    vec![Alert { tier, reasons: reasons.into_iter().map(|(_, reason)| reason).collect() }]
}

/// Reports that raised an alert, per thousand reports (rounded down), for the dashboard. `None` when there are no
/// reports, or more reports with alerts than reports.
pub fn alert_rate(reports_with_alerts: usize, reports: usize) -> Option<u32> {
    if reports == 0 || reports_with_alerts > reports {
        return None;
    }
    u32::try_from(reports_with_alerts as u128 * 1000 / reports as u128).ok()
}
