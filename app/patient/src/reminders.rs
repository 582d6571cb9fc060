//! Dose reminders on the device (issue #4): the reminders card on Today (what reminders do, the permission flow,
//! quiet hours, a caregiver's "tell me when a dose is overdue", turning off), `?snooze=<line>/<date>/<slot>` from
//! a notification's "Snooze 15 min", and the in-app reminder banner while the app is open.
//!
//! Web Push itself is sent by the server at dose times computed from the regimen (see `server/src/reminders.rs`);
//! this browser's push subscription is handed to the server once per profile on this phone (each profile has its own
//! device token, and the server keeps one subscription per token). The browser side of PushManager and the
//! notification permission live in `push.js`.
//!
//! Everything that decides something (quiet hours and minutes as typed, the snooze query, iOS without the Home
//! Screen, which dose the banner names) is a pure function with tests at the bottom.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};

use carepath_domain::push::{PushKey, PushSubscriptionRequest, SnoozeRequest, SubscriptionKeys, OVERDUE_MINUTES};
use carepath_domain::regimen::{DoseSlot, RegimenLine};
use carepath_domain::reminders::{due_reminders_in, QuietHours, ReminderKind, ReminderSettings, Snoozes};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use gloo::net::http::{Request, RequestBuilder};
use gloo::storage::Storage as _;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use wasm_bindgen::prelude::*;

use carepath_ui::api::ApiError;
use crate::device::{Device, Enrollment};
use crate::diary::{current_record, merge_records, DoseRecord};
use crate::outbox;
use carepath_ui::regimen_text::time_text;
use carepath_ui::tr;
use carepath_ui::text;

#[wasm_bindgen(module = "/src/push.js")]
extern "C" {
    #[wasm_bindgen(js_name = pushSupport)]
    fn push_support_js() -> String;
    #[wasm_bindgen(catch, js_name = requestPermission)]
    async fn request_permission_js() -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = currentSubscription)]
    async fn current_subscription_js() -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = subscribe)]
    async fn subscribe_js(public_key: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = unsubscribe)]
    async fn unsubscribe_js() -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = clearQuery)]
    fn clear_query_js();
    #[wasm_bindgen(js_name = showDose)]
    fn show_dose_js(name_id: &str) -> bool;
}

/// How long a snooze from a notification lasts (the service worker's button says 15 min).
pub const SNOOZE_MINUTES: u16 = 15;
/// The banner names a dose from its time until this long after (later, Today's list still shows it unlogged).
pub const BANNER_WINDOW_MINUTES: i64 = 120;
/// The device-store key of the reminder settings.
const SETTINGS_KEY: &str = "reminders";
/// Local storage: doses whose banner was closed, and doses snoozed on this phone.
const BANNER_KEY: &str = "carepath.reminder_banner";
/// The subscription is handed to the server again at least this often (the server drops expired ones).
const REFRESH_HOURS: i64 = 24;

// ---- pure helpers -------------------------------------------------------------------------------------------

/// A time as an `<input type="time">` gives it ("HH:MM", sometimes "HH:MM:SS").
pub fn parse_time(value: &str) -> Option<NaiveTime> {
    let value = value.trim();
    NaiveTime::parse_from_str(value, "%H:%M").or_else(|_| NaiveTime::parse_from_str(value, "%H:%M:%S")).ok()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuietError {
    /// One time given, the other not (or not a time).
    Incomplete,
    /// Both the same: no quiet hours at all, or all day?
    Same,
}

/// Quiet hours from the two time inputs: both empty is none; they may wrap midnight (22:00–07:00).
pub fn parse_quiet_hours(start: &str, end: &str) -> Result<Option<QuietHours>, QuietError> {
    if start.trim().is_empty() && end.trim().is_empty() {
        return Ok(None);
    }
    let (Some(start), Some(end)) = (parse_time(start), parse_time(end)) else { return Err(QuietError::Incomplete) };
    QuietHours { start, end }.validated().map(Some).map_err(|_| QuietError::Same)
}

/// Minutes that are not a whole number from 5 to 720.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidMinutes;

/// "Tell me when a dose is overdue by N minutes": empty is off, otherwise 5 to 720.
pub fn parse_overdue(value: &str) -> Result<Option<u16>, InvalidMinutes> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let minutes: u16 = value.parse().map_err(|_| InvalidMinutes)?;
    if OVERDUE_MINUTES.contains(&minutes) { Ok(Some(minutes)) } else { Err(InvalidMinutes) }
}

/// A dose of one regimen line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DoseKey {
    pub line: Uuid,
    pub date: NaiveDate,
    pub slot: DoseSlot,
}

/// Minimal percent-decoding (the service worker encodes each part; `%2F` may stand for the slashes).
fn percent_decode(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

fn slot_from(name: &str) -> Option<DoseSlot> {
    serde_json::from_value(serde_json::Value::String(name.to_string())).ok()
}

/// The dose named by `?snooze=<line>/<date>/<slot>` in a location's search string (with or without the `?`).
pub fn parse_snooze(search: &str) -> Option<DoseKey> {
    let query = search.strip_prefix('?').unwrap_or(search);
    let raw = query.split('&').find_map(|pair| pair.strip_prefix("snooze="))?;
    let value = percent_decode(raw)?;
    let mut parts = value.trim().split('/');
    let line = parts.next()?.parse::<Uuid>().ok()?;
    let date = parts.next()?.parse::<NaiveDate>().ok()?;
    let slot = slot_from(parts.next()?)?;
    if parts.next().is_some() {
        return None;
    }
    Some(DoseKey { line, date, slot })
}

/// iPhone, iPod, or an iPad (which says "Macintosh" but has a touch screen).
pub fn is_ios(user_agent: &str, max_touch_points: u32) -> bool {
    ["iPhone", "iPad", "iPod"].iter().any(|d| user_agent.contains(d)) || (user_agent.contains("Macintosh") && max_touch_points > 1)
}

/// What the browser can do, from `push.js`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct Support {
    pub service_worker: bool,
    pub push_manager: bool,
    pub notification: bool,
    /// "granted", "denied", "default" or "unsupported".
    pub permission: String,
    pub user_agent: String,
    pub max_touch_points: u32,
    pub standalone: bool,
}

