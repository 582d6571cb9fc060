//! Triage rules: which symptom reports need a pharmacist, how soon, and what the patient is told.
//!
//! Every reason carries an [`Action`] the patient can act on — **call 911**, **call us now**, or **tell us within
//! a day** — and the alert's [`Tier`] follows from the highest one (call 911 or call now: urgent). The device runs
//! [`check_in_reasons`] as the patient answers (offline, from the profile), so the screen says what the server will
//! raise; the server runs [`evaluate`] in the transaction that stores the check-in, with the pharmacists'
//! acknowledgements, which the device does not have.
//!
//! The rules, as data and code:
//! - **Yes/no questions** ([`crate::checkin::YesNoQuestion`], per drug like the items): a "yes" asks the question's
//!   own action (chest pain: 911; fever or shaking chills: call now; a fall: within a day).
//! - **Fever**: a temperature at or above the site's threshold (capped at 38.3 °C, IDSA) is a red flag, call now.
//! - **Drug rules** ([`crate::rules::Rule`], content): a stool count, diarrhea at night or an item grade that the
//!   drug's label draws its own line at (capecitabine: 4 or more stools a day above usual), with their action.
//! - **Grades**: a symptom that reaches composite grade 3 when it was lower (or not reported) last time: call now;
//!   one that worsened by 2 grades or more to grade 2: within a day; grade 3 unchanged: within a day.
//! - **Caps**: an item with `max_action` (taste, itching, insomnia, hot flashes, memory, hair loss) never asks more.
//! - **A note** in the patient's words: within a day, so nothing typed is ignored.
//! - **Alert fatigue**: a reason from a grade (grade 3, worsened, or a grade rule) at the same grade as in the
//!   previous report, which a pharmacist acknowledged at that grade within
//!   [`SiteSettings::acknowledged_window_hours`], gives no reason. Answers the patient gave (yes/no, fever, stool
//!   counts) are never suppressed, and neither is a grade that went up.
//! - **Diary** ([`diary_reasons`]): missed doses, vomited doses, extra doses and refill requests, with the drug
//!   rules' own lines (one missed temozolomide dose; any extra temozolomide dose is urgent).
//!
//! Temperatures are integer tenths of a degree Celsius (`385` = 38.5 °C): no floating point near a threshold.
//! Nothing here reads the clock; `now` is passed in.

use crate::sorting;
use std::collections::BTreeSet;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::checkin::{Item, YesNoQuestion, FEVERISH};
use crate::grading::{composite_grade, AttributeSet, Grade, GradingError, Responses};
use crate::rules::{Condition, Rule};

/// Fever threshold used unless the site sets another: 38.0 °C (100.4 °F), in tenths of a degree.
pub const DEFAULT_FEVER_THRESHOLD_C_TENTHS: i32 = 380;
/// The highest fever threshold a site may set: 38.3 °C (101 °F), the single-reading fever of the IDSA
/// neutropenic-fever guideline (Freifeld et al., Clin Infect Dis 2011). A higher one would miss fevers.
pub const MAX_FEVER_THRESHOLD_C_TENTHS: i32 = 383;
/// The lowest fever threshold a site may set: 37.5 °C (a typo guard; lower readings are normal).
pub const MIN_FEVER_THRESHOLD_C_TENTHS: i32 = 375;
/// How long a pharmacist's acknowledgement keeps an unchanged symptom quiet, unless the site sets another.
pub const DEFAULT_ACKNOWLEDGED_WINDOW_HOURS: u32 = 72;
/// Longest acknowledgement window a site may set: 30 days. (With 0, only an acknowledgement stamped at or after
/// the report's triage, from clock skew, quiets it.)
pub const MAX_ACKNOWLEDGED_WINDOW_HOURS: u32 = 720;
/// A symptom at least this many grades worse than in the previous report has worsened.
pub const WORSENED_BY_GRADES: u8 = 2;
/// This many missed doses in [`MISSED_DOSES_DAYS`] days raise a reason.
pub const MISSED_DOSES_ALERT: u32 = 2;
/// The window, in days, over which missed doses are counted.
pub const MISSED_DOSES_DAYS: u32 = 7;
/// This many doses vomited in [`VOMITED_DOSES_HOURS`] hours raise a reason, for every drug.
pub const VOMITED_DOSES_ALERT: u32 = 2;
pub const VOMITED_DOSES_HOURS: u32 = 48;

