//! Dose reminders: which reminders fall due in a stretch of time, for one regimen line and one device.
//!
//! The schedule says when each dose is due (holds, stops, rest days and dose changes already make no dose due).
//! From it, for a window `(after, up_to]` of UTC instants, [`due_reminders`] lists:
//! - a [`ReminderKind::DoseDue`] reminder at the dose time, for the patient's own devices;
//! - a [`ReminderKind::Overdue`] reminder when a dose is still not logged `overdue_after` past its time, for
//!   devices that opted in (a caregiver who wants to know).
//!
//! A dose that has an outcome in the diary gets no reminder. A snoozed dose is reminded no earlier than the snooze
//! ends. A reminder that would fall in the device's quiet hours (local times in the dose's time zone, which may
//! wrap midnight) moves to the end of them. Planning consecutive windows gives each reminder exactly once: a
//! reminder belongs to the window that holds its instant. Nothing here reads the clock.

use crate::sorting;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::schedule::{dose_instant, DoseSlot, Schedule};
use crate::ValidationError;

/// Local times at which no reminder is shown: from `start` up to (not including) `end`. When `end` is earlier
/// than `start` the quiet hours wrap midnight (22:00–07:00). Equal times are refused when validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuietHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl QuietHours {
    pub fn validated(self) -> Result<Self, ValidationError> {
        if self.start == self.end {
            return Err(ValidationError::Inconsistent("quiet hours must end at another time than they start"));
        }
        Ok(self)
    }

    /// Whether the local time `t` is quiet.
    pub fn contains(&self, t: NaiveTime) -> bool {
        if self.start <= self.end {
            self.start <= t && t < self.end
        } else {
            t >= self.start || t < self.end
        }
    }

    /// `at` if it is not quiet in `tz`, otherwise the instant the quiet hours end.
    pub fn defer<Z: TimeZone + Copy>(&self, tz: Z, at: DateTime<Utc>) -> DateTime<Utc> {
        let mut at = at;
        // Clock changes can land the end of one quiet stretch inside the next (quiet hours of nearly a whole day
        // on a night the clocks jump): a few steps always get out.
        for _ in 0..4 {
            let local = at.with_timezone(&tz);
            let time = local.time();
            if !self.contains(time) {
                return at;
            }
            let mut date = local.date_naive();
            if self.start > self.end && time >= self.start {
                date = date.succ_opt().unwrap_or(date);
            }
            at = match tz.from_local_datetime(&date.and_time(self.end)) {
                LocalResult::Single(end) => end.with_timezone(&Utc),
                // The end happens twice (the clocks fall back): the first one after `at`.
                LocalResult::Ambiguous(first, second) => {
                    let first = first.with_timezone(&Utc);
                    if first > at { first } else { second.with_timezone(&Utc) }
                }
                LocalResult::None => dose_instant(tz, date, self.end),
            }
            .max(at);
        }
        at
    }
}

/// Why a reminder is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    /// It is time for the dose.
    DoseDue,
    /// The dose is still not logged some time after it was due.
    Overdue,
}

impl ReminderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReminderKind::DoseDue => "dose_due",
            ReminderKind::Overdue => "overdue",
        }
    }
}

/// What one device wants to be reminded of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReminderSettings {
    /// A reminder at each dose time (the patient's own devices).
    pub dose_due: bool,
    /// A reminder when a dose is still not logged this long after its time.
    pub overdue_after: Option<Duration>,
    pub quiet_hours: Option<QuietHours>,
}

/// A reminder to send at `at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DueReminder {
    pub date: NaiveDate,
    pub slot: DoseSlot,
    pub at: DateTime<Utc>,
    pub kind: ReminderKind,
}

/// Snoozes of one device: a dose (date, time of day) is not reminded of before the instant given.
pub type Snoozes = BTreeMap<(NaiveDate, DoseSlot), DateTime<Utc>>;

/// The reminders whose instant falls in `(after, up_to]`, by instant. `logged` holds the doses (date, time of
/// day) that already have an outcome in the diary. Local times are read in each dose's own time zone.
pub fn due_reminders(
    schedule: &Schedule,
    logged: &BTreeSet<(NaiveDate, DoseSlot)>,
    settings: &ReminderSettings,
    snoozes: &Snoozes,
    after: DateTime<Utc>,
    up_to: DateTime<Utc>,
) -> Vec<DueReminder> {
    due_reminders_in(schedule, logged, settings, snoozes, after, up_to, |tz| tz)
}

