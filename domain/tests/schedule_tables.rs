//! Known regimens, changes, time zones and adherence figures, worked out by hand.

use carepath_domain::adherence::*;
use carepath_domain::schedule::*;
use carepath_domain::ValidationError;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use uuid::Uuid;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

fn regimen(pattern: CyclePattern, doses: Vec<SlotDose>, start: &str) -> Regimen {
    Regimen {
        version: 1,
        drug_name: "Capecitabine".into(),
        strength: "500 mg tablets".into(),
        doses,
        pattern,
        start: d(start),
        first_cycle: 1,
        time_zone: chrono_tz::America::New_York,
    }
}

fn twice_daily(tablets: u16) -> Vec<SlotDose> {
    vec![
        SlotDose::new(DoseSlot::Morning, DoseAmount::mg_tablets(500 * u32::from(tablets), tablets)),
        SlotDose::new(DoseSlot::Evening, DoseAmount::mg_tablets(500 * u32::from(tablets), tablets)),
    ]
}

fn once_daily() -> Vec<SlotDose> {
    vec![SlotDose::new(DoseSlot::Daily, DoseAmount::mg_tablets(125, 1))]
}

/// Capecitabine 14 days on / 7 off, twice daily, from Monday 2026-01-05.
fn capecitabine() -> Regimen {
    regimen(CyclePattern::OnOff { days_on: 14, days_off: 7 }, twice_daily(3), "2026-01-05")
}

fn dates(doses: &[ExpectedDose]) -> Vec<NaiveDate> {
    let mut dates: Vec<NaiveDate> = doses.iter().map(|d| d.date).collect();
    dates.dedup();
    dates
}

#[test]
fn capecitabine_14_on_7_off_twice_daily() {
    let s = Schedule::new(&capecitabine(), &[]).unwrap();
    let cycle1 = s.expected_doses(d("2026-01-05"), d("2026-01-25"));
    assert_eq!(cycle1.len(), 28);
    assert_eq!(dates(&cycle1).last(), Some(&d("2026-01-18")));
    assert!(cycle1.iter().all(|x| x.cycle == 1));
    assert_eq!((cycle1[0].slot, cycle1[1].slot), (DoseSlot::Morning, DoseSlot::Evening));
    assert_eq!(cycle1[27].day_of_cycle, 14);
    assert_eq!(cycle1[0].amount.to_string(), "1500 mg (3 tablets)");

    assert_eq!(s.day_plan(d("2026-01-19")), DayPlan::OffDay { cycle: 1, day: 15 });
    assert_eq!(s.day_plan(d("2026-01-25")), DayPlan::OffDay { cycle: 1, day: 21 });
    assert_eq!(s.day_plan(d("2026-01-04")), DayPlan::NotStarted);
    let DayPlan::Taking { doses } = s.day_plan(d("2026-01-26")) else { panic!("day 22 is a dose day") };
    assert_eq!((doses[0].cycle, doses[0].day_of_cycle, doses.len()), (2, 1, 2));
}

#[test]
fn palbociclib_21_on_7_off_once_daily() {
    let r = regimen(CyclePattern::OnOff { days_on: 21, days_off: 7 }, once_daily(), "2026-02-02");
    let s = Schedule::new(&r, &[]).unwrap();
    let doses = s.expected_doses(d("2026-02-02"), d("2026-03-29"));
    assert_eq!(doses.len(), 42);
    assert_eq!(s.day_plan(d("2026-02-23")), DayPlan::OffDay { cycle: 1, day: 22 });
    let DayPlan::Taking { doses } = s.day_plan(d("2026-03-02")) else { panic!() };
    assert_eq!((doses[0].cycle, doses[0].day_of_cycle, doses[0].slot), (2, 1, DoseSlot::Daily));
    assert_eq!(doses[0].local_time, t(9, 0));
}

