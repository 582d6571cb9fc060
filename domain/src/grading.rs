//! PRO-CTCAE composite grading (filled in by the grading work).
