//! Properties of schedule generation, adherence and PDC over random regimens.

use carepath_domain::adherence::*;
use carepath_domain::schedule::*;
use chrono::{Days, NaiveDate, NaiveTime};
use chrono_tz::Tz;
use proptest::prelude::*;

fn day(offset: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + Days::new(u64::from(offset))
}

fn after(date: NaiveDate, days: u32) -> NaiveDate {
    date + Days::new(u64::from(days))
}

const ZONES: &[&str] = &[
    "America/New_York",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "America/Santiago",
    "Europe/Madrid",
    "Europe/London",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Asia/Tehran",
    "Asia/Kolkata",
    "Pacific/Chatham",
    "UTC",
];

fn zone() -> impl Strategy<Value = Tz> {
    prop::sample::select(ZONES).prop_map(|name| name.parse::<Tz>().unwrap())
}

fn slot_time() -> impl Strategy<Value = NaiveTime> {
    (0u32..24, 0u32..60).prop_map(|(h, m)| NaiveTime::from_hms_opt(h, m, 0).unwrap())
}

/// A random on/off regimen: once or twice daily, any start date from 2020 to about 2040.
fn on_off() -> impl Strategy<Value = Regimen> {
    (1u16..=42, 0u16..=28, 0u32..7300, any::<bool>(), zone(), slot_time(), slot_time()).prop_map(
        |(days_on, days_off, start, twice, time_zone, morning, evening)| {
            let doses = if twice {
                vec![
                    SlotDose::new(DoseSlot::Morning, DoseAmount::tablets(2)).at(morning),
                    SlotDose::new(DoseSlot::Evening, DoseAmount::tablets(2)).at(evening),
                ]
            } else {
                vec![SlotDose::new(DoseSlot::Daily, DoseAmount::tablets(1)).at(morning)]
            };
            Regimen {
                version: 1,
                drug_name: "Test drug".into(),
                strength: "100 mg tablets".into(),
                doses,
                pattern: CyclePattern::OnOff { days_on, days_off },
                start: day(start),
                first_cycle: 1,
                time_zone,
            }
        },
    )
}

fn days_on(regimen: &Regimen) -> u32 {
    match regimen.pattern {
        CyclePattern::OnOff { days_on, .. } => u32::from(days_on),
        _ => unreachable!(),
    }
}

