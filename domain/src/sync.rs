//! The sync protocol between device and server, and the API's shared request/response types.
//!
//! Every patient record is an immutable [`PatientEvent`] with a client-made UUID. The device keeps events in
//! its outbox until the server acknowledges them; the server stores each id once (a grow-only set), so
//! re-sending is a no-op and an interrupted sync simply resumes. A batch is stored all-or-nothing.

use std::collections::BTreeMap;

use crate::sorting;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;


use crate::adherence::{DiaryRecord, DoseOutcome};
use crate::checkin::{CheckInAnswers, CheckInForm};
use crate::triage::{Action, AlertReason, SiteSettings, Tier};
use crate::regimen::{DoseSlot, RegimenLine};
use crate::ValidationError;

/// Most events accepted in one sync request.
pub const MAX_BATCH: usize = 200;
/// How far a device clock may run ahead of the server's before an event is refused.
pub const MAX_CLOCK_AHEAD_HOURS: i64 = 24;
/// How far before its device's enrollment an event may be dated (a phone whose clock runs behind).
pub const MAX_CLOCK_BEHIND_HOURS: i64 = 48;
/// No instant the API accepts is earlier than this (2020-01-01T00:00:00Z): nothing of this product was recorded
/// before it, and every instant from it to [`MAX_CLOCK_AHEAD_HOURS`] ahead is stored and read back exactly.
pub const EARLIEST_ACCEPTED: DateTime<Utc> = match DateTime::from_timestamp(1_577_836_800, 0) {
    Some(t) => t,
    None => panic!("a valid instant"),
};

/// One thing a patient (or caregiver) recorded on the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PatientEvent {
    /// Made on the device (UUID v4). The idempotency key.
    pub id: Uuid,
    /// When it was recorded on the device.
    pub recorded_at: DateTime<Utc>,
    pub body: EventBody,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum EventBody {
    /// A dose was taken (the first app's one-tap record; new records use `dose_logged`).
    DoseTaken {
        regimen_line_id: Uuid,
        /// The day the dose belongs to, in the patient's own calendar.
        date: NaiveDate,
        slot: DoseSlot,
        taken_at: DateTime<Utc>,
    },
    /// A diary record about one dose: taken, taken late, missed, skipped with a reason, vomited, or an
    /// extra dose. A correction is a new record naming the one it `supersedes`, an undo one that says the record
    /// was entered in error; nothing is deleted.
    DoseLogged {
        regimen_line_id: Uuid,
        /// The day the dose belongs to, in the patient's own calendar.
        date: NaiveDate,
        slot: DoseSlot,
        outcome: DoseOutcome,
        /// When it was taken (for taken, late, vomited and extra doses); left out when the patient does not know.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        taken_at: Option<DateTime<Utc>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        supersedes: Option<Uuid>,
    },
    /// The patient asks the pharmacy for a refill of a regimen line.
    RefillRequested { regimen_line_id: Uuid },
    /// A symptom check-in: graded answers, temperature, emergency questions, a note.
    CheckIn(CheckInAnswers),
    /// The patient opened a message from the pharmacy.
    MessageRead { message_id: Uuid },
    /// The patient (or a caregiver) wrote to the pharmacy: an answer to a message (`in_reply_to`), or a question
    /// of their own. Plain text, at most [`crate::messages::MAX_PATIENT_MESSAGE`] characters.
    MessageSent {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        in_reply_to: Option<Uuid>,
    },
    /// The patient chose whether their caregivers may read every message of the pharmacy (and what the patient
    /// wrote), or only those the pharmacist addressed to them too ([`crate::message_audience`]). Only from the
    /// patient's own phone; the newest by recorded time is in force.
    MessageSharing { caregivers_may_read: bool },
    /// The patient opened a medication guide (recorded at most once per drug per day per device).
    GuideViewed {
        /// The guide's drug id, e.g. `capecitabine`.
        drug: String,
        /// The language it was read in: `en` or `es`.
        lang: String,
    },
}

impl EventBody {
    /// Stable name of the event type, as stored.
    pub fn kind(&self) -> &'static str {
        match self {
            EventBody::DoseTaken { .. } => "dose_taken",
            EventBody::DoseLogged { .. } => "dose_logged",
            EventBody::RefillRequested { .. } => "refill_requested",
            EventBody::CheckIn(_) => "check_in",
            EventBody::MessageRead { .. } => "message_read",
            EventBody::MessageSent { .. } => "message_sent",
            EventBody::MessageSharing { .. } => "message_sharing",
            EventBody::GuideViewed { .. } => "guide_viewed",
        }
    }
}

