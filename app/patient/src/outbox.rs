//! Rust side of the device store (see `outbox.js`): events waiting to be sent, and small settings; and the
//! outbox's send logic ([`send_order`], [`drain`]), pure of any browser API so that it is tested natively.

use carepath_domain::sorting;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::cmp::Reverse;

use carepath_domain::sync::{ErrorCode, EventBody, PatientEvent};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;
use wasm_bindgen::prelude::*;

use carepath_ui::api::ApiError;

#[wasm_bindgen(module = "/src/outbox.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = addEvent)]
    async fn add_event_js(id: &str, json: &str, owner: &str, at: f64, kind: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = ownerEvents)]
    async fn owner_events_js(owner: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = pendingEvents)]
    async fn pending_events_js(owner: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = countBySynced)]
    async fn count_by_synced_js(state: u32) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = eventState)]
    async fn event_state_js(id: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = setSynced)]
    async fn set_synced_js(ids_json: &str, state: u32) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = pruneSent)]
    async fn prune_sent_js(cutoff: f64, check_in_cutoff: f64) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = storageEstimate)]
    async fn storage_estimate_js() -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = kvGet)]
    async fn kv_get_js(key: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = kvGetMany)]
    async fn kv_get_many_js(keys_json: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = kvSet)]
    async fn kv_set_js(key: &str, value: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = deleteOwner)]
    async fn delete_owner_js(owner: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = clearAll)]
    async fn clear_all_js() -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = requestPersistentStorage)]
    async fn request_persistent_storage_js() -> JsValue;
    #[wasm_bindgen(catch, js_name = pinState)]
    async fn pin_state_js() -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = setPin)]
    async fn set_pin_js(pin: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = unlock)]
    async fn unlock_js(pin: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = removePin)]
    async fn remove_pin_js(pin: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = lockNow)]
    fn lock_now_js();
}

/// Where an event is in its journey to the pharmacy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Waiting = 0,
    Sent = 1,
    Refused = 2,
}

impl Delivery {
    fn from_state(state: u8) -> Self {
        match state {
            0 => Delivery::Waiting,
            1 => Delivery::Sent,
            _ => Delivery::Refused,
        }
    }
}

#[derive(Debug, Clone)]
pub struct StoredEvent {
    pub event: PatientEvent,
    pub delivery: Delivery,
    /// The key of the profile on this device that recorded it.
    pub owner: String,
}

#[derive(Debug, Clone)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "device storage failed: {}", self.0)
    }
}

fn js_err(e: JsValue) -> StoreError {
    StoreError(e.as_string().unwrap_or_else(|| format!("{e:?}")))
}

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError(e.to_string())
}

/// Saves an event of profile `owner` durably. Only after this returns may the screen say "saved".
pub async fn add(event: &PatientEvent, owner: &str) -> Result<(), StoreError> {
    let json = serde_json::to_string(event).map_err(json_err)?;
    let at = event.recorded_at.timestamp_millis() as f64;
    add_event_js(&event.id.to_string(), &json, owner, at, event.body.kind()).await.map_err(js_err)?;
    Ok(())
}

/// Every event profile `owner` recorded on this device (read through an index: no other profile's), newest first.
pub async fn of_owner(owner: &str) -> Result<Vec<StoredEvent>, StoreError> {
    #[derive(Deserialize)]
    struct Row {
        synced: u8,
        event: PatientEvent,
    }
    let text = owner_events_js(owner).await.map_err(js_err)?.as_string().unwrap_or_default();
    let rows: Vec<Row> = serde_json::from_str(&text).map_err(json_err)?;
    let mut events: Vec<StoredEvent> =
        rows.into_iter().map(|row| StoredEvent { event: row.event, delivery: Delivery::from_state(row.synced), owner: owner.to_string() }).collect();
    sorting::sort_by_key(&mut events, |e| Reverse((e.event.recorded_at, e.event.id)));
    Ok(events)
}

/// Every event of `owner` not yet acknowledged, in no particular order (see [`send_order`]).
pub async fn pending(owner: &str) -> Result<Vec<PatientEvent>, StoreError> {
    let text = pending_events_js(owner).await.map_err(js_err)?.as_string().unwrap_or_default();
    serde_json::from_str(&text).map_err(json_err)
}

/// How many events of every profile on this device are `delivery` (an index count: nothing is read).
pub async fn count(delivery: Delivery) -> Result<usize, StoreError> {
    let n = count_by_synced_js(delivery as u32).await.map_err(js_err)?;
    Ok(n.as_f64().unwrap_or(0.0) as usize)
}

