//! This device's enrollment and the sync engine: the outbox drains to the server in batches whenever a
//! network is there, and the sync state is always visible.

use std::time::Duration;

use std::cell::RefCell;
use std::collections::HashSet;

use carepath_domain::sync::{
    DeviceProfile, Empty, EnrollRequest, EnrollResponse, ErrorCode, EventBody, PatientEvent, SyncRequest, SyncResponse, MAX_BATCH,
    PROFILE_DIARY_DAYS,
};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;
use leptos::prelude::*;
use leptos::task::spawn_local;

use carepath_ui::api::{self, ApiError};
use carepath_ui::format;
use crate::outbox::{self, Delivery, StorageUse, StoredEvent};

/// Before a device could hold several profiles it kept one token and one profile under these keys.
const LEGACY_TOKEN_KEY: &str = "device_token";
const LEGACY_PROFILE_KEY: &str = "profile";
/// The profiles on this device: a JSON list of [`Enrollment`]s.
const ENROLLMENTS_KEY: &str = "enrollments";
/// The key of the profile on screen.
const ACTIVE_KEY: &str = "active_profile";
const LAST_SYNC_KEY: &str = "last_synced";
/// Profiles that left this phone, to say so until the person taps OK: a JSON list of [`Ended`].
const ENDED_KEY: &str = "ended_profiles";
/// The key of the first profile on a device (and of events recorded before profiles existed).
pub const FIRST_PROFILE: &str = "default";
thread_local! {
    /// Guide views noted in this session, as (drug, day): a guard against two notes racing each other.
    static GUIDE_VIEWS_NOTED: RefCell<HashSet<(String, NaiveDate)>> = RefCell::new(HashSet::new());
}

/// How often to retry while something is waiting to be sent.
const RETRY_EVERY: Duration = Duration::from_secs(5);
/// While the app is on screen, the profile (and with it the pharmacy's messages) is fetched this often.
const POLL_VISIBLE_EVERY: Duration = Duration::from_secs(30);
/// A sync request with no answer by then counts as offline (a stalled network must never hang the engine).
const SYNC_TIMEOUT: Duration = Duration::from_secs(20);
/// The same for fetching the profile.
const PROFILE_TIMEOUT: Duration = Duration::from_secs(15);
/// Telling the server a profile leaves this phone: without an answer by then it goes anyway (the token then
/// expires unused).
const UNENROLL_TIMEOUT: Duration = Duration::from_secs(10);
/// Check-ins stay on the device this long after they were sent (the patient's own history and trends); other
/// acknowledged events only as long as the profile carries the diary back ([`PROFILE_DIARY_DAYS`]).
const CHECK_IN_KEEP_DAYS: i64 = 365;

/// The app PIN's state on this phone (`crate::pin`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    /// Not read yet.
    Unknown,
    /// No PIN: the store is in clear.
    Off,
    /// A PIN is set and not typed: nothing of the store can be read (nor sent).
    Locked,
    /// A PIN is set and typed: the data key is in memory.
    Open,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    Unknown,
    Online,
    Offline,
}

/// One person this device keeps a diary for: the patient's own enrollment, or a caregiver's for a patient.
/// Each has its own token, so the server knows who logged every record.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Enrollment {
    pub key: String,
    pub token: String,
    pub profile: DeviceProfile,
}

impl Enrollment {
    /// "Ana" for the patient's own profile, "Ana (you help as Maria)" for a caregiver's: the switcher's words.
    pub fn label(&self) -> String {
        match &self.profile.caregiver {
            Some(c) => carepath_ui::tr!("profile-label-caregiver", patient = self.profile.display_name.clone(), caregiver = c.name.clone()),
            None => self.profile.display_name.clone(),
        }
    }
}

/// Why a profile left this phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndedWhy {
    /// The pharmacy removed this phone's access (`device_revoked`).
    Revoked,
    /// The phone was out of touch past the server's idle limit (`device_expired`).
    Expired,
    /// "Remove this person from this phone", here.
    Removed,
}

