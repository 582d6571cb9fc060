//! When the pharmacy's own line is answered (issue #14 item 8): outside its hours, the phone puts the after-hours
//! number first and makes it the big button, so a patient calling at 2 AM does not reach a closed desk first.
//!
//! The hours are the site's (set with `carepath-server site-settings --office-hours 08:00-17:00 --office-days
//! mon-fri`), read on the phone's clock, which is where the patient and the clinic are. A site that has not set
//! them counts as closed at night, 20:00 to 08:00 ([`NIGHT_FROM`], [`NIGHT_UNTIL`]): every clinic is closed then.

use chrono::{Datelike, NaiveDateTime, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

/// When the site's own line is answered, in the site's local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficeHours {
    pub opens: NaiveTime,
    pub closes: NaiveTime,
    /// The days it opens, Monday first.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::WeekdayNames))]
    pub days: Vec<Weekday>,
}

/// Without office hours, "after hours" starts at 8 PM…
pub const NIGHT_FROM: NaiveTime = NaiveTime::from_hms_opt(20, 0, 0).unwrap();
/// …and ends at 8 AM.
pub const NIGHT_UNTIL: NaiveTime = NaiveTime::from_hms_opt(8, 0, 0).unwrap();

/// Why office hours given to `site-settings` are refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfficeHoursError {
    #[error("office hours are two times like 08:00-17:00, the first before the second")]
    Hours,
    #[error("office days are like mon-fri or mon,tue,thu,sat")]
    Days,
}

impl OfficeHours {
    /// From `08:00-17:00` and `mon-fri` (or `mon,wed,fri`, `mon-fri,sat`).
    pub fn parse(hours: &str, days: &str) -> Result<Self, OfficeHoursError> {
        let (opens, closes) = hours.trim().split_once('-').ok_or(OfficeHoursError::Hours)?;
        let time = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| OfficeHoursError::Hours);
        let (opens, closes) = (time(opens)?, time(closes)?);
        if opens >= closes {
            return Err(OfficeHoursError::Hours);
        }
        let day = |d: &str| d.trim().parse::<Weekday>().map_err(|_| OfficeHoursError::Days);
        let mut list = Vec::new();
        for part in days.split(',') {
            match part.split_once('-') {
                Some((from, to)) => {
                    let (mut d, to) = (day(from)?, day(to)?);
                    if d.num_days_from_monday() > to.num_days_from_monday() {
                        return Err(OfficeHoursError::Days);
                    }
                    list.push(d);
                    while d != to {
                        d = d.succ();
                        list.push(d);
                    }
                }
                None => list.push(day(part)?),
            }
        }
        list.sort_by_key(|d| d.num_days_from_monday());
        list.dedup();
        Ok(OfficeHours { opens, closes, days: list })
    }

    pub fn is_open(&self, local: NaiveDateTime) -> bool {
        self.days.contains(&local.weekday()) && (self.opens..self.closes).contains(&local.time())
    }
}

/// Whether the site's own line is closed at this local time: outside its office hours, or at night when it has
/// none.
pub fn is_after_hours(hours: Option<&OfficeHours>, local: NaiveDateTime) -> bool {
    match hours {
        Some(hours) => !hours.is_open(local),
        None => local.time() >= NIGHT_FROM || local.time() < NIGHT_UNTIL,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(date: &str, time: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(&format!("{date} {time}"), "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn office_hours_parse_as_a_pharmacist_writes_them() {
        let hours = OfficeHours::parse("08:00-17:00", "mon-fri").unwrap();
        assert_eq!(hours.days, vec![Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri]);
        assert_eq!(OfficeHours::parse(" 8:30 - 12:00 ", "sat,mon-wed,mon").unwrap().days, vec![Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Sat]);
        assert_eq!(OfficeHours::parse("17:00-08:00", "mon-fri"), Err(OfficeHoursError::Hours), "overnight is the after-hours line's");
        assert_eq!(OfficeHours::parse("08:00", "mon-fri"), Err(OfficeHoursError::Hours));
        assert_eq!(OfficeHours::parse("08:00-25:00", "mon-fri"), Err(OfficeHoursError::Hours));
        assert_eq!(OfficeHours::parse("08:00-17:00", "fri-mon"), Err(OfficeHoursError::Days));
        assert_eq!(OfficeHours::parse("08:00-17:00", "weekdays"), Err(OfficeHoursError::Days));
        assert_eq!(OfficeHours::parse("08:00-17:00", ""), Err(OfficeHoursError::Days));
    }

    #[test]
    fn after_hours_is_outside_the_sites_hours_or_at_night() {
        let hours = OfficeHours::parse("08:00-17:00", "mon-fri").unwrap();
        // 2026-12-02 is a Wednesday, 2026-12-05 a Saturday.
        assert!(!is_after_hours(Some(&hours), at("2026-12-02", "08:00")));
        assert!(!is_after_hours(Some(&hours), at("2026-12-02", "16:59")));
        assert!(is_after_hours(Some(&hours), at("2026-12-02", "17:00")));
        assert!(is_after_hours(Some(&hours), at("2026-12-02", "07:59")));
        assert!(is_after_hours(Some(&hours), at("2026-12-05", "10:00")), "closed on Saturday");
        assert!(!is_after_hours(None, at("2026-12-05", "10:00")), "no hours set: daytime is the pharmacy's");
        assert!(is_after_hours(None, at("2026-12-02", "20:00")));
        assert!(is_after_hours(None, at("2026-12-02", "03:15")));
        assert!(!is_after_hours(None, at("2026-12-02", "08:00")));
    }

    #[test]
    fn office_hours_are_stored_as_times_and_day_names() {
        let hours = OfficeHours::parse("08:00-17:00", "mon,sat").unwrap();
        let json = serde_json::to_string(&hours).unwrap();
        assert_eq!(json, r#"{"opens":"08:00:00","closes":"17:00:00","days":["Mon","Sat"]}"#);
        assert_eq!(serde_json::from_str::<OfficeHours>(&json).unwrap(), hours);
    }
}