/// Which first view the reminders card shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    /// iOS/iPadOS in the browser: web push needs the app added to the Home Screen.
    AddToHomeScreen,
    /// No service worker, PushManager or Notification.
    Unsupported,
    /// The person blocked notifications for this site.
    Denied,
    Available,
}

impl Support {
    pub fn availability(&self) -> Availability {
        if is_ios(&self.user_agent, self.max_touch_points) && !self.standalone {
            Availability::AddToHomeScreen
        } else if !(self.service_worker && self.push_manager && self.notification) {
            Availability::Unsupported
        } else if self.permission == "denied" {
            Availability::Denied
        } else {
            Availability::Available
        }
    }
}

/// The dose the in-app banner names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDose {
    pub key: DoseKey,
    pub drug: String,
    pub local_time: NaiveTime,
    /// When the reminder came due (after quiet hours and snoozes).
    pub at: DateTime<Utc>,
}

/// Which dose is due now, for the banner: a dose of any line whose reminder (at its time, or at the end of quiet
/// hours, or when a snooze ends) came in the last [`BANNER_WINDOW_MINUTES`], with no record in the diary, and whose
/// banner was not closed. The most recent one first; none in quiet hours. Local times are read in `zone`: the phone's
/// own (`chrono::Local`), which keeps the time-zone database out of the wasm.
pub fn dose_due_now<Z: chrono::TimeZone + Copy>(
    lines: &[RegimenLine],
    records: &[DoseRecord],
    quiet: Option<QuietHours>,
    snoozed: &BTreeMap<DoseKey, DateTime<Utc>>,
    dismissed: &BTreeSet<DoseKey>,
    now: DateTime<Utc>,
    zone: Z,
) -> Option<DueDose> {
    let after = now - Duration::minutes(BANNER_WINDOW_MINUTES);
    let settings = ReminderSettings { dose_due: true, overdue_after: None, quiet_hours: quiet };
    let mut found: Vec<DueDose> = Vec::new();
    for line in lines {
        let Ok(schedule) = line.schedule() else { continue };
        let logged: BTreeSet<(NaiveDate, DoseSlot)> = records
            .iter()
            .filter(|r| r.line == line.id)
            .map(|r| (r.date, r.slot))
            .filter(|(date, slot)| current_record(records, line.id, *date, *slot).is_some())
            .collect();
        let snoozes: Snoozes =
            snoozed.iter().filter(|(k, _)| k.line == line.id).map(|(k, until)| ((k.date, k.slot), *until)).collect();
        for reminder in due_reminders_in(&schedule, &logged, &settings, &snoozes, after, now, |_| zone) {
            if reminder.kind != ReminderKind::DoseDue {
                continue;
            }
            let key = DoseKey { line: line.id, date: reminder.date, slot: reminder.slot };
            if dismissed.contains(&key) {
                continue;
            }
            let Some(dose) = schedule.expected_doses(key.date, key.date).into_iter().find(|d| d.slot == key.slot) else { continue };
            found.push(DueDose { key, drug: line.drug_name().to_string(), local_time: dose.local_time, at: reminder.at });
        }
    }
    // Latest first; on a tie, the first line on screen.
    found.into_iter().enumerate().max_by_key(|(i, d)| (d.at, std::cmp::Reverse(*i))).map(|(_, d)| d)
}

/// The id of a dose row's name on Today (see `diary::DoseRow`).
pub fn dose_row_name_id(key: &DoseKey) -> String {
    format!("dose-{}-{}-{:?}-name", key.line, key.date, key.slot).to_lowercase()
}

// ---- talking to the server with one profile's token ------------------------------------------------------------

async fn send(builder: RequestBuilder, body: Option<String>) -> Result<String, ApiError> {
    carepath_ui::api::send_text(builder, body).await
}

fn bearer(builder: RequestBuilder, token: &str) -> RequestBuilder {
    builder.header("Authorization", &format!("Bearer {token}"))
}

async fn server_key(token: &str) -> Result<String, ApiError> {
    let text = send(bearer(Request::get("/api/device/push/key"), token), None).await?;
    serde_json::from_str::<PushKey>(&text)
        .map(|k| k.public_key)
        .map_err(|e| ApiError::bad_response(200, e.to_string()))
}

async fn put_subscription(token: &str, request: &PushSubscriptionRequest) -> Result<(), ApiError> {
    let json = serde_json::to_string(request).unwrap_or_default();
    send(bearer(Request::put("/api/device/push/subscription"), token), Some(json)).await.map(|_| ())
}

async fn delete_subscription(token: &str) -> Result<(), ApiError> {
    send(bearer(Request::delete("/api/device/push/subscription"), token), None).await.map(|_| ())
}

async fn post_snooze(token: &str, request: &SnoozeRequest) -> Result<(), ApiError> {
    let json = serde_json::to_string(request).unwrap_or_default();
    send(bearer(Request::post("/api/device/push/snooze"), token), Some(json)).await.map(|_| ())
}

// ---- settings remembered on the device --------------------------------------------------------------------------

/// What the reminders card remembers (in the device store).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StoredSettings {
    /// The person turned reminders on (and has not turned them off).
    pub on: bool,
    /// As typed: "HH:MM" or empty.
    pub quiet_start: String,
    pub quiet_end: String,
    /// As typed: minutes or empty.
    pub overdue: String,
    /// Regimen lines a caregiver does *not* want overdue reminders for (none: every line).
    #[serde(default)]
    pub overdue_off: Vec<uuid::Uuid>,
    /// The subscription last handed to the server, for which profiles, and when.
    #[serde(default)]
    pub endpoint: Option<String>,
    #[serde(default)]
    pub sent_for: Vec<String>,
    #[serde(default)]
    pub sent_at: Option<DateTime<Utc>>,
}

