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

const TOKEN_KEY: &str = "device_token";
const PROFILE_KEY: &str = "profile";
const LAST_SYNC_KEY: &str = "last_synced";
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

/// Everything the patient screens need, provided as context.
#[derive(Clone, Copy)]
pub struct Device {
    /// None until loaded from the device store; Some(None) when not enrolled.
    pub profile: RwSignal<Option<Option<DeviceProfile>>>,
    token: RwSignal<Option<String>>,
    /// Every event recorded on this device (for today's doses and history).
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
            token: RwSignal::new(None),
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
        let token = outbox::get_setting(TOKEN_KEY).await.ok().flatten();
        let profile = match outbox::get_setting(PROFILE_KEY).await {
            Ok(Some(json)) => serde_json::from_str::<DeviceProfile>(&json).ok(),
            _ => None,
        };
        if let Ok(Some(ts)) = outbox::get_setting(LAST_SYNC_KEY).await {
            self.last_synced.set(ts.parse().ok());
        }
        self.token.set(token.clone());
        self.profile.set(Some(profile.filter(|_| token.is_some())));
        self.refresh_local().await;
        if token.is_some() {
            self.sync().await;
        }
    }

    /// Re-reads the device store into the signals.
    pub async fn refresh_local(self) {
        match outbox::all().await {
            Ok(mut events) => {
                events.sort_by_key(|e| std::cmp::Reverse(e.event.recorded_at));
                self.waiting.set(events.iter().filter(|e| e.delivery == Delivery::Waiting).count());
                self.refused.set(events.iter().filter(|e| e.delivery == Delivery::Refused).count());
                self.events.set(events);
            }
            Err(e) => self.storage_error.set(Some(e.to_string())),
        }
    }

    pub async fn enroll(self, code: String) -> Result<(), ApiError> {
        let response: EnrollResponse = api::post("/api/enroll", &EnrollRequest { code }, None).await?;
        let saved = async {
            outbox::set_setting(TOKEN_KEY, &response.device_token).await?;
            let profile = serde_json::to_string(&response.profile).unwrap_or_default();
            outbox::set_setting(PROFILE_KEY, &profile).await
        };
        if let Err(e) = saved.await {
            self.storage_error.set(Some(e.to_string()));
        }
        // Ask the browser to keep our data even under storage pressure.
        let _ = outbox::request_persistent_storage().await;
        self.token.set(Some(response.device_token));
        self.profile.set(Some(Some(response.profile)));
        self.connection.set(Connection::Online);
        Ok(())
    }

    /// Records an event on the device first; then tries to send it. Returns once it is safely stored.
    pub async fn record(self, event: PatientEvent) -> Result<(), String> {
        if let Err(e) = outbox::add(&event).await {
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
        if self.token.get_untracked().is_none() {
            return;
        }
        let today = format::today();
        if !GUIDE_VIEWS_NOTED.with(|noted| noted.borrow_mut().insert((drug.clone(), today))) {
            return;
        }
        // The device store is the memory across reloads (sent events stay in it, marked sent).
        let Ok(stored) = outbox::all().await else { return };
        let already = stored.iter().any(|e| {
            matches!(&e.event.body, EventBody::GuideViewed { drug: d, .. } if *d == drug)
                && e.event.recorded_at.with_timezone(&chrono::Local).date_naive() == today
        });
        if !already {
            let body = EventBody::GuideViewed { drug, lang };
            let _ = self.record(PatientEvent { id: Uuid::new_v4(), recorded_at: Utc::now(), body }).await;
        }
    }

    /// Sends everything waiting, batch by batch, then refreshes the profile. Safe to call at any time.
    pub async fn sync(self) {
        let Some(token) = self.token.get_untracked() else { return };
        if self.syncing.get_untracked() {
            return;
        }
        self.syncing.set(true);
        let result = self.drain(&token).await;
        match result {
            Ok(()) => {
                self.connection.set(Connection::Online);
                let now = Utc::now();
                self.last_synced.set(Some(now));
                let _ = outbox::set_setting(LAST_SYNC_KEY, &now.to_rfc3339()).await;
                if let Ok(profile) = api::get::<DeviceProfile>("/api/device/profile", Some(&token)).await {
                    let _ = outbox::set_setting(PROFILE_KEY, &serde_json::to_string(&profile).unwrap_or_default()).await;
                    self.profile.set(Some(Some(profile)));
                }
            }
            Err(ApiError::Offline) => self.connection.set(Connection::Offline),
            Err(_) => self.connection.set(Connection::Online),
        }
        self.refresh_local().await;
        self.syncing.set(false);
    }

    async fn drain(self, token: &str) -> Result<(), ApiError> {
        loop {
            let batch = outbox::pending(MAX_BATCH).await.map_err(|_| ApiError::Offline)?;
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
