//! PRO-CTCAE composite grading.
//!
//! A PRO-CTCAE symptom term is asked about through one to three attributes: how often (frequency), how bad
//! (severity), and how much it got in the way of usual or daily activities (interference) — or, for a few terms such
//! as hair loss, how much (amount). Each answer is scored 0–4. The composite grading algorithm of Basch et al.
//! ("Composite grading algorithm for the National Cancer Institute's PRO-CTCAE", *Clinical Trials* 2021;18(1):104–114)
//! maps every possible combination of answers for a term to one composite grade from 0 to 3, so that patient reports
//! can be read alongside clinician-graded CTCAE adverse events.
//!
//! The published algorithm is a consensus table, not a formula: investigators mapped each of the 179 possible answer
//! combinations, and the result was checked for directional consistency (a worse answer never gives a lower grade).
//! This module holds it as one small lookup table per attribute set. `domain/tests/composite_grades.rs` checks every
//! combination against the reference table in `shared/reference/pro-ctcae-composite-grades.csv`.
//!
//! **Skip rule.** The questions for a term are asked in the order frequency, severity, interference/amount. When the
//! first one asked is answered 0 ("never", "none"), the others are skipped and the composite grade is 0, whatever
//! (if anything) was recorded for them.
//!
//! Yes/no (presence) terms are not graded by this algorithm.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Highest response on every PRO-CTCAE 0–4 scale.
pub const MAX_RESPONSE: u8 = 4;

/// One attribute (question) of a PRO-CTCAE symptom term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Attribute {
    /// How often: never, rarely, occasionally, frequently, almost constantly.
    Frequency,
    /// How bad at its worst: none, mild, moderate, severe, very severe.
    Severity,
    /// How much it interfered with usual or daily activities: not at all, a little bit, somewhat, quite a bit, very much.
    Interference,
    /// How much (e.g. hair loss): not at all, a little bit, somewhat, quite a bit, very much.
    Amount,
}

impl Attribute {
    /// Lower-case name, as used in messages ("frequency").
    pub fn name(self) -> &'static str {
        match self {
            Attribute::Frequency => "frequency",
            Attribute::Severity => "severity",
            Attribute::Interference => "interference",
            Attribute::Amount => "amount",
        }
    }
}

impl fmt::Display for Attribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which attributes a symptom term is asked about. Every combination that occurs in the PRO-CTCAE item library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AttributeSet {
    /// Frequency, severity and interference (e.g. pain, headache, anxiety). Code `FSI`.
    FrequencySeverityInterference,
    /// Frequency and severity (e.g. nausea, vomiting, hot flashes). Code `FS`.
    FrequencySeverity,
    /// Frequency and interference (e.g. urinary urgency, loss of bowel control). Code `FI`.
    FrequencyInterference,
    /// Severity and interference (e.g. fatigue, decreased appetite, numbness and tingling). Code `SI`.
    SeverityInterference,
    /// Frequency only (e.g. diarrhoea). Code `F`.
    Frequency,
    /// Severity only (e.g. dry mouth, constipation, hand-foot syndrome). Code `S`.
    Severity,
    /// Amount only (e.g. hair loss). Code `I` in the reference table, whose third column holds
    /// "interference or amount"; the response goes in [`Responses::interference`].
    Amount,
}

impl AttributeSet {
    /// Every attribute set, from three attributes down to one.
    pub const ALL: [AttributeSet; 7] = [
        AttributeSet::FrequencySeverityInterference,
        AttributeSet::FrequencySeverity,
        AttributeSet::FrequencyInterference,
        AttributeSet::SeverityInterference,
        AttributeSet::Frequency,
        AttributeSet::Severity,
        AttributeSet::Amount,
    ];

