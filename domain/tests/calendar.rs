//! The diary calendar: each day's status and counts, its pages (cycles or four-week blocks), and a property that
//! every expected dose is counted in exactly one day of exactly one page.

use carepath_domain::adherence::*;
use carepath_domain::calendar::*;
use carepath_domain::regimen::{RecordedChange, RegimenLine, DEFAULT_REFILL_REMINDER_DAYS};
use carepath_domain::schedule::*;
use chrono::{Days, NaiveDate, Weekday};
use proptest::prelude::*;
use uuid::Uuid;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn after(date: NaiveDate, days: u32) -> NaiveDate {
    date + Days::new(u64::from(days))
}

fn line_with(pattern: CyclePattern, twice: bool, start: NaiveDate, changes: Vec<RegimenChange>) -> RegimenLine {
    let doses = if twice {
        vec![
            SlotDose::new(DoseSlot::Morning, DoseAmount::mg_tablets(1500, 3)),
            SlotDose::new(DoseSlot::Evening, DoseAmount::mg_tablets(1500, 3)),
        ]
    } else {
        vec![SlotDose::new(DoseSlot::Daily, DoseAmount::tablets(1))]
    };
    RegimenLine {
        id: Uuid::nil(),
        regimen: Regimen {
            version: 1,
            drug_name: "Capecitabine".into(),
            strength: "500 mg tablets".into(),
            doses,
            pattern,
            start,
            first_cycle: 1,
            time_zone: chrono_tz::Europe::Madrid,
        },
        changes: changes
            .into_iter()
            .enumerate()
            .map(|(i, change)| RecordedChange {
                id: Uuid::from_u128(1000 + i as u128),
                change,
                recorded_at: "2026-01-01T00:00:00Z".parse().unwrap(),
                by: "Pat".into(),
            })
            .collect(),
        dispenses: Vec::new(),
        refill_reminder_days: DEFAULT_REFILL_REMINDER_DAYS,
    }
}

/// Capecitabine 1500 mg twice daily, 14 days on and 7 off, from Monday 2 March 2026 (cycle 1 ends 22 March).
fn capecitabine(changes: Vec<RegimenChange>) -> RegimenLine {
    line_with(CyclePattern::OnOff { days_on: 14, days_off: 7 }, true, d("2026-03-02"), changes)
}

struct Diary(Vec<DiaryRecord>);

impl Diary {
    fn new() -> Self {
        Diary(Vec::new())
    }

    /// Appends a record; returns its id.
    fn log(&mut self, date: &str, slot: DoseSlot, kind: DoseOutcome) -> Uuid {
        self.log_correcting(date, slot, kind, None)
    }

    fn log_correcting(&mut self, date: &str, slot: DoseSlot, kind: DoseOutcome, supersedes: Option<Uuid>) -> Uuid {
        let id = Uuid::from_u128(self.0.len() as u128 + 1);
        self.0.push(DiaryRecord { id, supersedes, date: d(date), slot, kind, taken_at: None });
        id
    }

    /// Appends a record of a dose taken at `at`.
    fn log_at(&mut self, date: &str, slot: DoseSlot, kind: DoseOutcome, at: &str) {
        self.log(date, slot, kind);
        self.0.last_mut().unwrap().taken_at = Some(at.parse().unwrap());
    }

    fn both(&mut self, date: &str, kind: DoseOutcome) {
        self.log(date, DoseSlot::Morning, kind);
        self.log(date, DoseSlot::Evening, kind);
    }
}

fn day<'a>(days: &'a [CalendarDay], date: &str) -> &'a CalendarDay {
    days.iter().find(|day| day.date == d(date)).unwrap_or_else(|| panic!("{date} is not in the calendar"))
}

use DoseOutcome::*;
use DoseSlot::{Evening, Morning};

