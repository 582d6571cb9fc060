//! Signing in to the desk with two factors (issue #15 item 1): a password, then a code from an authenticator app
//! (TOTP, RFC 6238) or one of ten single-use recovery codes. What the desk and the server say to each other, and
//! what a person may type as a code.

use serde::{Deserialize, Serialize};

use crate::enrollment::ALPHABET;
use crate::sync::PharmacistInfo;

/// What a sign-in needs after a right password: the desk shows the matching step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "next", rename_all = "snake_case")]
pub enum SignInStep {
    /// A code from the authenticator app set up earlier (or a recovery code).
    SecondFactor,
    /// The account has no second factor yet: set one up now (`GET /api/pharmacy/second-factor/setup`).
    SetUpSecondFactor,
}

/// The secret to add to an authenticator app, shown once while setting up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecondFactorSetup {
    /// The secret in base32, in groups of four for typing it in by hand.
    pub secret: String,
    /// `otpauth://totp/…`, what the QR code holds.
    pub otpauth_uri: String,
    /// The QR code of `otpauth_uri` as an SVG document, drawn by the server (no outside service).
    pub qr_svg: String,
}

/// A code typed by the pharmacist: six digits from the app, or a recovery code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SecondFactorRequest {
    pub code: String,
}

/// The answer once the second factor is set up: the recovery codes, shown this once, and who is signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecondFactorEnabled {
    pub recovery_codes: Vec<String>,
    pub pharmacist: PharmacistInfo,
}

/// The answer to a right code: who is signed in, and how many recovery codes are still unused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecondFactorPassed {
    pub pharmacist: PharmacistInfo,
    pub recovery_codes_left: u32,
    /// Set when this sign-in used a recovery code.
    pub used_recovery_code: bool,
}

/// How many recovery codes an account gets.
pub const RECOVERY_CODES: usize = 10;
/// Characters in a recovery code: 24 of the 30-symbol alphabet, about 118 random bits, so a SHA-256 of it cannot be
/// reversed by trying them all.
pub const RECOVERY_CODE_LEN: usize = 24;
/// Digits in an authenticator app's code.
pub const TOTP_DIGITS: usize = 6;

/// What a typed code is, once spaces and dashes are dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypedCode {
    /// Six digits.
    Totp(String),
    /// A recovery code in its canonical form (upper case, no dashes).
    Recovery(String),
}

impl TypedCode {
    /// Accepts what a person types: spaces and dashes anywhere, any case. `None` for anything that is neither.
    pub fn parse(input: &str) -> Option<TypedCode> {
        let code: String =
            input.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
        if code.len() == TOTP_DIGITS && code.bytes().all(|b| b.is_ascii_digit()) {
            return Some(TypedCode::Totp(code));
        }
        (code.len() == RECOVERY_CODE_LEN && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(TypedCode::Recovery(code))
    }
}

/// A recovery code from random bytes (the caller brings the randomness), in canonical form; bytes are mapped by
/// rejection so every character is equally likely. `None` when too few bytes survive.
pub fn recovery_code_from_random_bytes(bytes: &[u8]) -> Option<String> {
    let limit = (256 / ALPHABET.len() * ALPHABET.len()) as u8;
    let code: String = bytes
        .iter()
        .filter(|b| **b < limit)
        .take(RECOVERY_CODE_LEN)
        .map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char)
        .collect();
    (code.len() == RECOVERY_CODE_LEN).then_some(code)
}

/// `ABCD-EFGH-…`: groups of four, as shown and printed.
pub fn grouped(code: &str) -> String {
    code.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_digits_are_an_app_code_and_24_symbols_a_recovery_code() {
        assert_eq!(TypedCode::parse(" 123 456 "), Some(TypedCode::Totp("123456".into())));
        assert_eq!(TypedCode::parse("123-456"), Some(TypedCode::Totp("123456".into())));
        let code = "ABCD-EFGH-JKMN-PQRS-TVWX-YZ23";
        assert_eq!(TypedCode::parse(&code.to_lowercase()), Some(TypedCode::Recovery("ABCDEFGHJKMNPQRSTVWXYZ23".into())));
        for wrong in ["", "12345", "1234567", "12345a", "ABCD-EFGH-JKMN-PQRS-TVWX-YZ2", "ABCD-EFGH-JKMN-PQRS-TVWX-YZ2O"] {
            assert_eq!(TypedCode::parse(wrong), None, "{wrong:?}");
        }
    }

    #[test]
    fn recovery_codes_use_the_whole_alphabet_evenly_and_read_in_groups() {
        let bytes: Vec<u8> = (0..=255u8).collect();
        let code = recovery_code_from_random_bytes(&bytes).unwrap();
        assert_eq!(code.len(), RECOVERY_CODE_LEN);
        assert_eq!(TypedCode::parse(&grouped(&code)), Some(TypedCode::Recovery(code.clone())));
        assert_eq!(grouped(&code).len(), RECOVERY_CODE_LEN + RECOVERY_CODE_LEN / 4 - 1);
        // 240..=255 would bias the first symbols: they are skipped.
        assert_eq!(recovery_code_from_random_bytes(&[250; 64]), None);
        assert!((RECOVERY_CODE_LEN as f64) * (ALPHABET.len() as f64).log2() > 112.0);
    }
}
