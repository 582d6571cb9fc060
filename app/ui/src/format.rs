//! Dates and times in the reader's language (English or Spanish), written here rather than asked of the
//! browser's `Intl`: on a phone the first `Intl` date format of a page loads the browser's locale data, which
//! measured 150 ms of a slow phone's start (issue #13), more than the whole first screen takes to draw. The words
//! and patterns are the ones Chromium's `Intl` gives for `en` and `es`, except that Spanish writes weekdays and
//! months in full where Intl abbreviates them (see [`date_time`]).
//!
//! Times are shown on the phone's own clock and time zone (`chrono::Local`, which in the browser asks the JS
//! `Date` for the offset of that instant).

use chrono::{DateTime, Datelike, Local, NaiveDate, NaiveTime, Timelike, Utc};

/// The languages the app is written in; anything else reads English.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lang {
    En,
    Es,
}

impl Lang {
    fn of(lang: &str) -> Self {
        if lang.starts_with("es") {
            Lang::Es
        } else {
            Lang::En
        }
    }
}

/// Short weekdays in English only: Spanish writes them in full (see [`date_time`]).
const WEEKDAYS_SHORT_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const WEEKDAYS_LONG: [[&str; 7]; 2] = [
    ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"],
];
const MONTHS_SHORT: [[&str; 12]; 2] = [
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"],
];
const MONTHS_LONG: [[&str; 12]; 2] = [
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
    ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"],
];

fn weekday_short_en(d: NaiveDate) -> &'static str {
    WEEKDAYS_SHORT_EN[d.weekday().num_days_from_monday() as usize]
}

fn weekday_long(d: NaiveDate, lang: Lang) -> &'static str {
    WEEKDAYS_LONG[lang as usize][d.weekday().num_days_from_monday() as usize]
}

fn month_short(d: NaiveDate, lang: Lang) -> &'static str {
    MONTHS_SHORT[lang as usize][d.month0() as usize]
}

fn month_long(d: NaiveDate, lang: Lang) -> &'static str {
    MONTHS_LONG[lang as usize][d.month0() as usize]
}

fn local(t: DateTime<Utc>) -> chrono::NaiveDateTime {
    t.with_timezone(&Local).naive_local()
}

/// A clock time: "8:05 AM" / "8:05" (Spanish reads the 24-hour clock: "20:05").
pub fn clock(t: NaiveTime, lang: &str) -> String {
    match Lang::of(lang) {
        Lang::En => {
            let (pm, hour) = t.hour12();
            format!("{hour}:{:02} {}", t.minute(), if pm { "PM" } else { "AM" })
        }
        Lang::Es => format!("{}:{:02}", t.hour(), t.minute()),
    }
}

/// An instant's time on this phone's clock: "8:05 AM" / "8:05".
pub fn time(t: DateTime<Utc>, lang: &str) -> String {
    clock(local(t).time(), lang)
}

/// An instant's day and time on this phone's clock: "Mon, Nov 23, 8:05 AM" / "lunes, 23 de noviembre, 8:05".
/// Spanish names the weekday and month in full (issue #14): its short forms are words of their own ("mar" is
/// the sea, and both Tuesday and March).
pub fn date_time(t: DateTime<Utc>, lang: &str) -> String {
    let at = local(t);
    let (d, l) = (at.date(), Lang::of(lang));
    let time = clock(at.time(), lang);
    match l {
        Lang::En => format!("{}, {} {}, {time}", weekday_short_en(d), month_short(d, l), d.day()),
        Lang::Es => format!("{}, {time}", long_date(d, lang)),
    }
}

/// "Monday, November 23" / "lunes, 23 de noviembre".
pub fn long_date(d: NaiveDate, lang: &str) -> String {
    let l = Lang::of(lang);
    match l {
        Lang::En => format!("{}, {} {}", weekday_long(d, l), month_long(d, l), d.day()),
        Lang::Es => format!("{}, {} de {}", weekday_long(d, l), d.day(), month_long(d, l)),
    }
}

/// "November 23" / "23 de noviembre".
pub fn day_month(d: NaiveDate, lang: &str) -> String {
    let l = Lang::of(lang);
    match l {
        Lang::En => format!("{} {}", month_long(d, l), d.day()),
        Lang::Es => format!("{} de {}", d.day(), month_long(d, l)),
    }
}