#[test]
fn a_14_on_7_off_twice_daily_cycle_with_a_hold_a_correction_and_an_extra_dose() {
    let line = capecitabine(vec![RegimenChange::Hold { from: d("2026-03-12"), until: Some(d("2026-03-13")) }]);
    let today = d("2026-03-18"); // day 17: a rest day
    let mut diary = Diary::new();
    diary.both("2026-03-02", Taken);
    diary.log("2026-03-03", Morning, TakenLate);
    diary.log("2026-03-03", Evening, Vomited); // counts as taken: not to be repeated
    diary.log("2026-03-04", Morning, Taken); // evening not logged: partial
    diary.log("2026-03-05", Morning, Missed);
    diary.log("2026-03-05", Evening, Skipped { reason: SkipReason::SideEffects });
    // 6 March: nothing logged at all.
    // 9 March: the morning was logged as missed by mistake, then corrected to taken.
    let wrong = diary.log("2026-03-09", Morning, Missed);
    diary.log_correcting("2026-03-09", Morning, Taken, Some(wrong));
    diary.log("2026-03-09", Evening, Taken);
    // 10 March: logged as taken, then corrected to missed (a correction can go either way).
    let wrong = diary.log("2026-03-10", Morning, Taken);
    diary.log_correcting("2026-03-10", Morning, Missed, Some(wrong));
    // 12 March is held; the patient took a dose anyway: that is beyond the plan.
    diary.log("2026-03-12", Morning, Taken);
    // 17 March is a rest day (day 16); an extra dose was recorded.
    diary.log("2026-03-17", Evening, ExtraDose);

    let periods = cycles_in_view(&line, today).unwrap();
    assert_eq!(
        periods,
        vec![CalendarPeriod { kind: PeriodKind::Cycle, number: 1, from: d("2026-03-02"), to: d("2026-03-22") }]
    );
    let days = cycle_days(&line, &diary.0, 1, today).unwrap();
    assert_eq!(days.len(), 21);
    assert_eq!(days.first().unwrap().date, d("2026-03-02"));
    assert!(days.iter().all(|day| day.cycle == Some(1)));
    assert_eq!(days.iter().map(|day| day.day_of_cycle.unwrap()).collect::<Vec<_>>(), (1..=21).collect::<Vec<_>>());

    let taken = day(&days, "2026-03-02");
    assert_eq!((taken.status, taken.doses_expected, taken.doses_taken, taken.extra), (DayStatus::Taken, 2, 2, false));
    assert_eq!(day(&days, "2026-03-03").status, DayStatus::Taken, "late and vomited doses count as taken");
    let partial = day(&days, "2026-03-04");
    assert_eq!((partial.status, partial.doses_taken, partial.doses_missed), (DayStatus::Partial, 1, 0));
    let missed = day(&days, "2026-03-05");
    assert_eq!((missed.status, missed.doses_taken, missed.doses_missed), (DayStatus::Missed, 0, 2));
    let not_logged = day(&days, "2026-03-06");
    assert_eq!((not_logged.status, not_logged.doses_expected, not_logged.doses_missed), (DayStatus::NotLogged, 2, 0));
    let corrected = day(&days, "2026-03-09");
    assert_eq!((corrected.status, corrected.doses_taken, corrected.doses_missed), (DayStatus::Taken, 2, 0));
    let corrected = day(&days, "2026-03-10");
    assert_eq!((corrected.status, corrected.doses_taken, corrected.doses_missed), (DayStatus::Missed, 0, 1));

    for held in ["2026-03-12", "2026-03-13"] {
        let held = day(&days, held);
        assert_eq!((held.status, held.doses_expected), (DayStatus::Held, 0));
        assert_eq!(held.cycle, Some(1), "a hold does not move the cycle");
    }
    assert!(day(&days, "2026-03-12").extra, "a dose taken on a held day is beyond the plan");
    assert!(!day(&days, "2026-03-13").extra);
    assert_eq!(day(&days, "2026-03-14").status, DayStatus::NotLogged, "doses are due again after the hold");

    let rest = day(&days, "2026-03-17");
    assert_eq!((rest.status, rest.doses_expected, rest.extra), (DayStatus::OffDay, 0, true));
    assert_eq!(day(&days, "2026-03-18").status, DayStatus::OffDay, "today is a rest day");
    assert!(days.iter().filter(|day| day.extra).count() == 2);

    // The calendar and the adherence figures agree on the days they share.
    let summary = summarize(&line, &diary.0, today).unwrap();
    let last_7: Vec<&CalendarDay> = days.iter().filter(|day| day.date >= d("2026-03-11") && day.date < today).collect();
    assert_eq!(last_7.iter().map(|day| day.doses_expected).sum::<u32>(), summary.last_7_days.expected);
    assert_eq!(last_7.iter().map(|day| day.doses_taken).sum::<u32>(), summary.last_7_days.taken);
    assert_eq!(last_7.iter().filter(|day| day.extra).count() as u32, summary.last_7_days.extra_doses);
}