/// A profile that left this phone: only the name stays, for the notice, until the person taps OK.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Ended {
    pub name: String,
    pub why: EndedWhy,
}

/// The server's word that a profile's token no longer works: wipe that profile, do not retry.
fn ended_by_server(error: &ApiError) -> Option<EndedWhy> {
    match error.code() {
        Some(ErrorCode::DeviceRevoked) => Some(EndedWhy::Revoked),
        Some(ErrorCode::DeviceExpired) => Some(EndedWhy::Expired),
        _ => None,
    }
}

/// Everything the patient screens need, provided as context.
#[derive(Clone, Copy)]
pub struct Device {
    /// The profile on screen. None until loaded from the device store; Some(None) when not enrolled.
    pub profile: RwSignal<Option<Option<DeviceProfile>>>,
    /// Every profile on this device.
    pub enrollments: RwSignal<Vec<Enrollment>>,
    /// The key of the profile on screen.
    pub active: RwSignal<Option<String>>,
    /// Every event the profile on screen recorded on this device (for today's doses and history).
    pub events: RwSignal<Vec<StoredEvent>>,
    pub waiting: RwSignal<usize>,
    pub refused: RwSignal<usize>,
    pub last_synced: RwSignal<Option<DateTime<Utc>>>,
    pub connection: RwSignal<Connection>,
    pub syncing: RwSignal<bool>,
    /// A device-store failure to show (never silently lose a record).
    pub storage_error: RwSignal<Option<String>>,
    /// How much the app stores on this phone, when the browser says.
    pub storage: RwSignal<Option<StorageUse>>,
    /// Profiles that left this phone, said on screen until OK.
    pub ended: RwSignal<Vec<Ended>>,
    /// Whether the app PIN locks this phone's store.
    pub lock: RwSignal<Lock>,
    /// A sync was asked for while one ran (e.g. a record just made): the running one goes round again.
    sync_again: StoredValue<bool>,
}

/// Sets `syncing` back to false however a sync ends (an early return, an error, a panic).
struct SyncingGuard(RwSignal<bool>);

impl Drop for SyncingGuard {
    fn drop(&mut self) {
        self.0.set(false);
    }
}

/// The device store of one profile, for [`outbox::drain`]; keeps the screens' copy of the profile on screen in step.
struct ProfileOutbox<'a> {
    device: Device,
    owner: &'a str,
}

impl outbox::Outbox for ProfileOutbox<'_> {
    async fn pending(&self) -> Result<Vec<PatientEvent>, outbox::StoreError> {
        outbox::pending(self.owner).await
    }
    async fn mark(&self, ids: &[Uuid], delivery: Delivery) -> Result<(), outbox::StoreError> {
        outbox::mark(ids, delivery).await?;
        if self.device.active.get_untracked().as_deref() == Some(self.owner) {
            self.device.mark_on_screen(ids, delivery);
        }
        Ok(())
    }
    async fn delivery_of(&self, id: Uuid) -> Result<Option<Delivery>, outbox::StoreError> {
        outbox::delivery_of(id).await
    }
}

/// The server's sync endpoint, with this profile's token.
struct SyncEndpoint<'a> {
    token: &'a str,
}

impl outbox::Transport for SyncEndpoint<'_> {
    async fn send(&self, events: &[PatientEvent]) -> Result<Vec<Uuid>, ApiError> {
        let request = SyncRequest { events: events.to_vec() };
        let ack: SyncResponse = api::post_within("/api/device/sync", &request, Some(self.token), SYNC_TIMEOUT).await?;
        Ok(ack.acknowledged)
    }
}