impl PatientEvent {
    /// Checks what can be checked without the store: text sizes and clocks. `now` is the server's time.
    pub fn validate(&self, now: DateTime<Utc>) -> Result<(), ValidationError> {
        let latest = now + Duration::hours(MAX_CLOCK_AHEAD_HOURS);
        if self.recorded_at > latest {
            return Err(ValidationError::InFuture("recorded_at"));
        }
        if self.recorded_at < EARLIEST_ACCEPTED {
            return Err(ValidationError::TooEarly("recorded_at"));
        }
        let too_early = |t: &DateTime<Utc>| *t < EARLIEST_ACCEPTED;
        let day_too_early = |d: &NaiveDate| *d < EARLIEST_ACCEPTED.date_naive();
        match &self.body {
            EventBody::DoseTaken { taken_at, date, .. } if too_early(taken_at) || day_too_early(date) => {
                return Err(ValidationError::TooEarly("taken_at"));
            }
            EventBody::DoseLogged { taken_at, date, .. } if taken_at.as_ref().is_some_and(too_early) || day_too_early(date) => {
                return Err(ValidationError::TooEarly("date"));
            }
            _ => {}
        }
        match &self.body {
            EventBody::DoseTaken { taken_at, date, .. } => {
                if *taken_at > latest {
                    return Err(ValidationError::InFuture("taken_at"));
                }
                // A dose belongs to a day within a day of when it was taken (time zones differ).
                let days = (taken_at.date_naive() - *date).num_days();
                if !(-1..=1).contains(&days) {
                    return Err(ValidationError::Inconsistent("date does not match taken_at"));
                }
            }
            EventBody::DoseLogged { outcome, taken_at, date, supersedes, .. } => {
                // A dose taken may leave out its time (a past day's dose whose time the patient does not know).
                if !outcome.has_time() && taken_at.is_some() {
                    return Err(ValidationError::Inconsistent("taken_at is only for doses taken"));
                }
                if *outcome == DoseOutcome::EnteredInError && supersedes.is_none() {
                    return Err(ValidationError::Required("supersedes (the record logged by mistake)"));
                }
                if let Some(taken_at) = taken_at {
                    if *taken_at > latest {
                        return Err(ValidationError::InFuture("taken_at"));
                    }
                    // A dose belongs to a day within a day of when it was taken (time zones, late doses).
                    let days = (taken_at.date_naive() - *date).num_days();
                    if !(-1..=1).contains(&days) {
                        return Err(ValidationError::Inconsistent("date does not match taken_at"));
                    }
                }
                if (self.recorded_at.date_naive() - *date).num_days() < -1 {
                    return Err(ValidationError::InFuture("date"));
                }
                if *supersedes == Some(self.id) {
                    return Err(ValidationError::Inconsistent("a record cannot correct itself"));
                }
            }
            EventBody::RefillRequested { .. } => {}
            EventBody::CheckIn(answers) => {
                answers.report()?;
            }
            EventBody::MessageRead { .. } => {}
            EventBody::MessageSent { text, .. } => crate::messages::check_patient_text(text)?,
            EventBody::MessageSharing { .. } => {}
            EventBody::GuideViewed { drug, lang } => {
                if !crate::guide::is_valid_drug_id(drug) {
                    return Err(ValidationError::Inconsistent("drug must be 1–60 characters of a-z, 0-9, _ and -"));
                }
                if !crate::guide::LANGUAGES.contains(&lang.as_str()) {
                    return Err(ValidationError::Inconsistent("lang must be en or es"));
                }
            }
        }
        Ok(())
    }
}

impl PatientEvent {
    /// [`PatientEvent::validate`], and not recorded before the device that sends it was enrolled (less
    /// [`MAX_CLOCK_BEHIND_HOURS`] for a clock that runs behind). A dose *taken* before enrollment may still be
    /// logged afterwards (yesterday's dose); its day is checked against the regimen's start by the server.
    pub fn validate_from_device(&self, now: DateTime<Utc>, device_enrolled_at: DateTime<Utc>) -> Result<(), ValidationError> {
        self.validate(now)?;
        if self.recorded_at < device_enrolled_at - Duration::hours(MAX_CLOCK_BEHIND_HOURS) {
            return Err(ValidationError::TooEarly("recorded_at (before this phone was enrolled)"));
        }
        Ok(())
    }

    /// The dosing-diary record this event makes, with its regimen line: `dose_logged` and the older `dose_taken`.
    pub fn diary_record(&self) -> Option<(Uuid, DiaryRecord)> {
        match &self.body {
            EventBody::DoseTaken { regimen_line_id, date, slot, taken_at } => Some((
                *regimen_line_id,
                DiaryRecord {
                    id: self.id,
                    supersedes: None,
                    date: *date,
                    slot: *slot,
                    kind: DoseOutcome::Taken,
                    taken_at: Some(*taken_at),
                },
            )),
            EventBody::DoseLogged { regimen_line_id, date, slot, outcome, supersedes, taken_at } => Some((
                *regimen_line_id,
                DiaryRecord {
                    id: self.id,
                    supersedes: *supersedes,
                    date: *date,
                    slot: *slot,
                    kind: *outcome,
                    taken_at: taken_at.or(Some(self.recorded_at)),
                },
            )),
            _ => None,
        }
    }

