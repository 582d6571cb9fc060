//! A site's administration (issue #15 item 2): the accounts of its pharmacists, their sessions, and the site's
//! settings, managed by a site admin on the desk. What the desk and the server say to each other, and the rules
//! for what an admin may set.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::triage::SiteSettings;
use crate::{required_text, ValidationError};

/// What an account may do. An admin is a pharmacist who also manages the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    #[default]
    Pharmacist,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Pharmacist => "pharmacist",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "pharmacist" => Some(Role::Pharmacist),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// One account of the site, as the admin screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Account {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// Set while the account is turned off: it cannot sign in.
    pub disabled_at: Option<DateTime<Utc>>,
    /// Whether an authenticator app is set up.
    pub second_factor: bool,
    pub last_sign_in_at: Option<DateTime<Utc>>,
    /// Sessions open now.
    pub sessions: u32,
}

/// A new account: it sets up its authenticator app at its first sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    /// The first password, given to the person by the admin.
    pub password: String,
    #[serde(default)]
    pub role: Role,
}

/// Usernames: 3–64 of a–z, 0–9, `.`, `-`, `_` (stored lower case).
pub const MAX_USERNAME: usize = 64;

impl NewAccount {
    /// The username (trimmed, lower case) and display name, checked; the password is checked by the server's policy.
    pub fn checked(&self) -> Result<(String, String), ValidationError> {
        let username = self.username.trim().to_lowercase();
        if username.is_empty() {
            return Err(ValidationError::Required("username"));
        }
        if username.chars().count() > MAX_USERNAME {
            return Err(ValidationError::TooLong { field: "username", max: MAX_USERNAME });
        }
        if username.chars().count() < 3 || !username.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c)) {
            return Err(ValidationError::Inconsistent("a username has 3 to 64 letters a–z, digits, dots, dashes or underscores"));
        }
        let display_name = required_text("display_name", &self.display_name, 100)?;
        Ok((username, display_name))
    }
}

/// A session open now, of one of the site's accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenSession {
    /// An opaque id for ending it (not the session's secret).
    pub id: String,
    pub account_id: String,
    pub username: String,
    pub display_name: String,
    pub started_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// Whether it passed the second factor (else it is a sign-in under way).
    pub second_factor_passed: bool,
    /// The admin's own session (the one making the request).
    pub current: bool,
}

/// A change of the site's settings; fields left out stay as they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SiteChange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_hours_phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fever_threshold_c_tenths: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged_window_hours: Option<u32>,
}

/// A phone number as patients will tap it: at most 40 characters, with at least 3 digits.
pub fn check_phone(field: &'static str, text: &str) -> Result<String, ValidationError> {
    let phone = required_text(field, text, 40)?;
    if phone.chars().filter(char::is_ascii_digit).count() < 3 {
        return Err(ValidationError::Inconsistent("a phone number needs its digits"));
    }
    Ok(phone)
}

impl SiteChange {
    /// Checks every field given against the same bounds as the command line (fever 37.5–38.3 °C, window 0–720 h).
    pub fn checked(&self, current: SiteSettings) -> Result<SiteChange, ValidationError> {
        let phone = self.phone.as_deref().map(|p| check_phone("phone", p)).transpose()?;
        let after_hours_phone = self.after_hours_phone.as_deref().map(|p| check_phone("after_hours_phone", p)).transpose()?;
        let settings = SiteSettings {
            fever_threshold_c_tenths: self.fever_threshold_c_tenths.unwrap_or(current.fever_threshold_c_tenths),
            acknowledged_window_hours: self.acknowledged_window_hours.unwrap_or(current.acknowledged_window_hours),
            ..current
        };
        settings.validated().map_err(|e| match e {
            crate::triage::SettingsError::FeverThreshold => ValidationError::Inconsistent("the fever threshold must be 37.5–38.3 °C"),
            crate::triage::SettingsError::AcknowledgedWindow => ValidationError::Inconsistent("the acknowledgement window must be 0–720 hours"),
        })?;
        Ok(SiteChange { phone, after_hours_phone, ..self.clone() })
    }
}

/// One row of the audit log, as the site admin reads it (shaped like FHIR AuditEvent: when, who, on behalf of whom,
/// what, outcome, from where).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// `pharmacist`, `device`, `anonymous`, `system` or `operator`.
    pub agent_kind: String,
    pub agent_id: Option<String>,
    /// The pharmacist's name, or for a device whose phone it is ("patient" or the caregiver's name).
    pub agent_name: Option<String>,
    pub patient_id: Option<String>,
    pub patient_name: Option<String>,
    pub action: String,
    /// `success`, `failure` or `limited`.
    pub outcome: String,
    pub detail: Option<String>,
    pub source_ip: Option<String>,
}

/// A page of the site's audit log, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Where the next (older) page starts, if any.
    pub next_cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(username: &str) -> NewAccount {
        NewAccount { username: username.into(), display_name: "J. Doe".into(), password: "x".into(), role: Role::Pharmacist }
    }

    #[test]
    fn usernames_are_short_plain_and_lower_case() {
        assert_eq!(account("  J.Doe ").checked().unwrap().0, "j.doe");
        for wrong in ["", "ab", "j doe", "jdoe:1", "jdœ", &"a".repeat(65)] {
            assert!(account(wrong).checked().is_err(), "{wrong:?}");
        }
    }

    #[test]
    fn site_settings_keep_the_safe_bounds() {
        let current = SiteSettings::default();
        let change = |f: Option<i32>, w: Option<u32>| SiteChange { fever_threshold_c_tenths: f, acknowledged_window_hours: w, ..Default::default() };
        assert!(change(Some(380), Some(72)).checked(current).is_ok());
        assert!(change(Some(384), None).checked(current).is_err(), "above 38.3 °C fevers are missed");
        assert!(change(Some(374), None).checked(current).is_err());
        assert!(change(None, Some(721)).checked(current).is_err());
        let phones = SiteChange { phone: Some(" +1 555 0100 ".into()), after_hours_phone: Some("call us".into()), ..Default::default() };
        assert!(phones.checked(current).is_err());
        let phones = SiteChange { phone: Some(" +1 555 0100 ".into()), ..Default::default() };
        assert_eq!(phones.checked(current).unwrap().phone.as_deref(), Some("+1 555 0100"));
    }
}