#[test]
fn continuous_days_of_week_and_weekly() {
    let continuous = regimen(CyclePattern::Continuous, once_daily(), "2026-01-01");
    assert_eq!(expected_doses(&continuous, &[], d("2026-01-01"), d("2026-01-31")).unwrap().len(), 31);

    let weekdays = vec![Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri];
    let mon_fri = regimen(CyclePattern::DaysOfWeek { days: weekdays }, once_daily(), "2026-01-05");
    let doses = expected_doses(&mon_fri, &[], d("2026-01-05"), d("2026-01-18")).unwrap();
    assert_eq!(doses.len(), 10);
    assert!(doses.iter().all(|x| !matches!(x.date.format("%a").to_string().as_str(), "Sat" | "Sun")));
    assert!(matches!(day_plan(&mon_fri, &[], d("2026-01-10")).unwrap(), DayPlan::OffDay { .. }));

    let weekly = regimen(CyclePattern::Weekly { weekday: Weekday::Wed }, once_daily(), "2026-01-05");
    let doses = expected_doses(&weekly, &[], d("2026-01-01"), d("2026-01-31")).unwrap();
    assert_eq!(dates(&doses), vec![d("2026-01-07"), d("2026-01-14"), d("2026-01-21"), d("2026-01-28")]);
}

#[test]
fn hold_resume_and_stop() {
    let start = d("2026-01-05");
    // Held from day 5 through day 8.
    let held = [RegimenChange::Hold { from: d("2026-01-09"), until: Some(d("2026-01-12")) }];
    let s = Schedule::new(&capecitabine(), &held).unwrap();
    assert_eq!(s.expected_doses(start, d("2026-01-25")).len(), 28 - 8);
    assert_eq!(s.day_plan(d("2026-01-10")), DayPlan::Held { since: d("2026-01-09") });
    // The hold does not move the cycle: day 9 is still day 9.
    let DayPlan::Taking { doses } = s.day_plan(d("2026-01-13")) else { panic!() };
    assert_eq!(doses[0].day_of_cycle, 9);

    // An open hold, resumed on day 8.
    let changes =
        [RegimenChange::Hold { from: d("2026-01-09"), until: None }, RegimenChange::Resume { on: d("2026-01-12") }];
    assert_eq!(expected_doses(&capecitabine(), &changes, start, d("2026-01-25")).unwrap().len(), 28 - 6);
    let open = [RegimenChange::Hold { from: d("2026-01-09"), until: None }];
    assert_eq!(expected_doses(&capecitabine(), &open, start, d("2026-03-31")).unwrap().len(), 8);

    let stop = [RegimenChange::Stop { on: d("2026-01-15") }];
    let s = Schedule::new(&capecitabine(), &stop).unwrap();
    assert_eq!(s.expected_doses(start, d("2026-03-31")).len(), 20);
    assert_eq!(s.day_plan(d("2026-02-01")), DayPlan::Stopped { on: d("2026-01-15") });
}

#[test]
fn dose_reduction_shows_the_new_amount_from_its_date() {
    let changes = [RegimenChange::DoseChanged { on: d("2026-01-26"), doses: twice_daily(2) }];
    let doses = expected_doses(&capecitabine(), &changes, d("2026-01-18"), d("2026-01-26")).unwrap();
    assert_eq!(doses.first().unwrap().amount, DoseAmount::mg_tablets(1500, 3));
    assert_eq!(doses.last().unwrap().amount, DoseAmount::mg_tablets(1000, 2));
    assert_eq!(doses.last().unwrap().date, d("2026-01-26"));
}

#[test]
fn the_next_change_is_the_first_day_unlike_today() {
    // Day 10 of 14: the next change is the first rest day; a rest day's next change is the new cycle.
    let plain = Schedule::new(&capecitabine(), &[]).unwrap();
    assert_eq!(plain.next_change(d("2026-01-14"), 60).map(|(date, _)| date), Some(d("2026-01-19")));
    let (date, plan) = plain.next_change(d("2026-01-20"), 60).unwrap();
    assert_eq!(date, d("2026-01-26"));
    assert!(matches!(plan, DayPlan::Taking { .. }));
    // Held from today with no end, and a lower dose from a later date: nothing changes until the team restarts
    // it, and the dose a restart would take is the new one.
    let changes = [
        RegimenChange::Hold { from: d("2026-01-07"), until: None },
        RegimenChange::DoseChanged { on: d("2026-01-12"), doses: twice_daily(2) },
    ];
    let held = Schedule::new(&capecitabine(), &changes).unwrap();
    assert_eq!(held.next_change(d("2026-01-07"), 60), None);
    assert_eq!(held.doses_on(d("2026-01-12"))[0].amount, DoseAmount::mg_tablets(1000, 2));
    // A dose reduction from a date: that date.
    let reduced = Schedule::new(&capecitabine(), &[RegimenChange::DoseChanged { on: d("2026-01-12"), doses: twice_daily(2) }]).unwrap();
    assert_eq!(reduced.next_change(d("2026-01-07"), 60).map(|(date, _)| date), Some(d("2026-01-12")));
}

