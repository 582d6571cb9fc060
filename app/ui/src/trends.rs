//! Symptom trends: one small chart per symptom of its composite grade (0 none … 3 severe) at each check-in.
//!
//! Used on the pharmacist's patient page and meant for the patient's own "My check-ins" page too, so nothing here
//! knows who is reading: the caller passes the symptom's name in the words that reader should see.
//!
//! The chart is an inline SVG with real-size text: the plot is drawn in percentages (no `viewBox` scaling), the
//! grade words and dates are HTML beside and below it, so they follow the reader's text size. It can be read
//! without colour (each grade has its own marker shape as well as its height) and without sight (the SVG has a
//! one-line summary as its name, and a visually hidden table has every point).

use carepath_domain::sorting;
use carepath_domain::checkin::CheckInAnswers;
use carepath_domain::grading::Grade;
use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::format;
use crate::i18n::current;
use crate::reasons::grade_word;
use crate::tr;
use crate::text;

/// The highest composite grade; higher values are drawn as this.
const TOP_GRADE: u8 = 3;

/// One symptom's graded points: `(term id, [(when, composite grade 0–3)])`.
pub type TrendSeries = (String, Vec<(DateTime<Utc>, u8)>);

/// Grades every check-in (with [`CheckInAnswers::report`]) and groups the composite grades by symptom term.
///
/// - Series come in the order their term is first seen (pass check-ins oldest first for a stable, natural order;
///   within one check-in, terms come in the report's order).
/// - Each series' points are sorted by time, oldest first.
/// - A term reported as "none" (grade 0) is a point too: getting better is part of the trend.
/// - A check-in that cannot be graded (it would have been refused when stored) is skipped.
/// - Temperatures, emergency answers and notes are not grades and are left out.
pub fn trend_points(check_ins: &[(DateTime<Utc>, &CheckInAnswers)]) -> Vec<TrendSeries> {
    let mut series: Vec<TrendSeries> = Vec::new();
    for (at, answers) in check_ins {
        let Ok(report) = answers.report() else { continue };
        for answer in report.answers {
            let point = (*at, answer.grade.number());
            match series.iter_mut().find(|(term, _)| *term == answer.term) {
                Some((_, points)) => points.push(point),
                None => series.push((answer.term, vec![point])),
            }
        }
    }
    for (_, points) in &mut series {
        sorting::sort_by_key(points, |(at, _)| *at);
    }
    series
}

/// Where a grade sits, in percent of the plot's height from the top. Keep in step with `.trend-y span` in
/// `public/styles.css`, which puts the grade words at the same heights.
fn y_percent(grade: u8) -> f64 {
    10.0 + f64::from(TOP_GRADE - grade.min(TOP_GRADE)) * 80.0 / f64::from(TOP_GRADE)
}

/// Where a time sits, in percent of the plot's width: the first point at the left, the last at the right, a
/// single point (or points all at one time) in the middle.
fn x_percent(at: DateTime<Utc>, first: DateTime<Utc>, last: DateTime<Utc>) -> f64 {
    let span = (last - first).num_seconds();
    if span <= 0 {
        return 50.0;
    }
    4.0 + 92.0 * (at - first).num_seconds() as f64 / span as f64
}

fn pct(value: f64) -> String {
    format!("{value:.2}%")
}

fn grade(number: u8) -> Grade {
    Grade::try_from(number.min(TOP_GRADE)).unwrap_or(Grade::Severe)
}

/// A marker per grade, so the chart does not rely on colour: hollow circle (none), circle (mild), square
/// (moderate), triangle (severe). Drawn around (0, 0) of a nested `<svg>` placed at the point.
fn marker(grade: u8) -> AnyView {
    match grade {
        0 => view! { <circle r="6" cx="0" cy="0"/> }.into_any(),
        1 => view! { <circle r="6.5" cx="0" cy="0"/> }.into_any(),
        2 => view! { <rect x="-6" y="-6" width="12" height="12"/> }.into_any(),
        _ => view! { <polygon points="0,-8.5 8,6 -8,6"/> }.into_any(),
    }
}