/// What the patient is told to do. Ordered: a later one is more urgent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Action {
    /// Tell the pharmacy within a day.
    #[serde(rename = "within_a_day")]
    WithinADay,
    /// Call the pharmacy now (the after-hours line at night).
    #[serde(rename = "call_now")]
    CallNow,
    /// Call 911 or go to the emergency room.
    #[serde(rename = "call_911")]
    Call911,
}

impl Action {
    /// The alert tier a pharmacist works to.
    pub fn tier(self) -> Tier {
        match self {
            Action::WithinADay => Tier::Routine,
            Action::CallNow | Action::Call911 => Tier::Urgent,
        }
    }

    /// `call_911`, `call_now`, `within_a_day`: for message ids and storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::WithinADay => "within_a_day",
            Action::CallNow => "call_now",
            Action::Call911 => "call_911",
        }
    }

    pub fn parse(text: &str) -> Option<Action> {
        [Action::WithinADay, Action::CallNow, Action::Call911].into_iter().find(|a| a.as_str() == text)
    }
}

/// Why a site's triage settings are refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("the fever threshold must be 37.5 to 38.3 °C (99.5 to 100.9 °F): above 38.3 °C fevers that need a call would be missed (IDSA)")]
    FeverThreshold,
    #[error("the acknowledgement window must be 0 to 720 hours")]
    AcknowledgedWindow,
}

/// The rules a pharmacy site may tune.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct SiteSettings {
    /// A temperature at or above this, in tenths of a degree Celsius, is a fever.
    pub fever_threshold_c_tenths: i32,
    /// How long an acknowledgement of an unchanged symptom holds, in hours.
    pub acknowledged_window_hours: u32,
    /// The unit the site's patients' thermometers read, when the site set one; else the phone goes by its
    /// language (English °F, Spanish °C). A patient's own choice on the phone wins over both.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature_unit: Option<crate::checkin::TemperatureUnit>,
}

impl Default for SiteSettings {
    fn default() -> Self {
        SiteSettings {
            fever_threshold_c_tenths: DEFAULT_FEVER_THRESHOLD_C_TENTHS,
            acknowledged_window_hours: DEFAULT_ACKNOWLEDGED_WINDOW_HOURS,
            temperature_unit: None,
        }
    }
}

impl SiteSettings {
    /// Within the safe bounds: fever 37.5–38.3 °C, window 0–720 hours.
    pub fn validated(self) -> Result<Self, SettingsError> {
        if !(MIN_FEVER_THRESHOLD_C_TENTHS..=MAX_FEVER_THRESHOLD_C_TENTHS).contains(&self.fever_threshold_c_tenths) {
            return Err(SettingsError::FeverThreshold);
        }
        if self.acknowledged_window_hours > MAX_ACKNOWLEDGED_WINDOW_HOURS {
            return Err(SettingsError::AcknowledgedWindow);
        }
        Ok(self)
    }

