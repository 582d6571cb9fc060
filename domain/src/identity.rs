//! Knowing the patient (issue #12 items 1–4): the two identifiers the desk collects at enrollment (date of birth
//! and medical record number), a number to call back and the patient's language; the header shown on every patient
//! view ([`PatientHeader`]); a reissued enrollment code and its printable handout ([`Handout`]).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::regimen::RegimenLine;
use crate::schedule::DayPlan;
use crate::ValidationError;

/// The longest medical record number (as typed, trimmed).
pub const MAX_MRN: usize = 32;
/// The longest phone number to call back.
pub const MAX_PHONE: usize = 32;
/// The oldest plausible date of birth, in years before today.
pub const MAX_AGE_YEARS: u32 = 120;

/// The patient's language: the handout is printed in it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    En,
    Es,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::En, Language::Es];

    /// The code as stored and sent (`en`, `es`), also the app's locale.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Es => "es",
        }
    }

    pub fn from_code(code: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.code() == code)
    }
}

/// A date of birth is plausible on `today`: not in the future, and not more than [`MAX_AGE_YEARS`] ago.
pub fn check_date_of_birth(date_of_birth: NaiveDate, today: NaiveDate) -> Result<(), ValidationError> {
    if date_of_birth > today {
        return Err(ValidationError::InFuture("date_of_birth"));
    }
    let earliest = today.checked_sub_months(chrono::Months::new(12 * MAX_AGE_YEARS)).unwrap_or(NaiveDate::MIN);
    if date_of_birth < earliest {
        return Err(ValidationError::TooEarly("date_of_birth"));
    }
    Ok(())
}

/// Age in whole years on `today` (0 before the first birthday; a 29 February birthday counts on 1 March).
pub fn age_on(date_of_birth: NaiveDate, today: NaiveDate) -> u32 {
    let mut years = today.year() - date_of_birth.year();
    if (today.month(), today.day()) < (date_of_birth.month(), date_of_birth.day()) {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}

/// A date as a desk types it: `YYYY-MM-DD`, or `MM/DD/YYYY` as US desks write it (one-digit month and day too).
/// None for anything else, so a search for a name is never read as a date.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    if let Some((month, rest)) = text.split_once('/') {
        let (day, year) = rest.split_once('/')?;
        let digits = |s: &str, len: std::ops::RangeInclusive<usize>| len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
        if !(digits(month, 1..=2) && digits(day, 1..=2) && digits(year, 4..=4)) {
            return None;
        }
        return NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?);
    }
    let shaped = text.len() == 10 && text.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !shaped {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// A medical record number: required, trimmed, at most [`MAX_MRN`] characters, no control characters.
pub fn check_mrn(mrn: &str) -> Result<String, ValidationError> {
    crate::required_text("mrn", mrn, MAX_MRN)
}

/// A phone number to call back, optional (blank is none): at most [`MAX_PHONE`] characters of digits, spaces and
/// `+ - ( ) .`, with at least 3 digits.
pub fn check_phone(phone: &str) -> Result<Option<String>, ValidationError> {
    let phone = phone.trim();
    if phone.is_empty() {
        return Ok(None);
    }
    if phone.chars().count() > MAX_PHONE {
        return Err(ValidationError::TooLong { field: "phone", max: MAX_PHONE });
    }
    crate::check_free_text("phone", phone)?;
    let allowed = |c: char| c.is_ascii_digit() || " +-().".contains(c);
    if !phone.chars().all(allowed) || phone.chars().filter(char::is_ascii_digit).count() < 3 {
        return Err(ValidationError::Inconsistent("phone may hold only digits, spaces and + - ( ) ."));
    }
    Ok(Some(phone.to_string()))
}

/// The identifiers of an enrollment request, checked on `today`: (date of birth, MRN, phone). An old client that
/// sends none of them gets none stored; one that sends an MRN must send a real one.
pub fn check_identity(
    date_of_birth: Option<NaiveDate>,
    mrn: Option<&str>,
    phone: Option<&str>,
    today: NaiveDate,
) -> Result<(Option<NaiveDate>, Option<String>, Option<String>), ValidationError> {
    if let Some(dob) = date_of_birth {
        check_date_of_birth(dob, today)?;
    }
    let mrn = mrn.map(check_mrn).transpose()?;
    let phone = phone.map(check_phone).transpose()?.flatten();
    Ok((date_of_birth, mrn, phone))
}

/// What a drug's regimen line asks of the patient today, for the header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DrugToday {
    NotStarted { start: NaiveDate },
    /// A day the drug is taken: day `day` of cycle `cycle`.
    Taking { cycle: u32, day: u32 },
    /// A rest day of the cycle.
    OffDay { cycle: u32, day: u32 },
    OnHold { since: NaiveDate },
    Stopped { on: NaiveDate },
}