    /// When a dose was taken, for diary events that say.
    pub fn taken_at(&self) -> Option<DateTime<Utc>> {
        match &self.body {
            EventBody::DoseTaken { taken_at, .. } => Some(*taken_at),
            EventBody::DoseLogged { taken_at, .. } => *taken_at,
            _ => None,
        }
    }
}

/// The diary records of one regimen line, in the order they were recorded (the last counting record for a dose
/// wins; see [`crate::adherence`]).
pub fn diary_records<'a>(events: impl IntoIterator<Item = &'a PatientEvent>, regimen_line_id: Uuid) -> Vec<DiaryRecord> {
    let mut found: Vec<(&PatientEvent, DiaryRecord)> = events
        .into_iter()
        .filter_map(|e| e.diary_record().filter(|(line, _)| *line == regimen_line_id).map(|(_, record)| (e, record)))
        .collect();
    sorting::sort_by_key(&mut found, |(e, _)| (e.recorded_at, e.id));
    found.into_iter().map(|(_, record)| record).collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SyncRequest {
    pub events: Vec<PatientEvent>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncResponse {
    /// Every id in the request: all are now safely stored and may leave the device's outbox.
    pub acknowledged: Vec<Uuid>,
    /// How many of them were new to the server (the rest had been sent before).
    pub newly_stored: usize,
    pub server_time: DateTime<Utc>,
}

/// The pharmacy site a patient belongs to, with the numbers guides and red-flag screens show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteInfo {
    pub name: String,
    pub phone: String,
    pub after_hours_phone: String,
    /// When `phone` is answered; outside them (or at night, when unset) the phone puts `after_hours_phone` first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office_hours: Option<crate::site::OfficeHours>,
}

/// What a device knows about its patient: sent at enrollment and on every sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceProfile {
    pub patient_id: Uuid,
    pub display_name: String,
    pub site: SiteInfo,
    pub regimen: Vec<RegimenLine>,
    /// The check-in questions for this patient's regimen, for use offline.
    #[serde(default)]
    pub check_in: Option<CheckInForm>,
    /// The site's triage settings: the device shows red flags with the same threshold the server uses.
    #[serde(default)]
    pub triage: SiteSettings,
    /// Messages from the pharmacy, newest first.
    #[serde(default)]
    pub messages: Vec<PharmacyMessage>,
    /// Set when this device belongs to a caregiver of the patient rather than the patient.
    #[serde(default)]
    pub caregiver: Option<CaregiverInfo>,
    /// What the patient and their caregivers wrote to the pharmacy, newest first (the other half of the thread).
    #[serde(default)]
    pub sent_messages: Vec<crate::messages::PatientMessage>,
    /// The patient's choice about their caregivers reading every message; none until they make one (then only
    /// messages addressed to caregivers reach a caregiver's phone).
    #[serde(default)]
    pub message_sharing: Option<crate::message_audience::MessageSharing>,
    /// Dose records of the last [`PROFILE_DIARY_DAYS`] days from every device of the patient (the patient's and
    /// caregivers'), so that a dose logged on one phone shows as logged on the others.
    #[serde(default)]
    pub diary: Vec<DiaryItem>,
    /// A regimen line's drug name in each language, for lines whose typed name is a guide's generic name
    /// (issue #14 item 3): the phone shows "Capecitabina" to a patient reading Spanish.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub drug_names: BTreeMap<Uuid, BTreeMap<String, String>>,
}

impl DeviceProfile {
    /// The profile with each regimen line's drug name in `lang` where [`DeviceProfile::drug_names`] has it.
    pub fn in_language(mut self, lang: &str) -> Self {
        for line in &mut self.regimen {
            if let Some(name) = self.drug_names.get(&line.id).and_then(|names| names.get(lang)) {
                line.regimen.drug_name = name.clone();
            }
        }
        self
    }
}

/// How many days of dose records a device profile carries.
pub const PROFILE_DIARY_DAYS: u64 = 60;

/// A caregiver linked to a patient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaregiverInfo {
    pub id: Uuid,
    /// As the pharmacy wrote it, e.g. "Maria (daughter)".
    pub name: String,
}

/// The pharmacist adds a caregiver to a patient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CaregiverRequest {
    pub name: String,
}

pub const MAX_CAREGIVER_NAME: usize = 100;

/// A caregiver as the pharmacist sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaregiverView {
    pub id: Uuid,
    pub name: String,
    pub added_at: DateTime<Utc>,
    pub devices: u32,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Who ended a phone's access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RevokedBy {
    /// A pharmacist removed this phone's access on the patient page.
    Pharmacy,
    /// The caregiver's access was ended, and with it every phone of theirs.
    CaregiverEnded,
    /// "Remove this person from this phone", on the phone itself.
    Phone,
}

/// Whether a phone may still reach the patient's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum DeviceAccess {
    Active,
    /// Not seen for longer than the server's idle limit: refused (`device_expired`) until a new code.
    Expired,
    Revoked { at: DateTime<Utc>, by: RevokedBy },
}