    /// The threshold actually applied: a stored value above the cap (from before the cap) counts as the cap.
    pub fn fever_threshold(&self) -> i32 {
        self.fever_threshold_c_tenths.min(MAX_FEVER_THRESHOLD_C_TENTHS)
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

/// Something that needs a call now or 911, from what the patient answered: never suppressed.
///
/// Stored in alerts as `{"flag": "fever", "celsius_tenths": 385}` or `{"flag": "<question id>"}` (the ids of the
/// first emergency questions, such as `chest_pain`, read the same as before).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RedFlag {
    /// A temperature at or above the site's threshold.
    Fever { celsius_tenths: i32 },
    /// A yes/no question answered yes (its id).
    Answered(String),
}

#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
struct RedFlagWire {
    flag: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    celsius_tenths: Option<i32>,
}

impl Serialize for RedFlag {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let wire = match self {
            RedFlag::Fever { celsius_tenths } => RedFlagWire { flag: "fever".into(), celsius_tenths: Some(*celsius_tenths) },
            RedFlag::Answered(id) => RedFlagWire { flag: id.clone(), celsius_tenths: None },
        };
        wire.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for RedFlag {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = RedFlagWire::deserialize(deserializer)?;
        match (wire.flag.as_str(), wire.celsius_tenths) {
            ("fever", Some(celsius_tenths)) => Ok(RedFlag::Fever { celsius_tenths }),
            ("fever", None) => Err(serde::de::Error::custom("a fever flag needs celsius_tenths")),
            _ => Ok(RedFlag::Answered(wire.flag)),
        }
    }
}

impl RedFlag {
    /// The question id, or `fever`.
    pub fn id(&self) -> &str {
        match self {
            RedFlag::Fever { .. } => "fever",
            RedFlag::Answered(id) => id,
        }
    }
}

/// The patient's answers about one symptom term, with its composite grade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SymptomReport {
    /// At most one answer per term.
    pub answers: Vec<SymptomAnswer>,
    /// Tenths of a degree Celsius; see [`fahrenheit_tenths_to_celsius_tenths`] for °F readings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature_c_tenths: Option<i32>,
    /// The yes/no questions answered yes.
    #[serde(default)]
    pub emergency_yes: BTreeSet<String>,
    /// Stools above usual on the worst of the last 2 days, when asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stools_above_usual: Option<u8>,
    /// Diarrhea at night, when asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diarrhea_at_night: Option<bool>,
    /// The patient wrote a note.
    #[serde(default)]
    pub note: bool,
}

impl SymptomReport {
    /// The grade reported for `term`, if it was reported.
    pub fn grade_of(&self, term: &str) -> Option<Grade> {
        self.answers.iter().find(|a| a.term == term).map(|a| a.grade)
    }
}

/// How soon a pharmacist should act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// Contact the patient today, now if possible.
    Urgent,
    /// Review in the normal course of work.
    Routine,
}

/// Why a report needs a pharmacist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// A drug rule of the content matched (its id; words from the rules file).
    Rule { rule: String },
    /// The patient wrote something.
    Note,
    /// Doses vomited in the last `hours` hours.
    VomitedDoses { count: u32, hours: u32 },
    /// The patient (or a caregiver) wrote a message and no alert of theirs was open.
    PatientMessage,
    /// The patient stopped logging: `count` expected doses since the last record have none (once per episode;
    /// see `worklist`).
    StoppedLogging { count: u32 },
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
            AlertReason::Rule { .. } => "reason-rule",
            AlertReason::Note => "reason-note",
            AlertReason::VomitedDoses { .. } => "reason-vomited-doses",
            AlertReason::PatientMessage => "reason-patient-message",
            AlertReason::StoppedLogging { .. } => "reason-stopped-logging",
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Acknowledgement {
    pub term: String,
    pub grade: Grade,
    pub at: DateTime<Utc>,
}

/// What a report puts in the pharmacist's queue: the tier, what the patient was told, and every reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Alert {
    pub tier: Tier,
    /// The most urgent action among the reasons: what the patient's screen said.
    pub action: Action,
    /// Most urgent first; within an action, in the order found (answers, rules, grades, diary).
    pub reasons: Vec<AlertReason>,
}

impl Alert {
    /// The alert for these reasons, if any.
    pub fn of(mut reasons: Vec<(Action, AlertReason)>) -> Option<Alert> {
        let action = reasons.iter().map(|(a, _)| *a).max()?;
        sorting::sort_by_key(&mut reasons, |(a, _)| std::cmp::Reverse(*a)); // stable: keeps the order found within an action
        Some(Alert { tier: action.tier(), action, reasons: reasons.into_iter().map(|(_, r)| r).collect() })
    }
}