/// Where one event is; `None` when this device does not have it (e.g. it was recorded on another phone).
pub async fn delivery_of(id: Uuid) -> Result<Option<Delivery>, StoreError> {
    let state = event_state_js(&id.to_string()).await.map_err(js_err)?;
    Ok(state.as_f64().map(|s| Delivery::from_state(s as u8)))
}

pub async fn mark(ids: &[Uuid], delivery: Delivery) -> Result<(), StoreError> {
    let json = serde_json::to_string(ids).map_err(json_err)?;
    set_synced_js(&json, delivery as u32).await.map_err(js_err)?;
    Ok(())
}

/// Removes acknowledged events recorded before `before` (check-ins before `check_ins_before`, keeping each
/// profile's newest); never one waiting or refused. Returns how many were removed.
pub async fn prune_sent(before: DateTime<Utc>, check_ins_before: DateTime<Utc>) -> Result<usize, StoreError> {
    let n = prune_sent_js(before.timestamp_millis() as f64, check_ins_before.timestamp_millis() as f64).await.map_err(js_err)?;
    Ok(n.as_f64().unwrap_or(0.0) as usize)
}

/// How much this app stores on the phone, and how much the browser lets it store.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct StorageUse {
    /// Bytes used.
    pub usage: f64,
    /// Bytes the browser allows (0 when unknown).
    pub quota: f64,
}

/// Above this much, the status area says how much the app stores.
pub const LARGE_STORAGE_BYTES: f64 = 50.0 * 1024.0 * 1024.0;
/// …or above this share of what the browser allows.
pub const LARGE_STORAGE_SHARE: f64 = 0.8;

impl StorageUse {
    /// Worth telling the patient: large, or near what the browser allows (it may stop saving).
    pub fn is_large(&self) -> bool {
        self.usage > LARGE_STORAGE_BYTES || self.share().is_some_and(|s| s > LARGE_STORAGE_SHARE)
    }

    /// The share of the quota used, when the quota is known.
    pub fn share(&self) -> Option<f64> {
        (self.quota > 0.0).then(|| self.usage / self.quota)
    }
}

pub async fn storage_use() -> Option<StorageUse> {
    let text = storage_estimate_js().await.ok()?.as_string()?;
    serde_json::from_str(&text).ok()
}

pub async fn get_setting(key: &str) -> Result<Option<String>, StoreError> {
    Ok(kv_get_js(key).await.map_err(js_err)?.as_string())
}

/// Several settings in one read of the store, in the order of `keys`.
pub async fn get_settings<const N: usize>(keys: [&str; N]) -> Result<[Option<String>; N], StoreError> {
    let keys_json = serde_json::to_string(&keys[..]).unwrap_or_default();
    let text = kv_get_many_js(&keys_json).await.map_err(js_err)?.as_string().unwrap_or_default();
    let values: Vec<Option<String>> = serde_json::from_str(&text).map_err(json_err)?;
    values.try_into().map_err(|_| StoreError("the store answered for other settings".to_string()))
}

pub async fn set_setting(key: &str, value: &str) -> Result<(), StoreError> {
    kv_set_js(key, value).await.map_err(js_err)?;
    Ok(())
}

/// Deletes every event of profile `owner` on this device; returns how many.
pub async fn delete_owner(owner: &str) -> Result<usize, StoreError> {
    let n = delete_owner_js(owner).await.map_err(js_err)?;
    Ok(n.as_f64().unwrap_or(0.0) as usize)
}

pub async fn clear() -> Result<(), StoreError> {
    clear_all_js().await.map_err(js_err)?;
    Ok(())
}

/// Asks the browser not to evict our storage under pressure. Returns whether it agreed.
pub async fn request_persistent_storage() -> bool {
    request_persistent_storage_js().await.as_bool().unwrap_or(false)
}

// ---- The app PIN (see `outbox.js`: the keys, and what stays in clear) ---------------------------------------------

/// Whether a PIN is set, whether the app is unlocked, and the wrong tries so far.
#[derive(Debug, Clone, Copy, PartialEq, Default, Deserialize)]
pub struct PinState {
    pub set: bool,
    pub open: bool,
    pub failures: u32,
    /// Until when (ms since 1970) no PIN is tried; 0 when none.
    pub wait_until: f64,
}

fn pin_answer(answer: Result<JsValue, JsValue>) -> Result<PinState, StoreError> {
    let text = answer.map_err(js_err)?.as_string().unwrap_or_default();
    serde_json::from_str(&text).map_err(json_err)
}

