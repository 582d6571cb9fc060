//! Web Push API types, shared by the app and the server: the server's public key, a device's subscription with its
//! reminder settings, snoozes, and what a push message carries.
//!
//! A push message carries **no health information**: no drug, no dose, no name. The service worker picks the
//! words; the message only says which kind of reminder it is and which dose (a date and a time of day).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::regimen::DoseSlot;
use crate::reminders::{QuietHours, ReminderKind};
use crate::ValidationError;

/// The server's VAPID public key (`applicationServerKey` for `PushManager.subscribe`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushKey {
    /// Uncompressed P-256 point, base64url without padding.
    pub public_key: String,
}

/// The keys of a browser push subscription (`PushSubscription.toJSON().keys`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubscriptionKeys {
    /// The browser's P-256 public key, base64url.
    pub p256dh: String,
    /// The 16-byte authentication secret, base64url.
    pub auth: String,
}

/// `PUT /api/device/push/subscription`: this device's subscription and what it wants to be reminded of. One per
/// device; a new one replaces the old.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushSubscriptionRequest {
    pub endpoint: String,
    pub keys: SubscriptionKeys,
    #[serde(default)]
    pub quiet_hours: Option<QuietHours>,
    /// Also tell when a dose is still not logged this many minutes after its time (a caregiver's opt-in).
    #[serde(default)]
    pub overdue_after_minutes: Option<u16>,
    /// Which regimen lines the overdue opt-in is for; `None` means every line of the patient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overdue_lines: Option<Vec<uuid::Uuid>>,
}

/// Most regimen lines one overdue opt-in may name.
pub const MAX_OVERDUE_LINES: usize = 20;

pub const MAX_ENDPOINT: usize = 2048;
/// Longest wait for an "overdue" reminder: 12 hours.
pub const OVERDUE_MINUTES: std::ops::RangeInclusive<u16> = 5..=720;
/// How long a reminder can be snoozed.
pub const SNOOZE_MINUTES: std::ops::RangeInclusive<u16> = 5..=120;

impl PushSubscriptionRequest {
    /// Checks the endpoint's shape (an http or https URL with a host) and the key sizes; trims padding. Which
    /// endpoints the server will send to (https to public addresses only) is the server's decision
    /// (`carepath_server::push_target`).
    pub fn validated(self) -> Result<Self, ValidationError> {
        let endpoint = self.endpoint.trim().to_string();
        if endpoint.is_empty() {
            return Err(ValidationError::Required("endpoint"));
        }
        if endpoint.len() > MAX_ENDPOINT {
            return Err(ValidationError::TooLong { field: "endpoint", max: MAX_ENDPOINT });
        }
        if !endpoint_shaped(&endpoint) {
            return Err(ValidationError::Inconsistent("the push endpoint must be an https URL"));
        }
        // P-256 uncompressed point: 65 bytes, the first 0x04 ("B" in base64url).
        let p256dh = base64url_key(&self.keys.p256dh, 65, "keys.p256dh is not a P-256 public key")?;
        if !p256dh.starts_with('B') {
            return Err(ValidationError::Inconsistent("keys.p256dh is not a P-256 public key"));
        }
        let auth = base64url_key(&self.keys.auth, 16, "keys.auth is not a 16-byte secret")?;
        let quiet_hours = self.quiet_hours.map(QuietHours::validated).transpose()?;
        if let Some(minutes) = self.overdue_after_minutes {
            if !OVERDUE_MINUTES.contains(&minutes) {
                return Err(ValidationError::Inconsistent("overdue_after_minutes must be 5 to 720"));
            }
        }
        if self.overdue_lines.as_ref().is_some_and(|lines| lines.len() > MAX_OVERDUE_LINES) {
            return Err(ValidationError::Inconsistent("overdue_lines may name at most 20 regimen lines"));
        }
        Ok(Self { endpoint, keys: SubscriptionKeys { p256dh, auth }, quiet_hours, ..self })
    }
}

/// An `https://` (or `http://`) URL with a host (a name, an IPv4 address or a bracketed IPv6 one), maybe a port,
/// and no user name or password.
fn endpoint_shaped(endpoint: &str) -> bool {
    let Some(rest) = endpoint.strip_prefix("https://").or_else(|| endpoint.strip_prefix("http://")) else { return false };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') || authority.contains(char::is_whitespace) {
        return false;
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(bracketed) => {
            let Some((inside, after)) = bracketed.split_once(']') else { return false };
            match after {
                "" => (inside, None),
                _ => match after.strip_prefix(':') {
                    Some(port) => (inside, Some(port)),
                    None => return false,
                },
            }
        }
        None => match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    !host.is_empty() && port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// `value` without `=` padding if it is base64url of exactly `bytes` bytes.
fn base64url_key(value: &str, bytes: usize, message: &'static str) -> Result<String, ValidationError> {
    let value = value.trim().trim_end_matches('=');
    let chars = (bytes * 8).div_ceil(6);
    let alphabet = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    if value.len() != chars || !value.bytes().all(alphabet) {
        return Err(ValidationError::Inconsistent(message));
    }
    Ok(value.to_string())
}

/// `POST /api/device/push/snooze`: remind me of this dose again in `minutes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SnoozeRequest {
    pub regimen_line_id: Uuid,
    pub date: NaiveDate,
    pub slot: DoseSlot,
    pub minutes: u16,
}