fn cycle_length(regimen: &Regimen) -> u32 {
    match regimen.pattern {
        CyclePattern::OnOff { days_on, days_off } => u32::from(days_on) + u32::from(days_off),
        _ => unreachable!(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn k_full_cycles_hold_k_times_days_on_doses(regimen in on_off(), k in 1u32..=6) {
        let s = Schedule::new(&regimen, &[]).unwrap();
        let end = after(regimen.start, k * cycle_length(&regimen) - 1);
        let doses = s.expected_doses(regimen.start, end);
        prop_assert_eq!(doses.len() as u32, k * days_on(&regimen) * regimen.doses.len() as u32);
        prop_assert_eq!(doses.last().map(|d| d.cycle), Some(k));
    }

    #[test]
    fn no_dose_on_an_off_day(regimen in on_off(), from in 0u32..100, len in 0u32..120) {
        let s = Schedule::new(&regimen, &[]).unwrap();
        let (from, to) = (after(regimen.start, from), after(regimen.start, from + len));
        let doses = s.expected_doses(from, to);
        for date in from.iter_days().take_while(|d| *d <= to) {
            let on_date = doses.iter().filter(|d| d.date == date).count();
            match s.day_plan(date) {
                DayPlan::OffDay { day, .. } => {
                    prop_assert_eq!(on_date, 0);
                    prop_assert!(day > days_on(&regimen));
                }
                DayPlan::Taking { doses } => prop_assert_eq!(on_date, doses.len()),
                other => prop_assert!(false, "unexpected {:?}", other),
            }
        }
        prop_assert!(doses.iter().all(|d| d.day_of_cycle <= days_on(&regimen)));
    }

    #[test]
    fn splitting_the_range_changes_nothing(regimen in on_off(), a in 0u32..200, b in 0u32..100, c in 0u32..100) {
        let s = Schedule::new(&regimen, &[]).unwrap();
        // Ranges may begin before the regimen does.
        let a = after(regimen.start, a) - Days::new(30);
        let (b, c) = (after(a, b), after(a, b + c + 1));
        let mut joined = s.expected_doses(a, b);
        joined.extend(s.expected_doses(b.succ_opt().unwrap(), c));
        prop_assert_eq!(s.expected_doses(a, c), joined);
    }

    #[test]
    fn holds_only_remove_doses(
        regimen in on_off(),
        from in 0u32..120,
        length in prop::option::of(0u32..60),
        resume in prop::option::of(1u32..60),
    ) {
        let hold_from = after(regimen.start, from);
        let mut changes = vec![RegimenChange::Hold { from: hold_from, until: length.map(|l| after(hold_from, l)) }];
        if let (None, Some(r)) = (length, resume) {
            changes.push(RegimenChange::Resume { on: after(hold_from, r) });
        }
        let end = after(regimen.start, 240);
        let all = Schedule::new(&regimen, &[]).unwrap().expected_doses(regimen.start, end);
        let held = Schedule::new(&regimen, &changes).unwrap().expected_doses(regimen.start, end);
        prop_assert!(held.len() <= all.len());
        prop_assert!(held.iter().all(|d| all.contains(d)));
        let back = match (length, resume) {
            (Some(l), _) => after(hold_from, l + 1),
            (None, Some(r)) => after(hold_from, r),
            (None, None) => NaiveDate::MAX,
        };
        let outside: Vec<ExpectedDose> = all.iter().filter(|d| d.date < hold_from || d.date >= back).cloned().collect();
        prop_assert_eq!(held, outside);
    }

    #[test]
    fn cycle_numbers_never_go_down(
        regimen in on_off(),
        restarts in prop::collection::vec((1u32..200, 0u32..3), 0..4),
        hold in prop::option::of((0u32..200, 1u32..40)),
    ) {
        // Each restart is numbered from the cycle the patient was last in, as validation requires.
        let mut changes = Vec::new();
        if let Some((from, len)) = hold {
            changes.push(RegimenChange::Hold { from: after(regimen.start, from), until: Some(after(regimen.start, from + len)) });
        }
        let mut restarts = restarts;
        restarts.sort();
        restarts.dedup_by_key(|(offset, _)| *offset);
        for (offset, bump) in restarts {
            let on = after(regimen.start, offset);
            let last = match Schedule::new(&regimen, &changes).unwrap().day_plan(on.pred_opt().unwrap()) {
                DayPlan::Taking { doses } => doses[0].cycle,
                DayPlan::OffDay { cycle, .. } => cycle,
                _ => continue, // held the day before: skip this restart
            };
            changes.push(RegimenChange::NewCycleStart { on, cycle_number: last + bump });
        }
        let s = Schedule::new(&regimen, &changes).unwrap();
        let doses = s.expected_doses(regimen.start, after(regimen.start, 400));
        prop_assert!(doses.windows(2).all(|w| w[0].cycle <= w[1].cycle));
    }

    #[test]
    fn dose_instants_fall_on_their_local_date(regimen in on_off(), tz in zone(), offset in 0u32..400) {
        let changes = [RegimenChange::TimeZoneChanged { on: after(regimen.start, 30), tz }];
        let s = Schedule::new(&regimen, &changes).unwrap();
        let from = after(regimen.start, offset);
        for dose in s.expected_doses(from, after(from, 60)) {
            let local = dose.due_at().with_timezone(&dose.time_zone);
            prop_assert_eq!(local.date_naive(), dose.date);
            prop_assert!(local.time() >= dose.local_time);
            prop_assert_eq!(dose.time_zone, if dose.date >= after(regimen.start, 30) { tz } else { regimen.time_zone });
        }
    }

    #[test]
    fn adherence_stays_within_0_and_100_percent(
        regimen in on_off(),
        kinds in prop::collection::vec((0usize..6, any::<bool>()), 0..200),
        window_from in 0u32..60,
        window_len in 0u32..60,
    ) {
        let expected = Schedule::new(&regimen, &[]).unwrap().expected_doses(regimen.start, after(regimen.start, 120));
        let outcomes = [
            DoseOutcome::Taken,
            DoseOutcome::TakenLate,
            DoseOutcome::Missed,
            DoseOutcome::Skipped { reason: SkipReason::SideEffects },
            DoseOutcome::Vomited,
            DoseOutcome::Taken,
        ];
        // Entries only for expected doses, several per dose at times, some superseded.
        let entries: Vec<DiaryEntry> = kinds
            .iter()
            .enumerate()
            .filter_map(|(i, (kind, superseded))| {
                let dose = expected.get(i % expected.len().max(1))?;
                Some(DiaryEntry { date: dose.date, slot: dose.slot, kind: outcomes[*kind], superseded: *superseded, taken_at: None })
            })
            .collect();
        let from = after(regimen.start, window_from);
        let windows = [
            Window::Days { from, to: after(from, window_len) },
            Window::last_7_days(from),
            Window::last_30_days(from),
            Window::Cycle { cycle: 1 },
            Window::Cycle { cycle: 2 },
        ];
        for window in windows {
            let a = adherence(&expected, &entries, window);
            prop_assert!(a.taken <= a.expected);
            prop_assert!(a.per_mille.unwrap_or(0) <= 1000);
            prop_assert_eq!((a.extra_doses, a.over_adherence), (0, false));
        }
    }

    #[test]
    fn pdc_is_between_0_and_1(
        fills in prop::collection::vec((0u32..400, 0u32..120), 0..12),
        start in 0u32..300,
        len in 0u32..400,
    ) {
        let dispenses: Vec<Dispense> =
            fills.iter().map(|(date, days)| Dispense { date: day(*date), days_supply: *days, tablets: days * 2 }).collect();
        let p = pdc(&dispenses, day(start), day(start + len)).unwrap();
        prop_assert_eq!(p.period_days, len + 1);
        prop_assert!(p.covered_days <= p.period_days);
        prop_assert!(p.per_mille() <= 1000);
        // Shifting never covers more days than were supplied.
        prop_assert!(p.covered_days <= fills.iter().map(|(_, d)| d).sum::<u32>());
    }
}