pub async fn pin_state() -> Result<PinState, StoreError> {
    pin_answer(pin_state_js().await)
}

/// Turns the PIN on (4–8 digits) and seals everything stored; the app stays unlocked.
pub async fn set_pin(pin: &str) -> Result<PinState, StoreError> {
    pin_answer(set_pin_js(pin).await)
}

/// Tries a PIN; the answer says whether the app is now unlocked, or how long to wait.
pub async fn unlock(pin: &str) -> Result<PinState, StoreError> {
    pin_answer(unlock_js(pin).await)
}

/// Turns the PIN off (typed again): everything is stored in clear again.
pub async fn remove_pin(pin: &str) -> Result<PinState, StoreError> {
    pin_answer(remove_pin_js(pin).await)
}

/// Drops the data key from memory: nothing can be read or written until the PIN is typed again.
pub fn lock_now() {
    lock_now_js();
}

/// A PIN as the app takes it: 4 to 8 digits.
pub fn pin_ok(pin: &str) -> bool {
    (4..=8).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit())
}

// ---- Sending ----------------------------------------------------------------------------------------------------

/// The record a correction names, if the event is one.
pub fn corrects(event: &PatientEvent) -> Option<Uuid> {
    match &event.body {
        EventBody::DoseLogged { supersedes, .. } => *supersedes,
        _ => None,
    }
}

/// The order pending events are sent in: oldest `recorded_at` first (ties by id), except that a correction never
/// goes before a record it names that is also pending (even when a clock change recorded it "earlier"). Batches are
/// cut from this order, so a correction always travels in the same batch as its record or a later one.
pub fn send_order(events: Vec<PatientEvent>) -> Vec<PatientEvent> {
    let mut events = events;
    sorting::sort_by_key(&mut events, |e| (e.recorded_at, e.id));
    // The same id twice (should not happen in a keyed store): keep one.
    events.dedup_by_key(|e| e.id);
    let position: HashMap<Uuid, usize> = events.iter().enumerate().map(|(i, e)| (e.id, i)).collect();
    // Each event has at most one predecessor (the record it corrects), so this is a forest: a root is an event
    // whose predecessor is not pending. Emit the earliest ready event each time (Kahn's algorithm).
    let mut followers: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut ready = BinaryHeap::new();
    for (i, e) in events.iter().enumerate() {
        match corrects(e).and_then(|target| position.get(&target)).filter(|&&t| t != i) {
            Some(&t) => followers.entry(t).or_default().push(i),
            None => ready.push(Reverse(i)),
        }
    }
    let mut order = Vec::with_capacity(events.len());
    let mut emitted = vec![false; events.len()];
    while let Some(Reverse(i)) = ready.pop() {
        emitted[i] = true;
        order.push(i);
        for &f in followers.get(&i).into_iter().flatten() {
            ready.push(Reverse(f));
        }
    }
    // A cycle of corrections (impossible with fresh ids, but never lose an event): in recorded order, at the end.
    order.extend((0..events.len()).filter(|&i| !emitted[i]));
    let mut slots: Vec<Option<PatientEvent>> = events.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

/// What to do with one event the server refused when sent alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Refused for its content: keep it on the device, marked refused, and go on with the others.
    ForGood,
    /// A correction whose record has not arrived yet: keep it waiting (never refused) and retry it later.
    NotYet,
    /// Not about the event (offline, timeout, server error, signed out): stop, and retry later.
    Stop,
}

/// Whether the server refused a whole batch for what is in it (then the events are retried one by one).
pub fn refused_for_content(error: &ApiError) -> bool {
    use ErrorCode::*;
    match error {
        ApiError::Server { code: InvalidEvent | CorrectionTargetMissing | BadJson | NotJson | Invalid | TooLarge | BatchTooLarge, .. } => true,
        // A server older than the typed codes.
        ApiError::Server { code: Unknown, status: 400 | 409 | 413 | 415 | 422, .. } => true,
        _ => false,
    }
}

/// The verdict on one event sent alone. `target` is where the record it corrects is on this device, if it is a
/// correction (`None`: this device does not have it, e.g. it came from another phone).
pub fn refusal(error: &ApiError, is_correction: bool, target: Option<Delivery>) -> Refusal {
    if !refused_for_content(error) {
        return Refusal::Stop;
    }
    match (error.code(), target) {
        // Its record was refused: it will never arrive, so neither can the correction.
        (Some(ErrorCode::CorrectionTargetMissing), Some(Delivery::Refused)) => Refusal::ForGood,
        (Some(ErrorCode::CorrectionTargetMissing), _) => Refusal::NotYet,
        // A server that does not know `correction_target_missing` refuses the same case as invalid: while the
        // record is still waiting on this device, that is not a reason to give up on the correction.
        _ if is_correction && target == Some(Delivery::Waiting) => Refusal::NotYet,
        _ => Refusal::ForGood,
    }
}