/// "Nov 23" / "23 nov": a short date, for a chart's axis.
pub fn short_day_month(d: NaiveDate, lang: &str) -> String {
    let l = Lang::of(lang);
    match l {
        Lang::En => format!("{} {}", month_short(d, l), d.day()),
        Lang::Es => format!("{} {}", d.day(), month_short(d, l)),
    }
}

/// An instant's date on this phone's calendar, short: "Nov 23" / "23 nov".
pub fn short_date(t: DateTime<Utc>, lang: &str) -> String {
    short_day_month(local(t).date(), lang)
}

/// "December 1, 2026" / "1 de diciembre de 2026".
pub fn date_with_year(d: NaiveDate, lang: &str) -> String {
    let l = Lang::of(lang);
    match l {
        Lang::En => format!("{} {}, {}", month_long(d, l), d.day(), d.year()),
        Lang::Es => format!("{} de {} de {}", d.day(), month_long(d, l), d.year()),
    }
}

/// "Thu, March 5, 2026" / "jueves, 5 de marzo de 2026" (the weekday in full in Spanish, as in [`date_time`]).
pub fn weekday_date_with_year(d: NaiveDate, lang: &str) -> String {
    let l = Lang::of(lang);
    let weekday = match l {
        Lang::En => weekday_short_en(d),
        Lang::Es => weekday_long(d, l),
    };
    format!("{weekday}, {}", date_with_year(d, lang))
}

/// Today's date on this device's clock and time zone.
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// `tel:` link target: keep digits and a leading +.
pub fn tel_href(phone: &str) -> String {
    let digits: String = phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
    format!("tel:{digits}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn at(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    // The expected texts are what Chromium 156's Intl gives for the same options (`en`, `es`), but for Spanish
    // weekdays and months in full.
    #[test]
    fn clock_times_read_as_the_browser_writes_them() {
        assert_eq!(clock(at(8, 5), "en"), "8:05 AM");
        assert_eq!(clock(at(0, 0), "en"), "12:00 AM");
        assert_eq!(clock(at(12, 30), "en"), "12:30 PM");
        assert_eq!(clock(at(23, 59), "en"), "11:59 PM");
        assert_eq!(clock(at(8, 5), "es"), "8:05");
        assert_eq!(clock(at(0, 0), "es"), "0:00");
        assert_eq!(clock(at(20, 5), "es"), "20:05");
        assert_eq!(clock(at(20, 5), "fr"), "8:05 PM", "a language the app is not written in reads English");
    }

    #[test]
    fn dates_read_as_the_browser_writes_them() {
        let thu = day(2026, 3, 5);
        assert_eq!(long_date(day(2026, 11, 23), "en"), "Monday, November 23");
        assert_eq!(long_date(day(2026, 11, 23), "es"), "lunes, 23 de noviembre");
        assert_eq!(long_date(day(2026, 9, 2), "es"), "miércoles, 2 de septiembre");
        assert_eq!(day_month(thu, "en"), "March 5");
        assert_eq!(day_month(thu, "es"), "5 de marzo");
        assert_eq!(short_day_month(thu, "en"), "Mar 5");
        assert_eq!(short_day_month(day(2026, 9, 5), "es"), "5 sept");
        assert_eq!(date_with_year(day(2026, 12, 1), "en"), "December 1, 2026");
        assert_eq!(date_with_year(day(2026, 12, 1), "es"), "1 de diciembre de 2026");
        assert_eq!(weekday_date_with_year(thu, "en"), "Thu, March 5, 2026");
        assert_eq!(weekday_date_with_year(thu, "es"), "jueves, 5 de marzo de 2026");
        assert_eq!(weekday_date_with_year(day(2026, 12, 8), "es"), "martes, 8 de diciembre de 2026");
    }

    #[test]
    fn an_instant_reads_on_the_phones_own_clock() {
        let t = day(2026, 5, 5).and_time(at(8, 5)).and_local_timezone(Local).single().unwrap().with_timezone(&Utc);
        assert_eq!(time(t, "en"), "8:05 AM");
        assert_eq!(date_time(t, "en"), "Tue, May 5, 8:05 AM");
        assert_eq!(date_time(t, "es"), "martes, 5 de mayo, 8:05", "no 'mar' (the sea, Tuesday or March) in Spanish");
        assert_eq!(short_date(t, "es"), "5 may");
    }
}