impl StoredSettings {
    fn quiet(&self) -> Option<QuietHours> {
        parse_quiet_hours(&self.quiet_start, &self.quiet_end).ok().flatten()
    }
}

thread_local! {
    static SETTINGS: ArcRwSignal<Option<StoredSettings>> = ArcRwSignal::new(None);
    /// The start-up check of the subscription runs once per app start.
    static CHECKED: Cell<bool> = const { Cell::new(false) };
    /// A `?snooze=` is handled once.
    static SNOOZE_HANDLED: Cell<bool> = const { Cell::new(false) };
}

fn settings_signal() -> ArcRwSignal<Option<StoredSettings>> {
    SETTINGS.with(Clone::clone)
}

async fn load_settings() -> StoredSettings {
    if let Some(s) = settings_signal().get_untracked() {
        return s;
    }
    let stored = match outbox::get_setting(SETTINGS_KEY).await {
        Ok(Some(json)) => serde_json::from_str(&json).unwrap_or_default(),
        _ => StoredSettings::default(),
    };
    settings_signal().set(Some(stored.clone()));
    stored
}

async fn save_settings(settings: StoredSettings) {
    if let Ok(json) = serde_json::to_string(&settings) {
        let _ = outbox::set_setting(SETTINGS_KEY, &json).await;
    }
    settings_signal().set(Some(settings));
}

/// The banner's memory (local storage, small): closed banners and snoozes made on this phone.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
struct BannerMemory {
    dismissed: BTreeSet<DoseKey>,
    snoozed: BTreeMap<DoseKey, DateTime<Utc>>,
}

impl BannerMemory {
    fn load() -> Self {
        #[derive(Deserialize)]
        struct Raw {
            dismissed: Vec<DoseKey>,
            snoozed: Vec<(DoseKey, DateTime<Utc>)>,
        }
        let raw = gloo::storage::LocalStorage::get::<Raw>(BANNER_KEY).ok();
        raw.map(|r| BannerMemory { dismissed: r.dismissed.into_iter().collect(), snoozed: r.snoozed.into_iter().collect() })
            .unwrap_or_default()
    }

    fn save(&mut self) {
        // Keep a few days only.
        let oldest = Utc::now().date_naive() - Duration::days(3);
        self.dismissed.retain(|k| k.date >= oldest);
        self.snoozed.retain(|k, _| k.date >= oldest);
        #[derive(Serialize)]
        struct Raw<'a> {
            dismissed: Vec<&'a DoseKey>,
            snoozed: Vec<(&'a DoseKey, &'a DateTime<Utc>)>,
        }
        let raw = Raw { dismissed: self.dismissed.iter().collect(), snoozed: self.snoozed.iter().collect() };
        let _ = gloo::storage::LocalStorage::set(BANNER_KEY, &raw);
    }
}

// ---- the push subscription --------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct BrowserSubscription {
    endpoint: String,
    keys: SubscriptionKeys,
}

fn parse_subscription(value: JsValue) -> Option<BrowserSubscription> {
    serde_json::from_str(&value.as_string()?).ok()
}

/// Why turning reminders on did not work.
#[derive(Debug, Clone, PartialEq, Eq)]
enum SetUpError {
    Offline,
    /// The browser (its push service) would not subscribe.
    Browser,
    Server,
    /// Subscribed, but the server does not have it for these people yet.
    Partly(Vec<String>),
}

fn js_text(e: &JsValue) -> String {
    e.as_string().or_else(|| js_sys::Reflect::get(e, &"message".into()).ok().and_then(|m| m.as_string())).unwrap_or_default()
}

/// The lines a caregiver's overdue opt-in is for: `None` (every line) unless some are switched off.
pub fn overdue_lines(profile: &carepath_domain::sync::DeviceProfile, off: &[uuid::Uuid]) -> Option<Vec<uuid::Uuid>> {
    let lines: Vec<uuid::Uuid> = profile.regimen.iter().map(|l| l.id).collect();
    (profile.caregiver.is_some() && lines.iter().any(|l| off.contains(l)))
        .then(|| lines.into_iter().filter(|l| !off.contains(l)).collect())
}

/// Subscribes this browser (no prompt: permission is granted) and hands the subscription to the server for every
/// profile on this phone; a caregiver's profile gets the "overdue" setting.
async fn subscribe_everyone(enrollments: &[Enrollment], settings: &StoredSettings) -> Result<StoredSettings, SetUpError> {
    let Some(first) = enrollments.first() else { return Err(SetUpError::Server) };
    let key = server_key(&first.token).await.map_err(|e| if e == ApiError::Offline { SetUpError::Offline } else { SetUpError::Server })?;
    let subscription = match subscribe_js(&key).await {
        Ok(value) => parse_subscription(value).ok_or(SetUpError::Browser)?,
        Err(e) => {
            leptos::logging::warn!("push subscription failed: {}", js_text(&e));
            return Err(SetUpError::Browser);
        }
    };
    let quiet = settings.quiet();
    let overdue = parse_overdue(&settings.overdue).ok().flatten();
    let mut sent_for = Vec::new();
    let mut missed = Vec::new();
    let mut offline = false;
    for enrollment in enrollments {
        let request = PushSubscriptionRequest {
            endpoint: subscription.endpoint.clone(),
            keys: subscription.keys.clone(),
            quiet_hours: quiet,
            overdue_after_minutes: enrollment.profile.caregiver.as_ref().and(overdue),
            overdue_lines: overdue_lines(&enrollment.profile, &settings.overdue_off),
        };
        match put_subscription(&enrollment.token, &request).await {
            Ok(()) => sent_for.push(enrollment.key.clone()),
            Err(e) => {
                offline |= e == ApiError::Offline;
                missed.push(enrollment.label());
            }
        }
    }
    let updated = StoredSettings {
        on: true,
        endpoint: Some(subscription.endpoint),
        sent_for: sent_for.clone(),
        sent_at: Some(Utc::now()),
        ..settings.clone()
    };
    if sent_for.is_empty() {
        return Err(if offline { SetUpError::Offline } else { SetUpError::Server });
    }
    save_settings(updated.clone()).await;
    if missed.is_empty() { Ok(updated) } else { Err(SetUpError::Partly(missed)) }
}