#[test]
fn new_cycle_start_restarts_counting() {
    // Cycle 2 is delayed: held from its day 1 and restarted a week later as cycle 2.
    let changes = [
        RegimenChange::Hold { from: d("2026-01-26"), until: None },
        RegimenChange::Resume { on: d("2026-02-02") },
        RegimenChange::NewCycleStart { on: d("2026-02-02"), cycle_number: 2 },
    ];
    let s = Schedule::new(&capecitabine(), &changes).unwrap();
    assert_eq!(s.day_plan(d("2026-01-30")), DayPlan::Held { since: d("2026-01-26") });
    let cycle2 = s.expected_doses(d("2026-02-02"), d("2026-02-22"));
    assert_eq!(cycle2.len(), 28);
    assert_eq!((cycle2[0].cycle, cycle2[0].day_of_cycle), (2, 1));
    assert_eq!(s.day_plan(d("2026-02-16")), DayPlan::OffDay { cycle: 2, day: 15 });
    let DayPlan::Taking { doses } = s.day_plan(d("2026-02-23")) else { panic!() };
    assert_eq!((doses[0].cycle, doses[0].day_of_cycle), (3, 1));
}

#[test]
fn changes_are_checked() {
    let r = capecitabine();
    let err = |changes: &[RegimenChange]| Schedule::new(&r, changes).unwrap_err();
    assert_eq!(
        err(&[RegimenChange::Stop { on: d("2026-01-01") }]),
        ScheduleError::BeforeStart { seq: 0, on: d("2026-01-01") }
    );
    assert_eq!(
        err(&[RegimenChange::Resume { on: d("2026-01-10") }]),
        ScheduleError::NotHeld { seq: 0, on: d("2026-01-10") }
    );
    let after_bounded_hold = [
        RegimenChange::Hold { from: d("2026-01-09"), until: Some(d("2026-01-10")) },
        RegimenChange::Resume { on: d("2026-01-11") },
    ];
    assert!(matches!(err(&after_bounded_hold), ScheduleError::NotHeld { seq: 1, .. }));
    // Recorded first, but the stop's date comes first.
    let after_stop = [
        RegimenChange::DoseChanged { on: d("2026-02-01"), doses: twice_daily(2) },
        RegimenChange::Stop { on: d("2026-01-20") },
    ];
    assert_eq!(err(&after_stop), ScheduleError::AfterStop { seq: 0, on: d("2026-02-01") });
    let twice = [
        RegimenChange::Hold { from: d("2026-01-09"), until: None },
        RegimenChange::Hold { from: d("2026-01-12"), until: None },
    ];
    assert!(matches!(err(&twice), ScheduleError::AlreadyHeld { seq: 1, .. }));
    let backwards = [RegimenChange::Hold { from: d("2026-01-09"), until: Some(d("2026-01-08")) }];
    assert_eq!(err(&backwards), ScheduleError::HoldEndsBeforeStart { seq: 0 });
    let no_doses = [RegimenChange::DoseChanged { on: d("2026-01-09"), doses: vec![] }];
    assert!(matches!(err(&no_doses), ScheduleError::InvalidDoses { seq: 0, .. }));
    // 2026-02-09 is cycle 2 day 15: a new cycle there may be 2 (repeated) or more, not 1.
    let lower = [RegimenChange::NewCycleStart { on: d("2026-02-09"), cycle_number: 1 }];
    assert_eq!(err(&lower), ScheduleError::CycleNumberGoesBack { seq: 0, cycle_number: 1, previous: 2 });
    let repeat = [RegimenChange::NewCycleStart { on: d("2026-02-09"), cycle_number: 2 }];
    assert!(Schedule::new(&r, &repeat).is_ok());
    assert_eq!(
        ValidationError::from(err(&lower)),
        ValidationError::Inconsistent("a new cycle has a lower number than the cycle before it")
    );

    // Same date: the order recorded decides. A hold resumed the day it begins holds nothing.
    let same_day =
        [RegimenChange::Hold { from: d("2026-01-09"), until: None }, RegimenChange::Resume { on: d("2026-01-09") }];
    assert_eq!(Schedule::new(&r, &same_day).unwrap().expected_doses(r.start, d("2026-01-25")).len(), 28);

    let bad = Regimen { pattern: CyclePattern::OnOff { days_on: 0, days_off: 7 }, ..capecitabine() };
    assert!(matches!(Schedule::new(&bad, &[]), Err(ScheduleError::Regimen(_))));
    let blank = Regimen { drug_name: "  ".into(), ..capecitabine() };
    assert_eq!(blank.validated(), Err(ValidationError::Required("drug_name")));
}

