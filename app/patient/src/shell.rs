//! The static first paint (issue #13, "phone-first speed"). `public/index.html` carries a shell — the app name,
//! "Loading…" and a hidden "call right away" block — that `public/shell.js` fills in from what the app saves here,
//! so a patient who needs to call can do so before the wasm has arrived (or when it never does). The app removes
//! the shell just before it mounts (`carepath_ui::remove_static_shell`): there is only ever one app on screen.
//!
//! What is saved is the site's two phone numbers and its fever threshold: nothing about the patient (no name, no
//! medicine). It lives in localStorage because `shell.js` must read it synchronously, before the first paint.

use carepath_domain::sync::SiteInfo;
use leptos::prelude::*;

use crate::device::Device;

/// The localStorage entry `public/shell.js` reads.
pub const CALL_NUMBERS_KEY: &str = "carepath.call-numbers";
/// The entry's format; `public/shell.js` ignores an entry of any other.
const FORMAT: u32 = 1;

#[derive(serde::Serialize)]
struct CallNumbers<'a> {
    v: u32,
    phone: &'a str,
    after_hours_phone: &'a str,
    /// Tenths of a degree Celsius, as applied (capped, [`carepath_domain::triage::SiteSettings::fever_threshold`]).
    fever_threshold_c_tenths: i32,
}

/// The entry as stored: `{"v":1,"phone":"+1 555 0100","after_hours_phone":"+1 555 0199","fever_threshold_c_tenths":380}`.
pub fn call_numbers_json(site: &SiteInfo, fever_threshold_c_tenths: i32) -> String {
    let entry = CallNumbers { v: FORMAT, phone: &site.phone, after_hours_phone: &site.after_hours_phone, fever_threshold_c_tenths };
    serde_json::to_string(&entry).unwrap_or_default()
}

/// Saves the site's numbers and fever threshold (tenths of a degree Celsius) for the static shell; writes only when
/// they differ from what is saved.
pub fn save_call_numbers(site: &SiteInfo, fever_threshold_c_tenths: i32) {
    let Some(storage) = window().local_storage().ok().flatten() else { return };
    let json = call_numbers_json(site, fever_threshold_c_tenths);
    if storage.get_item(CALL_NUMBERS_KEY).ok().flatten().as_deref() != Some(json.as_str()) {
        let _ = storage.set_item(CALL_NUMBERS_KEY, &json);
    }
}

/// Forgets the saved numbers: for when the last profile leaves this phone (`Device::end_profile`).
pub fn forget_call_numbers() {
    if let Some(storage) = window().local_storage().ok().flatten() {
        let _ = storage.remove_item(CALL_NUMBERS_KEY);
    }
}

/// The saved numbers and fever threshold, as the static shell reads them: for the locked app's call block (the
/// profile is encrypted). `None` when nothing, or something that does not check out, is saved.
pub fn saved_call_numbers() -> Option<(SiteInfo, i32)> {
    #[derive(serde::Deserialize)]
    struct Saved {
        v: u32,
        phone: String,
        after_hours_phone: String,
        fever_threshold_c_tenths: i32,
    }
    let json = window().local_storage().ok().flatten()?.get_item(CALL_NUMBERS_KEY).ok().flatten()?;
    let saved: Saved = serde_json::from_str(&json).ok()?;
    let fever = carepath_domain::triage::SiteSettings { fever_threshold_c_tenths: saved.fever_threshold_c_tenths, ..Default::default() }.fever_threshold();
    (saved.v == FORMAT && !saved.phone.trim().is_empty()).then(|| {
        (SiteInfo { name: String::new(), phone: saved.phone, after_hours_phone: saved.after_hours_phone, office_hours: None }, fever)
    })
}

/// Keeps the saved numbers those of the profile on screen: at load, at enrollment, at a switch of profile, and
/// whenever a sync brings a changed site (new numbers, a new fever threshold). Call once, where the device is made.
pub fn keep_call_numbers(device: Device) {
    Effect::new(move |_| {
        device.profile.with(|profile| {
            if let Some(Some(profile)) = profile {
                save_call_numbers(&profile.site, profile.triage.fever_threshold());
            }
        })
    });
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entry_holds_only_the_sites_numbers_and_threshold() {
        let site = SiteInfo { name: "Riverside Oncology".into(), phone: "+1 555 0100".into(), after_hours_phone: "+1 555 0199".into(), office_hours: None };
        assert_eq!(
            call_numbers_json(&site, 380),
            r#"{"v":1,"phone":"+1 555 0100","after_hours_phone":"+1 555 0199","fever_threshold_c_tenths":380}"#
        );
    }
}