/// At start, when reminders are on and allowed: if the browser lost its subscription, the profiles changed, or a
/// day has passed, subscribe again and tell the server (it deletes subscriptions the push service says expired).
async fn recheck(enrollments: Vec<Enrollment>, support: &Support) {
    let settings = load_settings().await;
    if !settings.on || support.availability() != Availability::Available || support.permission != "granted" {
        return;
    }
    let current = current_subscription_js().await.ok().and_then(parse_subscription);
    let keys: Vec<String> = enrollments.iter().map(|e| e.key.clone()).collect();
    let fresh = settings.sent_at.is_some_and(|at| Utc::now() - at < Duration::hours(REFRESH_HOURS));
    let same = current.as_ref().map(|s| &s.endpoint) == settings.endpoint.as_ref() && keys.iter().all(|k| settings.sent_for.contains(k));
    if fresh && same {
        return;
    }
    let _ = subscribe_everyone(&enrollments, &settings).await;
}

/// Ends this browser's push subscription (the server forgets it at its next send): for a phone whose data was
/// deleted ("Forgot the PIN?").
pub async fn forget_browser_subscription() {
    let _ = unsubscribe_js().await;
}

// ---- the reminders card -----------------------------------------------------------------------------------------

fn detect() -> Support {
    serde_json::from_str(&push_support_js()).unwrap_or_default()
}

/// Words for what happened (a status line, or an error).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Note {
    On,
    Saved,
    Off,
    PermissionDismissed,
    Failed(SetUpError),
}

fn note_text(note: &Note) -> String {
    match note {
        Note::On => tr!("reminders-on-done"),
        Note::Saved => tr!("reminders-saved"),
        Note::Off => tr!("reminders-off-done"),
        Note::PermissionDismissed => tr!("reminders-permission-dismissed"),
        Note::Failed(SetUpError::Offline) => tr!("reminders-error-offline"),
        Note::Failed(SetUpError::Browser) => tr!("reminders-error-browser"),
        Note::Failed(SetUpError::Server) => tr!("reminders-error-server"),
        Note::Failed(SetUpError::Partly(names)) => tr!("reminders-error-partly", names = names.join(", ")),
    }
}