    /// The attributes of this set, in the order they are asked. The first one decides the skip rule.
    pub fn attributes(self) -> &'static [Attribute] {
        use Attribute::*;
        match self {
            AttributeSet::FrequencySeverityInterference => &[Frequency, Severity, Interference],
            AttributeSet::FrequencySeverity => &[Frequency, Severity],
            AttributeSet::FrequencyInterference => &[Frequency, Interference],
            AttributeSet::SeverityInterference => &[Severity, Interference],
            AttributeSet::Frequency => &[Frequency],
            AttributeSet::Severity => &[Severity],
            AttributeSet::Amount => &[Amount],
        }
    }

    /// Short code used in the published table: `FSI`, `FS`, `FI`, `SI`, `F`, `S`, `I` (amount-only).
    pub fn code(self) -> &'static str {
        match self {
            AttributeSet::FrequencySeverityInterference => "FSI",
            AttributeSet::FrequencySeverity => "FS",
            AttributeSet::FrequencyInterference => "FI",
            AttributeSet::SeverityInterference => "SI",
            AttributeSet::Frequency => "F",
            AttributeSet::Severity => "S",
            AttributeSet::Amount => "I",
        }
    }

    /// Whether terms with this set are asked about `attribute`.
    pub fn includes(self, attribute: Attribute) -> bool {
        self.attributes().contains(&attribute)
    }
}

impl fmt::Display for AttributeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An attribute-set code that is not one of `FSI`, `FS`, `FI`, `SI`, `F`, `S`, `I`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown PRO-CTCAE attribute set {0:?} (expected FSI, FS, FI, SI, F, S or I)")]
pub struct UnknownAttributeSet(pub String);

impl FromStr for AttributeSet {
    type Err = UnknownAttributeSet;

    /// Parses a published-table code (see [`AttributeSet::code`]).
    fn from_str(code: &str) -> Result<Self, Self::Err> {
        AttributeSet::ALL
            .into_iter()
            .find(|set| set.code() == code)
            .ok_or_else(|| UnknownAttributeSet(code.to_owned()))
    }
}

/// A patient's answers for one symptom term, each 0–4, or `None` when not asked or not answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Responses {
    pub frequency: Option<u8>,
    pub severity: Option<u8>,
    /// Interference with usual or daily activities; for amount-only terms (hair loss), the amount.
    pub interference: Option<u8>,
}

impl Responses {
    pub fn new(frequency: Option<u8>, severity: Option<u8>, interference: Option<u8>) -> Self {
        Responses {
            frequency,
            severity,
            interference,
        }
    }

    /// The answer recorded for `attribute` (amount shares the interference slot).
    pub fn get(&self, attribute: Attribute) -> Option<u8> {
        match attribute {
            Attribute::Frequency => self.frequency,
            Attribute::Severity => self.severity,
            Attribute::Interference | Attribute::Amount => self.interference,
        }
    }

    /// The three answer slots, each with the attribute it normally holds (the third also holds amount).
    fn slots(&self) -> [(Attribute, Option<u8>); 3] {
        [
            (Attribute::Frequency, self.frequency),
            (Attribute::Severity, self.severity),
            (Attribute::Interference, self.interference),
        ]
    }
}

/// PRO-CTCAE composite grade, 0–3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(into = "u8", try_from = "u8")]
pub enum Grade {
    /// Grade 0: symptom absent.
    Absent = 0,
    /// Grade 1: mild.
    Mild = 1,
    /// Grade 2: moderate.
    Moderate = 2,
    /// Grade 3: severe.
    Severe = 3,
}

impl Grade {
    /// The grade as a number, 0–3.
    pub fn number(self) -> u8 {
        self as u8
    }
}

impl From<Grade> for u8 {
    fn from(grade: Grade) -> u8 {
        grade.number()
    }
}

impl TryFrom<u8> for Grade {
    type Error = InvalidGrade;

    fn try_from(n: u8) -> Result<Self, Self::Error> {
        match n {
            0 => Ok(Grade::Absent),
            1 => Ok(Grade::Mild),
            2 => Ok(Grade::Moderate),
            3 => Ok(Grade::Severe),
            _ => Err(InvalidGrade(n)),
        }
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.number())
    }
}