/// The line with each change recorded at the time given (the care team's decision).
fn decided(mut line: RegimenLine, at: &[&str]) -> RegimenLine {
    for (change, at) in line.changes.iter_mut().zip(at) {
        change.recorded_at = at.parse().unwrap();
    }
    line
}

#[test]
fn a_dose_taken_before_the_care_team_held_the_drug_that_day_is_not_an_extra_dose() {
    // Issue #14: the morning dose taken at 8:10, then at 15:00 the pharmacist holds the drug from today.
    let line = decided(capecitabine(vec![RegimenChange::Hold { from: d("2026-03-12"), until: None }]), &["2026-03-12T14:00:00Z"]);
    let schedule = line.schedule().unwrap();
    let today = d("2026-03-12");
    let mut diary = Diary::new();
    diary.log_at("2026-03-11", Morning, Taken, "2026-03-11T07:05:00Z");
    diary.log_at("2026-03-11", Evening, Taken, "2026-03-11T19:05:00Z");
    diary.log_at("2026-03-12", Morning, Taken, "2026-03-12T07:10:00Z");
    assert_eq!(extra_doses(&schedule, &diary.0, today), Vec::<NaiveDate>::new(), "taken as planned, before the hold");
    let days = cycle_days(&line, &diary.0, 1, today).unwrap();
    let held = day(&days, "2026-03-12");
    assert_eq!((held.status, held.extra), (DayStatus::Held, false));
    assert_eq!(summarize(&line, &diary.0, d("2026-03-13")).unwrap().last_7_days.extra_doses, 0);

    // The evening dose, taken after the hold was decided, is beyond the plan: the care team should know.
    diary.log_at("2026-03-12", Evening, Taken, "2026-03-12T19:00:00Z");
    assert_eq!(extra_doses(&schedule, &diary.0, today), vec![d("2026-03-12")]);
    // So is a dose on the hold's second day, and a record without a time.
    let mut diary = Diary::new();
    diary.log_at("2026-03-13", Morning, Taken, "2026-03-13T07:10:00Z");
    diary.log("2026-03-12", Morning, Taken);
    assert_eq!(extra_doses(&schedule, &diary.0, d("2026-03-13")), vec![d("2026-03-12"), d("2026-03-13")]);
    // A rest day has no planned dose to excuse, hold or not.
    let rest = decided(capecitabine(vec![RegimenChange::Hold { from: d("2026-03-16"), until: None }]), &["2026-03-16T14:00:00Z"]);
    let mut diary = Diary::new();
    diary.log_at("2026-03-16", Morning, Taken, "2026-03-16T07:10:00Z");
    assert_eq!(extra_doses(&rest.schedule().unwrap(), &diary.0, d("2026-03-16")), vec![d("2026-03-16")], "day 15 is a rest day");
}

#[test]
fn a_hold_decided_in_advance_makes_a_dose_on_its_first_day_extra() {
    let line = decided(capecitabine(vec![RegimenChange::Hold { from: d("2026-03-12"), until: Some(d("2026-03-13")) }]), &["2026-03-10T09:00:00Z"]);
    let mut diary = Diary::new();
    diary.log_at("2026-03-12", Morning, Taken, "2026-03-12T07:10:00Z");
    assert_eq!(extra_doses(&line.schedule().unwrap(), &diary.0, d("2026-03-12")), vec![d("2026-03-12")]);
}

#[test]
fn a_dose_taken_before_the_care_team_stopped_the_drug_that_day_is_not_an_extra_dose() {
    let line = decided(capecitabine(vec![RegimenChange::Stop { on: d("2026-03-12") }]), &["2026-03-12T14:00:00Z"]);
    let mut diary = Diary::new();
    diary.log_at("2026-03-12", Morning, Taken, "2026-03-12T07:10:00Z");
    assert_eq!(extra_doses(&line.schedule().unwrap(), &diary.0, d("2026-03-12")), Vec::<NaiveDate>::new());
    diary.log_at("2026-03-12", Evening, Taken, "2026-03-12T19:10:00Z");
    assert_eq!(extra_doses(&line.schedule().unwrap(), &diary.0, d("2026-03-12")), vec![d("2026-03-12")]);
}