/// On Today: what reminders do, and turning them on or off on this phone.
#[component]
pub fn RemindersCard() -> impl IntoView {
    let device = expect_context::<Device>();
    let support = StoredValue::new(detect());
    let availability = RwSignal::new(support.with_value(Support::availability));
    let settings = settings_signal();
    let on = {
        let settings = settings.clone();
        Memo::new(move |_| settings.with(|s| s.as_ref().is_some_and(|s| s.on)))
    };
    let quiet_start = RwSignal::new(String::new());
    let quiet_end = RwSignal::new(String::new());
    let overdue = RwSignal::new(String::new());
    let overdue_off = RwSignal::new(Vec::<uuid::Uuid>::new());
    let quiet_error = RwSignal::new(None::<QuietError>);
    let overdue_error = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let note = RwSignal::new(None::<Note>);
    // The profile on screen is a caregiver's: dose-time reminders are the patient's; a caregiver can ask to be told
    // of overdue doses (sent for every caregiver profile on this phone).
    let caregiver = Memo::new(move |_| device.profile.with(|p| p.as_ref().and_then(Option::as_ref).is_some_and(|p| p.caregiver.is_some())));

    spawn_local(async move {
        let stored = load_settings().await;
        quiet_start.set(stored.quiet_start.clone());
        quiet_end.set(stored.quiet_end.clone());
        overdue.set(stored.overdue.clone());
        overdue_off.set(stored.overdue_off.clone());
        if !CHECKED.with(|c| c.replace(true)) {
            recheck(device.enrollments.get_untracked(), &support.get_value()).await;
        }
    });

    // The fields as typed, checked; `None` when something is wrong (the errors are shown next to the fields).
    let checked_fields = move || -> Option<StoredSettings> {
        let quiet = parse_quiet_hours(&quiet_start.get_untracked(), &quiet_end.get_untracked());
        let minutes = parse_overdue(&overdue.get_untracked());
        quiet_error.set(quiet.err());
        overdue_error.set(minutes.is_err());
        if quiet.is_err() || minutes.is_err() {
            return None;
        }
        let current = settings_signal().get_untracked().unwrap_or_default();
        Some(StoredSettings {
            quiet_start: quiet_start.get_untracked().trim().to_string(),
            quiet_end: quiet_end.get_untracked().trim().to_string(),
            overdue: overdue.get_untracked().trim().to_string(),
            overdue_off: overdue_off.get_untracked(),
            ..current
        })
    };

    let turn_on = move |_| {
        if busy.get_untracked() {
            return;
        }
        let Some(wanted) = checked_fields() else { return };
        busy.set(true);
        note.set(None);
        // The permission prompt is asked for right here, from the tap.
        spawn_local(async move {
            let permission = request_permission_js().await.ok().and_then(|v| v.as_string()).unwrap_or_default();
            match permission.as_str() {
                "granted" => {
                    let enrollments = device.enrollments.get_untracked();
                    note.set(Some(match subscribe_everyone(&enrollments, &wanted).await {
                        Ok(_) => Note::On,
                        Err(e) => Note::Failed(e),
                    }));
                }
                "denied" => availability.set(Availability::Denied),
                _ => note.set(Some(Note::PermissionDismissed)),
            }
            busy.set(false);
        });
    };

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Some(wanted) = checked_fields() else { return };
        busy.set(true);
        note.set(None);
        spawn_local(async move {
            let enrollments = device.enrollments.get_untracked();
            note.set(Some(match subscribe_everyone(&enrollments, &wanted).await {
                Ok(_) => Note::Saved,
                Err(e) => Note::Failed(e),
            }));
            busy.set(false);
        });
    };

    let turn_off = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        note.set(None);
        spawn_local(async move {
            for enrollment in device.enrollments.get_untracked() {
                // Offline is fine: once this browser unsubscribes, the push service refuses the server's messages
                // and the server deletes the subscription itself.
                let _ = delete_subscription(&enrollment.token).await;
            }
            let _ = unsubscribe_js().await;
            let current = settings_signal().get_untracked().unwrap_or_default();
            save_settings(StoredSettings { on: false, endpoint: None, sent_for: Vec::new(), sent_at: None, ..current }).await;
            note.set(Some(Note::Off));
            busy.set(false);
        });
    };

    let quiet_message = move || match quiet_error.get() {
        Some(QuietError::Incomplete) => Some(tr!("reminders-quiet-incomplete")),
        Some(QuietError::Same) => Some(tr!("reminders-quiet-same")),
        None => None,
    };

    let fields = move || {
        view! {
            // Optional, so folded away: open when set or when it needs a correction.
            <details class="reminder-quiet" prop:open=move || {
                quiet_error.get().is_some() || !quiet_start.get().is_empty() || !quiet_end.get().is_empty()
            }>
                <summary>{text!("reminders-quiet-legend")}</summary>
                <div role="group" aria-labelledby="reminders-quiet-hint">
                    <p class="hint" id="reminders-quiet-hint">{text!("reminders-quiet-hint")}</p>
                    <div class="field-row">
                        <div class="field">
                            <label for="reminders-quiet-start">{text!("reminders-quiet-start")}</label>
                            <input id="reminders-quiet-start" type="time" bind:value=quiet_start
                                aria-describedby="reminders-quiet-hint reminders-quiet-error"
                                aria-invalid=move || quiet_error.get().is_some().to_string()/>
                        </div>
                        <div class="field">
                            <label for="reminders-quiet-end">{text!("reminders-quiet-end")}</label>
                            <input id="reminders-quiet-end" type="time" bind:value=quiet_end
                                aria-describedby="reminders-quiet-hint reminders-quiet-error"
                                aria-invalid=move || quiet_error.get().is_some().to_string()/>
                        </div>
                    </div>
                    <p id="reminders-quiet-error" class="field-error" role="alert">{quiet_message}</p>
                </div>
            </details>
            <Show when=move || caregiver.get()>
                <div class="field reminder-overdue">
                    <label for="reminders-overdue">{text!("reminders-overdue-label")}</label>
                    <p class="hint" id="reminders-overdue-hint">{text!("reminders-overdue-hint")}</p>
                    <input id="reminders-overdue" type="number" inputmode="numeric" min="5" max="720" step="1"
                        bind:value=overdue aria-describedby="reminders-overdue-hint reminders-overdue-error"
                        aria-invalid=move || overdue_error.get().to_string()/>
                    <p id="reminders-overdue-error" class="field-error" role="alert">
                        {move || overdue_error.get().then(|| tr!("reminders-overdue-invalid"))}
                    </p>
                </div>
                // Configurable per regimen: with more than one medicine, which ones to be told about.
                {move || {
                    let lines = device.profile.with(|p| p.as_ref().and_then(Option::as_ref).map(|p| p.regimen.clone())).unwrap_or_default();
                    (lines.len() > 1).then(|| view! {
                        <fieldset class="reminder-overdue-lines">
                            <legend>{text!("reminders-overdue-lines")}</legend>
                            {lines.into_iter().map(|line| {
                                let (id, name) = (line.id, format!("{} {}", line.drug_name(), line.regimen.strength));
                                let input_id = format!("reminders-overdue-{id}");
                                let label_for = input_id.clone();
                                view! {
                                    <label class="choice" for=label_for>
                                        <input type="checkbox" id=input_id prop:checked=move || overdue_off.with(|off| !off.contains(&id))
                                            on:change=move |ev| {
                                                let checked = event_target_checked(&ev);
                                                overdue_off.update(|off| {
                                                    off.retain(|l| *l != id);
                                                    if !checked { off.push(id); }
                                                });
                                            }/>
                                        <span>{name}</span>
                                    </label>
                                }
                            }).collect_view()}
                        </fieldset>
                    })
                }}
            </Show>
        }
    };

    // What reminders do, in full: open on the screens that explain a problem, folded under "About reminders" beside
    // the button that turns them on (issue #14 item 7: a shorter Today).
    let about = move || view! {
        <p>{move || if caregiver.get() { tr!("reminders-intro-caregiver") } else { tr!("reminders-intro") }}</p>
        <p class="hint">{text!("reminders-in-app")}</p>
    };
    let body = move || match availability.get() {
        Availability::AddToHomeScreen => view! {
            {about()}
            <div class="reminder-ios" data-testid="reminders-ios">
                <h3>{text!("reminders-ios-title")}</h3>
                <p>{text!("reminders-ios-intro")}</p>
                <ol class="steps">
                    <li>{text!("reminders-ios-step-share")}</li>
                    <li>{text!("reminders-ios-step-add")}</li>
                    <li>{text!("reminders-ios-step-open")}</li>
                </ol>
                <p class="hint">{text!("reminders-ios-code")}</p>
            </div>
        }
        .into_any(),
        Availability::Unsupported => view! {
            {about()}
            <p class="notice" data-testid="reminders-unsupported">{text!("reminders-unsupported")}</p>
        }
        .into_any(),
        Availability::Denied => view! {
            {about()}
            <div class="notice warning" data-testid="reminders-denied">
                <h3>{text!("reminders-denied-title")}</h3>
                <p>{text!("reminders-denied-body")}</p>
                <p>{text!("reminders-denied-iphone")}</p>
            </div>
        }
        .into_any(),
        Availability::Available => view! {
            <Show when=move || on.get() fallback=move || view! {
                <p>{move || if caregiver.get() { tr!("reminders-short-caregiver") } else { tr!("reminders-short") }}</p>
                <button type="button" class="primary wide" on:click=turn_on disabled=move || busy.get()>
                    {move || if busy.get() { tr!("reminders-busy") } else { tr!("reminders-turn-on") }}
                </button>
                <details class="reminder-settings" data-testid="reminder-about">
                    <summary>{text!("reminders-about")}</summary>
                    {about()}
                    {fields()}
                </details>
            }>
                <p class="reminder-state" data-testid="reminders-on">
                    <span aria-hidden="true">"✓ "</span>{text!("reminders-are-on")}
                </p>
                // Once on, the settings are rarely changed: folded (issue #14 item 7).
                <details class="reminder-settings" data-testid="reminder-settings">
                    <summary>{text!("reminders-change")}</summary>
                    <form on:submit=save novalidate>
                        {fields()}
                        <button type="submit" class="secondary wide" disabled=move || busy.get()>{text!("reminders-save")}</button>
                    </form>
                    <button type="button" class="secondary wide" on:click=turn_off disabled=move || busy.get()>
                        {text!("reminders-turn-off")}
                    </button>
                </details>
            </Show>
        }
        .into_any(),
    };

    view! {
        <section class="card reminders" aria-labelledby="reminders-title" data-testid="reminders">
            <h2 id="reminders-title">{text!("reminders-title")}</h2>
            {body}
            <p class="reminder-note" role="status" data-testid="reminders-note"
                data-error=move || matches!(note.get(), Some(Note::Failed(_) | Note::PermissionDismissed)).to_string()>
                {move || note.get().map(|n| note_text(&n))}
            </p>
        </section>
    }
}