/// A number that is not a composite grade (0–3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{0} is not a PRO-CTCAE composite grade (0–3)")]
pub struct InvalidGrade(pub u8);

/// Why a set of responses cannot be graded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GradingError {
    /// A response above 4.
    #[error("{attribute} response {value} is out of range (0–4)")]
    OutOfRange { attribute: Attribute, value: u8 },
    /// A response the attribute set needs is missing (the first question, or a later one when the first is not 0).
    #[error("{attribute} response is missing; symptom terms asked about {set} need it")]
    Missing {
        attribute: Attribute,
        set: AttributeSet,
    },
    /// A response for an attribute the symptom term is not asked about (likely answers wired to the wrong term).
    #[error("{attribute} response given, but symptom terms asked about {set} have no {attribute} question")]
    NotAsked {
        attribute: Attribute,
        set: AttributeSet,
    },
}

/// The composite grade for one symptom term, following Basch et al. 2021 (see the module documentation).
///
/// Errors if a response is above 4, if a response the set needs is missing, or if a response is given for an
/// attribute the set does not have. When the first attribute asked is 0 the others may be `None` (skipped).
pub fn composite_grade(set: AttributeSet, r: &Responses) -> Result<Grade, GradingError> {
    // Every answer given must be on the 0–4 scale and belong to this kind of term.
    for (slot, value) in r.slots() {
        let Some(value) = value else { continue };
        let attribute = match (slot, set) {
            (Attribute::Interference, AttributeSet::Amount) => Attribute::Amount,
            _ => slot,
        };
        if !set.includes(attribute) {
            return Err(GradingError::NotAsked { attribute, set });
        }
        if value > MAX_RESPONSE {
            return Err(GradingError::OutOfRange { attribute, value });
        }
    }

    let answer = |attribute: Attribute| {
        r.get(attribute)
            .ok_or(GradingError::Missing { attribute, set })
    };
    let first = set.attributes()[0];
    if answer(first)? == 0 {
        return Ok(Grade::Absent); // skip rule
    }

    // `row` = first attribute (1–4) − 1; later attributes index 0–4 directly.
    let grade = match set {
        AttributeSet::Frequency => FREQUENCY_ONLY[answer(Attribute::Frequency)? as usize],
        AttributeSet::Severity => SEVERITY_ONLY[answer(Attribute::Severity)? as usize],
        AttributeSet::Amount => AMOUNT_ONLY[answer(Attribute::Amount)? as usize],
        AttributeSet::FrequencySeverity => {
            let row = answer(Attribute::Frequency)? as usize - 1;
            FREQUENCY_SEVERITY[row][answer(Attribute::Severity)? as usize]
        }
        AttributeSet::FrequencyInterference => {
            let row = answer(Attribute::Frequency)? as usize - 1;
            FREQUENCY_INTERFERENCE[row][answer(Attribute::Interference)? as usize]
        }
        AttributeSet::SeverityInterference => {
            let row = answer(Attribute::Severity)? as usize - 1;
            SEVERITY_INTERFERENCE[row][answer(Attribute::Interference)? as usize]
        }
        AttributeSet::FrequencySeverityInterference => {
            let row = answer(Attribute::Frequency)? as usize - 1;
            let severity = answer(Attribute::Severity)? as usize;
            FREQUENCY_SEVERITY_INTERFERENCE[row][severity]
                [answer(Attribute::Interference)? as usize]
        }
    };
    Ok(grade)
}

// ---------------------------------------------------------------------------------------------------------------
// The published algorithm (Basch et al. 2021), one table per attribute set.
//
// Single-attribute tables are indexed by the response 0–4. In the others, rows are the first attribute's response
// 1–4 (0 is handled by the skip rule) and columns the next attribute's response 0–4.
// ---------------------------------------------------------------------------------------------------------------

