//! This device's enrollment and the sync engine: the outbox drains to the server in batches whenever a
//! network is there, and the sync state is always visible.

use std::time::Duration;

use std::cell::RefCell;
use std::collections::HashSet;

use carepath_domain::sync::{
    DeviceProfile, EnrollRequest, EnrollResponse, EventBody, PatientEvent, SyncRequest, SyncResponse, MAX_BATCH,
};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::format;
use crate::outbox::{self, Delivery, StoredEvent};

/// Before a device could hold several profiles it kept one token and one profile under these keys.
const LEGACY_TOKEN_KEY: &str = "device_token";
const LEGACY_PROFILE_KEY: &str = "profile";
/// The profiles on this device: a JSON list of [`Enrollment`]s.
const ENROLLMENTS_KEY: &str = "enrollments";
/// The key of the profile on screen.
const ACTIVE_KEY: &str = "active_profile";
const LAST_SYNC_KEY: &str = "last_synced";
/// The key of the first profile on a device (and of events recorded before profiles existed).
pub const FIRST_PROFILE: &str = "default";
thread_local! {
    /// Guide views noted in this session, as (drug, day): a guard against two notes racing each other.
    static GUIDE_VIEWS_NOTED: RefCell<HashSet<(String, NaiveDate)>> = RefCell::new(HashSet::new());
}