/// What the check-in rules need besides the report: the patient's questions, items and drug rules (from the
/// form), the previous report, the acknowledgements (server only), the site's settings.
#[derive(Debug, Clone, Copy)]
pub struct CheckInContext<'a> {
    pub previous: Option<&'a SymptomReport>,
    pub yes_no: &'a [YesNoQuestion],
    pub items: &'a [Item],
    pub rules: &'a [Rule],
    pub acknowledged: &'a [Acknowledgement],
    pub now: DateTime<Utc>,
    pub settings: &'a SiteSettings,
}

/// The highest stool count a rules file may set as the line for everyone: 7 or more a day over baseline is CTCAE
/// v5 grade 3 diarrhea, and a rules file must ask everyone to call at it or below.
pub const STOOLS_CALL_NOW_FOR_ALL: u8 = 7;

/// Every reason a check-in gives, with what the patient is told for each. Runs on the device (no
/// acknowledgements) and on the server.
pub fn check_in_reasons(current: &SymptomReport, cx: &CheckInContext<'_>) -> Vec<(Action, AlertReason)> {
    let mut reasons: Vec<(Action, AlertReason)> = Vec::new();
    if let Some(t) = current.temperature_c_tenths.filter(|&t| t >= cx.settings.fever_threshold()) {
        reasons.push((Action::CallNow, AlertReason::RedFlag(RedFlag::Fever { celsius_tenths: t })));
    }
    for id in &current.emergency_yes {
        // A question the form no longer has (an older device) still counts: call now, never less.
        let action = cx.yes_no.iter().find(|q| &q.id == id).map_or(Action::CallNow, |q| q.action);
        let action = if id == FEVERISH { action.max(Action::CallNow) } else { action };
        let reason = if action >= Action::CallNow {
            AlertReason::RedFlag(RedFlag::Answered(id.clone()))
        } else {
            AlertReason::Rule { rule: id.clone() }
        };
        reasons.push((action, reason));
    }

    let window = Duration::hours(i64::from(cx.settings.acknowledged_window_hours));
    let acknowledged_at = |term: &str, grade: Grade| {
        cx.acknowledged.iter().any(|a| a.term == term && a.grade == grade && cx.now - a.at <= window)
    };
    let previous_grade = |term: &str| cx.previous.and_then(|p| p.grade_of(term));
    let cap = |term: &str, action: Action| {
        cx.items.iter().find(|i| i.id == term).and_then(|i| i.max_action).map_or(action, |max| action.min(max))
    };

    for rule in cx.rules {
        let action = match &rule.when {
            Condition::StoolsAboveUsual { at_least } => current.stools_above_usual.is_some_and(|n| n >= *at_least).then_some(rule.action),
            Condition::DiarrheaAtNight => (current.diarrhea_at_night == Some(true)).then_some(rule.action),
            Condition::Grade { item, at_least } => match current.grade_of(item) {
                Some(g) if g.number() >= *at_least => {
                    if previous_grade(item).is_none_or(|p| p < g) {
                        Some(cap(item, rule.action))
                    } else if !acknowledged_at(item, g) {
                        // The same grade as last time and nobody has acknowledged it yet: keep it in view.
                        Some(Action::WithinADay)
                    } else {
                        None
                    }
                }
                _ => None,
            },
            _ => None,
        };
        if let Some(action) = action {
            reasons.push((action, AlertReason::Rule { rule: rule.id.clone() }));
        }
    }

    for answer in &current.answers {
        let (term, to) = (answer.term.clone(), answer.grade);
        let from = previous_grade(&answer.term);
        let reason = match from {
            Some(from) if to.number() >= from.number() + WORSENED_BY_GRADES => {
                let action = if to == Grade::Severe { Action::CallNow } else { Action::WithinADay };
                Some((action, AlertReason::Worsened { term: term.clone(), from, to }))
            }
            _ if to < Grade::Severe => None,
            Some(from) if from == to => (!acknowledged_at(&term, to))
                .then_some((Action::WithinADay, AlertReason::GradeThreeOrMore { term: term.clone(), grade: to })),
            // Grade 3 that was lower last time, or not reported: new.
            _ => Some((Action::CallNow, AlertReason::GradeThreeOrMore { term: term.clone(), grade: to })),
        };
        reasons.extend(reason.map(|(action, reason)| (cap(&term, action), reason)));
    }
    if current.note {
        reasons.push((Action::WithinADay, AlertReason::Note));
    }

    // One reason per rule or term: a rule that matched and the same term's grade reason are both kept (they say
    // different things), but the same reason twice is not.
    let mut kept: Vec<(Action, AlertReason)> = Vec::with_capacity(reasons.len());
    for (action, reason) in reasons {
        if !kept.iter().any(|(_, r)| r == &reason) {
            kept.push((action, reason));
        }
    }
    kept
}

