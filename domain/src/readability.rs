//! Readability scores for guide text (filled in by the readability work; see content/guides/README.md).