/// [`due_reminders`] with local times read in `zone_of(the dose's time zone)`: the app passes `|_| chrono::Local`
/// (the phone's zone, with the browser's rules), so the time-zone database is not compiled into the wasm.
pub fn due_reminders_in<Z: TimeZone + Copy>(
    schedule: &Schedule,
    logged: &BTreeSet<(NaiveDate, DoseSlot)>,
    settings: &ReminderSettings,
    snoozes: &Snoozes,
    after: DateTime<Utc>,
    up_to: DateTime<Utc>,
    zone_of: impl Fn(Tz) -> Z,
) -> Vec<DueReminder> {
    if up_to <= after || (!settings.dose_due && settings.overdue_after.is_none()) {
        return Vec::new();
    }
    let overdue_after = settings.overdue_after.unwrap_or_else(Duration::zero).max(Duration::zero());
    // A reminder comes at or after its dose's instant, and a dose's local date is within a day of its UTC date;
    // quiet hours push a reminder by less than a day. Snoozed doses are looked at whatever their date.
    let earliest = after.checked_sub_signed(overdue_after + Duration::days(2)).unwrap_or(after);
    let mut from = earliest.date_naive();
    if let Some((date, _)) = snoozes.keys().next() {
        from = from.min(*date);
    }
    let to = up_to.checked_add_signed(Duration::days(2)).unwrap_or(up_to).date_naive();

    let mut reminders = Vec::new();
    for dose in schedule.expected_doses(from, to) {
        if logged.contains(&(dose.date, dose.slot)) {
            continue;
        }
        let zone = zone_of(dose.time_zone);
        let due = dose_instant(zone, dose.date, dose.local_time);
        let snoozed_until = snoozes.get(&(dose.date, dose.slot)).copied();
        let mut wanted = Vec::with_capacity(2);
        if settings.dose_due {
            wanted.push((ReminderKind::DoseDue, due));
        }
        if settings.overdue_after.is_some() {
            wanted.push((ReminderKind::Overdue, due.checked_add_signed(overdue_after).unwrap_or(due)));
        }
        for (kind, base) in wanted {
            let mut at = snoozed_until.map_or(base, |until| until.max(base));
            if let Some(quiet) = settings.quiet_hours {
                at = quiet.defer(zone, at);
            }
            if after < at && at <= up_to {
                reminders.push(DueReminder { date: dose.date, slot: dose.slot, at, kind });
            }
        }
    }
    sorting::sort_by_key(&mut reminders, |r| (r.at, r.date, r.slot, r.kind));
    reminders
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::{CyclePattern, DoseAmount, Regimen, RegimenChange, SlotDose};

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    /// Twice daily at 08:00 and 20:00 in `tz`, from 2026-03-01, every day.
    fn regimen(tz: &str) -> Regimen {
        Regimen {
            version: 1,
            drug_name: "Capecitabine".into(),
            strength: "500 mg tablets".into(),
            doses: vec![
                SlotDose::new(DoseSlot::Morning, DoseAmount::tablets(3)),
                SlotDose::new(DoseSlot::Evening, DoseAmount::tablets(3)),
            ],
            pattern: CyclePattern::Continuous,
            start: date("2026-03-01"),
            first_cycle: 1,
            time_zone: tz.parse().unwrap(),
        }
    }

    fn schedule(tz: &str, changes: &[RegimenChange]) -> Schedule {
        Schedule::new(&regimen(tz), changes).unwrap()
    }

    fn patient() -> ReminderSettings {
        ReminderSettings { dose_due: true, ..ReminderSettings::default() }
    }

    fn plan(schedule: &Schedule, settings: &ReminderSettings, after: &str, up_to: &str) -> Vec<DueReminder> {
        due_reminders(schedule, &BTreeSet::new(), settings, &Snoozes::new(), utc(after), utc(up_to))
    }

    #[test]
    fn a_dose_is_reminded_at_its_time() {
        let s = schedule("UTC", &[]);
        let found = plan(&s, &patient(), "2026-03-10T07:00:00Z", "2026-03-10T09:00:00Z");
        assert_eq!(
            found,
            vec![DueReminder {
                date: date("2026-03-10"),
                slot: DoseSlot::Morning,
                at: utc("2026-03-10T08:00:00Z"),
                kind: ReminderKind::DoseDue
            }]
        );
        // The window is open at the start and closed at the end.
        assert_eq!(plan(&s, &patient(), "2026-03-10T08:00:00Z", "2026-03-10T09:00:00Z"), vec![]);
        assert_eq!(plan(&s, &patient(), "2026-03-10T07:00:00Z", "2026-03-10T08:00:00Z").len(), 1);
        assert_eq!(plan(&s, &patient(), "2026-03-10T09:00:00Z", "2026-03-10T07:00:00Z"), vec![]);
    }

    #[test]
    fn times_are_the_patients_local_times() {
        let s = schedule("America/New_York", &[]);
        let found = plan(&s, &patient(), "2026-03-10T00:00:00Z", "2026-03-10T23:00:00Z");
        let at: Vec<_> = found.iter().map(|r| r.at).collect();
        // 08:00 and 20:00 EDT (UTC-4 since 8 March).
        assert_eq!(at, vec![utc("2026-03-10T12:00:00Z")]);
        let found = plan(&s, &patient(), "2026-03-10T23:00:00Z", "2026-03-11T01:00:00Z");
        assert_eq!(found[0].date, date("2026-03-10"));
        assert_eq!(found[0].slot, DoseSlot::Evening);
    }

    #[test]
    fn logged_doses_get_no_reminder() {
        let s = schedule("UTC", &[]);
        let logged = BTreeSet::from([(date("2026-03-10"), DoseSlot::Morning)]);
        let settings = ReminderSettings { dose_due: true, overdue_after: Some(Duration::minutes(60)), quiet_hours: None };
        let found =
            due_reminders(&s, &logged, &settings, &Snoozes::new(), utc("2026-03-10T00:00:00Z"), utc("2026-03-10T23:59:00Z"));
        assert_eq!(found.iter().map(|r| (r.slot, r.kind)).collect::<Vec<_>>(), vec![
            (DoseSlot::Evening, ReminderKind::DoseDue),
            (DoseSlot::Evening, ReminderKind::Overdue),
        ]);
    }

    #[test]
    fn held_and_stopped_days_get_no_reminder() {
        let hold = RegimenChange::Hold { from: date("2026-03-10"), until: Some(date("2026-03-11")) };
        let stop = RegimenChange::Stop { on: date("2026-03-20") };
        let s = schedule("UTC", &[hold, stop]);
        let settings = ReminderSettings { dose_due: true, overdue_after: Some(Duration::minutes(30)), quiet_hours: None };
        let found = plan(&s, &settings, "2026-03-09T12:00:00Z", "2026-03-12T09:00:00Z");
        let days: BTreeSet<_> = found.iter().map(|r| r.date).collect();
        assert_eq!(days, BTreeSet::from([date("2026-03-09"), date("2026-03-12")]));
        assert_eq!(plan(&s, &settings, "2026-03-20T00:00:00Z", "2026-04-20T00:00:00Z"), vec![]);
    }

    #[test]
    fn dose_changes_move_the_reminder() {
        let later = vec![
            SlotDose::new(DoseSlot::Morning, DoseAmount::tablets(2)).at(time(10, 30)),
            SlotDose::new(DoseSlot::Evening, DoseAmount::tablets(2)),
        ];
        let s = schedule("UTC", &[RegimenChange::DoseChanged { on: date("2026-03-10"), doses: later }]);
        let found = plan(&s, &patient(), "2026-03-10T00:00:00Z", "2026-03-10T12:00:00Z");
        assert_eq!(found.iter().map(|r| r.at).collect::<Vec<_>>(), vec![utc("2026-03-10T10:30:00Z")]);
    }

    #[test]
    fn quiet_hours_move_a_reminder_to_their_end() {
        let s = schedule("Europe/Madrid", &[]);
        // 22:00–08:30 in Madrid (UTC+1 in March): the 08:00 dose is reminded at 08:30, the 20:00 one as usual.
        let quiet = QuietHours { start: time(22, 0), end: time(8, 30) };
        let settings = ReminderSettings { quiet_hours: Some(quiet), ..patient() };
        let found = plan(&s, &settings, "2026-03-10T00:00:00Z", "2026-03-11T00:00:00Z");
        assert_eq!(found.iter().map(|r| r.at).collect::<Vec<_>>(), vec![
            utc("2026-03-10T07:30:00Z"),
            utc("2026-03-10T19:00:00Z")
        ]);
        // Quiet hours within one day.
        let quiet = QuietHours { start: time(19, 0), end: time(21, 15) };
        let settings = ReminderSettings { quiet_hours: Some(quiet), ..patient() };
        let found = plan(&s, &settings, "2026-03-10T12:00:00Z", "2026-03-11T00:00:00Z");
        assert_eq!(found.iter().map(|r| r.at).collect::<Vec<_>>(), vec![utc("2026-03-10T20:15:00Z")]);
    }

    #[test]
    fn quiet_hours_before_midnight_end_the_next_morning() {
        let quiet = QuietHours { start: time(22, 0), end: time(7, 0) };
        let tz: Tz = "UTC".parse().unwrap();
        assert_eq!(quiet.defer(tz, utc("2026-03-10T23:10:00Z")), utc("2026-03-11T07:00:00Z"));
        assert_eq!(quiet.defer(tz, utc("2026-03-10T06:59:59Z")), utc("2026-03-10T07:00:00Z"));
        assert_eq!(quiet.defer(tz, utc("2026-03-10T07:00:00Z")), utc("2026-03-10T07:00:00Z"));
        assert_eq!(quiet.defer(tz, utc("2026-03-10T21:59:00Z")), utc("2026-03-10T21:59:00Z"));
    }

    #[test]
    fn quiet_hours_across_a_clock_change() {
        let ny: Tz = "America/New_York".parse().unwrap();
        // Ends at 02:30, which does not exist on 8 March 2026 in New York: the first minute after the gap.
        let quiet = QuietHours { start: time(1, 0), end: time(2, 30) };
        assert_eq!(quiet.defer(ny, utc("2026-03-08T06:30:00Z")), utc("2026-03-08T07:00:00Z"));
        // 01:00–01:30 happens twice on 1 November 2026: the second time round ends at the second 01:30.
        let quiet = QuietHours { start: time(1, 0), end: time(1, 30) };
        assert_eq!(quiet.defer(ny, utc("2026-11-01T06:10:00Z")), utc("2026-11-01T06:30:00Z"));
        assert_eq!(quiet.defer(ny, utc("2026-11-01T05:10:00Z")), utc("2026-11-01T05:30:00Z"));
    }

    #[test]
    fn equal_quiet_times_are_refused() {
        assert!(QuietHours { start: time(7, 0), end: time(7, 0) }.validated().is_err());
        assert!(QuietHours { start: time(22, 0), end: time(7, 0) }.validated().is_ok());
    }

    #[test]
    fn a_snooze_delays_the_reminder() {
        let s = schedule("UTC", &[]);
        let snoozes = Snoozes::from([((date("2026-03-10"), DoseSlot::Morning), utc("2026-03-10T08:15:00Z"))]);
        let found =
            due_reminders(&s, &BTreeSet::new(), &patient(), &snoozes, utc("2026-03-10T07:00:00Z"), utc("2026-03-10T09:00:00Z"));
        assert_eq!(found.iter().map(|r| r.at).collect::<Vec<_>>(), vec![utc("2026-03-10T08:15:00Z")]);
        // A snooze that ended before the dose time changes nothing.
        let snoozes = Snoozes::from([((date("2026-03-10"), DoseSlot::Morning), utc("2026-03-09T08:15:00Z"))]);
        let found =
            due_reminders(&s, &BTreeSet::new(), &patient(), &snoozes, utc("2026-03-10T07:00:00Z"), utc("2026-03-10T09:00:00Z"));
        assert_eq!(found.iter().map(|r| r.at).collect::<Vec<_>>(), vec![utc("2026-03-10T08:00:00Z")]);
    }

    #[test]
    fn overdue_only_for_devices_that_opted_in() {
        let s = schedule("UTC", &[]);
        let caregiver = ReminderSettings { dose_due: false, overdue_after: Some(Duration::minutes(90)), quiet_hours: None };
        let found = plan(&s, &caregiver, "2026-03-10T00:00:00Z", "2026-03-10T12:00:00Z");
        assert_eq!(
            found,
            vec![DueReminder {
                date: date("2026-03-10"),
                slot: DoseSlot::Morning,
                at: utc("2026-03-10T09:30:00Z"),
                kind: ReminderKind::Overdue
            }]
        );
        assert_eq!(plan(&s, &ReminderSettings::default(), "2026-03-10T00:00:00Z", "2026-03-10T12:00:00Z"), vec![]);
    }
}