const G0: Grade = Grade::Absent;
const G1: Grade = Grade::Mild;
const G2: Grade = Grade::Moderate;
const G3: Grade = Grade::Severe;

/// Frequency only. Responses: never, rarely, occasionally, frequently, almost constantly.
const FREQUENCY_ONLY: [Grade; 5] = [G0, G1, G1, G2, G3];

/// Severity only. Responses: none, mild, moderate, severe, very severe.
const SEVERITY_ONLY: [Grade; 5] = [G0, G1, G2, G3, G3];

/// Amount only. Responses: not at all, a little bit, somewhat, quite a bit, very much. Tops out at grade 2.
const AMOUNT_ONLY: [Grade; 5] = [G0, G1, G1, G2, G2];

/// Rows: frequency 1–4. Columns: severity 0–4.
const FREQUENCY_SEVERITY: [[Grade; 5]; 4] = [
    //0   1   2   3   4   <- severity
    [G1, G1, G1, G2, G2], // rarely
    [G1, G1, G2, G2, G2], // occasionally
    [G1, G1, G2, G3, G3], // frequently
    [G1, G1, G2, G3, G3], // almost constantly
];

/// Rows: frequency 1–4. Columns: interference 0–4.
const FREQUENCY_INTERFERENCE: [[Grade; 5]; 4] = [
    //0   1   2   3   4   <- interference
    [G1, G1, G1, G2, G2], // rarely
    [G1, G1, G1, G2, G2], // occasionally
    [G1, G1, G2, G3, G3], // frequently
    [G1, G1, G2, G3, G3], // almost constantly
];

/// Rows: severity 1–4. Columns: interference 0–4.
const SEVERITY_INTERFERENCE: [[Grade; 5]; 4] = [
    //0   1   2   3   4   <- interference
    [G1, G1, G1, G2, G2], // mild
    [G1, G1, G2, G2, G3], // moderate
    [G1, G2, G2, G3, G3], // severe
    [G2, G2, G2, G3, G3], // very severe
];

/// Blocks: frequency 1–4. Within a block, rows: severity 0–4; columns: interference 0–4.
///
/// Note the first row of the "rarely" and "occasionally" blocks: a symptom that comes now and then but is rated no
/// worse than "none" and does not interfere is graded 0.
const FREQUENCY_SEVERITY_INTERFERENCE: [[[Grade; 5]; 5]; 4] = [
    [
        // frequency: rarely
        //0   1   2   3   4   <- interference
        [G0, G1, G1, G2, G2], // severity none
        [G1, G1, G1, G2, G2], // mild
        [G1, G2, G2, G2, G3], // moderate
        [G2, G2, G2, G3, G3], // severe
        [G2, G2, G3, G3, G3], // very severe
    ],
    [
        // frequency: occasionally
        [G0, G1, G1, G2, G2],
        [G1, G1, G1, G2, G2],
        [G2, G2, G2, G3, G3],
        [G2, G2, G2, G3, G3],
        [G2, G2, G3, G3, G3],
    ],
    [
        // frequency: frequently
        [G1, G1, G1, G2, G2],
        [G1, G1, G1, G2, G2],
        [G2, G2, G2, G3, G3],
        [G2, G2, G3, G3, G3],
        [G2, G2, G3, G3, G3],
    ],
    [
        // frequency: almost constantly
        [G1, G1, G1, G2, G2],
        [G1, G1, G2, G2, G3],
        [G2, G2, G2, G3, G3],
        [G2, G2, G3, G3, G3],
        [G2, G2, G3, G3, G3],
    ],
];

#[cfg(test)]
mod tests {
    use super::*;

    fn grade(
        set: AttributeSet,
        f: Option<u8>,
        s: Option<u8>,
        i: Option<u8>,
    ) -> Result<Grade, GradingError> {
        composite_grade(set, &Responses::new(f, s, i))
    }