#[test]
fn dose_times_across_daylight_saving_in_new_york() {
    let r = regimen(CyclePattern::Continuous, twice_daily(3), "2026-03-01");
    let s = Schedule::new(&r, &[]).unwrap();
    let morning = |date: &str| s.expected_doses(d(date), d(date))[0].due_at();
    assert_eq!(morning("2026-03-07"), utc("2026-03-07T13:00:00Z")); // 08:00 EST
    assert_eq!(morning("2026-03-08"), utc("2026-03-08T12:00:00Z")); // 08:00 EDT
    assert_eq!(morning("2026-10-31"), utc("2026-10-31T12:00:00Z"));
    assert_eq!(morning("2026-11-01"), utc("2026-11-01T13:00:00Z"));

    let ny = chrono_tz::America::New_York;
    // 02:30 does not exist on 2026-03-08: the dose moves to 03:00 EDT.
    assert_eq!(dose_instant(ny, d("2026-03-08"), t(2, 30)), utc("2026-03-08T07:00:00Z"));
    // 01:30 happens twice on 2026-11-01: the earlier (EDT) one.
    assert_eq!(dose_instant(ny, d("2026-11-01"), t(1, 30)), utc("2026-11-01T05:30:00Z"));

    let night = Regimen { doses: vec![SlotDose::new(DoseSlot::Daily, DoseAmount::tablets(1)).at(t(2, 30))], ..r };
    let dose = &expected_doses(&night, &[], d("2026-03-08"), d("2026-03-08")).unwrap()[0];
    assert_eq!(dose.due_at(), utc("2026-03-08T07:00:00Z"));
    assert_eq!(dose.due_at().with_timezone(&ny).date_naive(), d("2026-03-08"));
}

#[test]
fn travel_changes_the_time_zone_from_its_date() {
    let madrid: Tz = "Europe/Madrid".parse().unwrap();
    let changes = [RegimenChange::TimeZoneChanged { on: d("2026-01-10"), tz: madrid }];
    let doses = expected_doses(&capecitabine(), &changes, d("2026-01-09"), d("2026-01-10")).unwrap();
    let instants: Vec<DateTime<Utc>> = doses.iter().map(ExpectedDose::due_at).collect();
    assert_eq!(
        instants,
        [
            utc("2026-01-09T13:00:00Z"), // 08:00 EST
            utc("2026-01-10T01:00:00Z"), // 20:00 EST
            utc("2026-01-10T07:00:00Z"), // 08:00 CET
            utc("2026-01-10T19:00:00Z"), // 20:00 CET
        ]
    );
}