/// One drug in the header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeaderDrug {
    pub regimen_line_id: Uuid,
    pub drug_name: String,
    /// None when the line's schedule cannot be made (shown as the drug alone).
    pub today: Option<DrugToday>,
}

impl HeaderDrug {
    /// The line's state on the patient's `today`.
    pub fn of(line: &RegimenLine, today: NaiveDate) -> HeaderDrug {
        let state = line.schedule().ok().map(|schedule| match schedule.day_plan(today) {
            DayPlan::NotStarted => DrugToday::NotStarted { start: line.regimen.start },
            DayPlan::Taking { doses } => {
                let first = doses.first();
                DrugToday::Taking { cycle: first.map_or(1, |d| d.cycle), day: first.map_or(1, |d| d.day_of_cycle) }
            }
            DayPlan::OffDay { cycle, day } => DrugToday::OffDay { cycle, day },
            DayPlan::Held { since } => DrugToday::OnHold { since },
            DayPlan::Stopped { on } => DrugToday::Stopped { on },
        });
        HeaderDrug { regimen_line_id: line.id, drug_name: line.drug_name().to_string(), today: state }
    }
}

/// Who the patient is and where they are, at the top of every patient view (`GET /api/pharmacy/patients/{id}`).
/// Identifiers are None for patients enrolled before they were collected ("not recorded").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PatientHeader {
    pub patient_id: Uuid,
    pub display_name: String,
    pub date_of_birth: Option<NaiveDate>,
    pub mrn: Option<String>,
    pub phone: Option<String>,
    pub language: Language,
    /// The patient's today (in the time zone of their regimen), for the age and the drugs' day.
    pub today: NaiveDate,
    pub drugs: Vec<HeaderDrug>,
    pub last_check_in: Option<DateTime<Utc>>,
    /// When the patient last logged a dose (taken or not), by the time they recorded it.
    pub last_dose_logged: Option<DateTime<Utc>>,
    pub open_alerts: u32,
    /// The caregivers whose access is not revoked, by name.
    pub caregivers: Vec<String>,
}

/// A new enrollment code for the patient's own phone (`POST /api/pharmacy/patients/{id}/enrollment-codes`): the
/// patient's older unused codes stop working.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedCode {
    pub code: String,
    pub expires_at: DateTime<Utc>,
}

/// Asks for the printable handout of a code the desk holds (`POST /api/pharmacy/patients/{id}/handout`): the
/// server keeps only a hash of each code, so the desk sends it back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HandoutRequest {
    pub code: String,
}

