//! Rust side of the device store (see `outbox.js`): events waiting to be sent, and small settings.

use carepath_domain::sync::PatientEvent;
use serde::Deserialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/outbox.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = addEvent)]
    async fn add_event_js(id: &str, json: &str, owner: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = allEvents)]
    async fn all_events_js() -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = pendingEvents)]
    async fn pending_events_js(limit: u32, owner: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = countBySynced)]
    async fn count_by_synced_js(state: u32) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = setSynced)]
    async fn set_synced_js(ids_json: &str, state: u32) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = kvGet)]
    async fn kv_get_js(key: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = kvSet)]
    async fn kv_set_js(key: &str, value: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = clearAll)]
    async fn clear_all_js() -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = requestPersistentStorage)]
    async fn request_persistent_storage_js() -> JsValue;
}

/// Where an event is in its journey to the pharmacy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Waiting = 0,
    Sent = 1,
    Refused = 2,
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
    add_event_js(&event.id.to_string(), &json, owner).await.map_err(js_err)?;
    Ok(())
}

pub async fn all() -> Result<Vec<StoredEvent>, StoreError> {
    #[derive(Deserialize)]
    struct Row {
        synced: u8,
        json: String,
        owner: String,
    }
    let text = all_events_js().await.map_err(js_err)?.as_string().unwrap_or_default();
    let rows: Vec<Row> = serde_json::from_str(&text).map_err(json_err)?;
    rows.into_iter()
        .map(|row| {
            let delivery = match row.synced {
                0 => Delivery::Waiting,
                1 => Delivery::Sent,
                _ => Delivery::Refused,
            };
            Ok(StoredEvent { event: serde_json::from_str(&row.json).map_err(json_err)?, delivery, owner: row.owner })
        })
        .collect()
}

pub async fn pending(limit: usize, owner: &str) -> Result<Vec<PatientEvent>, StoreError> {
    let text = pending_events_js(limit as u32, owner).await.map_err(js_err)?.as_string().unwrap_or_default();
    let jsons: Vec<String> = serde_json::from_str(&text).map_err(json_err)?;
    jsons.iter().map(|j| serde_json::from_str(j).map_err(json_err)).collect()
}

pub async fn count(delivery: Delivery) -> Result<usize, StoreError> {
    let n = count_by_synced_js(delivery as u32).await.map_err(js_err)?;
    Ok(n.as_f64().unwrap_or(0.0) as usize)
}

pub async fn mark(ids: &[uuid::Uuid], delivery: Delivery) -> Result<(), StoreError> {
    let json = serde_json::to_string(ids).map_err(json_err)?;
    set_synced_js(&json, delivery as u32).await.map_err(js_err)?;
    Ok(())
}

pub async fn get_setting(key: &str) -> Result<Option<String>, StoreError> {
    Ok(kv_get_js(key).await.map_err(js_err)?.as_string())
}

pub async fn set_setting(key: &str, value: &str) -> Result<(), StoreError> {
    kv_set_js(key, value).await.map_err(js_err)?;
    Ok(())
}

pub async fn clear() -> Result<(), StoreError> {
    clear_all_js().await.map_err(js_err)?;
    Ok(())
}

/// Asks the browser not to evict our storage under pressure. Returns whether it agreed.
pub async fn request_persistent_storage() -> bool {
    request_persistent_storage_js().await.as_bool().unwrap_or(false)
}