/// Where [`drain`] reads and marks a profile's events.
#[allow(async_fn_in_trait)]
pub trait Outbox {
    /// Every event not yet acknowledged (any order).
    async fn pending(&self) -> Result<Vec<PatientEvent>, StoreError>;
    async fn mark(&self, ids: &[Uuid], delivery: Delivery) -> Result<(), StoreError>;
    /// Where one event is on this device (`None`: not here).
    async fn delivery_of(&self, id: Uuid) -> Result<Option<Delivery>, StoreError>;
}

/// How [`drain`] sends a batch: the ids acknowledged, or why not.
#[allow(async_fn_in_trait)]
pub trait Transport {
    async fn send(&self, events: &[PatientEvent]) -> Result<Vec<Uuid>, ApiError>;
}

/// What a drain did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Drained {
    /// Events acknowledged.
    pub sent: usize,
    /// Events marked refused.
    pub refused: usize,
    /// Corrections kept waiting for their record.
    pub deferred: usize,
}

/// A device-store failure during a drain: stop, as when offline (nothing was lost; the next try resumes).
fn store_failed(_: StoreError) -> ApiError {
    ApiError::Offline
}

/// Sends everything waiting in `outbox`, in [`send_order`], `batch` events at a time. A batch refused for its
/// content is retried one event at a time in the same order: a refused event is marked refused, a correction
/// whose record has not arrived stays waiting (and is retried at the next drain), and anything else (offline, a
/// timeout, a server error) stops the drain with that error. Events recorded while it runs are sent too.
pub async fn drain(outbox: &impl Outbox, transport: &impl Transport, batch: usize) -> Result<Drained, ApiError> {
    let batch = batch.max(1);
    let mut done = Drained::default();
    // Every event tried in this drain: each round sends only new ones, so a drain always ends.
    let mut tried: HashSet<Uuid> = HashSet::new();
    // Corrections kept waiting in this drain: their own corrections wait with them.
    let mut deferred: HashSet<Uuid> = HashSet::new();
    loop {
        let todo: Vec<PatientEvent> = send_order(outbox.pending().await.map_err(store_failed)?).into_iter().filter(|e| !tried.contains(&e.id)).collect();
        if todo.is_empty() {
            return Ok(done);
        }
        tried.extend(todo.iter().map(|e| e.id));
        let mut queue = todo.into_iter().peekable();
        while queue.peek().is_some() {
            let mut chunk = Vec::with_capacity(batch);
            while chunk.len() < batch {
                let Some(event) = queue.next() else { break };
                if corrects(&event).is_some_and(|t| deferred.contains(&t)) {
                    deferred.insert(event.id);
                    done.deferred += 1;
                } else {
                    chunk.push(event);
                }
            }
            if chunk.is_empty() {
                continue;
            }
            match transport.send(&chunk).await {
                Ok(acknowledged) => {
                    let sent = acknowledged_of(&chunk, &acknowledged);
                    outbox.mark(&sent, Delivery::Sent).await.map_err(store_failed)?;
                    done.sent += sent.len();
                }
                Err(e) if refused_for_content(&e) => {
                    for event in chunk {
                        let target = corrects(&event);
                        if target.is_some_and(|t| deferred.contains(&t)) {
                            deferred.insert(event.id);
                            done.deferred += 1;
                            continue;
                        }
                        match transport.send(std::slice::from_ref(&event)).await {
                            Ok(acknowledged) => {
                                let sent = acknowledged_of(std::slice::from_ref(&event), &acknowledged);
                                outbox.mark(&sent, Delivery::Sent).await.map_err(store_failed)?;
                                done.sent += sent.len();
                            }
                            Err(e) => {
                                let target_delivery = match target {
                                    Some(t) => outbox.delivery_of(t).await.map_err(store_failed)?,
                                    None => None,
                                };
                                match refusal(&e, target.is_some(), target_delivery) {
                                    Refusal::ForGood => {
                                        outbox.mark(&[event.id], Delivery::Refused).await.map_err(store_failed)?;
                                        done.refused += 1;
                                    }
                                    Refusal::NotYet => {
                                        deferred.insert(event.id);
                                        done.deferred += 1;
                                    }
                                    Refusal::Stop => return Err(e),
                                }
                            }
                        }
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }
}

/// The ids of `sent` the server acknowledged (it lists every id of the request).
fn acknowledged_of(sent: &[PatientEvent], acknowledged: &[Uuid]) -> Vec<Uuid> {
    let acked: HashSet<&Uuid> = acknowledged.iter().collect();
    sent.iter().map(|e| e.id).filter(|id| acked.contains(id)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use carepath_domain::adherence::DoseOutcome;
    use carepath_domain::regimen::DoseSlot;
    use std::cell::RefCell;
    use std::collections::BTreeMap;
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    /// Runs a future that never waits on anything outside it (the fakes below answer at once).
    fn block_on<F: Future>(future: F) -> F::Output {
        let mut future = pin!(future);
        let mut cx = Context::from_waker(Waker::noop());
        loop {
            if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
                return out;
            }
        }
    }

    /// A small deterministic random source (xorshift), so every run checks the same cases.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn chance(&mut self, percent: u64) -> bool {
            self.next() % 100 < percent
        }
        fn shuffle<T>(&mut self, items: &mut [T]) {
            for i in (1..items.len()).rev() {
                items.swap(i, self.below(i + 1));
            }
        }
        fn uuid(&mut self) -> Uuid {
            Uuid::from_u64_pair(self.next(), self.next())
        }
    }

    const LINE: Uuid = Uuid::from_u128(7);
    /// The drug id of a guide view the fake server refuses (an event broken for good).
    const BAD: &str = "refused-by-server";

    fn at(minute: i64) -> DateTime<Utc> {
        "2026-03-01T08:00:00Z".parse::<DateTime<Utc>>().unwrap() + chrono::Duration::minutes(minute)
    }

    fn dose(rng: &mut Rng, minute: i64, supersedes: Option<Uuid>) -> PatientEvent {
        dose_at(rng, minute, supersedes, DoseSlot::Morning)
    }

    /// A dose record; the fake server refuses evening ones (not part of the regimen): broken for good.
    fn dose_at(rng: &mut Rng, minute: i64, supersedes: Option<Uuid>, slot: DoseSlot) -> PatientEvent {
        PatientEvent {
            id: rng.uuid(),
            recorded_at: at(minute),
            body: EventBody::DoseLogged {
                regimen_line_id: LINE,
                date: "2026-03-01".parse().unwrap(),
                slot,
                outcome: if supersedes.is_some() { DoseOutcome::Vomited } else { DoseOutcome::Taken },
                taken_at: Some(at(minute)),
                supersedes,
            },
        }
    }

    fn other(rng: &mut Rng, minute: i64, bad: bool) -> PatientEvent {
        let drug = if bad { BAD.to_string() } else { "capecitabine".to_string() };
        PatientEvent { id: rng.uuid(), recorded_at: at(minute), body: EventBody::GuideViewed { drug, lang: "en".into() } }
    }

    /// A device's history: records, corrections of them (and of corrections), some recorded "before" their record
    /// by a clock change, other events, and some the server refuses for good.
    fn history(rng: &mut Rng, n: usize, bad_percent: u64) -> Vec<PatientEvent> {
        let mut events: Vec<PatientEvent> = Vec::new();
        for i in 0..n {
            let minute = i as i64 * 3;
            let doses: Vec<Uuid> = events.iter().filter(|e| e.diary_record().is_some()).map(|e| e.id).collect();
            let event = match rng.below(4) {
                0 | 1 if !doses.is_empty() => {
                    let target = doses[rng.below(doses.len())];
                    // Now and then the clock went back: the correction says it was recorded before its record.
                    let minute = if rng.chance(20) { minute - 500 } else { minute };
                    dose(rng, minute, Some(target))
                }
                0 | 1 | 2 => {
                    let slot = if rng.chance(bad_percent) { DoseSlot::Evening } else { DoseSlot::Morning };
                    dose_at(rng, minute, None, slot)
                }
                _ => {
                    let bad = rng.chance(bad_percent);
                    other(rng, minute, bad)
                }
            };
            events.push(event);
        }
        events
    }

    fn is_before(order: &[PatientEvent], a: Uuid, b: Uuid) -> bool {
        let pos = |id| order.iter().position(|e| e.id == id);
        pos(a) < pos(b)
    }

    #[test]
    fn send_order_is_recorded_order_with_corrections_after_their_records() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for round in 0..300 {
            let events = history(&mut rng, 1 + round % 40, 0);
            let mut shuffled = events.clone();
            rng.shuffle(&mut shuffled);
            let order = send_order(shuffled.clone());
            // The same events, each once.
            let mut ids: Vec<Uuid> = order.iter().map(|e| e.id).collect();
            ids.sort();
            let mut expected: Vec<Uuid> = events.iter().map(|e| e.id).collect();
            expected.sort();
            assert_eq!(ids, expected);
            // Whatever order they were read in.
            rng.shuffle(&mut shuffled);
            assert_eq!(send_order(shuffled), order, "the order depends only on the events");
            // A correction after the record it names, even one recorded "earlier".
            for e in &order {
                if let Some(target) = corrects(e) {
                    assert!(is_before(&order, target, e.id), "round {round}: a correction before its record");
                }
            }
            // Otherwise oldest first: each event is the oldest of those whose record (if any) has gone before it.
            for (i, e) in order.iter().enumerate() {
                let sent: HashSet<Uuid> = order[..i].iter().map(|e| e.id).collect();
                let oldest_ready = order[i..]
                    .iter()
                    .filter(|r| corrects(r).is_none_or(|t| sent.contains(&t) || !order.iter().any(|o| o.id == t)))
                    .map(|r| (r.recorded_at, r.id))
                    .min();
                assert_eq!(oldest_ready, Some((e.recorded_at, e.id)), "round {round}: not the oldest event ready");
            }
        }
    }

    #[test]
    fn a_pin_is_4_to_8_digits_and_nothing_else() {
        for pin in ["2468", "97531", "12345678", "0000"] {
            assert!(pin_ok(pin), "{pin}");
        }
        for pin in ["", "123", "123456789", "12 34", "12a4", "١٢٣٤", "1234\n", "+1234"] {
            assert!(!pin_ok(pin), "{pin:?}");
        }
    }

    #[test]
    fn send_order_of_a_plain_history_is_by_recorded_at_then_id() {
        let mut rng = Rng(42);
        let mut events: Vec<PatientEvent> = (0..50).map(|i| other(&mut rng, i / 3, false)).collect();
        let mut expected = events.clone();
        expected.sort_by_key(|e| (e.recorded_at, e.id));
        rng.shuffle(&mut events);
        assert_eq!(send_order(events), expected);
    }

    #[test]
    fn a_correction_recorded_before_its_record_is_sent_after_it() {
        let mut rng = Rng(7);
        let record = dose(&mut rng, 10, None);
        let correction = dose(&mut rng, 0, Some(record.id));
        let again = dose(&mut rng, -5, Some(correction.id));
        let order = send_order(vec![again.clone(), correction.clone(), record.clone()]);
        assert_eq!(order.iter().map(|e| e.id).collect::<Vec<_>>(), vec![record.id, correction.id, again.id]);
    }

    #[test]
    fn refusals_by_code() {
        let server = |status, code| ApiError::Server { status, code, message: String::new(), event_index: Some(0) };
        let missing = server(409, ErrorCode::CorrectionTargetMissing);
        assert_eq!(refusal(&missing, true, Some(Delivery::Waiting)), Refusal::NotYet);
        assert_eq!(refusal(&missing, true, None), Refusal::NotYet);
        assert_eq!(refusal(&missing, true, Some(Delivery::Sent)), Refusal::NotYet);
        assert_eq!(refusal(&missing, true, Some(Delivery::Refused)), Refusal::ForGood);
        let invalid = server(422, ErrorCode::InvalidEvent);
        assert_eq!(refusal(&invalid, false, None), Refusal::ForGood);
        assert_eq!(refusal(&invalid, true, Some(Delivery::Sent)), Refusal::ForGood);
        // An older server's word for a missing record, while the record still waits here.
        assert_eq!(refusal(&invalid, true, Some(Delivery::Waiting)), Refusal::NotYet);
        assert_eq!(refusal(&server(400, ErrorCode::BadJson), false, None), Refusal::ForGood);
        assert_eq!(refusal(&ApiError::Offline, false, None), Refusal::Stop);
        assert_eq!(refusal(&server(500, ErrorCode::Internal), false, None), Refusal::Stop);
        assert_eq!(refusal(&server(401, ErrorCode::Unauthorized), false, None), Refusal::Stop);
        assert_eq!(refusal(&server(408, ErrorCode::Timeout), false, None), Refusal::Stop);
    }

    /// The device store, in memory.
    #[derive(Default)]
    struct FakeOutbox {
        rows: RefCell<BTreeMap<Uuid, (PatientEvent, Delivery)>>,
        /// Every id ever marked refused.
        refused_ever: RefCell<HashSet<Uuid>>,
    }

    impl FakeOutbox {
        fn add(&self, event: PatientEvent) {
            self.rows.borrow_mut().insert(event.id, (event, Delivery::Waiting));
        }
        fn with(&self, delivery: Delivery) -> HashSet<Uuid> {
            self.rows.borrow().iter().filter(|(_, (_, d))| *d == delivery).map(|(id, _)| *id).collect()
        }
    }

    impl Outbox for FakeOutbox {
        async fn pending(&self) -> Result<Vec<PatientEvent>, StoreError> {
            Ok(self.rows.borrow().values().filter(|(_, d)| *d == Delivery::Waiting).map(|(e, _)| e.clone()).collect())
        }
        async fn mark(&self, ids: &[Uuid], delivery: Delivery) -> Result<(), StoreError> {
            for id in ids {
                if let Some(row) = self.rows.borrow_mut().get_mut(id) {
                    row.1 = delivery;
                }
                if delivery == Delivery::Refused {
                    self.refused_ever.borrow_mut().insert(*id);
                }
            }
            Ok(())
        }
        async fn delivery_of(&self, id: Uuid) -> Result<Option<Delivery>, StoreError> {
            Ok(self.rows.borrow().get(&id).map(|(_, d)| *d))
        }
    }

    /// How the fake server words a correction whose record it does not have.
    #[derive(Clone, Copy, PartialEq)]
    enum Missing {
        /// `correction_target_missing` (409), the record looked for in the store and the batch.
        Typed,
        /// An older server: `invalid_event` (422), the record looked for in the store only.
        Legacy,
    }

    /// The server (all-or-nothing batches, ids stored once) behind a network that fails now and then: before the
    /// server sees a batch, or after it stored it (the answer is lost: the device sends it again).
    struct FakeServer<'a> {
        stored: RefCell<BTreeMap<Uuid, PatientEvent>>,
        missing: Missing,
        rng: RefCell<Rng>,
        fail_percent: u64,
        /// The device records more while a drain runs.
        device: &'a FakeOutbox,
        later: RefCell<Vec<PatientEvent>>,
        max_batch: usize,
    }

    impl FakeServer<'_> {
        fn answer(&self, events: &[PatientEvent]) -> Result<Vec<Uuid>, ApiError> {
            let refuse = |status, code, index| Err(ApiError::Server { status, code, message: String::new(), event_index: Some(index) });
            if events.len() > self.max_batch {
                return Err(ApiError::Server { status: 413, code: ErrorCode::BatchTooLarge, message: String::new(), event_index: None });
            }
            let stored = self.stored.borrow();
            let in_batch: HashSet<Uuid> = events.iter().map(|e| e.id).collect();
            for (index, event) in events.iter().enumerate() {
                if is_broken(event) {
                    return refuse(422, ErrorCode::InvalidEvent, index);
                }
                if let Some(stored) = stored.get(&event.id) {
                    assert_eq!(stored, event, "an id is only ever sent with its own content");
                }
                if let Some(target) = corrects(event) {
                    match self.missing {
                        Missing::Typed if !stored.contains_key(&target) && !in_batch.contains(&target) => {
                            return refuse(409, ErrorCode::CorrectionTargetMissing, index);
                        }
                        Missing::Legacy if !stored.contains_key(&target) => return refuse(422, ErrorCode::InvalidEvent, index),
                        _ => {}
                    }
                }
            }
            drop(stored);
            let mut stored = self.stored.borrow_mut();
            for event in events {
                stored.entry(event.id).or_insert_with(|| event.clone());
            }
            Ok(events.iter().map(|e| e.id).collect())
        }
    }

    impl Transport for FakeServer<'_> {
        async fn send(&self, events: &[PatientEvent]) -> Result<Vec<Uuid>, ApiError> {
            let mut rng = self.rng.borrow_mut();
            if rng.chance(20) {
                if let Some(event) = self.later.borrow_mut().pop() {
                    self.device.add(event);
                }
            }
            if rng.chance(self.fail_percent) {
                return Err(ApiError::Offline);
            }
            let lost_answer = rng.chance(self.fail_percent);
            drop(rng);
            let answer = self.answer(events);
            if lost_answer { Err(ApiError::Offline) } else { answer }
        }
    }

    /// What the fake server refuses for good.
    fn is_broken(event: &PatientEvent) -> bool {
        match &event.body {
            EventBody::GuideViewed { drug, .. } => drug == BAD,
            EventBody::DoseLogged { slot, .. } => *slot == DoseSlot::Evening,
            _ => false,
        }
    }

    /// Events that can never be stored: refused ones, and corrections of them (transitively).
    fn never_stored(events: &[PatientEvent]) -> HashSet<Uuid> {
        let mut bad: HashSet<Uuid> = events.iter().filter(|e| is_broken(e)).map(|e| e.id).collect();
        loop {
            let more: Vec<Uuid> = events.iter().filter(|e| !bad.contains(&e.id) && corrects(e).is_some_and(|t| bad.contains(&t))).map(|e| e.id).collect();
            if more.is_empty() {
                return bad;
            }
            bad.extend(more);
        }
    }

    /// The property of issue #11: any interleaving (events recorded between and during syncs), duplication
    /// (answers lost after the server stored a batch, so batches are sent again) and batching of a device's
    /// events ends with the server holding exactly the device's events, and no event refused but the broken ones.
    #[test]
    fn any_interleaving_duplication_and_batching_ends_with_the_server_holding_exactly_the_devices_events() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        for round in 0..400 {
            let missing = if round % 2 == 0 { Missing::Typed } else { Missing::Legacy };
            let bad_percent = if round % 3 == 0 { 30 } else { 0 };
            let n = 1 + rng.below(60);
            let events = history(&mut rng, n, bad_percent);
            let device = FakeOutbox::default();
            // Some recorded before the first sync; the rest while syncs come and go. On a server that words a
            // missing record `correction_target_missing`, the device may even get a correction before its record
            // (the record was made on another phone); an older server cannot tell that from a broken correction,
            // so there the device records in the order a person can: a record, then its corrections.
            let mut later = events.clone();
            if missing == Missing::Typed {
                rng.shuffle(&mut later);
            }
            later.reverse(); // popped from the end
            let now = rng.below(later.len() + 1);
            for _ in 0..now {
                device.add(later.pop().unwrap());
            }
            let server = FakeServer {
                stored: RefCell::new(BTreeMap::new()),
                missing,
                rng: RefCell::new(Rng(rng.next() | 1)),
                fail_percent: [0, 10, 30][rng.below(3)],
                device: &device,
                later: RefCell::new(later),
                max_batch: 1 + rng.below(8),
            };
            let batch = 1 + rng.below(10);
            let mut tries = 0;
            loop {
                let result = block_on(drain(&device, &server, batch));
                let left = server.later.borrow_mut().pop();
                match left {
                    Some(event) => device.add(event),
                    None if result.is_ok() && device.with(Delivery::Waiting).is_empty() => break,
                    None => {}
                }
                tries += 1;
                assert!(tries < 10_000, "round {round}: the outbox never empties");
            }
            let never = never_stored(&events);
            let stored: HashSet<Uuid> = server.stored.borrow().keys().copied().collect();
            let expected: HashSet<Uuid> = events.iter().map(|e| e.id).filter(|id| !never.contains(id)).collect();
            assert_eq!(stored, expected, "round {round}: the server holds exactly the device's events");
            assert_eq!(device.with(Delivery::Sent), expected, "round {round}: every stored event is marked sent");
            assert_eq!(*device.refused_ever.borrow(), never, "round {round}: only broken events are ever refused");
            for (id, event) in server.stored.borrow().iter() {
                assert_eq!(events.iter().find(|e| e.id == *id), Some(event));
            }
        }
    }

    #[test]
    fn a_correction_whose_record_is_elsewhere_waits_and_goes_once_the_record_arrives() {
        let mut rng = Rng(99);
        // The record was logged on another phone (a caregiver's) that has not synced yet.
        let record = dose(&mut rng, 0, None);
        let correction = dose(&mut rng, 5, Some(record.id));
        let device = FakeOutbox::default();
        device.add(correction.clone());
        let server = FakeServer {
            stored: RefCell::new(BTreeMap::new()),
            missing: Missing::Typed,
            rng: RefCell::new(Rng(3)),
            fail_percent: 0,
            device: &device,
            later: RefCell::new(Vec::new()),
            max_batch: 200,
        };
        let done = block_on(drain(&device, &server, 200)).unwrap();
        assert_eq!(done, Drained { sent: 0, refused: 0, deferred: 1 });
        assert_eq!(device.with(Delivery::Waiting), HashSet::from([correction.id]), "kept waiting, not refused");
        server.stored.borrow_mut().insert(record.id, record);
        let done = block_on(drain(&device, &server, 200)).unwrap();
        assert_eq!(done.sent, 1);
        assert!(device.with(Delivery::Waiting).is_empty());
        assert!(device.refused_ever.borrow().is_empty());
    }
}