impl Device {
    pub fn new() -> Self {
        let device = Device {
            profile: RwSignal::new(None),
            enrollments: RwSignal::new(Vec::new()),
            active: RwSignal::new(None),
            events: RwSignal::new(Vec::new()),
            waiting: RwSignal::new(0),
            refused: RwSignal::new(0),
            last_synced: RwSignal::new(None),
            connection: RwSignal::new(Connection::Unknown),
            syncing: RwSignal::new(false),
            storage_error: RwSignal::new(None),
            storage: RwSignal::new(None),
            ended: RwSignal::new(Vec::new()),
            lock: RwSignal::new(Lock::Unknown),
            sync_again: StoredValue::new(false),
        };
        spawn_local(async move { device.load().await });
        device.start_background_sync();
        crate::shell::keep_call_numbers(device);
        crate::pin::lock_when_idle(device);
        device
    }

    async fn load(self) {
        // With a PIN, the app starts locked: only what waits is counted (an index count, nothing is read).
        match outbox::pin_state().await {
            Ok(pin) if pin.set && !pin.open => {
                self.lock.set(Lock::Locked);
                self.profile.set(Some(None));
                self.refresh_counts().await;
                return;
            }
            Ok(pin) => self.lock.set(if pin.set { Lock::Open } else { Lock::Off }),
            Err(e) => self.storage_error.set(Some(e.to_string())),
        }
        // What the first screen needs, in one read of the store (the app's start waits on it).
        let settings = outbox::get_settings([ENROLLMENTS_KEY, ACTIVE_KEY, LAST_SYNC_KEY, LEGACY_TOKEN_KEY, ENDED_KEY]).await;
        let [enrollments, saved_active, last_synced, legacy_token, ended] = settings.unwrap_or_else(|e| {
            self.storage_error.set(Some(e.to_string()));
            Default::default()
        });
        let enrollments = match enrollments {
            Some(json) => serde_json::from_str::<Vec<Enrollment>>(&json).unwrap_or_default(),
            None => self.legacy_enrollment(legacy_token).await.into_iter().collect(),
        };
        if let Some(ts) = last_synced {
            self.last_synced.set(ts.parse().ok());
        }
        if let Some(json) = ended {
            self.ended.set(serde_json::from_str(&json).unwrap_or_default());
        }
        let active = saved_active
            .clone()
            .filter(|key| enrollments.iter().any(|e| e.key == *key))
            .or_else(|| enrollments.first().map(|e| e.key.clone()));
        self.enrollments.set(enrollments);
        // Reading the store and drawing the first screen are two tasks, not one long one: on a slow phone a tap
        // or a paint gets its turn between them (issue #13, total blocking time).
        gloo::timers::future::TimeoutFuture::new(0).await;
        // The screen shows at once; its events follow. Old acknowledged events go before they are read: a screen
        // never reads what it does not need.
        self.put_on_screen(active.clone());
        self.prune().await;
        self.refresh_local().await;
        if let Some(key) = active.filter(|key| saved_active.as_ref() != Some(key)) {
            let _ = outbox::set_setting(ACTIVE_KEY, &key).await;
        }
        self.sync().await;
    }

    /// The one profile a device kept before it could hold several, if any.
    async fn legacy_enrollment(self, token: Option<String>) -> Option<Enrollment> {
        let token = token?;
        let json = outbox::get_setting(LEGACY_PROFILE_KEY).await.ok().flatten().unwrap_or_default();
        // A profile saved by an older app may not read any more (regimens gained cycles): ask the server again.
        let profile = match serde_json::from_str::<DeviceProfile>(&json) {
            Ok(profile) => profile,
            Err(_) => api::get::<DeviceProfile>("/api/device/profile", Some(&token)).await.ok()?,
        };
        Some(Enrollment { key: FIRST_PROFILE.into(), token, profile })
    }

    /// Removes acknowledged events the screens no longer need; returns whether any went.
    async fn prune(self) -> bool {
        let now = Utc::now();
        let before = now - chrono::Duration::days(PROFILE_DIARY_DAYS as i64);
        let check_ins_before = now - chrono::Duration::days(CHECK_IN_KEEP_DAYS);
        match outbox::prune_sent(before, check_ins_before).await {
            Ok(removed) => removed > 0,
            Err(e) => {
                self.storage_error.set(Some(e.to_string()));
                false
            }
        }
    }

