//! The dosing diary on the device: today's doses from the regimen's schedule (held days, rest days and dose
//! changes included), one tap to log a dose taken, the other outcomes (late, missed, skipped with a reason,
//! vomited, extra dose), corrections that supersede earlier records, the care team's changes, refills, and the
//! diary screen with the cycle calendar and adherence.
//!
//! Records come from two places: events recorded on this device (its outbox, sent or not), and the dose records
//! of the patient's other devices that the server sends in the profile. Both are merged by event id.

use std::collections::{BTreeSet, HashMap};

use carepath_domain::adherence::{DiaryRecord, DoseOutcome, SkipReason};
use carepath_domain::regimen::DoseSlot;
use carepath_domain::sorting;
use carepath_domain::sync::{DeviceProfile, PatientEvent, EventBody};
use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use leptos::prelude::*;
use uuid::Uuid;

use crate::device::Device;
use crate::outbox::StoredEvent;
use carepath_ui::format;
use carepath_ui::i18n::current;
use carepath_ui::tr;

mod dose_row;
mod notices;
mod screen;
mod today;

pub use screen::{DiaryHistory, DiaryScreen};
pub use today::TodayDoses;

/// One dose record, from this device or another of the patient's.
#[derive(Debug, Clone, PartialEq)]
pub struct DoseRecord {
    pub id: Uuid,
    pub line: Uuid,
    pub date: NaiveDate,
    pub slot: DoseSlot,
    pub outcome: DoseOutcome,
    pub taken_at: Option<DateTime<Utc>>,
    pub recorded_at: DateTime<Utc>,
    pub supersedes: Option<Uuid>,
    /// The caregiver who logged it; `None` for the patient.
    pub logged_by: Option<String>,
}

/// Every dose record known on this device, in recorded order: its own events and the profile's diary.
pub fn merge_records(events: &[StoredEvent], profile: &DeviceProfile) -> Vec<DoseRecord> {
    let me = profile.caregiver.as_ref().map(|c| c.name.clone());
    let mut by_id: HashMap<Uuid, DoseRecord> = profile
        .diary
        .iter()
        .map(|item| {
            let record = DoseRecord {
                id: item.event_id,
                line: item.regimen_line_id,
                date: item.date,
                slot: item.slot,
                outcome: item.outcome,
                taken_at: item.taken_at,
                recorded_at: item.recorded_at,
                supersedes: item.supersedes,
                logged_by: item.logged_by.clone(),
            };
            (record.id, record)
        })
        .collect();
    for stored in events {
        let event = &stored.event;
        if let Some((line, record)) = event.diary_record() {
            by_id.insert(
                event.id,
                DoseRecord {
                    id: event.id,
                    line,
                    date: record.date,
                    slot: record.slot,
                    outcome: record.kind,
                    taken_at: event.taken_at(),
                    recorded_at: event.recorded_at,
                    supersedes: record.supersedes,
                    logged_by: me.clone(),
                },
            );
        }
    }
    let mut records: Vec<DoseRecord> = by_id.into_values().collect();
    sorting::sort_by_key(&mut records, |r| (r.recorded_at, r.id));
    records
}

/// The domain's diary records of one line (what adherence and the calendar read).
pub fn diary_records(records: &[DoseRecord], line: Uuid) -> Vec<DiaryRecord> {
    records
        .iter()
        .filter(|r| r.line == line)
        .map(|r| DiaryRecord { id: r.id, supersedes: r.supersedes, date: r.date, slot: r.slot, kind: r.outcome, taken_at: r.taken_at.or(Some(r.recorded_at)) })
        .collect()
}

/// Ids of the records a later record corrects.
pub fn superseded(records: &[DoseRecord]) -> BTreeSet<Uuid> {
    records.iter().filter_map(|r| r.supersedes).collect()
}

/// The record that stands for one dose: the latest one nobody corrected (extra doses aside; none if it was undone). A correction names a
/// record of the same line and day (the server refuses any other), so only that day's records are looked at: one
/// pass, no set of every record ever made, however long the diary.
pub fn current_record<'a>(records: &'a [DoseRecord], line: Uuid, date: NaiveDate, slot: DoseSlot) -> Option<&'a DoseRecord> {
    let same_day: Vec<&DoseRecord> = records.iter().filter(|r| r.line == line && r.date == date).collect();
    same_day
        .iter()
        .copied()
        .filter(|r| r.slot == slot && r.outcome.settles_the_dose())
        .filter(|r| !same_day.iter().any(|c| c.supersedes == Some(r.id)))
        .next_back()
}