/// How often to retry while something is waiting to be sent.
const RETRY_EVERY: Duration = Duration::from_secs(5);

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
            Some(c) => crate::tr!("profile-label-caregiver", patient = self.profile.display_name.clone(), caregiver = c.name.clone()),
            None => self.profile.display_name.clone(),
        }
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
        };
        spawn_local(async move { device.load().await });
        device.start_background_sync();
        device
    }

    async fn load(self) {
        let enrollments = match outbox::get_setting(ENROLLMENTS_KEY).await {
            Ok(Some(json)) => serde_json::from_str::<Vec<Enrollment>>(&json).unwrap_or_default(),
            _ => self.legacy_enrollment().await.into_iter().collect(),
        };
        let active = outbox::get_setting(ACTIVE_KEY).await.ok().flatten();
        if let Ok(Some(ts)) = outbox::get_setting(LAST_SYNC_KEY).await {
            self.last_synced.set(ts.parse().ok());
        }
        let active = active.filter(|key| enrollments.iter().any(|e| e.key == *key)).or_else(|| enrollments.first().map(|e| e.key.clone()));
        self.enrollments.set(enrollments);
        self.show(active).await;
        self.sync().await;
    }

    /// The one profile a device kept before it could hold several, if any.
    async fn legacy_enrollment(self) -> Option<Enrollment> {
        let token = outbox::get_setting(LEGACY_TOKEN_KEY).await.ok().flatten()?;
        let json = outbox::get_setting(LEGACY_PROFILE_KEY).await.ok().flatten().unwrap_or_default();
        // A profile saved by an older app may not read any more (regimens gained cycles): ask the server again.
        let profile = match serde_json::from_str::<DeviceProfile>(&json) {
            Ok(profile) => profile,
            Err(_) => api::get::<DeviceProfile>("/api/device/profile", Some(&token)).await.ok()?,
        };
        Some(Enrollment { key: FIRST_PROFILE.into(), token, profile })
    }

    /// Puts the profile `key` on screen (none: the enrollment screen).
    pub async fn show(self, key: Option<String>) {
        let profile = key.as_ref().and_then(|k| self.enrollments.with_untracked(|list| list.iter().find(|e| e.key == *k).map(|e| e.profile.clone())));
        if let Some(k) = &key {
            let _ = outbox::set_setting(ACTIVE_KEY, k).await;
        }
        self.active.set(key);
        self.profile.set(Some(profile));
        self.refresh_local().await;
    }

    async fn save_enrollments(self) {
        let json = self.enrollments.with_untracked(|list| serde_json::to_string(list).unwrap_or_default());
        if let Err(e) = outbox::set_setting(ENROLLMENTS_KEY, &json).await {
            self.storage_error.set(Some(e.to_string()));
        }
    }

    /// Re-reads the device store into the signals: the profile on screen's events; waiting and refused counts
    /// over every profile (nothing on this phone may go unnoticed).
    pub async fn refresh_local(self) {
        match outbox::all().await {
            Ok(mut events) => {
                events.sort_by_key(|e| std::cmp::Reverse(e.event.recorded_at));
                self.waiting.set(events.iter().filter(|e| e.delivery == Delivery::Waiting).count());
                self.refused.set(events.iter().filter(|e| e.delivery == Delivery::Refused).count());
                let active = self.active.get_untracked();
                events.retain(|e| Some(&e.owner) == active.as_ref());
                self.events.set(events);
            }
            Err(e) => self.storage_error.set(Some(e.to_string())),
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
        self.refresh_local().await;
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
        // The device store is the memory across reloads (sent events stay in it, marked sent).
        let Ok(stored) = outbox::all().await else { return };
        let active = self.active.get_untracked();
        let already = stored.iter().filter(|e| Some(&e.owner) == active.as_ref()).any(|e| {
            matches!(&e.event.body, EventBody::GuideViewed { drug: d, .. } if *d == drug)
                && e.event.recorded_at.with_timezone(&chrono::Local).date_naive() == today
        });
        if !already {
            let body = EventBody::GuideViewed { drug, lang };
            let _ = self.record(PatientEvent { id: Uuid::new_v4(), recorded_at: Utc::now(), body }).await;
        }
    }

    /// Sends everything waiting, profile by profile and batch by batch, then refreshes each profile. Safe to
    /// call at any time.
    pub async fn sync(self) {
        let enrollments = self.enrollments.get_untracked();
        if enrollments.is_empty() || self.syncing.get_untracked() {
            return;
        }
        self.syncing.set(true);
        let mut outcome = Ok(());
        for enrollment in &enrollments {
            let result = self.drain(&enrollment.key, &enrollment.token).await;
            if result.is_ok() {
                if let Ok(profile) = api::get::<DeviceProfile>("/api/device/profile", Some(&enrollment.token)).await {
                    self.enrollments.update(|list| {
                        if let Some(e) = list.iter_mut().find(|e| e.key == enrollment.key) {
                            e.profile = profile.clone();
                        }
                    });
                    if self.active.get_untracked().as_deref() == Some(enrollment.key.as_str()) {
                        self.profile.set(Some(Some(profile)));
                    }
                }
            }
            if outcome.is_ok() {
                outcome = result;
            }
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
        self.refresh_local().await;
        self.syncing.set(false);
    }

    async fn drain(self, owner: &str, token: &str) -> Result<(), ApiError> {
        loop {
            let batch = outbox::pending(MAX_BATCH, owner).await.map_err(|_| ApiError::Offline)?;
            if batch.is_empty() {
                return Ok(());
            }
            let request = SyncRequest { events: batch };
            match api::post::<_, SyncResponse>("/api/device/sync", &request, Some(token)).await {
                Ok(ack) => {
                    outbox::mark(&ack.acknowledged, Delivery::Sent).await.map_err(|_| ApiError::Offline)?;
                }
                // The server refused the batch for its content: send the events one by one so one bad
                // record never holds back the others; keep the refused ones on the device, marked.
                Err(ApiError::Server { status: 413 | 422 | 400, .. }) => {
                    for event in request.events {
                        let one = SyncRequest { events: vec![event.clone()] };
                        match api::post::<_, SyncResponse>("/api/device/sync", &one, Some(token)).await {
                            Ok(_) => outbox::mark(&[event.id], Delivery::Sent).await,
                            Err(ApiError::Server { status: 400 | 422, .. }) => outbox::mark(&[event.id], Delivery::Refused).await,
                            Err(other) => return Err(other),
                        }
                        .map_err(|_| ApiError::Offline)?;
                    }
                }
                Err(other) => return Err(other),
            }
        }
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
    }
}