// ---- snooze from a notification, and the in-app banner ----------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
enum SnoozeNote {
    Done,
    Offline,
    Failed,
}

/// Posts the snooze with the token of the profile whose regimen has that line.
async fn snooze(device: Device, key: DoseKey) -> SnoozeNote {
    let enrollments = device.enrollments.get_untracked();
    let Some(enrollment) = enrollments.iter().find(|e| e.profile.regimen.iter().any(|l| l.id == key.line)) else {
        return SnoozeNote::Failed;
    };
    let request = SnoozeRequest { regimen_line_id: key.line, date: key.date, slot: key.slot, minutes: SNOOZE_MINUTES };
    match post_snooze(&enrollment.token, &request).await {
        Ok(()) => SnoozeNote::Done,
        Err(ApiError::Offline) => SnoozeNote::Offline,
        Err(_) => SnoozeNote::Failed,
    }
}

fn banner_text(dose: &DueDose, patient: Option<String>) -> String {
    let drug = dose.drug.clone();
    match (patient, dose.key.slot) {
        (None, DoseSlot::Daily) => tr!("reminders-due-daily", drug = drug),
        (None, DoseSlot::Morning) => tr!("reminders-due-morning", drug = drug),
        (None, DoseSlot::Evening) => tr!("reminders-due-evening", drug = drug),
        (Some(patient), DoseSlot::Daily) => tr!("reminders-due-caregiver-daily", drug = drug, patient = patient),
        (Some(patient), DoseSlot::Morning) => tr!("reminders-due-caregiver-morning", drug = drug, patient = patient),
        (Some(patient), DoseSlot::Evening) => tr!("reminders-due-caregiver-evening", drug = drug, patient = patient),
    }
}