#[test]
fn regimen_serializes_time_zone_by_name() {
    let json = serde_json::to_value(capecitabine()).unwrap();
    assert_eq!(json["time_zone"], "America/New_York");
    assert_eq!(json["pattern"], serde_json::json!({ "type": "on_off", "days_on": 14, "days_off": 7 }));
    let back: Regimen = serde_json::from_value(json).unwrap();
    assert_eq!(back, capecitabine());
}

// ---- adherence ----

fn entry(date: &str, slot: DoseSlot, kind: DoseOutcome) -> DiaryEntry {
    DiaryEntry { date: d(date), slot, kind, superseded: false, taken_at: None }
}

/// Five days of twice-daily capecitabine: 10 doses, 2026-01-05 to 2026-01-09.
fn five_days() -> Vec<ExpectedDose> {
    expected_doses(&capecitabine(), &[], d("2026-01-05"), d("2026-01-09")).unwrap()
}

fn taken_all_but(expected: &[ExpectedDose], skip: usize) -> Vec<DiaryEntry> {
    expected
        .iter()
        .skip(skip)
        .map(|x| DiaryEntry { date: x.date, slot: x.slot, kind: DoseOutcome::Taken, superseded: false, taken_at: None })
        .collect()
}

#[test]
fn ten_expected_eight_taken_is_80_percent() {
    let expected = five_days();
    let mut entries = taken_all_but(&expected, 2);
    entries.push(entry("2026-01-05", DoseSlot::Morning, DoseOutcome::Missed));
    entries.push(entry("2026-01-05", DoseSlot::Evening, DoseOutcome::Skipped { reason: SkipReason::SideEffects }));
    let a = adherence(&expected, &entries, Window::Days { from: d("2026-01-05"), to: d("2026-01-09") });
    assert_eq!((a.taken, a.expected, a.per_mille, a.percent()), (8, 10, Some(800), Some(80)));
    assert!(!a.over_adherence);

    // The last 7 whole days before 2026-01-10 are 01-03..01-09: the same ten doses.
    assert_eq!(adherence(&expected, &entries, Window::last_7_days(d("2026-01-10"))), a);
    assert_eq!(adherence(&expected, &entries, Window::Cycle { cycle: 1 }), a);
    assert_eq!(adherence(&expected, &entries, Window::Cycle { cycle: 2 }).per_mille, None);
    let late = [
        entry("2026-01-05", DoseSlot::Morning, DoseOutcome::TakenLate),
        entry("2026-01-05", DoseSlot::Evening, DoseOutcome::Vomited),
    ];
    let all: Vec<DiaryEntry> = entries.iter().chain(&late).copied().collect();
    assert_eq!(adherence(&expected, &all, Window::last_30_days(d("2026-01-10"))).percent(), Some(100));
}

#[test]
fn holds_are_not_expected() {
    let held = [RegimenChange::Hold { from: d("2026-01-08"), until: Some(d("2026-01-09")) }];
    let expected = expected_doses(&capecitabine(), &held, d("2026-01-05"), d("2026-01-09")).unwrap();
    let entries = taken_all_but(&expected, 0);
    let a = adherence(&expected, &entries, Window::Days { from: d("2026-01-05"), to: d("2026-01-09") });
    assert_eq!((a.taken, a.expected, a.percent()), (6, 6, Some(100)));
}

#[test]
fn superseded_entries_are_ignored() {
    let expected = five_days();
    let taken = Uuid::from_u128(1);
    let records = vec![
        DiaryRecord {
            id: taken,
            supersedes: None,
            date: d("2026-01-05"),
            slot: DoseSlot::Morning,
            kind: DoseOutcome::Taken,
            taken_at: None,
        },
        // Corrected: it was missed. Then corrected again: taken late.
        DiaryRecord {
            id: Uuid::from_u128(2),
            supersedes: Some(taken),
            date: d("2026-01-05"),
            slot: DoseSlot::Morning,
            kind: DoseOutcome::Missed,
            taken_at: None,
        },
        DiaryRecord {
            id: Uuid::from_u128(3),
            supersedes: None,
            date: d("2026-01-05"),
            slot: DoseSlot::Evening,
            kind: DoseOutcome::Taken,
            taken_at: None,
        },
    ];
    let entries = resolve_supersession(&records);
    assert_eq!(entries.iter().map(|e| e.superseded).collect::<Vec<_>>(), [true, false, false]);
    let window = Window::Days { from: d("2026-01-05"), to: d("2026-01-09") };
    assert_eq!(adherence(&expected, &entries, window).taken, 1);

    let mut records = records;
    records.push(DiaryRecord {
        id: Uuid::from_u128(4),
        supersedes: Some(Uuid::from_u128(2)),
        date: d("2026-01-05"),
        slot: DoseSlot::Morning,
        kind: DoseOutcome::TakenLate,
        taken_at: None,
    });
    assert_eq!(adherence(&expected, &resolve_supersession(&records), window).taken, 2);
}