    /// Puts the profile `key` on screen (none: the enrollment screen).
    pub async fn show(self, key: Option<String>) {
        self.put_on_screen(key.clone());
        self.refresh_local().await;
        if let Some(k) = &key {
            let _ = outbox::set_setting(ACTIVE_KEY, k).await;
        }
    }

    /// Puts a profile on screen, before its events are read ([`Device::refresh_local`]): on a switch to another
    /// person the events on screen are emptied first, so one person's events never show under another's name.
    fn put_on_screen(self, key: Option<String>) {
        let profile = key.as_ref().and_then(|k| self.enrollments.with_untracked(|list| list.iter().find(|e| e.key == *k).map(|e| e.profile.clone())));
        if self.active.get_untracked() != key {
            self.events.set(Vec::new());
        }
        self.active.set(key);
        self.profile.set(Some(profile));
    }

    async fn save_enrollments(self) {
        let json = self.enrollments.with_untracked(|list| serde_json::to_string(list).unwrap_or_default());
        if let Err(e) = outbox::set_setting(ENROLLMENTS_KEY, &json).await {
            self.storage_error.set(Some(e.to_string()));
        }
    }

    /// Re-reads the device store into the signals: the profile on screen's events (through an index: no other
    /// profile's), and the waiting and refused counts over every profile (nothing on this phone may go unnoticed).
    pub async fn refresh_local(self) {
        let active = self.active.get_untracked();
        let events = match &active {
            Some(owner) => outbox::of_owner(owner).await,
            None => Ok(Vec::new()),
        };
        match events {
            // The profile on screen may have changed while reading.
            Ok(events) if self.active.get_untracked() == active => self.events.set(events),
            Ok(_) => {}
            Err(e) => self.storage_error.set(Some(e.to_string())),
        }
        self.refresh_counts().await;
    }

    /// The waiting and refused counts over every profile: index counts, nothing is read.
    async fn refresh_counts(self) {
        match (outbox::count(Delivery::Waiting).await, outbox::count(Delivery::Refused).await) {
            (Ok(waiting), Ok(refused)) => {
                self.waiting.set(waiting);
                self.refused.set(refused);
            }
            (Err(e), _) | (_, Err(e)) => self.storage_error.set(Some(e.to_string())),
        }
    }

    /// Marks events of the profile on screen in the screens' copy (the store is already marked).
    fn mark_on_screen(self, ids: &[Uuid], delivery: Delivery) {
        let ids: HashSet<&Uuid> = ids.iter().collect();
        if self.events.with_untracked(|events| events.iter().any(|e| ids.contains(&e.event.id) && e.delivery != delivery)) {
            self.events.update(|events| {
                for e in events.iter_mut().filter(|e| ids.contains(&e.event.id)) {
                    e.delivery = delivery;
                }
            });
        }
    }

    /// Adds a profile with a one-time code (the patient's, or a caregiver's) and puts it on screen.
    pub async fn enroll(self, code: String) -> Result<(), ApiError> {
        let response: EnrollResponse = api::post("/api/enroll", &EnrollRequest { code }, None).await?;
        let key = if self.enrollments.with_untracked(Vec::is_empty) { FIRST_PROFILE.to_string() } else { Uuid::new_v4().to_string() };
        self.enrollments.update(|list| list.push(Enrollment { key: key.clone(), token: response.device_token, profile: response.profile }));
        self.save_enrollments().await;
        // Ask the browser to keep our data even under storage pressure.
        let _ = outbox::request_persistent_storage().await;
        self.connection.set(Connection::Online);
        self.show(Some(key)).await;
        Ok(())
    }