/// One enrolled phone of a patient, as the pharmacist sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceView {
    pub id: Uuid,
    /// The caregiver whose phone it is; `None`: the patient's own.
    pub caregiver: Option<String>,
    pub enrolled_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub access: DeviceAccess,
}

/// Every phone ever enrolled for a patient (`GET /api/pharmacy/patients/{id}/devices`), newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PatientDevices {
    /// A phone unused this many days is refused (the server's `CAREPATH_DEVICE_IDLE_DAYS`).
    pub idle_days: u32,
    pub devices: Vec<DeviceView>,
}

/// A new caregiver and their own one-time enrollment code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaregiverResponse {
    pub caregiver: CaregiverView,
    /// Formatted for reading aloud (e.g. `K7QM-4XRT`).
    pub code: String,
    pub expires_at: DateTime<Utc>,
}

/// One diary record as the pharmacist sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiaryItem {
    pub event_id: Uuid,
    pub regimen_line_id: Uuid,
    pub date: NaiveDate,
    pub slot: DoseSlot,
    pub outcome: DoseOutcome,
    pub taken_at: Option<DateTime<Utc>>,
    pub recorded_at: DateTime<Utc>,
    /// The caregiver who logged it; `None` when the patient did.
    pub logged_by: Option<String>,
    pub supersedes: Option<Uuid>,
    /// A later record corrects this one.
    pub superseded: bool,
}

impl DiaryItem {
    /// The domain's diary record of this item (what adherence and the calendar read), timed as
    /// [`PatientEvent::diary_record`] times it: when the dose was taken, else when it was recorded.
    pub fn diary_record(&self) -> DiaryRecord {
        DiaryRecord {
            id: self.event_id,
            supersedes: self.supersedes,
            date: self.date,
            slot: self.slot,
            kind: self.outcome,
            taken_at: self.taken_at.or(Some(self.recorded_at)),
        }
    }
}

/// A regimen line with its diary, for the pharmacist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineDiary {
    pub line: RegimenLine,
    /// Oldest first.
    pub items: Vec<DiaryItem>,
    /// Refill requests by the patient, newest first.
    pub refill_requests: Vec<DateTime<Utc>>,
}

/// The pharmacist's view of a patient's regimen and diary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PatientDiary {
    pub patient_id: Uuid,
    /// The patient's calendar date at the server, in the regimen's time zone (what "today" means for adherence).
    pub today: NaiveDate,
    pub lines: Vec<LineDiary>,
    pub caregivers: Vec<CaregiverView>,
}

/// A message from the pharmacy team to the patient, shown on the device after sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PharmacyMessage {
    pub id: Uuid,
    pub body: String,
    pub sent_at: DateTime<Utc>,
    /// The pharmacist's name as they sign it.
    pub from: String,
    /// When the patient first opened it (from a `message_read` event).
    pub read_at: Option<DateTime<Utc>>,
    /// The pharmacist let the patient's caregivers read it too; otherwise it is for the patient (and for caregivers
    /// only if the patient lets them read every message).
    #[serde(default)]
    pub to_caregivers: bool,
}

/// Longest message a pharmacist can send or note they can add.
pub const MAX_MESSAGE: usize = 2000;

/// A pharmacist's note or reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TextRequest {
    pub body: String,
}

/// A reply to a patient, about an alert or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReplyRequest {
    pub body: String,
    #[serde(default)]
    pub alert_id: Option<Uuid>,
    /// The patient's caregivers may read it too (their phones get it); by default it is for the patient only.
    #[serde(default)]
    pub to_caregivers: bool,
}

/// An empty JSON body (`{}`): state-changing requests without content still send JSON, which a cross-site
/// form cannot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Empty {}

/// Who did something, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Stamp {
    pub at: DateTime<Utc>,
    pub by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertNote {
    pub at: DateTime<Utc>,
    pub by: String,
    pub body: String,
}

/// An alert as the pharmacist sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertView {
    pub id: Uuid,
    pub patient_id: Uuid,
    pub patient_name: String,
    pub tier: Tier,
    /// What the patient's screen told them (none for alerts raised before it was recorded).
    #[serde(default)]
    pub action: Option<Action>,
    pub reasons: Vec<AlertReason>,
    /// The check-in that raised it, when one did.
    pub check_in: Option<CheckInAnswers>,
    /// The caregiver who made that check-in (as the pharmacy named them); `None`: the patient did, or no check-in
    /// raised it.
    #[serde(default)]
    pub reported_by: Option<String>,
    /// When the patient recorded the report (device clock).
    pub reported_at: DateTime<Utc>,
    /// When the server received it and raised the alert.
    pub raised_at: DateTime<Utc>,
    pub acknowledged: Option<Stamp>,
    pub resolved: Option<Stamp>,
    /// Minutes from raised to acknowledged.
    pub minutes_to_acknowledge: Option<i64>,
    pub notes: Vec<AlertNote>,
    pub replies: Vec<PharmacyMessage>,
    /// What the patient wrote while this alert was open, oldest first.
    #[serde(default)]
    pub patient_messages: Vec<crate::messages::PatientMessage>,
    /// The patient has caregivers (not revoked): a reply can be let for them to read too.
    #[serde(default)]
    pub patient_has_caregivers: bool,
}