/// The patient's result screen: the most urgent action of the check-in, if any (none: self-care and "sent").
pub fn patient_action(current: &SymptomReport, cx: &CheckInContext<'_>) -> Option<Action> {
    check_in_reasons(current, cx).into_iter().map(|(a, _)| a).max()
}

/// The alert for a check-in, if it needs one (the server's view, with acknowledgements).
pub fn evaluate(current: &SymptomReport, cx: &CheckInContext<'_>) -> Option<Alert> {
    Alert::of(check_in_reasons(current, cx))
}

/// What the diary shows about one regimen line, for [`diary_reasons`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineDiaryFacts {
    /// Guide drug ids of the line.
    pub drugs: Vec<String>,
    /// Days since the line started (0 on the first day).
    pub days_since_start: u32,
    /// Dates of doses recorded missed (or skipped for another reason than the care team's advice), newest last.
    pub missed: Vec<NaiveDate>,
    /// Dates of doses recorded vomited.
    pub vomited: Vec<NaiveDate>,
    /// Dates of extra doses not yet alerted on.
    pub new_extra_doses: Vec<NaiveDate>,
}

/// What the diary triage needs about the patient.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiaryFacts {
    pub lines: Vec<LineDiaryFacts>,
    /// The patient's today (None: no regimen, only a refill request to look at).
    pub today: Option<NaiveDate>,
    /// Reasons an open alert already names (missed doses, vomited doses, a rule, a refill request).
    pub already_open: Vec<AlertReason>,
    /// Reasons of alerts raised in the last [`MISSED_DOSES_DAYS`] days, open or resolved.
    pub recently_alerted: Vec<AlertReason>,
    /// A new refill request.
    pub refill_requested: bool,
}

