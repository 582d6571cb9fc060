//! Dates and times in the reader's language, via the browser's Intl (no locale data in the wasm).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use wasm_bindgen::JsValue;

fn options(pairs: &[(&str, &str)]) -> JsValue {
    let obj = js_sys::Object::new();
    for (k, v) in pairs {
        let _ = js_sys::Reflect::set(&obj, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    obj.into()
}

fn js_date(t: DateTime<Utc>) -> js_sys::Date {
    js_sys::Date::new(&JsValue::from_f64(t.timestamp_millis() as f64))
}

/// "8:05 AM" / "8:05".
pub fn time(t: DateTime<Utc>, lang: &str) -> String {
    js_date(t).to_locale_time_string_with_options(lang, &options(&[("hour", "numeric"), ("minute", "2-digit")])).into()
}

/// "Mon, Nov 23, 8:05 AM".
pub fn date_time(t: DateTime<Utc>, lang: &str) -> String {
    js_date(t)
        .to_locale_string(
            lang,
            &options(&[("weekday", "short"), ("month", "short"), ("day", "numeric"), ("hour", "numeric"), ("minute", "2-digit")]),
        )
        .into()
}

/// "Monday, November 23".
pub fn long_date(d: NaiveDate, lang: &str) -> String {
    let date = js_sys::Date::new_with_year_month_day(d.year_ce().1, d.month0() as i32, d.day() as i32);
    date.to_locale_date_string(lang, &options(&[("weekday", "long"), ("month", "long"), ("day", "numeric")])).into()
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