/// The records of this device and the profile, as a signal-friendly snapshot.
pub(super) fn all_records(device: Device) -> Vec<DoseRecord> {
    let Some(profile) = device.profile.get().flatten() else { return Vec::new() };
    device.events.with(|events| merge_records(events, &profile))
}

pub(super) fn dose_event(line: Uuid, date: NaiveDate, slot: DoseSlot, outcome: DoseOutcome, taken_at: Option<DateTime<Utc>>, supersedes: Option<Uuid>) -> PatientEvent {
    PatientEvent {
        id: Uuid::new_v4(),
        recorded_at: Utc::now(),
        body: EventBody::DoseLogged { regimen_line_id: line, date, slot, outcome, taken_at, supersedes },
    }
}

/// A local clock time on `date` on this device, as an instant. `None` for a time that does not exist.
pub(super) fn local_instant(date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    chrono::Local.from_local_datetime(&date.and_time(time)).earliest().map(|t| t.with_timezone(&Utc))
}

/// "Taken · 8:05 AM", "Taken · time not known", "Missed", "Skipped: side effects"…
pub fn outcome_text(outcome: DoseOutcome, taken_at: Option<DateTime<Utc>>) -> String {
    let words = carepath_ui::regimen_text::outcome_text(outcome);
    match taken_at {
        Some(t) => tr!("diary-outcome-at", outcome = words, time = format::time(t, &current())),
        None if outcome.has_time() => tr!("diary-outcome-time-unknown", outcome = words),
        None => words,
    }
}

pub(super) const SKIP_REASONS: [SkipReason; 5] =
    [SkipReason::SideEffects, SkipReason::Forgot, SkipReason::CareTeamAdvice, SkipReason::RanOut, SkipReason::Other];


#[cfg(test)]
mod tests {
    use super::*;
    use carepath_domain::sync::{DiaryItem, SiteInfo};

    fn profile_with(diary: Vec<DiaryItem>) -> DeviceProfile {
        DeviceProfile {
            patient_id: Uuid::nil(),
            display_name: "Ana".into(),
            site: SiteInfo { name: "North".into(), phone: "1".into(), after_hours_phone: "2".into(), office_hours: None },
            regimen: Vec::new(),
            check_in: None,
            triage: Default::default(),
            messages: Vec::new(),
            caregiver: None,
            sent_messages: Vec::new(),
            message_sharing: None,
            diary,
            drug_names: Default::default(),
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn records_from_this_device_and_others_merge_by_id_and_corrections_win() {
        let line = Uuid::from_u128(1);
        let date: NaiveDate = "2026-11-22".parse().unwrap();
        let taken = PatientEvent {
            id: Uuid::from_u128(10),
            recorded_at: at("2026-11-22T08:00:00Z"),
            body: EventBody::DoseLogged { regimen_line_id: line, date, slot: DoseSlot::Morning, outcome: DoseOutcome::Taken, taken_at: Some(at("2026-11-22T08:00:00Z")), supersedes: None },
        };
        // The same record came back from the server, and a caregiver's correction too.
        let echoed = DiaryItem {
            event_id: taken.id, regimen_line_id: line, date, slot: DoseSlot::Morning, outcome: DoseOutcome::Taken,
            taken_at: taken.taken_at(), recorded_at: taken.recorded_at, logged_by: None, supersedes: None, superseded: true,
        };
        let correction = DiaryItem {
            event_id: Uuid::from_u128(11), outcome: DoseOutcome::Vomited, recorded_at: at("2026-11-22T09:00:00Z"),
            logged_by: Some("Maria".into()), supersedes: Some(taken.id), superseded: false, ..echoed.clone()
        };
        let stored = vec![StoredEvent { event: taken.clone(), delivery: crate::outbox::Delivery::Sent, owner: "default".into() }];
        let records = merge_records(&stored, &profile_with(vec![correction.clone(), echoed]));
        assert_eq!(records.len(), 2, "one record per id");
        let now = current_record(&records, line, date, DoseSlot::Morning).unwrap();
        assert_eq!((now.outcome, now.logged_by.as_deref()), (DoseOutcome::Vomited, Some("Maria")));
        assert_eq!(superseded(&records), BTreeSet::from([taken.id]));
        assert_eq!(diary_records(&records, line).len(), 2);
        assert!(current_record(&records, line, date, DoseSlot::Evening).is_none());
    }
}