/// Figures for the dashboard, over the last `days` days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertStats {
    pub days: u32,
    pub check_ins: u64,
    pub check_ins_with_alert: u64,
    /// Check-ins that raised an alert, per thousand.
    pub alert_rate_per_mille: Option<u32>,
    pub acknowledged: u64,
    pub median_minutes_to_acknowledge: Option<i64>,
    /// Urgent-alert notices (webhook, email) for this site that failed and are not delivered yet: the team
    /// should not count on them until someone fixes the setting or the receiver.
    #[serde(default)]
    pub notices_failing: u64,
}

pub use crate::checkin::TermNames;

/// The pharmacist's alert queue: open alerts, unacknowledged urgent, unacknowledged routine, then acknowledged
/// (urgent before routine), each oldest report first; one page of them (`?limit=`, default 50, at most 200), the
/// next with `?cursor=next_cursor`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertQueue {
    pub open: Vec<AlertView>,
    /// Resolved in the last `stats.days` days, newest first (at most 50). On the first page only: empty on pages
    /// asked for with a cursor.
    pub resolved: Vec<AlertView>,
    pub stats: AlertStats,
    pub term_names: TermNames,
    /// The cursor of the next page of `open`; none on the last page.
    #[serde(default)]
    pub next_cursor: Option<String>,
    /// Open alerts of the site, on every page together.
    #[serde(default)]
    pub open_total: u64,
    /// Of those, not acknowledged yet.
    #[serde(default)]
    pub open_unacknowledged: u64,
    /// Of those, urgent.
    #[serde(default)]
    pub open_unacknowledged_urgent: u64,
}

/// One check-in on a patient's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineCheckIn {
    pub event_id: Uuid,
    pub recorded_at: DateTime<Utc>,
    pub answers: CheckInAnswers,
    /// The caregiver who made it, on their own phone; `None`: the patient.
    #[serde(default)]
    pub reported_by: Option<String>,
}

/// Everything the pharmacist's patient page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PatientTimeline {
    pub patient_id: Uuid,
    pub patient_name: String,
    /// How often the patient is asked for a check-in, in days.
    #[serde(default = "weekly")]
    pub check_in_every_days: u16,
    /// Oldest first.
    pub check_ins: Vec<TimelineCheckIn>,
    /// Newest first.
    pub alerts: Vec<AlertView>,
    /// Newest first.
    pub messages: Vec<PharmacyMessage>,
    /// What the patient and caregivers wrote, newest first (with `messages`: the thread).
    #[serde(default)]
    pub patient_messages: Vec<crate::messages::PatientMessage>,
    pub term_names: TermNames,
    /// Documented interventions, newest first.
    #[serde(default)]
    pub interventions: Vec<crate::intervention::InterventionView>,
    /// The patient has caregivers (not revoked).
    #[serde(default)]
    pub has_caregivers: bool,
    /// The patient's choice about their caregivers reading every message; none: never made (they may not).
    #[serde(default)]
    pub message_sharing: Option<crate::message_audience::MessageSharing>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EnrollRequest {
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrollResponse {
    /// Secret bearer token for this device only. Shown once; the server keeps only its hash.
    pub device_token: String,
    pub profile: DeviceProfile,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PharmacistInfo {
    pub username: String,
    pub display_name: String,
    pub site: SiteInfo,
    /// An admin also manages the site's accounts and settings (`/pharmacy/admin`).
    #[serde(default)]
    pub role: crate::admin::Role,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EnrollPatientRequest {
    pub display_name: String,
    pub regimen: crate::schedule::Regimen,
    /// Ask for a check-in every this many days (1–28); weekly unless the pharmacist sets another.
    #[serde(default = "weekly")]
    pub check_in_every_days: u16,
    /// The identifiers (crate::identity): the desk form always sends date of birth and MRN; older clients send
    /// none, and the patient has them "not recorded".
    #[serde(default)]
    pub date_of_birth: Option<chrono::NaiveDate>,
    #[serde(default)]
    pub mrn: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub language: crate::identity::Language,
}

/// A pharmacist changes how often a patient is asked for a check-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CadenceRequest {
    pub check_in_every_days: u16,
}

/// The default check-in cadence: every 7 days, as in the trials of weekly symptom reporting.
pub const DEFAULT_CHECK_IN_EVERY_DAYS: u16 = 7;
/// The longest cadence a pharmacist can set.
pub const MAX_CHECK_IN_EVERY_DAYS: u16 = 28;

fn weekly() -> u16 {
    DEFAULT_CHECK_IN_EVERY_DAYS
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrollPatientResponse {
    pub patient_id: Uuid,
    /// One-time enrollment code, formatted for reading aloud (e.g. `K7QM-4XRT`).
    pub code: String,
    pub expires_at: DateTime<Utc>,
}

/// One line of the pharmacist's queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueItem {
    pub event_id: Uuid,
    pub patient_id: Uuid,
    pub patient_name: String,
    pub recorded_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
    pub body: EventBody,
    /// For dose events, the drug of the regimen line.
    pub drug_name: Option<String>,
    /// The caregiver who recorded it, on their own phone; `None`: the patient.
    #[serde(default)]
    pub reported_by: Option<String>,
}

/// The site's newest events, newest first (by recorded time); one page of them (`?limit=`, default 200, at most
/// 500), the next with `?cursor=next_cursor`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Queue {
    pub items: Vec<QueueItem>,
    /// The cursor of the next page; none on the last page.
    #[serde(default)]
    pub next_cursor: Option<String>,
    /// The names of the symptoms a check-in can name, in each language (a check-in reads in words, not ids).
    #[serde(default)]
    pub term_names: TermNames,
}

/// Every API error body: a stable code and a human message. Never SQL, stack traces or another patient's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    pub code: ErrorCode,
    /// For people (English); the app words errors from `code` in the patient's language.
    pub message: String,
    /// For a refused sync batch: the position (from 0) of the event refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_index: Option<usize>,
}