impl SnoozeRequest {
    pub fn validated(self) -> Result<Self, ValidationError> {
        if !SNOOZE_MINUTES.contains(&self.minutes) {
            return Err(ValidationError::Inconsistent("minutes must be 5 to 120"));
        }
        Ok(self)
    }
}

/// The JSON inside a push message (encrypted end to end). The service worker shows it in the device's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushPayload {
    pub kind: ReminderKind,
    /// Where a tap on the notification leads.
    pub url: String,
    pub regimen_line_id: Uuid,
    pub date: NaiveDate,
    pub slot: DoseSlot,
}

#[cfg(test)]
mod tests {
    use super::*;

    const P256DH: &str = "BGa4N1PI79lboMR_YrwCiCsgp35DRvedt7opHcf0yM3iOBTSoQYqQLwWxAfRKE6tsDnReWmhsImkhDF_DBdkNSU";
    const AUTH: &str = "EvcWjEgzr4rbvhfi3yds0A";

    fn request(endpoint: &str) -> PushSubscriptionRequest {
        PushSubscriptionRequest {
            endpoint: endpoint.into(),
            keys: SubscriptionKeys { p256dh: P256DH.into(), auth: AUTH.into() },
            quiet_hours: None,
            overdue_after_minutes: None,
            overdue_lines: None,
        }
    }

    #[test]
    fn endpoints_are_http_or_https_urls_with_a_host() {
        // Which of these the server sends to (https to public addresses) is the server's decision.
        for ok in [
            "https://fcm.googleapis.com/fcm/send/abc",
            "https://web.push.apple.com/QO",
            "https://[2606:4700::1111]:8443/x",
            "https://[::1]/x",
            "http://127.0.0.1:8090/notify/abc",
            "http://localhost/notify",
            "http://push.example.org/x",
        ] {
            assert!(request(ok).validated().is_ok(), "{ok}");
        }
        for bad in [
            "",
            "http://localhost:80x/x",
            "http://localhost:/x",
            "http://localhost@evil.example/x",
            "https://user:pw@push.example.org/x",
            "ftp://localhost/x",
            "https:///x",
            "https://[::1/x",
            "https://[::1]x/x",
            "https://a b/x",
            "javascript:alert(1)",
        ] {
            assert!(request(bad).validated().is_err(), "{bad}");
        }
        assert!(request(&format!("https://x.example/{}", "a".repeat(MAX_ENDPOINT))).validated().is_err());
    }

    #[test]
    fn keys_must_have_the_right_sizes() {
        let mut r = request("https://x.example/a");
        r.keys.auth = format!("{AUTH}==");
        assert_eq!(r.clone().validated().unwrap().keys.auth, AUTH);
        r.keys.auth = "short".into();
        assert!(r.clone().validated().is_err());
        let mut r = request("https://x.example/a");
        r.keys.p256dh = format!("A{}", &P256DH[1..]);
        assert!(r.clone().validated().is_err());
        r.keys.p256dh = P256DH.replace('_', "/");
        assert!(r.validated().is_err());
    }

    #[test]
    fn reminder_settings_are_checked() {
        let mut r = request("https://x.example/a");
        r.overdue_after_minutes = Some(4);
        assert!(r.clone().validated().is_err());
        r.overdue_after_minutes = Some(60);
        assert!(r.clone().validated().is_ok());
        let noon = chrono::NaiveTime::from_hms_opt(12, 0, 0).unwrap();
        r.quiet_hours = Some(QuietHours { start: noon, end: noon });
        assert!(r.validated().is_err());
        let snooze = |minutes| SnoozeRequest {
            regimen_line_id: Uuid::nil(),
            date: NaiveDate::from_ymd_opt(2026, 3, 10).unwrap(),
            slot: DoseSlot::Morning,
            minutes,
        };
        assert!(snooze(4).validated().is_err());
        assert!(snooze(15).validated().is_ok());
        assert!(snooze(121).validated().is_err());
    }

    #[test]
    fn the_payload_names_no_drug() {
        let payload = PushPayload {
            kind: ReminderKind::DoseDue,
            url: "/".into(),
            regimen_line_id: Uuid::nil(),
            date: NaiveDate::from_ymd_opt(2026, 3, 10).unwrap(),
            slot: DoseSlot::Evening,
        };
        let json = serde_json::to_string(&payload).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"dose_due","url":"/","regimen_line_id":"00000000-0000-0000-0000-000000000000","date":"2026-03-10","slot":"evening"}"#
        );
    }
}