    /// Records an event on the device first; then tries to send it. Returns once it is safely stored.
    pub async fn record(self, event: PatientEvent) -> Result<(), String> {
        let owner = self.active.get_untracked().unwrap_or_else(|| FIRST_PROFILE.to_string());
        if let Err(e) = outbox::add(&event, &owner).await {
            self.storage_error.set(Some(e.to_string()));
            return Err(e.to_string());
        }
        // The screens' copy grows by this one event: nothing else is read again (a tap answers at once however
        // much the phone holds).
        if self.active.get_untracked().as_deref() == Some(owner.as_str()) {
            let stored = StoredEvent { event, delivery: Delivery::Waiting, owner };
            self.events.update(|events| {
                let key = |e: &StoredEvent| std::cmp::Reverse((e.event.recorded_at, e.event.id));
                let at = events.partition_point(|e| key(e) < key(&stored));
                events.insert(at, stored);
            });
        }
        self.waiting.update(|n| *n += 1);
        spawn_local(async move { self.sync().await });
        Ok(())
    }

    /// Notes that the patient opened a guide, through the outbox like any record: at most once per drug per
    /// day on this device. Does nothing before enrollment.
    pub async fn record_guide_view(self, drug: String, lang: String) {
        if self.active.get_untracked().is_none() {
            return;
        }
        let today = format::today();
        if !GUIDE_VIEWS_NOTED.with(|noted| noted.borrow_mut().insert((drug.clone(), today))) {
            return;
        }
        // The device store is the memory across reloads (sent events stay in it, marked sent, for weeks). Read
        // from the store, not the screens' copy: a guide opened right after a reload comes before that is loaded.
        let Some(owner) = self.active.get_untracked() else { return };
        let Ok(stored) = outbox::of_owner(&owner).await else { return };
        let already = stored.iter().any(|e| {
            matches!(&e.event.body, EventBody::GuideViewed { drug: d, .. } if *d == drug)
                && e.event.recorded_at.with_timezone(&chrono::Local).date_naive() == today
        });
        if !already {
            let body = EventBody::GuideViewed { drug, lang };
            let _ = self.record(PatientEvent { id: Uuid::new_v4(), recorded_at: Utc::now(), body }).await;
        }
    }

    /// Sends everything waiting, profile by profile and batch by batch, then refreshes each profile. Safe to
    /// call at any time. Every request has a timeout, and `syncing` is reset however this ends, so a stalled
    /// network never stops the next try.
    pub async fn sync(self) {
        if self.enrollments.with_untracked(Vec::is_empty) {
            return;
        }
        if self.syncing.get_untracked() {
            // Never lost: what was just recorded goes in the running sync's next round.
            self.sync_again.set_value(true);
            return;
        }
        self.syncing.set(true);
        let _guard = SyncingGuard(self.syncing);
        loop {
            self.sync_again.set_value(false);
            self.sync_round().await;
            // Offline: the retry timer tries again.
            if !self.sync_again.get_value() || self.connection.get_untracked() == Connection::Offline {
                break;
            }
        }
    }

    /// One pass of [`Device::sync`] over every profile.
    async fn sync_round(self) {
        let enrollments = self.enrollments.get_untracked();
        let mut outcome = Ok(());
        let mut sent = 0;
        let mut ended = Vec::new();
        for enrollment in &enrollments {
            let store = ProfileOutbox { device: self, owner: &enrollment.key };
            let result = outbox::drain(&store, &SyncEndpoint { token: &enrollment.token }, MAX_BATCH).await;
            let mut end = result.as_ref().err().and_then(ended_by_server);
            if let Ok(done) = &result {
                sent += done.sent;
                match api::get_within::<DeviceProfile>("/api/device/profile", Some(&enrollment.token), PROFILE_TIMEOUT).await {
                    Ok(profile) => {
                        self.enrollments.update(|list| {
                            if let Some(e) = list.iter_mut().find(|e| e.key == enrollment.key) {
                                e.profile = profile.clone();
                            }
                        });
                        if self.active.get_untracked().as_deref() == Some(enrollment.key.as_str()) {
                            self.profile.set(Some(Some(profile)));
                        }
                    }
                    Err(e) if ended_by_server(&e).is_some() => end = ended_by_server(&e),
                    // No answer: as offline (the events went, but the phone cannot say it is connected).
                    Err(ApiError::Offline) if outcome.is_ok() => outcome = Err(ApiError::Offline),
                    Err(_) => {}
                }
            }
            // The pharmacy removed this phone's access (or it expired): that profile leaves; the others go on.
            if let Some(why) = end {
                ended.push((enrollment.key.clone(), why));
                continue;
            }
            if outcome.is_ok() {
                outcome = result.map(|_| ());
            }
        }
        for (key, why) in ended {
            if let Err(e) = self.end_profile(&key, why).await {
                self.storage_error.set(Some(e.to_string()));
            }
        }
        if self.enrollments.with_untracked(Vec::is_empty) {
            return;
        }
        self.save_enrollments().await;
        match outcome {
            Ok(()) => {
                self.connection.set(Connection::Online);
                let now = Utc::now();
                self.last_synced.set(Some(now));
                let _ = outbox::set_setting(LAST_SYNC_KEY, &now.to_rfc3339()).await;
            }
            Err(ApiError::Offline) => self.connection.set(Connection::Offline),
            Err(_) => self.connection.set(Connection::Online),
        }
        // What was sent stays only as long as the screens need it.
        if sent > 0 && self.prune().await {
            self.refresh_local().await;
        } else {
            self.refresh_counts().await;
        }
        let storage = outbox::storage_use().await;
        if self.storage.get_untracked() != storage {
            self.storage.set(storage);
        }
    }