    /// Every complete answer combination for a set (first attribute 1–4, others 0–4).
    fn combinations(set: AttributeSet) -> Vec<Responses> {
        let attributes = set.attributes();
        let mut out = Vec::new();
        let mut values = vec![0u8; attributes.len()];
        loop {
            if values[0] > 0 {
                let mut r = Responses::default();
                for (attribute, &v) in attributes.iter().zip(&values) {
                    match attribute {
                        Attribute::Frequency => r.frequency = Some(v),
                        Attribute::Severity => r.severity = Some(v),
                        Attribute::Interference | Attribute::Amount => r.interference = Some(v),
                    }
                }
                out.push(r);
            }
            // odometer
            let mut k = values.len();
            loop {
                if k == 0 {
                    return out;
                }
                k -= 1;
                if values[k] < MAX_RESPONSE {
                    values[k] += 1;
                    break;
                }
                values[k] = 0;
            }
        }
    }

    #[test]
    fn response_above_four_is_an_error() {
        use AttributeSet::*;
        assert_eq!(
            grade(FrequencySeverityInterference, Some(5), Some(1), Some(1)),
            Err(GradingError::OutOfRange {
                attribute: Attribute::Frequency,
                value: 5
            })
        );
        assert_eq!(
            grade(FrequencySeverity, Some(2), Some(5), None),
            Err(GradingError::OutOfRange {
                attribute: Attribute::Severity,
                value: 5
            })
        );
        assert_eq!(
            grade(Amount, None, None, Some(5)),
            Err(GradingError::OutOfRange {
                attribute: Attribute::Amount,
                value: 5
            })
        );
        // Even a skipped question must not hold garbage.
        assert_eq!(
            grade(FrequencySeverityInterference, Some(0), Some(9), None),
            Err(GradingError::OutOfRange {
                attribute: Attribute::Severity,
                value: 9
            })
        );
        assert_eq!(
            GradingError::OutOfRange {
                attribute: Attribute::Severity,
                value: 5
            }
            .to_string(),
            "severity response 5 is out of range (0–4)"
        );
    }

    #[test]
    fn missing_later_response_is_an_error_when_first_is_not_zero() {
        assert_eq!(
            grade(AttributeSet::FrequencySeverity, Some(2), None, None),
            Err(GradingError::Missing {
                attribute: Attribute::Severity,
                set: AttributeSet::FrequencySeverity
            })
        );
        assert_eq!(
            grade(
                AttributeSet::FrequencySeverityInterference,
                Some(1),
                Some(1),
                None
            ),
            Err(GradingError::Missing {
                attribute: Attribute::Interference,
                set: AttributeSet::FrequencySeverityInterference
            })
        );
        assert_eq!(
            grade(AttributeSet::SeverityInterference, None, Some(2), None)
                .unwrap_err()
                .to_string(),
            "interference response is missing; symptom terms asked about SI need it"
        );
    }

    #[test]
    fn missing_first_response_is_an_error() {
        for set in AttributeSet::ALL {
            let first = set.attributes()[0];
            assert_eq!(
                composite_grade(set, &Responses::default()),
                Err(GradingError::Missing {
                    attribute: first,
                    set
                }),
                "{set}"
            );
        }
    }

    #[test]
    fn response_for_an_attribute_the_term_lacks_is_an_error() {
        assert_eq!(
            grade(AttributeSet::FrequencySeverity, Some(1), Some(1), Some(1)),
            Err(GradingError::NotAsked {
                attribute: Attribute::Interference,
                set: AttributeSet::FrequencySeverity
            })
        );
        assert_eq!(
            grade(AttributeSet::Amount, Some(1), None, Some(1)),
            Err(GradingError::NotAsked {
                attribute: Attribute::Frequency,
                set: AttributeSet::Amount
            })
        );
    }

