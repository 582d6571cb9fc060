//! Properties of reminder planning over random regimens, holds, quiet hours, snoozes and windows.

use std::collections::BTreeSet;

use carepath_domain::reminders::*;
use carepath_domain::schedule::*;
use chrono::{DateTime, Days, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use proptest::prelude::*;

const ZONES: &[&str] =
    &["America/New_York", "America/Santiago", "Europe/Madrid", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Chatham", "UTC"];

fn day(offset: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Days::new(u64::from(offset))
}

fn time() -> impl Strategy<Value = NaiveTime> {
    (0u32..24, 0u32..60).prop_map(|(h, m)| NaiveTime::from_hms_opt(h, m, 0).unwrap())
}

/// A regimen over 2026 (clock changes included) with an optional hold of a few days.
fn case() -> impl Strategy<Value = (Schedule, Option<(NaiveDate, NaiveDate)>)> {
    (
        1u16..=21,
        0u16..=7,
        0u32..300,
        any::<bool>(),
        prop::sample::select(ZONES),
        time(),
        time(),
        prop::option::of((0u32..40, 0u32..6)),
    )
        .prop_map(|(days_on, days_off, start, twice, zone, morning, evening, hold)| {
            let doses = if twice {
                vec![
                    SlotDose::new(DoseSlot::Morning, DoseAmount::tablets(2)).at(morning),
                    SlotDose::new(DoseSlot::Evening, DoseAmount::tablets(2)).at(evening),
                ]
            } else {
                vec![SlotDose::new(DoseSlot::Daily, DoseAmount::tablets(1)).at(morning)]
            };
            let regimen = Regimen {
                version: 1,
                drug_name: "Test drug".into(),
                strength: "100 mg tablets".into(),
                doses,
                pattern: CyclePattern::OnOff { days_on, days_off },
                start: day(start),
                first_cycle: 1,
                time_zone: zone.parse::<Tz>().unwrap(),
            };
            let hold = hold.map(|(from, days)| (day(start + from), day(start + from + days)));
            let changes: Vec<RegimenChange> =
                hold.iter().map(|(from, until)| RegimenChange::Hold { from: *from, until: Some(*until) }).collect();
            (Schedule::new(&regimen, &changes).unwrap(), hold)
        })
}

fn settings() -> impl Strategy<Value = ReminderSettings> {
    (any::<bool>(), prop::option::of(5i64..=720), prop::option::of((time(), time()))).prop_map(
        |(dose_due, overdue, quiet)| ReminderSettings {
            dose_due: dose_due || overdue.is_none(),
            overdue_after: overdue.map(Duration::minutes),
            quiet_hours: quiet.filter(|(s, e)| s != e).map(|(start, end)| QuietHours { start, end }),
        },
    )
}

fn instant(minutes: u32) -> DateTime<Utc> {
    day(0).and_hms_opt(0, 0, 0).unwrap().and_utc() + Duration::minutes(i64::from(minutes))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Never a reminder for a held day, a rest day or a logged dose; never in quiet hours; at most one per dose
    /// and kind; all inside the window; never before the dose is due.
    #[test]
    fn reminders_respect_the_schedule(
        (schedule, hold) in case(),
        settings in settings(),
        start in 0u32..(360 * 24 * 60),
        length in 1u32..(10 * 24 * 60),
        logged_every in 2usize..5,
    ) {
        let (after, up_to) = (instant(start), instant(start + length));
        let all = due_reminders(&schedule, &BTreeSet::new(), &settings, &Snoozes::new(), after, up_to);
        // Log every n-th dose that had a reminder: those must disappear, the others stay.
        let logged: BTreeSet<_> = all.iter().map(|r| (r.date, r.slot)).collect::<BTreeSet<_>>()
            .into_iter().step_by(logged_every).collect();
        let found = due_reminders(&schedule, &logged, &settings, &Snoozes::new(), after, up_to);
        let kept: Vec<_> = all.iter().filter(|r| !logged.contains(&(r.date, r.slot))).copied().collect();
        prop_assert_eq!(&found, &kept);

        let mut seen = BTreeSet::new();
        for r in &all {
            prop_assert!(after < r.at && r.at <= up_to);
            prop_assert!(seen.insert((r.date, r.slot, r.kind)), "twice: {:?}", r);
            if let Some((from, until)) = hold {
                prop_assert!(r.date < from || r.date > until, "held day {:?}", r);
            }
            let DayPlan::Taking { doses } = schedule.day_plan(r.date) else {
                return Err(TestCaseError::fail(format!("no dose that day: {r:?}")));
            };
            let dose = doses.iter().find(|d| d.slot == r.slot).expect("the dose is planned");
            prop_assert!(r.at >= dose.due_at());
            if let Some(quiet) = settings.quiet_hours {
                prop_assert!(!quiet.contains(r.at.with_timezone(&dose.time_zone).time()), "in quiet hours: {:?}", r);
            }
            match r.kind {
                ReminderKind::DoseDue => prop_assert!(settings.dose_due),
                ReminderKind::Overdue => prop_assert!(r.at >= dose.due_at() + settings.overdue_after.unwrap()),
            }
        }
    }

    /// Planning back-to-back windows (as the server's ticks do) gives exactly what one window over the whole
    /// stretch gives: nothing twice, nothing lost.
    #[test]
    fn consecutive_windows_split_the_reminders(
        (schedule, _) in case(),
        settings in settings(),
        start in 0u32..(360 * 24 * 60),
        steps in prop::collection::vec(1u32..(36 * 60), 1..12),
    ) {
        let mut edges = vec![instant(start)];
        for step in &steps {
            edges.push(*edges.last().unwrap() + Duration::minutes(i64::from(*step)));
        }
        let whole = due_reminders(&schedule, &BTreeSet::new(), &settings, &Snoozes::new(), edges[0], *edges.last().unwrap());
        let pieces: Vec<_> = edges
            .windows(2)
            .flat_map(|w| due_reminders(&schedule, &BTreeSet::new(), &settings, &Snoozes::new(), w[0], w[1]))
            .collect();
        prop_assert_eq!(whole, pieces);
    }

    /// A snoozed dose is not reminded of before the snooze ends, and other doses are not moved.
    #[test]
    fn snoozes_only_delay(
        (schedule, _) in case(),
        settings in settings(),
        start in 0u32..(360 * 24 * 60),
        snooze_minutes in 5i64..=120,
    ) {
        let (after, up_to) = (instant(start), instant(start + 4 * 24 * 60));
        let all = due_reminders(&schedule, &BTreeSet::new(), &settings, &Snoozes::new(), after, up_to);
        let Some(first) = all.first().copied() else { return Ok(()) };
        let until = first.at + Duration::minutes(snooze_minutes);
        let snoozes = Snoozes::from([((first.date, first.slot), until)]);
        let found = due_reminders(&schedule, &BTreeSet::new(), &settings, &snoozes, after, up_to);
        for r in &found {
            if (r.date, r.slot) == (first.date, first.slot) {
                prop_assert!(r.at >= until);
            }
        }
        let others = |list: &[DueReminder]| -> Vec<DueReminder> {
            list.iter().filter(|r| (r.date, r.slot) != (first.date, first.slot)).copied().collect()
        };
        prop_assert_eq!(others(&found), others(&all));
    }
}
