//! Readability scores for guide text (see `content/guides/README.md`).
//!
//! Content writers check their drafts with this same algorithm, so it is spelled out exactly here and must not
//! drift. It is a deliberately simple, predictable approximation, not a linguistic analysis:
//!
//! - **Sentences.** A sentence ends at `.`, `!` or `?` followed by whitespace or the end of the text, and at every
//!   line break that ends a non-empty line: every list item and every paragraph ends a sentence. A dot between digits
//!   (`38.0`, `100.4`) is not followed by whitespace, so it never ends a sentence. A unit with no letter or digit in
//!   it (say a lone `-`) is empty and not counted.
//! - **Words.** The text is split on whitespace; a token is a word if it contains at least one letter or digit
//!   (leading and trailing punctuation does not matter). A hyphenated token (`14-day`) is one word.
//! - **Syllables**: see [`count_syllables`].
//! - **Scores**: [`flesch_kincaid_grade`] for English (target ≤ 8) and [`fernandez_huerta`] for Spanish (target ≥ 70).
//!
//! Placeholders such as `{pharmacy_phone}` are not prose: remove them with [`strip_placeholders`] before scoring.

/// Counts behind the readability formulas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TextStats {
    pub sentences: usize,
    pub words: usize,
    pub syllables: usize,
}

/// Language of the text, which decides how syllables are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    English,
    Spanish,
}

/// Counts sentences, words and syllables in `text` (see the module documentation for the exact rules).
pub fn text_stats(text: &str, lang: Language) -> TextStats {
    let sentences = text.lines().map(count_sentences_in_line).sum();
    let mut words = 0;
    let mut syllables = 0;
    for token in text.split_whitespace().filter(|t| is_word(t)) {
        words += 1;
        syllables += count_syllables(token, lang);
    }
    TextStats {
        sentences,
        words,
        syllables,
    }
}

/// Flesch–Kincaid grade level (English): `0.39 × words/sentences + 11.8 × syllables/words − 15.59`.
///
/// Text with no words scores 0.0.
pub fn flesch_kincaid_grade(s: &TextStats) -> f64 {
    if s.words == 0 {
        return 0.0;
    }
    let words = s.words as f64;
    let sentences = s.sentences.max(1) as f64;
    let syllables = s.syllables as f64;
    0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59
}

/// Fernández-Huerta reading ease (Spanish): `206.84 − 0.60 × syllables per 100 words − 1.02 × sentences per 100 words`.
///
/// Higher is easier; 70 and above is "fairly easy". Text with no words scores 206.84 (nothing to read).
pub fn fernandez_huerta(s: &TextStats) -> f64 {
    if s.words == 0 {
        return 206.84;
    }
    let per_100_words = 100.0 / s.words as f64;
    let syllables_per_100 = s.syllables as f64 * per_100_words;
    let sentences_per_100 = s.sentences as f64 * per_100_words;
    206.84 - 0.60 * syllables_per_100 - 1.02 * sentences_per_100
}

/// Syllables in one word (a whitespace-separated token; surrounding punctuation is ignored).
///
/// **English** (lower-cased, letters only; a token with no letters, such as `38.0`, counts as 1): count the groups of
/// consecutive vowels from `aeiouy`; subtract 1 if the word ends in `e` but not `le` and the count is above 1;
/// subtract 1 if the word ends in `es` or `ed` (but not `ted` or `ded`) and the count is above 1; at least 1.
///
/// **Spanish** (lower-cased, letters only; a token with no letters, such as `38,0`, counts as 1): find the groups
/// of consecutive vowels from `aeiouáéíóúü`, where `y` counts as a vowel only as the last letter of the word right
/// after a vowel (`hoy`, `muy`). Each group counts as many syllables as it has strong vowels (`a e o á é ó í ú`),
/// and at least 1 (weak vowels `i u ü` glide). At least 1 per word, so the conjunction `y` counts as 1.
pub fn count_syllables(word: &str, lang: Language) -> usize {
    let letters: Vec<char> = word
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    if letters.is_empty() {
        return 1;
    }
    match lang {
        Language::English => english_syllables(&letters),
        Language::Spanish => spanish_syllables(&letters),
    }
}