    #[test]
    fn first_answer_zero_skips_the_rest() {
        for set in AttributeSet::ALL {
            let mut r = Responses::default();
            match set.attributes()[0] {
                Attribute::Frequency => r.frequency = Some(0),
                Attribute::Severity => r.severity = Some(0),
                Attribute::Interference | Attribute::Amount => r.interference = Some(0),
            }
            assert_eq!(
                composite_grade(set, &r),
                Ok(Grade::Absent),
                "{set} with later answers skipped"
            );
        }
        // Later answers recorded as 0 (as some systems do) give the same grade.
        assert_eq!(
            grade(
                AttributeSet::FrequencySeverityInterference,
                Some(0),
                Some(0),
                Some(0)
            ),
            Ok(Grade::Absent)
        );
        assert_eq!(
            grade(AttributeSet::SeverityInterference, None, Some(0), Some(0)),
            Ok(Grade::Absent)
        );
    }

    #[test]
    fn a_few_published_combinations() {
        use AttributeSet::*;
        // Pain rarely, severe, interfering quite a bit.
        assert_eq!(
            grade(FrequencySeverityInterference, Some(1), Some(3), Some(3)),
            Ok(Grade::Severe)
        );
        // Pain rarely, no severity, no interference: grade 0 despite a frequency above 0.
        assert_eq!(
            grade(FrequencySeverityInterference, Some(1), Some(0), Some(0)),
            Ok(Grade::Absent)
        );
        // Nausea frequently, moderate.
        assert_eq!(
            grade(FrequencySeverity, Some(3), Some(2), None),
            Ok(Grade::Moderate)
        );
        // Fatigue very severe, not interfering.
        assert_eq!(
            grade(SeverityInterference, None, Some(4), Some(0)),
            Ok(Grade::Moderate)
        );
        // Diarrhoea almost constantly.
        assert_eq!(grade(Frequency, Some(4), None, None), Ok(Grade::Severe));
        // Hair loss very much.
        assert_eq!(grade(Amount, None, None, Some(4)), Ok(Grade::Moderate));
    }

    /// Step 3 of the published method: the table is directionally consistent. A worse answer to any one question,
    /// the others unchanged, never lowers the grade.
    #[test]
    fn a_worse_answer_never_lowers_the_grade() {
        for set in AttributeSet::ALL {
            for r in combinations(set) {
                let base = composite_grade(set, &r).unwrap();
                for attribute in set.attributes() {
                    let mut worse = r;
                    let slot = match attribute {
                        Attribute::Frequency => &mut worse.frequency,
                        Attribute::Severity => &mut worse.severity,
                        Attribute::Interference | Attribute::Amount => &mut worse.interference,
                    };
                    let v = slot.unwrap();
                    if v == MAX_RESPONSE {
                        continue;
                    }
                    *slot = Some(v + 1);
                    let after = composite_grade(set, &worse).unwrap();
                    assert!(
                        after >= base,
                        "{set}: {r:?} gives {base} but worse {attribute} {worse:?} gives {after}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_combination_is_gradable_and_the_count_is_179() {
        // Per set: one all-zero (skipped) combination plus every complete answer with the first attribute 1–4.
        let total: usize = AttributeSet::ALL
            .iter()
            .map(|&set| 1 + combinations(set).len())
            .sum();
        assert_eq!(total, 179);
        for set in AttributeSet::ALL {
            for r in combinations(set) {
                assert!(composite_grade(set, &r).is_ok(), "{set} {r:?}");
            }
        }
    }

    #[test]
    fn codes_round_trip() {
        for set in AttributeSet::ALL {
            assert_eq!(set.code().parse::<AttributeSet>(), Ok(set));
        }
        assert_eq!(
            "IS".parse::<AttributeSet>(),
            Err(UnknownAttributeSet("IS".into()))
        );
    }

    #[test]
    fn grade_numbers_round_trip() {
        for n in 0..=3u8 {
            assert_eq!(Grade::try_from(n).map(Grade::number), Ok(n));
        }
        assert_eq!(Grade::try_from(4), Err(InvalidGrade(4)));
    }
}