    /// Takes profile `key` off this phone: all its events (waiting ones too), its entry with the token and the
    /// profile, and, when it was the last, everything the app kept (settings, the saved call numbers). Only the
    /// person's name stays, for the notice. Other profiles are not touched. Nothing is changed when the events
    /// cannot be deleted.
    pub async fn end_profile(self, key: &str, why: EndedWhy) -> Result<(), outbox::StoreError> {
        let Some(gone) = self.enrollments.with_untracked(|list| list.iter().find(|e| e.key == key).cloned()) else { return Ok(()) };
        outbox::delete_owner(key).await?;
        self.enrollments.update(|list| list.retain(|e| e.key != key));
        let last = self.enrollments.with_untracked(Vec::is_empty);
        if last {
            outbox::clear().await?;
            crate::shell::forget_call_numbers();
            self.last_synced.set(None);
        } else {
            self.save_enrollments().await;
        }
        self.ended.update(|list| list.push(Ended { name: gone.profile.display_name.clone(), why }));
        self.save_ended().await;
        if last || self.active.get_untracked().as_deref() == Some(key) {
            let next = self.enrollments.with_untracked(|list| list.first().map(|e| e.key.clone()));
            self.show(next).await;
        } else {
            self.refresh_counts().await;
        }
        Ok(())
    }

    /// "Remove this person from this phone": the token is ended at the server when it answers (a copy of it
    /// then stops working too), then the profile leaves this phone ([`Device::end_profile`]). Sending what waits
    /// first, or saying what would be lost, is the screen's part.
    pub async fn remove_profile(self, key: &str) -> Result<(), outbox::StoreError> {
        if let Some(token) = self.enrollments.with_untracked(|list| list.iter().find(|e| e.key == key).map(|e| e.token.clone())) {
            let _ = api::post_within::<_, Empty>("/api/device/unenroll", &Empty {}, Some(&token), UNENROLL_TIMEOUT).await;
        }
        self.end_profile(key, EndedWhy::Removed).await
    }

    /// How many records of profile `key` have not reached the pharmacy (waiting, or refused).
    pub async fn unsent(self, key: &str) -> Result<usize, outbox::StoreError> {
        Ok(outbox::of_owner(key).await?.iter().filter(|e| e.delivery != Delivery::Sent).count())
    }

    /// A sync now, after the one running (if any) has ended: for a screen that must know what it sent.
    pub async fn sync_and_wait(self) {
        for _ in 0..150 {
            if !self.syncing.get_untracked() {
                break;
            }
            gloo::timers::future::TimeoutFuture::new(200).await;
        }
        self.sync().await;
    }

