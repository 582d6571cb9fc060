//! One-time enrollment codes: short enough to read over the phone, without look-alike characters.

use std::fmt;

/// No 0/O, 1/I/L or U: nothing a tired patient can misread.
pub const ALPHABET: &[u8; 30] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";
pub const CODE_LEN: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EnrollmentCode(String);

impl EnrollmentCode {
    /// Builds a code from random bytes (the caller supplies the randomness; the domain does no I/O).
    /// Bytes are mapped by rejection so every character is equally likely; returns `None` if too few bytes survive.
    pub fn from_random_bytes(bytes: &[u8]) -> Option<EnrollmentCode> {
        let limit = (256 / ALPHABET.len() * ALPHABET.len()) as u8; // 240: drop 240..=255 to avoid bias
        let code: String = bytes
            .iter()
            .filter(|b| **b < limit)
            .take(CODE_LEN)
            .map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char)
            .collect();
        (code.len() == CODE_LEN).then_some(EnrollmentCode(code))
    }

    /// Accepts what a person types: any case, spaces or dashes. Rejects anything else.
    pub fn parse(input: &str) -> Option<EnrollmentCode> {
        let code: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        (code.len() == CODE_LEN && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(EnrollmentCode(code))
    }

    /// The canonical form, without the dash (what is hashed and stored).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EnrollmentCode {
    /// `K7QM-4XRT`: two groups of four, easier to read aloud.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", &self.0[..4], &self.0[4..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_readable_and_round_trip() {
        let code = EnrollmentCode::from_random_bytes(&[0, 1, 2, 3, 29, 30, 59, 239, 240, 255]).unwrap();
        assert_eq!(code.as_str(), "2345Z2ZZ");
        assert_eq!(code.to_string(), "2345-Z2ZZ");
        assert_eq!(EnrollmentCode::parse(" 2345-z2zz ").unwrap(), code);
        assert_eq!(EnrollmentCode::parse("2345 Z2ZZ").unwrap(), code);
    }

    #[test]
    fn bytes_above_the_unbiased_range_are_skipped() {
        assert_eq!(EnrollmentCode::from_random_bytes(&[255; 20]), None);
        assert_eq!(EnrollmentCode::from_random_bytes(&[0; 7]), None);
    }

    #[test]
    fn look_alike_and_wrong_length_codes_are_rejected() {
        for bad in ["2345-99Z", "2345-99ZZZ", "O345-99ZZ", "I345-99ZZ", "2345_99ZZ", ""] {
            assert_eq!(EnrollmentCode::parse(bad), None, "{bad}");
        }
    }
}
