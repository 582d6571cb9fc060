//! Carepath domain: the types and rules shared by the app (wasm) and the server. Pure Rust, no I/O.

pub mod adherence;
pub mod admin;
pub mod calendar;
pub mod checkin;
pub mod enrollment;
pub mod grading;
pub mod guide;
pub mod messages;
pub mod message_audience;
pub mod identity;
pub mod intervention;
pub mod push;
pub mod readability;
pub mod regimen;
pub mod reminders;
pub mod rules;
pub mod schedule;
pub mod sign_in;
pub mod site;
pub mod sorting;
pub mod sync;
pub mod triage;
pub mod worklist;
#[cfg(feature = "openapi")]
pub mod openapi;

/// Input that breaks a rule of the domain. The server maps it to a 422 with the message below.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    #[error("{0} is required")]
    Required(&'static str),
    #[error("{field} is longer than {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("{0} is in the future")]
    InFuture(&'static str),
    #[error("{0} is too long ago")]
    TooEarly(&'static str),
    #[error("{0} contains a control character")]
    ControlCharacter(&'static str),
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
    check_free_text(field, trimmed)?;
    Ok(trimmed.to_string())
}

/// Free text people typed holds no control characters but newline and tab (NUL, escape sequences, bell …) and no
/// bidirectional overrides or isolates (U+202A–U+202E, U+2066–U+2069), which can make a name or a note read
/// differently from what is stored.
pub fn check_free_text(field: &'static str, text: &str) -> Result<(), ValidationError> {
    let refused = |c: char| {
        (c.is_control() && c != '\n' && c != '\t') || ('\u{202a}'..='\u{202e}').contains(&c) || ('\u{2066}'..='\u{2069}').contains(&c)
    };
    if text.chars().any(refused) {
        return Err(ValidationError::ControlCharacter(field));
    }
    Ok(())
}

#[cfg(test)]
mod text_tests {
    use super::*;

    #[test]
    fn free_text_refuses_control_and_bidi_characters_but_keeps_lines_and_accents() {
        for bad in ["nul\u{0}", "bell\u{7}", "esc\u{1b}[31m", "cr\rlf", "rtl \u{202e}gnp.exe", "iso\u{2066}x\u{2069}", "del\u{7f}"] {
            assert_eq!(check_free_text("note", bad), Err(ValidationError::ControlCharacter("note")), "{bad:?}");
        }
        for good in ["Rosa Díaz", "line one\n\tline two", "José — 50 % mejor", "مريم", "日本"] {
            assert_eq!(check_free_text("note", good), Ok(()), "{good:?}");
        }
        assert_eq!(required_text("name", " a\u{0}b ", 10), Err(ValidationError::ControlCharacter("name")));
    }
}