/// Removes `{name}` placeholders (`name` = ASCII letters, digits and `_`), e.g. `{pharmacy_phone}`.
/// Any other braces are left as they are.
pub fn strip_placeholders(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        if name_len > 0 && after[name_len..].starts_with('}') {
            rest = &after[name_len + 1..];
        } else {
            out.push('{');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// A token counts as a word if it contains at least one letter or digit.
fn is_word(token: &str) -> bool {
    token.chars().any(char::is_alphanumeric)
}

/// Sentences in one line: units ended by `.`, `!` or `?` followed by whitespace or the end of the line, plus the
/// line break itself. Units with no letter or digit are not counted.
fn count_sentences_in_line(line: &str) -> usize {
    let mut count = 0;
    let mut unit_has_word_char = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() {
            unit_has_word_char = true;
        }
        let ends_sentence =
            matches!(c, '.' | '!' | '?') && chars.peek().is_none_or(|next| next.is_whitespace());
        if ends_sentence {
            count += usize::from(unit_has_word_char);
            unit_has_word_char = false;
        }
    }
    // The line break (or the end of the text) ends whatever is left.
    count + usize::from(unit_has_word_char)
}

fn english_syllables(letters: &[char]) -> usize {
    let is_vowel = |c: char| "aeiouy".contains(c);
    let mut count = vowel_group_count(letters, is_vowel);
    let ends_with = |suffix: &str| {
        let suffix: Vec<char> = suffix.chars().collect();
        letters.ends_with(&suffix)
    };
    if count > 1 && ends_with("e") && !ends_with("le") {
        count -= 1;
    }
    if count > 1 && (ends_with("es") || ends_with("ed")) && !ends_with("ted") && !ends_with("ded") {
        count -= 1;
    }
    count.max(1)
}

fn spanish_syllables(letters: &[char]) -> usize {
    let last = letters.len() - 1;
    let is_vowel_at = |i: usize| {
        let c = letters[i];
        "aeiouáéíóúü".contains(c)
            || (c == 'y' && i == last && i > 0 && "aeiouáéíóúü".contains(letters[i - 1]))
    };
    let mut count = 0;
    let mut i = 0;
    while i < letters.len() {
        if !is_vowel_at(i) {
            i += 1;
            continue;
        }
        let mut strong = 0;
        while i < letters.len() && is_vowel_at(i) {
            strong += usize::from("aeoáéóíú".contains(letters[i]));
            i += 1;
        }
        count += strong.max(1);
    }
    count.max(1)
}

/// Number of groups of consecutive letters for which `is_vowel` holds.
fn vowel_group_count(letters: &[char], is_vowel: impl Fn(char) -> bool) -> usize {
    let mut count = 0;
    let mut previous_is_vowel = false;
    for &c in letters {
        let vowel = is_vowel(c);
        if vowel && !previous_is_vowel {
            count += 1;
        }
        previous_is_vowel = vowel;
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en(word: &str) -> usize {
        count_syllables(word, Language::English)
    }

    fn es(word: &str) -> usize {
        count_syllables(word, Language::Spanish)
    }

    fn close(actual: f64, expected: f64) -> bool {
        (actual - expected).abs() < 1e-9
    }

    #[test]
    fn english_syllables_of_known_words() {
        let cases = [
            ("table", 2),        // ends in "le": no silent e
            ("capecitabine", 5), // a-e-i-a-i-e = 6, silent final e
            ("the", 1),          // ends in e, but count is 1
            ("fever", 2),
            ("take", 1),
            ("takes", 1),   // "es" ending
            ("used", 1),    // "ed" ending
            ("started", 2), // "ted" keeps its syllable
            ("ended", 2),   // "ded" keeps its syllable
            ("pharmacy", 3),
            ("you", 1), // "ou" after y: one group "you"
            ("medicine", 3),
            ("Call", 1),   // case does not matter
            ("fever,", 2), // punctuation ignored
            ("14-day", 1), // letters only: "day"
            ("38.0", 1),   // no letters
            ("100.4", 1),
            ("mg", 1), // no vowel: minimum 1
        ];
        for (word, expected) in cases {
            assert_eq!(en(word), expected, "English syllables of {word:?}");
        }
    }

    #[test]
    fn spanish_syllables_of_known_words() {
        let cases = [
            ("camión", 2),  // ca-mión: "ió" has one strong vowel
            ("día", 2),     // dí-a: accented í is strong
            ("pie", 1),     // "ie": diphthong
            ("cuidado", 3), // cui-da-do: "ui" two weak vowels = 1
            ("hoy", 1),     // final y after a vowel joins the group
            ("muy", 1),
            ("leer", 2), // two strong vowels
            ("capecitabina", 6),
            ("farmacia", 3), // far-ma-cia
            ("ayuda", 3),    // y not final: a-yu-da
            ("y", 1),        // the conjunction: minimum 1
            ("Llame", 2),
            ("¿Qué", 1), // punctuation ignored, "ue" one strong vowel
            ("38,0", 1), // digits only
            ("14-días", 2),
        ];
        for (word, expected) in cases {
            assert_eq!(es(word), expected, "Spanish syllables of {word:?}");
        }
    }

    #[test]
    fn decimal_numbers_do_not_end_sentences() {
        let s = text_stats(
            "Call if your fever is 38.0 °C or 100.4 °F or higher.",
            Language::English,
        );
        assert_eq!(s.sentences, 1);
        // Call if your fever is 38.0 °C or 100.4 °F or higher = 12 words ("°C", "°F" contain a letter).
        assert_eq!(s.words, 12);
    }

    #[test]
    fn list_lines_and_paragraphs_end_sentences() {
        let text = "Call right away if you have:\n- a fever\n- bleeding that will not stop\n\nTake it with food. Do not crush it!\n";
        let s = text_stats(text, Language::English);
        // "Call … have:", "a fever", "bleeding … stop", "Take it with food.", "Do not crush it!"
        assert_eq!(s.sentences, 5);
        assert_eq!(s.words, 6 + 2 + 5 + 4 + 4);
    }

    #[test]
    fn empty_units_and_terminators_inside_words_are_not_sentences() {
        assert_eq!(text_stats("", Language::English).sentences, 0);
        assert_eq!(text_stats("\n\n-\n  \n...", Language::English).sentences, 0);
        // "?" followed by "!" is not followed by whitespace; only the last one ends the sentence.
        assert_eq!(text_stats("Really?! Yes.", Language::English).sentences, 2);
        // A dot inside a token (a file name, an abbreviation without a space) does not end a sentence.
        assert_eq!(
            text_stats("See carepath.org today", Language::English).sentences,
            1
        );
        // The last line needs no line break.
        assert_eq!(text_stats("One\nTwo", Language::English).sentences, 2);
        assert_eq!(text_stats("One\r\nTwo\r\n", Language::English).sentences, 2);
    }

    #[test]
    fn words_are_whitespace_tokens_with_a_letter_or_digit() {
        let s = text_stats(
            "- Take 2 tablets — twice a day (14-day cycle).",
            Language::English,
        );
        // "-" and "—" are not words.
        assert_eq!(s.words, 8);
        assert_eq!(s.sentences, 1);
    }

    #[test]
    fn flesch_kincaid_of_a_small_paragraph() {
        // The cat sat on the mat. (6 words, 6 syllables)
        // Take your medicine with food. (5 words: take 1, your 1, medicine 3, with 1, food 1 = 7 syllables)
        let text = "The cat sat on the mat. Take your medicine with food.";
        let s = text_stats(text, Language::English);
        assert_eq!(
            s,
            TextStats {
                sentences: 2,
                words: 11,
                syllables: 13
            }
        );
        // 0.39 × 11/2 + 11.8 × 13/11 − 15.59 = 2.145 + 13.945454… − 15.59 = 0.500454…
        let expected = 0.39 * 5.5 + 11.8 * 13.0 / 11.0 - 15.59;
        assert!(close(flesch_kincaid_grade(&s), expected));
        assert!((flesch_kincaid_grade(&s) - 0.5005).abs() < 1e-4);
    }

    #[test]
    fn fernandez_huerta_of_a_small_paragraph() {
        // Tome la pastilla con comida. (5 words: to-me 2, la 1, pas-ti-lla 3, con 1, co-mi-da 3 = 10)
        // Llame hoy. (2 words: lla-me 2, hoy 1 = 3)
        let text = "Tome la pastilla con comida.\nLlame hoy.";
        let s = text_stats(text, Language::Spanish);
        assert_eq!(
            s,
            TextStats {
                sentences: 2,
                words: 7,
                syllables: 13
            }
        );
        // 206.84 − 0.60 × (13 × 100/7) − 1.02 × (2 × 100/7) = 206.84 − 111.428571… − 29.142857… = 66.268571…
        assert!((fernandez_huerta(&s) - 66.268_571).abs() < 1e-5);
    }

    #[test]
    fn scores_of_empty_text_are_finite() {
        let s = text_stats("", Language::English);
        assert_eq!(s, TextStats::default());
        assert!(close(flesch_kincaid_grade(&s), 0.0));
        assert!(close(fernandez_huerta(&s), 206.84));
    }

    #[test]
    fn strips_only_placeholders() {
        assert_eq!(
            strip_placeholders("Call {pharmacy_phone} or {after_hours_phone}."),
            "Call  or ."
        );
        assert_eq!(strip_placeholders("{a}{b}"), "");
        assert_eq!(
            strip_placeholders("a {not a placeholder} {} { x"),
            "a {not a placeholder} {} { x"
        );
        assert_eq!(strip_placeholders("{{pharmacy_phone}}"), "{}");
        assert_eq!(strip_placeholders("días {pharmacy_phone}"), "días ");
    }

    #[test]
    fn placeholders_do_not_count_as_words_once_stripped() {
        let s = text_stats(
            &strip_placeholders("Call {pharmacy_phone}."),
            Language::English,
        );
        assert_eq!(
            s,
            TextStats {
                sentences: 1,
                words: 1,
                syllables: 1
            }
        );
    }
}