#[test]
fn a_dose_hours_before_it_is_due_is_early_and_hours_after_is_late() {
    let due: DateTime<Utc> = "2026-01-05T20:00:00Z".parse().unwrap();
    let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    // The evening dose tapped at 4:20 in the morning.
    assert_eq!(DoseTiming::of(due, at("2026-01-05T04:20:00Z")), DoseTiming::WellBeforeDue);
    assert_eq!(DoseTiming::of(due, at("2026-01-05T16:59:00Z")), DoseTiming::WellBeforeDue);
    assert_eq!(DoseTiming::of(due, at("2026-01-05T17:00:00Z")), DoseTiming::OnTime);
    assert_eq!(DoseTiming::of(due, at("2026-01-05T22:00:00Z")), DoseTiming::OnTime);
    assert_eq!(DoseTiming::of(due, at("2026-01-05T22:01:00Z")), DoseTiming::Late);
}

#[test]
fn a_record_undone_as_entered_in_error_leaves_the_dose_unlogged() {
    let expected = expected_doses(&capecitabine(), &[], d("2026-01-05"), d("2026-01-31")).unwrap();
    let record = |id: u128, supersedes: Option<u128>, date: &str, kind| DiaryRecord {
        id: Uuid::from_u128(id),
        supersedes: supersedes.map(Uuid::from_u128),
        date: d(date),
        slot: DoseSlot::Morning,
        kind,
        taken_at: None,
    };
    let records = vec![
        // Tapped on a rest day by mistake, then undone: not an extra dose.
        record(1, None, "2026-01-20", DoseOutcome::Taken),
        record(2, Some(1), "2026-01-20", DoseOutcome::EnteredInError),
        // A planned dose logged and undone: not taken, and still waiting for a record.
        record(3, None, "2026-01-05", DoseOutcome::Taken),
        record(4, Some(3), "2026-01-05", DoseOutcome::EnteredInError),
    ];
    let entries = resolve_supersession(&records);
    let a = adherence(&expected, &entries, Window::Days { from: d("2026-01-05"), to: d("2026-01-20") });
    assert_eq!((a.taken, a.extra_doses, a.over_adherence), (0, 0, false));
    let monday = expected.iter().filter(|x| x.date == d("2026-01-05")).cloned().collect::<Vec<_>>();
    assert!(dose_outcomes(&monday, &entries).iter().all(|(_, outcome)| outcome.is_none()), "the undone dose has no outcome");
    // Logged again after the undo: the new record counts.
    let mut again = records.clone();
    again.push(record(5, None, "2026-01-05", DoseOutcome::Taken));
    assert_eq!(adherence(&expected, &resolve_supersession(&again), Window::Days { from: d("2026-01-05"), to: d("2026-01-05") }).taken, 1);
}

#[test]
fn extra_doses_are_counted_apart_and_flagged() {
    let expected = expected_doses(&capecitabine(), &[], d("2026-01-05"), d("2026-01-31")).unwrap();
    let mut entries = taken_all_but(&expected[..28], 0);
    entries.push(entry("2026-01-20", DoseSlot::Morning, DoseOutcome::Taken)); // a rest day
    entries.push(entry("2026-01-20", DoseSlot::Morning, DoseOutcome::Taken)); // logged twice: still one dose
    entries.push(entry("2026-01-06", DoseSlot::Morning, DoseOutcome::ExtraDose));
    let a = adherence(&expected, &entries, Window::Cycle { cycle: 1 });
    assert_eq!((a.taken, a.expected, a.percent(), a.extra_doses, a.over_adherence), (28, 28, Some(100), 2, true));
    let cycle2 = adherence(&expected, &entries, Window::Cycle { cycle: 2 });
    assert_eq!((cycle2.extra_doses, cycle2.over_adherence), (0, false));
}