#[test]
fn today_is_in_progress_until_every_dose_has_a_record() {
    let line = capecitabine(Vec::new());
    let today = d("2026-03-04");
    let mut diary = Diary::new();
    let days = cycle_days(&line, &diary.0, 1, today).unwrap();
    assert_eq!(day(&days, "2026-03-04").status, DayStatus::Today);
    assert_eq!(day(&days, "2026-03-03").status, DayStatus::NotLogged);
    assert_eq!(day(&days, "2026-03-05").status, DayStatus::Upcoming);
    assert_eq!(day(&days, "2026-03-16").status, DayStatus::OffDay, "future rest days are rest days");

    diary.log("2026-03-04", Morning, Taken);
    let days = cycle_days(&line, &diary.0, 1, today).unwrap();
    let today_cell = day(&days, "2026-03-04");
    assert_eq!((today_cell.status, today_cell.doses_taken), (DayStatus::Today, 1), "the evening dose may still come");

    diary.log("2026-03-04", Evening, Missed);
    assert_eq!(day(&cycle_days(&line, &diary.0, 1, today).unwrap(), "2026-03-04").status, DayStatus::Partial);
    diary.log("2026-03-04", Evening, Taken); // the last record for a dose wins
    assert_eq!(day(&cycle_days(&line, &diary.0, 1, today).unwrap(), "2026-03-04").status, DayStatus::Taken);
}

#[test]
fn pages_are_cycles_through_the_current_one() {
    let line = capecitabine(Vec::new());
    let periods = cycles_in_view(&line, d("2026-04-01")).unwrap();
    assert_eq!(
        periods.iter().map(|p| (p.number, p.from, p.to)).collect::<Vec<_>>(),
        vec![(1, d("2026-03-02"), d("2026-03-22")), (2, d("2026-03-23"), d("2026-04-12")),]
    );
    // Before the start: the first cycle, all to come.
    let periods = cycles_in_view(&line, d("2026-02-20")).unwrap();
    assert_eq!(periods.len(), 1);
    let days = cycle_days(&line, &[], 1, d("2026-02-20")).unwrap();
    assert_eq!(days.iter().filter(|day| day.status == DayStatus::Upcoming).count(), 14);
    assert_eq!(days.iter().filter(|day| day.status == DayStatus::OffDay).count(), 7);
    // Days before the start, asked for directly.
    let before = calendar_days(&line, &[], d("2026-02-27"), d("2026-03-02"), d("2026-03-10")).unwrap();
    assert_eq!(
        before.iter().map(|day| day.status).collect::<Vec<_>>(),
        vec![DayStatus::NotStarted, DayStatus::NotStarted, DayStatus::NotStarted, DayStatus::NotLogged]
    );
    assert_eq!((before[0].cycle, before[0].day_of_cycle), (None, None));
    // Cycles not yet in view can be asked for; cycles that do not exist are empty.
    assert_eq!(find_period(&line, 3, d("2026-03-10")).unwrap().unwrap().from, d("2026-04-13"));
    assert!(cycle_days(&line, &[], 0, d("2026-03-10")).unwrap().is_empty());
}

#[test]
fn a_stopped_regimen_ends_with_the_cycle_of_its_stop() {
    let line = capecitabine(vec![RegimenChange::Stop { on: d("2026-03-20") }]);
    let periods = cycles_in_view(&line, d("2026-06-01")).unwrap();
    assert_eq!(periods.len(), 1);
    let days = cycle_days(&line, &[], 1, d("2026-06-01")).unwrap();
    assert_eq!(day(&days, "2026-03-19").status, DayStatus::OffDay);
    assert!(days.iter().filter(|day| day.date >= d("2026-03-20")).all(|day| day.status == DayStatus::Stopped));
}