/// A step chart of one symptom's composite grade over time.
///
/// `name` is the symptom's name as the reader should see it (e.g. `reasons::term_name(term, names)` for the
/// pharmacist); `points` are `(when, composite grade 0–3)`, e.g. one series from [`trend_points`] (any order;
/// they are sorted here). The grade holds from one check-in to the next, hence steps rather than slopes.
#[component]
pub fn SymptomTrend(name: String, points: Vec<(DateTime<Utc>, u8)>) -> impl IntoView {
    let mut points = points;
    sorting::sort_by_key(&mut points, |(at, _)| *at);
    let (Some(&(first, _)), Some(&(last, latest))) = (points.first(), points.last()) else {
        return view! {
            <figure class="trend">
                <figcaption class="trend-name">{name}</figcaption>
                <p class="hint">{text!("trend-empty")}</p>
            </figure>
        }
        .into_any();
    };
    let count = points.len();
    let highest = points.iter().map(|(_, g)| *g).max().unwrap_or(0);
    let coords: Vec<(f64, f64, u8)> =
        points.iter().map(|&(at, g)| (x_percent(at, first, last), y_percent(g), g.min(TOP_GRADE))).collect();
    // Hold each grade until the next check-in, then step to the next grade.
    let mut segments = Vec::new();
    for pair in coords.windows(2) {
        let ((x1, y1, _), (x2, y2, _)) = (pair[0], pair[1]);
        segments.push((x1, y1, x2, y1));
        if y1 != y2 {
            segments.push((x2, y1, x2, y2));
        }
    }
    let summary = {
        let name = name.clone();
        move || {
            tr!(
                "trend-summary",
                name = name.clone(),
                count = count,
                latest = grade_word(grade(latest)),
                highest = grade_word(grade(highest))
            )
        }
    };
    let caption = {
        let name = name.clone();
        move || tr!("trend-table-caption", name = name.clone())
    };
    let same_day = first.date_naive() == last.date_naive();
    view! {
        <figure class="trend" data-testid="symptom-trend">
            <figcaption class="trend-name">{name}</figcaption>
            <div class="trend-chart">
                <div class="trend-y" aria-hidden="true">
                    {(0..=TOP_GRADE).rev().map(|g| view! {
                        <span data-grade=g.to_string()>{move || grade_word(grade(g))}</span>
                    }).collect_view()}
                </div>
                <svg class="trend-plot" role="img" aria-label=summary focusable="false">
                    {(0..=TOP_GRADE).map(|g| {
                        let y = pct(y_percent(g));
                        view! { <line class="trend-grid" data-grade=g.to_string() x1="0" x2="100%" y1=y.clone() y2=y/> }
                    }).collect_view()}
                    {segments.into_iter().map(|(x1, y1, x2, y2)| view! {
                        <line class="trend-line" x1=pct(x1) y1=pct(y1) x2=pct(x2) y2=pct(y2)/>
                    }).collect_view()}
                    {coords.into_iter().map(|(x, y, g)| view! {
                        <svg class="trend-marker" data-grade=g.to_string() x=pct(x) y=pct(y) overflow="visible">{marker(g)}</svg>
                    }).collect_view()}
                </svg>
                <div class="trend-x" aria-hidden="true">
                    <span>{move || format::short_date(first, &current())}</span>
                    {(!same_day).then(|| view! { <span>{move || format::short_date(last, &current())}</span> })}
                </div>
            </div>
            // The wrapper is what is hidden: a table never shrinks below its content, so hiding the table itself
            // would still widen the page (sideways scrolling at phone width).
            <div class="visually-hidden">
                <table>
                    <caption>{caption}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{text!("trend-date")}</th>
                            <th scope="col">{text!("trend-grade")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {points.into_iter().map(|(at, g)| view! {
                            <tr>
                                <td>{move || format::date_time(at, &current())}</td>
                                <td>{move || tr!("trend-grade-value", grade = grade_word(grade(g)), number = g)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </figure>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use carepath_domain::checkin::ItemAnswer;
    use carepath_domain::grading::{AttributeSet, Responses};

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn answers(items: &[(&str, u8)]) -> CheckInAnswers {
        let mut answers = CheckInAnswers::default();
        for (term, severity) in items {
            answers.answers.insert(
                term.to_string(),
                ItemAnswer { attributes: AttributeSet::Severity, responses: Responses::new(None, Some(*severity), None) },
            );
        }
        answers
    }

    #[test]
    fn points_are_grouped_by_term_in_first_seen_order() {
        let first = answers(&[("rash", 1)]);
        let second = answers(&[("fatigue", 0), ("rash", 3)]);
        let series = trend_points(&[(at("2026-11-20T08:00:00Z"), &first), (at("2026-11-23T08:00:00Z"), &second)]);
        let terms: Vec<&str> = series.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(terms, ["rash", "fatigue"]);
        assert_eq!(series[0].1.len(), 2);
        assert!(series[0].1[0].1 < series[0].1[1].1, "the rash got worse: {:?}", series[0].1);
        assert_eq!(series[1].1, vec![(at("2026-11-23T08:00:00Z"), 0)]);
    }

    #[test]
    fn the_plot_scales_put_points_inside_the_plot() {
        assert_eq!(y_percent(3), 10.0);
        assert_eq!(y_percent(0), 90.0);
        assert_eq!(y_percent(9), 10.0);
        let (a, b) = (at("2026-11-20T08:00:00Z"), at("2026-11-23T08:00:00Z"));
        assert_eq!(x_percent(a, a, a), 50.0);
        assert_eq!(x_percent(a, a, b), 4.0);
        assert_eq!(x_percent(b, a, b), 96.0);
    }
}