    /// Tries the PIN; once it opens the store, the app reads it as at a start (and sends what waits).
    pub async fn unlock(self, pin: &str) -> Result<outbox::PinState, outbox::StoreError> {
        let state = outbox::unlock(pin).await?;
        if state.open && self.lock.get_untracked() == Lock::Locked {
            // "Loading" until the profile is read, never the enroll screen.
            self.profile.set(None);
            self.lock.set(Lock::Open);
            spawn_local(async move { self.load().await });
        }
        Ok(state)
    }

    /// Locks the app (a PIN is set): the data key leaves memory, and so does every profile and record on screen.
    /// A sync then finds no profile to send for; what waits stays counted.
    pub fn lock_now(self) {
        if self.lock.get_untracked() != Lock::Open {
            return;
        }
        outbox::lock_now();
        self.lock.set(Lock::Locked);
        self.enrollments.set(Vec::new());
        self.events.set(Vec::new());
        self.ended.set(Vec::new());
        self.active.set(None);
        self.profile.set(Some(None));
    }

    /// Turns the PIN on: everything stored is encrypted; the app stays open.
    pub async fn set_pin(self, pin: &str) -> Result<(), outbox::StoreError> {
        let state = outbox::set_pin(pin).await?;
        self.lock.set(if state.open { Lock::Open } else { Lock::Locked });
        Ok(())
    }

    /// Turns the PIN off (typed again); the answer says whether it was right.
    pub async fn remove_pin(self, pin: &str) -> Result<outbox::PinState, outbox::StoreError> {
        let state = outbox::remove_pin(pin).await?;
        if !state.set {
            self.lock.set(Lock::Off);
        }
        Ok(state)
    }

    /// "Forgot the PIN?": deletes everything the app keeps on this phone (it cannot be read without the PIN, nor
    /// sent: the tokens are encrypted too), the saved call numbers and the browser's push subscription. The phone
    /// then shows the enroll screen; a new code connects it again.
    pub async fn erase(self) -> Result<(), outbox::StoreError> {
        outbox::clear().await?;
        crate::shell::forget_call_numbers();
        crate::reminders::forget_browser_subscription().await;
        self.last_synced.set(None);
        self.lock.set(Lock::Off);
        self.refresh_counts().await;
        Ok(())
    }

    async fn save_ended(self) {
        let json = self.ended.with_untracked(|list| serde_json::to_string(list).unwrap_or_default());
        let _ = outbox::set_setting(ENDED_KEY, &json).await;
    }

    /// The person tapped OK on the notices of profiles that left.
    pub async fn dismiss_ended(self) {
        self.ended.set(Vec::new());
        self.save_ended().await;
    }

    fn start_background_sync(self) {
        // Retry on a timer while anything waits, and as soon as the browser says the network is back.
        let interval = gloo::timers::callback::Interval::new(RETRY_EVERY.as_millis() as u32, move || {
            if self.waiting.get_untracked() > 0 || self.connection.get_untracked() == Connection::Offline {
                spawn_local(async move { self.sync().await });
            }
        });
        interval.forget();
        let online = gloo::events::EventListener::new(&window(), "online", move |_| {
            spawn_local(async move { self.sync().await });
        });
        online.forget();
        let offline = gloo::events::EventListener::new(&window(), "offline", move |_| {
            self.connection.set(Connection::Offline);
        });
        offline.forget();
        // A reply from the pharmacy must reach an open app: while the page is visible, refresh every
        // POLL_VISIBLE_EVERY, and at once when the page becomes visible again. Never a second sync at a time.
        let poll = gloo::timers::callback::Interval::new(POLL_VISIBLE_EVERY.as_millis() as u32, move || self.sync_if_visible());
        poll.forget();
        let visible = gloo::events::EventListener::new(&document(), "visibilitychange", move |_| self.sync_if_visible());
        visible.forget();
    }

    /// A sync when the page is on screen and none is running.
    fn sync_if_visible(self) {
        if !document().hidden() && !self.syncing.get_untracked() {
            spawn_local(async move { self.sync().await });
        }
    }
}