#[test]
fn pdc_shifts_overlapping_fills_forward() {
    let fill = |date: &str, days_supply| Dispense { date: d(date), days_supply, tablets: days_supply * 6 };
    // Refilled 5 days early: the 30 days of the second fill start on 01-31, not 01-26.
    let fills = [fill("2026-01-01", 30), fill("2026-01-26", 30)];
    let p = pdc(&fills, d("2026-01-01"), d("2026-03-31")).unwrap();
    assert_eq!((p.covered_days, p.period_days), (60, 90));
    assert!(!p.is_adherent());
    // Supply carried in from before the period counts.
    let carried = [fill("2025-12-20", 30), fill("2026-01-10", 30)];
    assert_eq!(pdc(&carried, d("2026-01-01"), d("2026-01-31")).unwrap().covered_days, 31);
    // Exactly 80 % is adherent.
    let p = pdc(&[fill("2026-01-01", 24)], d("2026-01-01"), d("2026-01-30")).unwrap();
    assert_eq!((p.covered_days, p.period_days, p.per_mille()), (24, 30, 800));
    assert!(p.is_adherent());
    assert!(!pdc(&[fill("2026-01-01", 23)], d("2026-01-01"), d("2026-01-30")).unwrap().is_adherent());
    assert!(pdc(&[], d("2026-01-02"), d("2026-01-01")).is_err());
}

#[test]
fn run_out_from_dispenses_and_taken_doses() {
    let r = capecitabine();
    let expected = expected_doses(&r, &[], d("2026-01-05"), d("2026-03-31")).unwrap();
    // 84 tablets: 6 a day for 14 days, exactly one cycle.
    let dispenses = [Dispense { date: d("2026-01-02"), days_supply: 21, tablets: 84 }];
    let taken = |n| taken_all_but(&expected[..n], 0);
    assert_eq!(estimate_run_out(&dispenses, &expected, &taken(10), d("2026-01-10")), Ok(Some(d("2026-01-26"))));
    // Two missed doses leave six tablets: both doses of cycle 2 day 1 are covered.
    let mut missed = taken(10);
    missed.drain(..2);
    assert_eq!(estimate_run_out(&dispenses, &expected, &missed, d("2026-01-10")), Ok(Some(d("2026-01-27"))));
    // An extra dose on day 1 uses three tablets: day 14's evening dose is short.
    let mut extra = taken(10);
    extra.push(entry("2026-01-05", DoseSlot::Morning, DoseOutcome::ExtraDose));
    assert_eq!(estimate_run_out(&dispenses, &expected, &extra, d("2026-01-10")), Ok(Some(d("2026-01-18"))));
    let refill = [dispenses[0], Dispense { date: d("2026-01-09"), days_supply: 21, tablets: 84 }];
    assert_eq!(estimate_run_out(&refill, &expected, &taken(10), d("2026-01-10")), Ok(Some(d("2026-02-16"))));
    assert_eq!(estimate_run_out(&dispenses, &expected[..4], &[], d("2026-01-05")), Ok(None));

    assert!(refill_due(d("2026-01-26"), 7, d("2026-01-19")));
    assert!(!refill_due(d("2026-01-26"), 7, d("2026-01-18")));

    let mg_only =
        Regimen { doses: vec![SlotDose::new(DoseSlot::Daily, DoseAmount { mg: Some(100), half_tablets: None })], ..r };
    let expected = expected_doses(&mg_only, &[], d("2026-01-05"), d("2026-01-10")).unwrap();
    assert_eq!(
        estimate_run_out(&dispenses, &expected, &[], d("2026-01-05")),
        Err(ValidationError::Required("tablets per dose"))
    );
}