/// Every error the API answers with, shared by the server (which maps each to an HTTP status once) and the app
/// (which matches on it, never on message text). Serialized as `snake_case`; an unknown code from a newer server
/// reads as [`ErrorCode::Unknown`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadJson,
    NotJson,
    TooLarge,
    Unauthorized,
    BadCredentials,
    TooManyAttempts,
    EnrollmentCodeUnknown,
    EnrollmentCodeExpired,
    EnrollmentCodeUsed,
    Invalid,
    /// One event of a sync batch breaks a rule: refused for good (the device keeps it, marked).
    InvalidEvent,
    /// A correction names a record the server does not have yet: send the record first, then the correction
    /// again. Never a reason to mark the correction refused.
    CorrectionTargetMissing,
    BatchTooLarge,
    NotFound,
    MethodNotAllowed,
    GuideNotFound,
    /// Another patient of the site has this medical record number (409): nothing was stored.
    MrnTaken,
    /// The password was right; the session needs the second factor before anything else (401).
    SecondFactorRequired,
    /// The password was right; the account must set up its second factor first (401).
    SecondFactorSetupRequired,
    /// The code from the authenticator app (or the recovery code) is not right, or was already used (401).
    BadSecondFactor,
    /// Another account has this username (409): nothing was stored.
    UsernameTaken,
    /// The account may not do this (a site admin's page, for a pharmacist): 403.
    Forbidden,
    /// The password was right, but a site admin turned the account off (403).
    AccountDisabled,
    /// A push subscription's endpoint the server does not send to (422): not https, or its host is not a public
    /// address. Nothing was stored.
    PushEndpointRefused,
    /// The request took too long (the server's request timeout): try again.
    Timeout,
    /// This phone's access was ended (by the pharmacy, or removed on the phone; 401): it wipes that profile
    /// rather than retrying.
    DeviceRevoked,
    /// This phone's token sat unused past the idle limit (401): it wipes that profile; a new code from the
    /// pharmacy connects it again.
    DeviceExpired,
    /// A path or query parameter is not of the right form (400), e.g. an id that is not a UUID.
    BadRequest,
    Internal,
    /// A code this build does not know.
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// The code as written on the wire, e.g. `invalid_event`.
    pub fn as_str(self) -> &'static str {
        use ErrorCode::*;
        match self {
            BadJson => "bad_json",
            NotJson => "not_json",
            TooLarge => "too_large",
            Unauthorized => "unauthorized",
            BadCredentials => "bad_credentials",
            TooManyAttempts => "too_many_attempts",
            EnrollmentCodeUnknown => "enrollment_code_unknown",
            EnrollmentCodeExpired => "enrollment_code_expired",
            EnrollmentCodeUsed => "enrollment_code_used",
            Invalid => "invalid",
            InvalidEvent => "invalid_event",
            CorrectionTargetMissing => "correction_target_missing",
            BatchTooLarge => "batch_too_large",
            NotFound => "not_found",
            MethodNotAllowed => "method_not_allowed",
            GuideNotFound => "guide_not_found",
            MrnTaken => "mrn_taken",
            UsernameTaken => "username_taken",
            Forbidden => "forbidden",
            AccountDisabled => "account_disabled",
            SecondFactorRequired => "second_factor_required",
            SecondFactorSetupRequired => "second_factor_setup_required",
            BadSecondFactor => "bad_second_factor",
            PushEndpointRefused => "push_endpoint_refused",
            Timeout => "timeout",
            DeviceRevoked => "device_revoked",
            DeviceExpired => "device_expired",
            BadRequest => "bad_request",
            Internal => "internal",
            Unknown => "unknown",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn dose(date: &str, taken: &str) -> PatientEvent {
        PatientEvent {
            id: Uuid::nil(),
            recorded_at: at(taken),
            body: EventBody::DoseTaken {
                regimen_line_id: Uuid::nil(),
                date: date.parse().unwrap(),
                slot: DoseSlot::Morning,
                taken_at: at(taken),
            },
        }
    }

    #[test]
    fn a_diary_record_is_timed_by_when_the_dose_was_taken_else_when_it_was_recorded() {
        let logged = |outcome, taken_at| PatientEvent {
            id: Uuid::nil(),
            recorded_at: at("2026-03-12T16:00:00Z"),
            body: EventBody::DoseLogged {
                regimen_line_id: Uuid::nil(),
                date: "2026-03-12".parse().unwrap(),
                slot: DoseSlot::Morning,
                outcome,
                taken_at,
                supersedes: None,
            },
        };
        // Logged in the afternoon, taken in the morning: the morning counts (a hold decided at noon excuses it).
        let late = logged(DoseOutcome::Taken, Some(at("2026-03-12T07:10:00Z"))).diary_record().unwrap().1;
        assert_eq!(late.taken_at, Some(at("2026-03-12T07:10:00Z")));
        let untimed = logged(DoseOutcome::Missed, None).diary_record().unwrap().1;
        assert_eq!(untimed.taken_at, Some(at("2026-03-12T16:00:00Z")));
        assert_eq!(dose("2026-03-12", "2026-03-12T08:00:00Z").diary_record().unwrap().1.taken_at, Some(at("2026-03-12T08:00:00Z")));
    }

    #[test]
    fn a_dose_taken_at_a_time_not_known_is_valid_and_an_undo_names_what_it_withdraws() {
        let now = at("2026-03-12T16:00:00Z");
        let logged = |outcome, taken_at, supersedes| PatientEvent {
            id: Uuid::from_u128(2),
            recorded_at: now,
            body: EventBody::DoseLogged {
                regimen_line_id: Uuid::nil(),
                date: "2026-03-11".parse().unwrap(),
                slot: DoseSlot::Evening,
                outcome,
                taken_at,
                supersedes,
            },
        };
        // Yesterday's evening dose, taken at a time the patient does not remember.
        assert_eq!(logged(DoseOutcome::Taken, None, None).validate(now), Ok(()));
        // "Undo": a record that withdraws another; on its own it means nothing.
        assert_eq!(
            logged(DoseOutcome::EnteredInError, None, None).validate(now),
            Err(ValidationError::Required("supersedes (the record logged by mistake)"))
        );
        assert_eq!(logged(DoseOutcome::EnteredInError, None, Some(Uuid::from_u128(1))).validate(now), Ok(()));
        assert_eq!(
            logged(DoseOutcome::EnteredInError, Some(now), Some(Uuid::from_u128(1))).validate(now),
            Err(ValidationError::Inconsistent("taken_at is only for doses taken"))
        );
        let json = serde_json::to_value(logged(DoseOutcome::EnteredInError, None, Some(Uuid::from_u128(1)))).unwrap();
        assert_eq!(json["body"]["outcome"], serde_json::json!({ "type": "entered_in_error" }));
    }

    #[test]
    fn events_have_a_stable_json_shape() {
        let json = r#"{"id":"6f1c1c7e-2f7a-4f43-9a0e-0d7f7c2c9b11","recorded_at":"2026-11-23T08:00:00Z",
            "body":{"type":"check_in","answers":{"diarrhea":{"attributes":"frequency",
            "responses":{"frequency":3,"severity":null,"interference":null}}},
            "temperature":{"tenths":385,"unit":"celsius"},"emergency_yes":["chest_pain"],"note":"since Sunday"}}"#;
        let ev: PatientEvent = serde_json::from_str(json).unwrap();
        assert_eq!(ev.body.kind(), "check_in");
        let back: PatientEvent = serde_json::from_str(&serde_json::to_string(&ev).unwrap()).unwrap();
        assert_eq!(back, ev);
    }

    #[test]
    fn unknown_fields_and_bad_values_are_refused() {
        let base = r#"{"id":"6f1c1c7e-2f7a-4f43-9a0e-0d7f7c2c9b11","recorded_at":"2026-11-23T08:00:00Z","body":"#;
        for body in [
            r#"{"type":"check_in","answers":{},"grade":3}"#,
            r#"{"type":"check_in","answers":{"pain":{"attributes":"pain","responses":{}}}}"#,
            r#"{"type":"check_in","answers":{},"emergency_yes":"chest_pain"}"#,
            r#"{"type":"check_in","answers":{},"stools_above_usual":-1}"#,
            r#"{"type":"check_in","answers":{},"temperature":{"tenths":"38.5","unit":"celsius"}}"#,
            r#"{"type":"message_read"}"#,
            r#"{"type":"dose_deleted"}"#,
        ] {
            let json = format!("{base}{body}}}");
            assert!(serde_json::from_str::<PatientEvent>(&json).is_err(), "accepted {json}");
        }
    }

    #[test]
    fn events_are_dated_within_a_plausible_window() {
        let now = at("2026-11-23T12:00:00Z");
        let enrolled = at("2026-11-20T09:00:00Z");
        let viewed_at = |recorded: &str| PatientEvent {
            id: Uuid::nil(),
            recorded_at: at(recorded),
            body: EventBody::GuideViewed { drug: "capecitabine".into(), lang: "en".into() },
        };
        assert_eq!(viewed_at("2026-11-23T08:00:00Z").validate_from_device(now, enrolled), Ok(()));
        assert_eq!(viewed_at("2026-11-19T08:00:00Z").validate_from_device(now, enrolled), Ok(()), "a clock a day behind");
        assert!(matches!(viewed_at("2026-11-17T08:00:00Z").validate_from_device(now, enrolled), Err(ValidationError::TooEarly(_))));
        assert_eq!(viewed_at("2019-12-31T23:59:59Z").validate(now), Err(ValidationError::TooEarly("recorded_at")));
        let year_minus_one = serde_json::from_str::<DateTime<Utc>>(r#""-0001-06-01T00:00:00Z""#).unwrap();
        let ancient = PatientEvent { recorded_at: year_minus_one, ..viewed_at("2026-11-23T08:00:00Z") };
        assert_eq!(ancient.validate(now), Err(ValidationError::TooEarly("recorded_at")));
        assert_eq!(viewed_at("2026-11-24T13:00:00Z").validate(now), Err(ValidationError::InFuture("recorded_at")));
    }

    #[test]
    fn dose_day_must_match_when_it_was_taken() {
        let now = at("2026-11-23T12:00:00Z");
        assert_eq!(dose("2026-11-23", "2026-11-23T08:00:00Z").validate(now), Ok(()));
        // Late evening dose in a time zone behind UTC: the UTC date is the next day.
        assert_eq!(dose("2026-11-22", "2026-11-23T03:00:00Z").validate(now), Ok(()));
        assert!(matches!(
            dose("2026-11-01", "2026-11-23T08:00:00Z").validate(now),
            Err(ValidationError::Inconsistent(_))
        ));
    }

    #[test]
    fn events_from_far_in_the_future_are_refused() {
        let now = at("2026-11-23T12:00:00Z");
        assert_eq!(
            dose("2026-11-25", "2026-11-25T12:00:01Z").validate(now),
            Err(ValidationError::InFuture("recorded_at"))
        );
    }

    #[test]
    fn guide_views_name_a_valid_drug_id_and_language() {
        let now = at("2026-11-23T12:00:00Z");
        let viewed = |drug: &str, lang: &str| PatientEvent {
            id: Uuid::nil(),
            recorded_at: now,
            body: EventBody::GuideViewed { drug: drug.into(), lang: lang.into() },
        };
        let ok = viewed("capecitabine", "es");
        assert_eq!(ok.validate(now), Ok(()));
        assert_eq!(ok.body.kind(), "guide_viewed");
        let json = serde_json::to_string(&ok).unwrap();
        assert!(json.contains(r#""body":{"type":"guide_viewed","drug":"capecitabine","lang":"es"}"#), "{json}");
        assert_eq!(serde_json::from_str::<PatientEvent>(&json).unwrap(), ok);
        for (drug, lang) in [("", "en"), ("Capecitabine", "en"), ("../x", "en"), (&"a".repeat(61)[..], "en"), ("capecitabine", "fr")] {
            assert!(matches!(viewed(drug, lang).validate(now), Err(ValidationError::Inconsistent(_))), "{drug:?} {lang:?}");
        }
    }

    #[test]
    fn check_ins_are_graded_when_validated() {
        use crate::checkin::{ItemAnswer, MAX_NOTE};
        use crate::grading::{AttributeSet, Responses};
        let now = at("2026-11-23T12:00:00Z");
        let mut answers = CheckInAnswers::default();
        answers.answers.insert(
            "nausea".into(),
            ItemAnswer { attributes: AttributeSet::FrequencySeverity, responses: Responses::new(Some(2), Some(1), None) },
        );
        answers.note = Some("x".repeat(MAX_NOTE));
        let mut ev = PatientEvent { id: Uuid::nil(), recorded_at: now, body: EventBody::CheckIn(answers.clone()) };
        assert_eq!(ev.validate(now), Ok(()));
        answers.note = Some("x".repeat(MAX_NOTE + 1));
        ev.body = EventBody::CheckIn(answers.clone());
        assert!(matches!(ev.validate(now), Err(ValidationError::CheckIn(_))));
        answers.note = None;
        answers.answers.get_mut("nausea").unwrap().responses.severity = None;
        ev.body = EventBody::CheckIn(answers);
        assert!(matches!(ev.validate(now), Err(ValidationError::CheckIn(_))), "severity is needed once frequency is not never");
    }
}