/// The printable handout: how to open the app on the patient's phone with their code. A one-time secret: never
/// cached (`Cache-Control: no-store`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Handout {
    pub patient_name: String,
    pub language: Language,
    pub site_name: String,
    pub site_phone: String,
    /// The app's address (where the patient can also type the code).
    pub app_url: String,
    /// The app's address with the code filled in (`…/?code=K7QM-4XRT`): what the QR code holds.
    pub enroll_url: String,
    pub code: String,
    pub expires_at: DateTime<Utc>,
    /// The QR code of `enroll_url`, an SVG document made on the server.
    pub qr_svg: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_date_of_birth_is_not_in_the_future_nor_more_than_120_years_ago() {
        let today = d("2026-12-01");
        assert_eq!(check_date_of_birth(d("1961-04-09"), today), Ok(()));
        assert_eq!(check_date_of_birth(today, today), Ok(()), "a newborn");
        assert_eq!(check_date_of_birth(d("2026-12-02"), today), Err(ValidationError::InFuture("date_of_birth")));
        assert_eq!(check_date_of_birth(d("1906-12-01"), today), Ok(()), "exactly 120 years");
        assert_eq!(check_date_of_birth(d("1906-11-30"), today), Err(ValidationError::TooEarly("date_of_birth")));
    }

    #[test]
    fn age_counts_whole_years_from_the_birthday() {
        assert_eq!(age_on(d("1961-04-09"), d("2026-04-08")), 64);
        assert_eq!(age_on(d("1961-04-09"), d("2026-04-09")), 65);
        assert_eq!(age_on(d("2000-02-29"), d("2026-02-28")), 25);
        assert_eq!(age_on(d("2000-02-29"), d("2026-03-01")), 26);
        assert_eq!(age_on(d("2026-12-01"), d("2026-12-01")), 0);
    }

    #[test]
    fn dates_are_read_as_iso_or_as_us_desks_type_them_and_nothing_else() {
        assert_eq!(parse_date("1961-04-09"), Some(d("1961-04-09")));
        assert_eq!(parse_date(" 04/09/1961 "), Some(d("1961-04-09")), "MM/DD/YYYY");
        assert_eq!(parse_date("4/9/1961"), Some(d("1961-04-09")));
        for not_a_date in ["", "Rosa", "1961", "1961-4-9", "13/01/1961", "02/30/1961", "04/09/61", "1961-02-30", "MRN-1961-04-09", "04/09/1961x"] {
            assert_eq!(parse_date(not_a_date), None, "{not_a_date:?}");
        }
    }

    #[test]
    fn an_mrn_is_required_trimmed_short_and_plain_text() {
        assert_eq!(check_mrn("  MRN-0042 "), Ok("MRN-0042".to_string()));
        assert_eq!(check_mrn("   "), Err(ValidationError::Required("mrn")));
        assert_eq!(check_mrn(&"9".repeat(33)), Err(ValidationError::TooLong { field: "mrn", max: MAX_MRN }));
        assert_eq!(check_mrn(&"9".repeat(32)).map(|m| m.len()), Ok(32));
        assert_eq!(check_mrn("12\u{202e}34"), Err(ValidationError::ControlCharacter("mrn")));
    }

    #[test]
    fn a_phone_is_optional_short_and_made_of_digits() {
        assert_eq!(check_phone(""), Ok(None));
        assert_eq!(check_phone(" +1 (555) 010-2030 "), Ok(Some("+1 (555) 010-2030".to_string())));
        assert_eq!(check_phone(&"5".repeat(33)), Err(ValidationError::TooLong { field: "phone", max: MAX_PHONE }));
        assert!(check_phone("call my son").is_err());
        assert!(check_phone("12").is_err(), "too few digits to call");
        assert_eq!(check_phone("555\u{0}1234"), Err(ValidationError::ControlCharacter("phone")));
    }

    #[test]
    fn an_old_client_sends_no_identifiers_and_none_are_stored() {
        let today = d("2026-12-01");
        assert_eq!(check_identity(None, None, None, today), Ok((None, None, None)));
        assert_eq!(check_identity(None, Some(""), None, today), Err(ValidationError::Required("mrn")));
        assert_eq!(
            check_identity(Some(d("1961-04-09")), Some(" A1 "), Some(" "), today),
            Ok((Some(d("1961-04-09")), Some("A1".into()), None))
        );
        assert_eq!(check_identity(Some(d("2030-01-01")), Some("A1"), None, today), Err(ValidationError::InFuture("date_of_birth")));
    }

    #[test]
    fn languages_read_and_write_as_their_codes() {
        assert_eq!(serde_json::to_string(&Language::Es).unwrap(), "\"es\"");
        assert_eq!(Language::from_code("es"), Some(Language::Es));
        assert_eq!(Language::from_code("fr"), None);
        assert_eq!(Language::default(), Language::En);
    }
}