/// The diary's reasons: ≥ [`MISSED_DOSES_ALERT`] missed in [`MISSED_DOSES_DAYS`] days, ≥ [`VOMITED_DOSES_ALERT`]
/// vomited in [`VOMITED_DOSES_HOURS`] hours, each extra-dose date, a refill request, and the drug rules' own lines.
/// A reason an open alert already names is not raised again.
pub fn diary_reasons(facts: &DiaryFacts, rules: &[Rule]) -> Vec<(Action, AlertReason)> {
    let mut reasons = Vec::new();
    // An open alert that says the same keeps quiet, and so does one raised recently (resolved or not) for a
    // missed/vomited count or a diary rule: the same doses are not alerted on again the next day.
    let open = |r: &AlertReason| {
        let recent = !matches!(r, AlertReason::RefillRequested) && facts.recently_alerted.contains(r)
            || matches!(r, AlertReason::MissedDoses { .. } | AlertReason::VomitedDoses { .. })
                && facts.recently_alerted.iter().any(|o| std::mem::discriminant(o) == std::mem::discriminant(r));
        recent || facts.already_open.iter().any(|o| match (o, r) {
            (AlertReason::MissedDoses { .. }, AlertReason::MissedDoses { .. })
            | (AlertReason::VomitedDoses { .. }, AlertReason::VomitedDoses { .. }) => true,
            _ => o == r,
        })
    };
    let Some(today) = facts.today else {
        if facts.refill_requested && !open(&AlertReason::RefillRequested) {
            reasons.push((Action::WithinADay, AlertReason::RefillRequested));
        }
        return reasons;
    };
    let missed_within = |line: &LineDiaryFacts, days: u32| {
        let since = today - chrono::Days::new(u64::from(days.saturating_sub(1)));
        line.missed.iter().filter(|d| **d >= since && **d <= today).count() as u32
    };
    // Dose records carry a day, not a time: 48 hours are today and yesterday.
    let vomited_within = |line: &LineDiaryFacts, hours: u32| {
        let since = today - chrono::Days::new(u64::from(hours.div_ceil(24).saturating_sub(1)));
        line.vomited.iter().filter(|d| **d >= since && **d <= today).count() as u32
    };
    let missed: u32 = facts.lines.iter().map(|l| missed_within(l, MISSED_DOSES_DAYS)).sum();
    if missed >= MISSED_DOSES_ALERT {
        let reason = AlertReason::MissedDoses { count: missed, days: MISSED_DOSES_DAYS };
        if !open(&reason) {
            reasons.push((Action::WithinADay, reason));
        }
    }
    let vomited: u32 = facts.lines.iter().map(|l| vomited_within(l, VOMITED_DOSES_HOURS)).sum();
    if vomited >= VOMITED_DOSES_ALERT {
        let reason = AlertReason::VomitedDoses { count: vomited, hours: VOMITED_DOSES_HOURS };
        if !open(&reason) {
            reasons.push((Action::WithinADay, reason));
        }
    }
    let mut extra_dates = BTreeSet::new();
    for line in &facts.lines {
        let drugs: Vec<&str> = line.drugs.iter().map(String::as_str).collect();
        for rule in rules.iter().filter(|r| r.applies_to(&drugs) && !r.drugs.is_empty()) {
            // `first_days` looks at the dose's own day: a ramp-up dose missed on day 34 counts when synced on day 36.
            let in_window = |first_days: &Option<u32>, date: &NaiveDate| {
                let day = i64::from(line.days_since_start) - (today - *date).num_days();
                first_days.is_none_or(|d| day < i64::from(d))
            };
            let count = |dates: &[NaiveDate], window_days: u32, first_days: &Option<u32>| {
                let since = today - chrono::Days::new(u64::from(window_days.saturating_sub(1)));
                dates.iter().filter(|d| **d >= since && **d <= today && in_window(first_days, d)).count() as u32
            };
            let matched = match &rule.when {
                Condition::MissedDoses { at_least, days, first_days } => count(&line.missed, *days, first_days) >= *at_least,
                Condition::VomitedDoses { at_least, hours, first_days } => count(&line.vomited, hours.div_ceil(24), first_days) >= *at_least,
                Condition::ExtraDose => !line.new_extra_doses.is_empty(),
                _ => false,
            };
            let reason = AlertReason::Rule { rule: rule.id.clone() };
            if matched && !open(&reason) && !reasons.iter().any(|(_, r)| r == &reason) {
                reasons.push((rule.action, reason));
            }
        }
        extra_dates.extend(line.new_extra_doses.iter().copied());
    }
    reasons.extend(extra_dates.into_iter().map(|date| (Action::WithinADay, AlertReason::ExtraDose { date })));
    if facts.refill_requested && !open(&AlertReason::RefillRequested) {
        reasons.push((Action::WithinADay, AlertReason::RefillRequested));
    }
    reasons
}

/// Reports that raised an alert, per thousand reports (rounded down), for the dashboard. `None` when there are no
/// reports, or more reports with alerts than reports.
pub fn alert_rate(reports_with_alerts: usize, reports: usize) -> Option<u32> {
    if reports == 0 || reports_with_alerts > reports {
        return None;
    }
    u32::try_from(reports_with_alerts as u128 * 1000 / reports as u128).ok()
}
