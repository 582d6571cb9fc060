//! Carepath domain: the types and rules shared by the app (wasm) and the server. Pure Rust, no I/O.

pub mod adherence;
pub mod calendar;
pub mod checkin;
pub mod enrollment;
pub mod grading;
pub mod guide;
pub mod push;
pub mod readability;
pub mod regimen;
pub mod reminders;
pub mod rules;
pub mod schedule;
pub mod sync;
pub mod triage;

/// Input that breaks a rule of the domain. The server maps it to a 422 with the message below.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    #[error("{0} is required")]
    Required(&'static str),
    #[error("{field} is longer than {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("{0} is in the future")]
    InFuture(&'static str),
    #[error("{0}")]
    Inconsistent(&'static str),
    #[error("check-in: {0}")]
    CheckIn(#[from] checkin::CheckInError),
}

/// Trims `value` and checks it is present and not longer than `max` characters.
pub fn required_text(field: &'static str, value: &str, max: usize) -> Result<String, ValidationError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(ValidationError::Required(field));
    }
    if trimmed.chars().count() > max {
        return Err(ValidationError::TooLong { field, max });
    }
    Ok(trimmed.to_string())
}