#[test]
fn a_cycle_restarted_after_a_hold_keeps_its_held_days() {
    // Held from day 9 of cycle 1 for 4 weeks, then cycle 1 is started again: the held days that counting would
    // put in cycle 2 stay in cycle 1, so cycle 2 begins only after the restarted cycle 1.
    let line = capecitabine(vec![
        RegimenChange::Hold { from: d("2026-03-10"), until: Some(d("2026-04-06")) },
        RegimenChange::NewCycleStart { on: d("2026-04-07"), cycle_number: 1 },
    ]);
    let today = d("2026-05-01");
    let periods = cycles_in_view(&line, today).unwrap();
    assert_eq!(
        periods.iter().map(|p| (p.number, p.from, p.to)).collect::<Vec<_>>(),
        vec![(1, d("2026-03-02"), d("2026-04-27")), (2, d("2026-04-28"), d("2026-05-18")),]
    );
    let days = cycle_days(&line, &[], 1, today).unwrap();
    let held = day(&days, "2026-03-30"); // counted as day 8 of cycle 2
    assert_eq!((held.status, held.cycle, held.day_of_cycle), (DayStatus::Held, Some(1), None));
    assert_eq!(day(&days, "2026-03-20").day_of_cycle, Some(19), "held days before the boundary keep their count");
    assert_eq!(day(&days, "2026-04-07").day_of_cycle, Some(1));

    // Restarting as cycle 2 instead: the held days past day 21 are already in cycle 2.
    let line = capecitabine(vec![
        RegimenChange::Hold { from: d("2026-03-10"), until: Some(d("2026-04-06")) },
        RegimenChange::NewCycleStart { on: d("2026-04-07"), cycle_number: 2 },
    ]);
    let periods = cycles_in_view(&line, today).unwrap();
    assert_eq!(
        periods.iter().map(|p| (p.number, p.from, p.to)).collect::<Vec<_>>(),
        vec![
            (1, d("2026-03-02"), d("2026-03-22")),
            (2, d("2026-03-23"), d("2026-04-27")),
            (3, d("2026-04-28"), d("2026-05-18")),
        ]
    );
}

#[test]
fn patterns_with_no_cycle_length_are_shown_in_four_week_blocks() {
    let start = d("2026-03-02");
    for pattern in [
        CyclePattern::Continuous,
        CyclePattern::DaysOfWeek { days: vec![Weekday::Mon, Weekday::Thu] },
        CyclePattern::Weekly { weekday: Weekday::Fri },
    ] {
        let line = line_with(pattern.clone(), false, start, Vec::new());
        let periods = cycles_in_view(&line, d("2026-04-15")).unwrap();
        assert_eq!(
            periods.iter().map(|p| (p.kind, p.number, p.from, p.to)).collect::<Vec<_>>(),
            vec![
                (PeriodKind::FourWeeks, 1, d("2026-03-02"), d("2026-03-29")),
                (PeriodKind::FourWeeks, 2, d("2026-03-30"), d("2026-04-26")),
            ],
            "{pattern:?}"
        );
        let days = cycle_days(&line, &[], 2, d("2026-04-15")).unwrap();
        assert_eq!(days.len(), 28);
        let fridays = days.iter().filter(|day| day.date.format("%a").to_string() == "Fri");
        assert!(fridays.clone().all(|day| day.status != DayStatus::OffDay || pattern != CyclePattern::Continuous));
        if let CyclePattern::Weekly { .. } = pattern {
            assert!(fridays.clone().all(|day| day.doses_expected == 1));
            assert_eq!(days.iter().map(|day| day.doses_expected).sum::<u32>(), 4);
        }
    }
}

// ---- Property: every expected dose is counted in exactly one day of exactly one page. ----

fn pattern() -> impl Strategy<Value = CyclePattern> {
    prop_oneof![
        4 => (1u16..=28, 0u16..=14).prop_map(|(days_on, days_off)| CyclePattern::OnOff { days_on, days_off }),
        1 => Just(CyclePattern::Continuous),
        1 => prop::sample::subsequence(vec![Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun], 1..=7)
            .prop_map(|days| CyclePattern::DaysOfWeek { days }),
        1 => prop::sample::select(vec![Weekday::Mon, Weekday::Wed, Weekday::Sun]).prop_map(|weekday| CyclePattern::Weekly { weekday }),
    ]
}

fn outcome() -> impl Strategy<Value = DoseOutcome> {
    prop::sample::select(vec![Taken, TakenLate, Missed, Skipped { reason: SkipReason::Forgot }, Vomited, ExtraDose])
}

/// (day offset from the start, morning?, outcome, corrects the previous record?)
type RawRecord = (u32, bool, DoseOutcome, bool);

