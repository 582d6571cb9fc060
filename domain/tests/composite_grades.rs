//! Checks `carepath_domain::grading` against the published PRO-CTCAE composite grading table
//! (Basch et al., Clinical Trials 2021), kept as `domain/tests/data/pro-ctcae-composite-grades.csv` (provenance in its README)
//! checkout. The CSV is the test oracle only; the implementation does not read it.
//!
//! The file must be there: a missing reference table is a failure, not a skip.

use std::path::PathBuf;

use carepath_domain::grading::{composite_grade, Attribute, AttributeSet, Grade, Responses};

const EXPECTED_ROWS: usize = 179;
const HEADER: [&str; 5] = [
    "attributes",
    "frequency",
    "severity",
    "interference_or_amount",
    "composite_grade",
];

fn reference_csv_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/pro-ctcae-composite-grades.csv")
}

/// One row of the reference table.
#[derive(Debug)]
struct Row {
    line: usize,
    set: AttributeSet,
    responses: Responses,
    expected: Grade,
}

/// The reference table: parsed rows, the number of data lines, and every problem found while parsing.
struct Reference {
    rows: Vec<Row>,
    data_lines: usize,
    problems: Vec<String>,
}

fn load_reference() -> Reference {
    let path = reference_csv_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read the PRO-CTCAE reference table {}: {e}\n\
             It is expected at domain/tests/data/ (see the README there).",
            path.display()
        )
    });

    let mut rows = Vec::new();
    let mut data_lines = 0;
    let mut problems = Vec::new();
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')));

    match lines.next() {
        Some((_, header)) => {
            let header: Vec<&str> = header
                .trim_start_matches('\u{feff}')
                .split(',')
                .map(str::trim)
                .collect();
            if header != HEADER {
                problems.push(format!("line 1: header is {header:?}, expected {HEADER:?}"));
            }
        }
        None => problems.push("the file is empty".to_owned()),
    }

    for (line, content) in lines {
        if content.trim().is_empty() {
            continue;
        }
        data_lines += 1;
        match parse_row(line, content) {
            Ok(row) => rows.push(row),
            Err(e) => problems.push(format!("line {line}: {e}: {content:?}")),
        }
    }
    Reference {
        rows,
        data_lines,
        problems,
    }
}

fn parse_row(line: usize, content: &str) -> Result<Row, String> {
    let cells: Vec<&str> = content.split(',').map(str::trim).collect();
    let [set, frequency, severity, interference, grade] = cells[..] else {
        return Err(format!("expected 5 cells, found {}", cells.len()));
    };
    let set: AttributeSet = set.parse().map_err(|e| format!("{e}"))?;
    let response = |name: &str, cell: &str| -> Result<Option<u8>, String> {
        if cell.is_empty() {
            Ok(None)
        } else {
            cell.parse()
                .map(Some)
                .map_err(|_| format!("{name} {cell:?} is not a number"))
        }
    };
    let responses = Responses::new(
        response("frequency", frequency)?,
        response("severity", severity)?,
        response("interference_or_amount", interference)?,
    );
    let grade: u8 = grade
        .parse()
        .map_err(|_| format!("composite_grade {grade:?} is not a number"))?;
    let expected = Grade::try_from(grade).map_err(|e| e.to_string())?;
    Ok(Row {
        line,
        set,
        responses,
        expected,
    })
}

/// The same responses with everything after the first attribute removed (as when the questions were skipped).
fn with_later_answers_skipped(set: AttributeSet, r: &Responses) -> Responses {
    let mut skipped = Responses::default();
    match set.attributes()[0] {
        Attribute::Frequency => skipped.frequency = r.frequency,
        Attribute::Severity => skipped.severity = r.severity,
        Attribute::Interference | Attribute::Amount => skipped.interference = r.interference,
    }
    skipped
}

#[test]
fn every_published_combination_gets_its_published_grade() {
    let Reference {
        rows,
        data_lines,
        mut problems,
    } = load_reference();

    if data_lines != EXPECTED_ROWS {
        problems.push(format!(
            "expected {EXPECTED_ROWS} data rows, found {data_lines}"
        ));
    }

    let mut seen = std::collections::HashSet::new();
    for row in &rows {
        let key = (
            row.set,
            row.responses.frequency,
            row.responses.severity,
            row.responses.interference,
        );
        if !seen.insert(key) {
            problems.push(format!(
                "line {}: duplicate combination {} {:?}",
                row.line, row.set, row.responses
            ));
        }

        match composite_grade(row.set, &row.responses) {
            Ok(grade) if grade == row.expected => {}
            Ok(grade) => problems.push(format!(
                "line {}: {} {:?}: expected grade {}, got {grade}",
                row.line, row.set, row.responses, row.expected
            )),
            Err(e) => problems.push(format!(
                "line {}: {} {:?}: expected grade {}, got error: {e}",
                row.line, row.set, row.responses, row.expected
            )),
        }

        // Skip rule: when the first answer is 0 the table records the others as 0; they may equally be absent.
        let first = row.set.attributes()[0];
        if row.responses.get(first) == Some(0) {
            let skipped = with_later_answers_skipped(row.set, &row.responses);
            match composite_grade(row.set, &skipped) {
                Ok(Grade::Absent) => {}
                other => problems.push(format!(
                    "line {}: {} with {first} 0 and the other questions skipped {skipped:?}: expected grade 0, got {other:?}",
                    row.line, row.set
                )),
            }
        }
    }

    // Every attribute set must be covered by the table.
    for set in AttributeSet::ALL {
        if !rows.iter().any(|r| r.set == set) {
            problems.push(format!("no rows for attribute set {set}"));
        }
    }

    assert!(
        problems.is_empty(),
        "{} problem(s) checking {} against the reference table:\n{}",
        problems.len(),
        reference_csv_path().display(),
        problems.join("\n")
    );
}