/// On Today: "It is time for your evening dose of …" while the app is open (checked once a minute, once per dose,
/// none in quiet hours, no sound), and the answer to a snooze from a notification.
#[component]
pub fn ReminderBanner() -> impl IntoView {
    let device = expect_context::<Device>();
    let now = RwSignal::new(Utc::now());
    let memory = RwSignal::new(BannerMemory::load());
    let snooze_note = RwSignal::new(None::<SnoozeNote>);
    let settings = settings_signal();
    spawn_local(async move {
        load_settings().await;
    });

    let ticker = send_wrapper::SendWrapper::new(gloo::timers::callback::Interval::new(60_000, move || now.set(Utc::now())));
    on_cleanup(move || drop(ticker));

    // `?snooze=<line>/<date>/<slot>` from a notification's "Snooze 15 min".
    let search = window().location().search().unwrap_or_default();
    if let Some(key) = parse_snooze(&search) {
        clear_query_js();
        if !SNOOZE_HANDLED.with(|h| h.replace(true)) {
            spawn_local(async move {
                let result = snooze(device, key).await;
                if result == SnoozeNote::Done {
                    memory.update(|m| {
                        m.snoozed.insert(key, Utc::now() + Duration::minutes(i64::from(SNOOZE_MINUTES)));
                        m.save();
                    });
                }
                snooze_note.set(Some(result));
            });
        }
    }

    let due = Memo::new(move |_| {
        let profile = device.profile.get().flatten()?;
        let quiet = settings.with(|s| s.as_ref().and_then(StoredSettings::quiet));
        let records = device.events.with(|events| merge_records(events, &profile));
        let now = now.get();
        memory.with(|m| dose_due_now(&profile.regimen, &records, quiet, &m.snoozed, &m.dismissed, now, chrono::Local))
    });
    let patient = move || device.profile.get().flatten().and_then(|p| p.caregiver.is_some().then_some(p.display_name));

    view! {
        <div class="reminder-live" role="status" aria-live="polite" data-testid="reminder-live">
            {move || snooze_note.get().map(|n| {
                let (class, text) = match n {
                    SnoozeNote::Done => ("notice snoozed", tr!("reminders-snoozed", minutes = SNOOZE_MINUTES)),
                    SnoozeNote::Offline => ("notice warning snoozed", tr!("reminders-snooze-offline")),
                    SnoozeNote::Failed => ("notice warning snoozed", tr!("reminders-snooze-failed")),
                };
                view! {
                    <div class=class data-testid="snooze-note">
                        <p>{text}</p>
                        <button type="button" class="link-button" on:click=move |_| snooze_note.set(None)>{text!("reminders-dismiss")}</button>
                    </div>
                }
            })}
            {move || due.get().map(|dose| {
                let key = dose.key;
                let text = banner_text(&dose, patient());
                let at = tr!("reminders-due-at", time = time_text(dose.local_time));
                let name_id = dose_row_name_id(&key);
                view! {
                    <div class="notice reminder-banner" data-testid="reminder-banner" data-slot=format!("{:?}", key.slot).to_lowercase()
                        data-date=key.date.to_string()>
                        <p><strong>{text}</strong>" "{at}</p>
                        <div class="button-row">
                            <button type="button" class="primary" on:click=move |_| { show_dose_js(&name_id); }>
                                {text!("reminders-show-dose")}
                            </button>
                            <button type="button" class="secondary" on:click=move |_| memory.update(|m| {
                                m.dismissed.insert(key);
                                m.save();
                            })>{text!("reminders-dismiss")}</button>
                        </div>
                    </div>
                }
            })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use carepath_domain::adherence::DoseOutcome;
    use carepath_domain::schedule::{CyclePattern, DoseAmount, Regimen, SlotDose};

    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn quiet_hours_as_typed() {
        assert_eq!(parse_quiet_hours("", " "), Ok(None));
        assert_eq!(parse_quiet_hours("22:00", "07:00"), Ok(Some(QuietHours { start: time(22, 0), end: time(7, 0) })));
        assert_eq!(parse_quiet_hours("13:30:00", "14:00"), Ok(Some(QuietHours { start: time(13, 30), end: time(14, 0) })));
        assert_eq!(parse_quiet_hours("22:00", ""), Err(QuietError::Incomplete));
        assert_eq!(parse_quiet_hours("", "07:00"), Err(QuietError::Incomplete));
        assert_eq!(parse_quiet_hours("25:00", "07:00"), Err(QuietError::Incomplete));
        assert_eq!(parse_quiet_hours("07:00", "07:00"), Err(QuietError::Same));
    }

    #[test]
    fn overdue_minutes_as_typed() {
        assert_eq!(parse_overdue(""), Ok(None));
        assert_eq!(parse_overdue(" 60 "), Ok(Some(60)));
        assert_eq!(parse_overdue("5"), Ok(Some(5)));
        assert_eq!(parse_overdue("720"), Ok(Some(720)));
        assert_eq!(parse_overdue("4"), Err(InvalidMinutes));
        assert_eq!(parse_overdue("721"), Err(InvalidMinutes));
        assert_eq!(parse_overdue("1.5"), Err(InvalidMinutes));
        assert_eq!(parse_overdue("-10"), Err(InvalidMinutes));
        assert_eq!(parse_overdue("ten"), Err(InvalidMinutes));
    }

    #[test]
    fn snooze_query() {
        let line = "6f1c1f3a-3c39-4a36-9a55-2f0d39e0c0a1";
        let key = DoseKey { line: line.parse().unwrap(), date: date("2026-03-10"), slot: DoseSlot::Evening };
        assert_eq!(parse_snooze(&format!("?snooze={line}/2026-03-10/evening")), Some(key));
        assert_eq!(parse_snooze(&format!("lang=es&snooze={line}%2F2026-03-10%2Fevening")), Some(key));
        assert_eq!(parse_snooze(&format!("?snooze={line}/2026-03-10/daily")).map(|k| k.slot), Some(DoseSlot::Daily));
        for bad in [
            String::new(),
            "?".into(),
            "?other=1".into(),
            format!("?snooze={line}/2026-03-10"),
            format!("?snooze={line}/2026-03-10/noon"),
            format!("?snooze={line}/2026-13-10/evening"),
            format!("?snooze=not-a-uuid/2026-03-10/evening"),
            format!("?snooze={line}/2026-03-10/evening/extra"),
            format!("?snooze={line}%2/2026-03-10/evening"),
            format!("?xsnooze={line}/2026-03-10/evening"),
        ] {
            assert_eq!(parse_snooze(&bad), None, "{bad}");
        }
    }

    #[test]
    fn ios_needs_the_home_screen() {
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
        let ipad = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15";
        let android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36";
        let support = |ua: &str, touch: u32, standalone: bool, push: bool| Support {
            service_worker: true,
            push_manager: push,
            notification: push,
            permission: "default".into(),
            user_agent: ua.into(),
            max_touch_points: touch,
            standalone,
        };
        assert_eq!(support(iphone, 5, false, false).availability(), Availability::AddToHomeScreen);
        assert_eq!(support(ipad, 5, false, false).availability(), Availability::AddToHomeScreen);
        assert_eq!(support(iphone, 5, true, true).availability(), Availability::Available);
        // An old iPhone from the Home Screen still has no Web Push.
        assert_eq!(support(iphone, 5, true, false).availability(), Availability::Unsupported);
        // A Mac without touch is a Mac.
        assert_eq!(support(ipad, 0, false, true).availability(), Availability::Available);
        assert_eq!(support(android, 5, false, true).availability(), Availability::Available);
        let mut denied = support(android, 5, false, true);
        denied.permission = "denied".into();
        assert_eq!(denied.availability(), Availability::Denied);
    }

    fn line(id: u128, drug: &str, slots: &[(DoseSlot, NaiveTime)]) -> RegimenLine {
        let regimen = Regimen {
            version: 1,
            drug_name: drug.into(),
            strength: "500 mg tablets".into(),
            doses: slots.iter().map(|(slot, t)| SlotDose::new(*slot, DoseAmount::tablets(3)).at(*t)).collect(),
            pattern: CyclePattern::Continuous,
            start: date("2026-03-01"),
            first_cycle: 1,
            time_zone: "UTC".parse().unwrap(),
        };
        serde_json::from_value(serde_json::json!({ "id": Uuid::from_u128(id), "regimen": regimen })).unwrap()
    }

    fn taken(line: Uuid, date: NaiveDate, slot: DoseSlot, id: u128) -> DoseRecord {
        DoseRecord {
            id: Uuid::from_u128(id),
            line,
            date,
            slot,
            outcome: DoseOutcome::Taken,
            taken_at: None,
            recorded_at: at("2026-03-10T20:01:00Z"),
            supersedes: None,
            logged_by: None,
        }
    }

    #[test]
    fn the_banner_names_the_dose_due_now() {
        let cape = line(1, "Capecitabine", &[(DoseSlot::Morning, time(8, 0)), (DoseSlot::Evening, time(20, 0))]);
        let lines = vec![cape.clone()];
        let none = BTreeMap::new();
        let no = BTreeSet::new();
        let evening = DoseKey { line: cape.id, date: date("2026-03-10"), slot: DoseSlot::Evening };
        // Before the dose time: nothing; at it and up to two hours after: the evening dose.
        assert_eq!(dose_due_now(&lines, &[], None, &none, &no, at("2026-03-10T19:59:00Z"), Utc), None);
        let due = dose_due_now(&lines, &[], None, &none, &no, at("2026-03-10T20:00:00Z"), Utc).unwrap();
        assert_eq!((due.key, due.drug.as_str(), due.local_time), (evening, "Capecitabine", time(20, 0)));
        assert!(dose_due_now(&lines, &[], None, &none, &no, at("2026-03-10T21:59:00Z"), Utc).is_some());
        assert_eq!(dose_due_now(&lines, &[], None, &none, &no, at("2026-03-10T22:01:00Z"), Utc), None);
        // Logged, or the banner closed: nothing.
        let records = vec![taken(cape.id, evening.date, DoseSlot::Evening, 9)];
        assert_eq!(dose_due_now(&lines, &records, None, &none, &no, at("2026-03-10T20:05:00Z"), Utc), None);
        assert_eq!(dose_due_now(&lines, &[], None, &none, &BTreeSet::from([evening]), at("2026-03-10T20:05:00Z"), Utc), None);
        // The morning dose logged does not hide the evening one.
        let records = vec![taken(cape.id, evening.date, DoseSlot::Morning, 9)];
        assert_eq!(dose_due_now(&lines, &records, None, &none, &no, at("2026-03-10T20:05:00Z"), Utc).map(|d| d.key), Some(evening));
    }

    #[test]
    fn the_banner_waits_for_quiet_hours_and_snoozes() {
        let cape = line(1, "Capecitabine", &[(DoseSlot::Evening, time(20, 0))]);
        let lines = vec![cape.clone()];
        let no = BTreeSet::new();
        let evening = DoseKey { line: cape.id, date: date("2026-03-10"), slot: DoseSlot::Evening };
        let quiet = Some(QuietHours { start: time(19, 30), end: time(20, 30) });
        assert_eq!(dose_due_now(&lines, &[], quiet, &BTreeMap::new(), &no, at("2026-03-10T20:10:00Z"), Utc), None);
        assert_eq!(dose_due_now(&lines, &[], quiet, &BTreeMap::new(), &no, at("2026-03-10T20:30:00Z"), Utc).map(|d| d.key), Some(evening));
        let snoozed = BTreeMap::from([(evening, at("2026-03-10T20:15:00Z"))]);
        assert_eq!(dose_due_now(&lines, &[], None, &snoozed, &no, at("2026-03-10T20:10:00Z"), Utc), None);
        let due = dose_due_now(&lines, &[], None, &snoozed, &no, at("2026-03-10T20:15:00Z"), Utc).unwrap();
        assert_eq!((due.key, due.at), (evening, at("2026-03-10T20:15:00Z")));
    }

    #[test]
    fn the_banner_picks_the_latest_dose_then_the_first_line() {
        let a = line(1, "Capecitabine", &[(DoseSlot::Daily, time(8, 0))]);
        let b = line(2, "Olaparib", &[(DoseSlot::Daily, time(8, 0))]);
        let c = line(3, "Abemaciclib", &[(DoseSlot::Daily, time(7, 0))]);
        let lines = vec![c.clone(), a.clone(), b.clone()];
        let no = BTreeSet::new();
        let due = dose_due_now(&lines, &[], None, &BTreeMap::new(), &no, at("2026-03-10T08:01:00Z"), Utc).unwrap();
        assert_eq!(due.drug, "Capecitabine");
        let closed = BTreeSet::from([DoseKey { line: a.id, date: date("2026-03-10"), slot: DoseSlot::Daily }]);
        let due = dose_due_now(&lines, &[], None, &BTreeMap::new(), &closed, at("2026-03-10T08:01:00Z"), Utc).unwrap();
        assert_eq!(due.drug, "Olaparib");
    }

    #[test]
    fn the_row_id_matches_todays_dose_rows() {
        let key = DoseKey { line: Uuid::from_u128(1), date: date("2026-03-10"), slot: DoseSlot::Evening };
        assert_eq!(dose_row_name_id(&key), "dose-00000000-0000-0000-0000-000000000001-2026-03-10-evening-name");
    }

    #[test]
    fn a_caregivers_overdue_opt_in_names_the_medicines_left_on() {
        let (a, b) = (line(1, "Capecitabine", &[(DoseSlot::Morning, time(8, 0))]), line(2, "Ondansetron", &[(DoseSlot::Daily, time(9, 0))]));
        let mut profile: carepath_domain::sync::DeviceProfile = serde_json::from_value(serde_json::json!({
            "patient_id": Uuid::nil(), "display_name": "Bea", "regimen": [a, b],
            "site": { "name": "North", "phone": "1", "after_hours_phone": "2" },
            "caregiver": { "id": Uuid::nil(), "name": "Jon" },
        }))
        .unwrap();
        assert_eq!(overdue_lines(&profile, &[]), None, "all medicines: nothing to name");
        assert_eq!(overdue_lines(&profile, &[Uuid::from_u128(2)]), Some(vec![Uuid::from_u128(1)]));
        assert_eq!(overdue_lines(&profile, &[Uuid::from_u128(1), Uuid::from_u128(2)]), Some(vec![]));
        assert_eq!(overdue_lines(&profile, &[Uuid::from_u128(9)]), None, "a line of someone else changes nothing");
        profile.caregiver = None;
        assert_eq!(overdue_lines(&profile, &[Uuid::from_u128(2)]), None, "the patient's own phone has no overdue opt-in");
    }
}