fn records(start: NaiveDate, twice: bool, raw: &[RawRecord]) -> Vec<DiaryRecord> {
    let mut out: Vec<DiaryRecord> = Vec::new();
    for (i, (offset, morning, kind, corrects)) in raw.iter().enumerate() {
        let slot = match (twice, morning) {
            (false, _) => DoseSlot::Daily,
            (true, true) => DoseSlot::Morning,
            (true, false) => DoseSlot::Evening,
        };
        let supersedes = if *corrects { out.last().map(|r| r.id) } else { None };
        out.push(DiaryRecord {
            id: Uuid::from_u128(i as u128 + 1),
            supersedes,
            date: after(start, *offset),
            slot,
            kind: *kind,
            taken_at: None,
        });
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn every_expected_dose_is_counted_in_exactly_one_day(
        pattern in pattern(),
        twice in any::<bool>(),
        start in 0u32..3000,
        hold in prop::option::of((0u32..90, 0u32..50, prop::option::of(0u32..3))),
        stop in prop::option::of(0u32..200),
        today in 0u32..200,
        raw in prop::collection::vec((0u32..200, any::<bool>(), outcome(), any::<bool>()), 0..40),
    ) {
        let start = after(d("2020-01-01"), start);
        let mut changes = Vec::new();
        if let Some((from, length, restart)) = hold {
            let (from, last) = (after(start, from), after(start, from + length));
            changes.push(RegimenChange::Hold { from, until: Some(last) });
            if let Some(extra) = restart {
                // Restart a cycle the day after the hold (possibly with a higher number); the schedule refuses
                // numbers that go back, and such cases are skipped.
                changes.push(RegimenChange::NewCycleStart { on: after(last, 1), cycle_number: 1 + extra });
            }
        }
        if let Some(stop) = stop {
            changes.push(RegimenChange::Stop { on: after(start, stop.max(hold.map_or(0, |(f, l, _)| f + l + 2))) });
        }
        let line = line_with(pattern, twice, start, changes);
        let Ok(schedule) = line.schedule() else { return Err(TestCaseError::reject("not a valid schedule")) };
        let today = after(start, today);
        let records = records(start, twice, &raw);

        let periods = cycles_in_view(&line, today).unwrap();
        prop_assert!(!periods.is_empty());
        prop_assert_eq!(periods[0].from, start);
        for pair in periods.windows(2) {
            prop_assert_eq!(pair[0].to.succ_opt().unwrap(), pair[1].from, "pages touch: {:?}", periods);
            prop_assert!(pair[0].number < pair[1].number, "numbers go up: {:?}", periods);
        }
        let last = periods.last().unwrap();
        let stop_on = line.changes.iter().find_map(|c| match c.change { RegimenChange::Stop { on } => Some(on), _ => None });
        let in_view = stop_on.map_or(today, |s| s.min(today)).max(start);
        prop_assert!(last.from <= in_view && in_view <= last.to, "{:?} is in the last page {:?}", in_view, last);

        let expected = schedule.expected_doses(start, last.to);
        let mut seen: Vec<CalendarDay> = Vec::new();
        for period in &periods {
            let days = cycle_days(&line, &records, period.number, today).unwrap();
            prop_assert_eq!(days.len() as i64, (period.to - period.from).num_days() + 1);
            prop_assert_eq!(&days, &calendar_days(&line, &records, period.from, period.to, today).unwrap());
            if period.kind == PeriodKind::Cycle {
                prop_assert!(days.iter().all(|day| day.cycle == Some(period.number)), "{:?}", period);
            }
            seen.extend(days);
        }
        // Each date once, in order, and each day holds exactly the doses due on it.
        for (i, day) in seen.iter().enumerate() {
            prop_assert_eq!(day.date, after(start, i as u32));
            let due = expected.iter().filter(|dose| dose.date == day.date).count() as u32;
            prop_assert_eq!(day.doses_expected, due);
            prop_assert!(day.doses_taken + day.doses_missed <= day.doses_expected);
            let no_doses = matches!(day.status, DayStatus::Held | DayStatus::OffDay | DayStatus::Stopped | DayStatus::NotStarted);
            prop_assert_eq!(no_doses, due == 0, "{:?}", day);
        }
        prop_assert_eq!(seen.iter().map(|day| day.doses_expected as usize).sum::<usize>(), expected.len());
        // Cycle numbers never go down from one day to the next.
        for pair in seen.windows(2) {
            prop_assert!(pair[0].cycle <= pair[1].cycle, "{:?}", pair);
        }
        // Doses taken over the past days are what adherence counts.
        let yesterday = today.pred_opt().unwrap();
        if yesterday >= start && yesterday <= last.to {
            let entries = resolve_supersession(&records);
            let a = adherence(&expected, &entries, Window::Days { from: start, to: yesterday });
            let past = seen.iter().filter(|day| day.date <= yesterday);
            prop_assert_eq!(past.clone().map(|day| day.doses_taken).sum::<u32>(), a.taken);
            prop_assert_eq!(past.clone().map(|day| day.doses_expected).sum::<u32>(), a.expected);
        }
    }
}
