//! Web Push: the server's VAPID key, and sending one message to a device's push subscription.
//!
//! Messages are encrypted for the subscription (RFC 8291, `aes128gcm`) and signed with the server's VAPID key
//! (RFC 8292) by the `web-push` crate; they go out over the server's own HTTP client (reqwest with rustls). A
//! message carries **no health information**: see [`carepath_domain::push::PushPayload`].
//!
//! Only endpoints [`crate::push_target`] allows are sent to (https to public addresses), checked when a device
//! hands its subscription over and again at every send, with a resolver that connects only to the addresses it
//! checked.
//!
//! The VAPID key comes from `CAREPATH_VAPID_PRIVATE_KEY`, or is made once and kept in the database: browsers tie
//! a subscription to the key it was made with, so the key must outlive restarts. A copy of the database lets
//! someone send pushes to the subscribed devices (never read what they hold); set the key in the environment
//! where that matters.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use anyhow::Context as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use carepath_domain::push::PushPayload;
use chrono::Utc;
use sha2::{Digest, Sha256};
use web_push::{ContentEncoding, SubscriptionInfo, Urgency, VapidSignatureBuilder, WebPushMessageBuilder};

use crate::config::Settings;
use crate::push_target::{PushTargets, Refusal};
use crate::store::{ts, Db};

/// How long a push service keeps a reminder for a phone that is offline. Later than this it is no use.
pub const TTL_SECONDS: u32 = 4 * 3600;

/// The server's VAPID key pair and the client that talks to push services.
#[derive(Clone)]
pub struct Push {
    inner: Arc<Inner>,
}

struct Inner {
    /// Raw P-256 private key, base64url. Never logged.
    private_key: String,
    /// Uncompressed public key, base64url: the `applicationServerKey` browsers subscribe with.
    public_key: String,
    subject: String,
    /// Which endpoints may be sent to.
    targets: PushTargets,
    /// For every endpoint not on the allow-list: connects only to public addresses (`push_target::PublicOnly`).
    client: reqwest::Client,
    /// For endpoints on `CAREPATH_PUSH_ALLOWED_HOSTS` (a local push service in tests), when there are any.
    allow_listed_client: Option<reqwest::Client>,
    /// Phones unseen this long get no pushes (`Settings::device_idle_days`).
    device_idle_days: u32,
}

impl std::fmt::Debug for Push {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Push").field("public_key", &self.inner.public_key).finish_non_exhaustive()
    }
}

/// Where a message goes: a device's subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
}

/// Why a message was not delivered.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The push service says the subscription no longer exists (404 or 410): forget it.
    #[error("the subscription is gone (HTTP {0})")]
    Gone(u16),
    /// The endpoint is not one the server sends to (not https, or its host is not a public address): forget it.
    #[error("the push endpoint is refused: {0}")]
    Refused(Refusal),
    /// Anything else (network, 5xx, 429, a refused token): worth another try later.
    #[error("{0:#}")]
    Failed(anyhow::Error),
}

impl Push {
    /// Loads the key from the settings, or from the database (making it the first time).
    pub async fn load(db: &Db, settings: &Settings) -> anyhow::Result<Push> {
        let private_key = match &settings.vapid_private_key {
            Some(key) => key.expose().trim().to_string(),
            None => stored_key(db).await?,
        };
        let public_key = public_key(&private_key)
            .context("CAREPATH_VAPID_PRIVATE_KEY (or the stored VAPID key) is not a base64url P-256 private key")?;
        let subject = settings.vapid_subject.trim().to_string();
        anyhow::ensure!(
            subject.starts_with("mailto:") || subject.starts_with("https://"),
            "CAREPATH_VAPID_SUBJECT must be a mailto: or https: URL"
        );
        let targets = PushTargets::new(settings.push_allowed_hosts.clone());
        // No redirects, and no proxy from the environment: the connection goes to the address checked.
        let builder = || reqwest::Client::builder().timeout(StdDuration::from_secs(15)).redirect(reqwest::redirect::Policy::none()).no_proxy();
        let client = builder().dns_resolver(targets.resolver()).build()?;
        let allow_listed_client = (!settings.push_allowed_hosts.is_empty()).then(|| builder().build()).transpose()?;
        if !settings.push_allowed_hosts.is_empty() {
            tracing::warn!(hosts = ?settings.push_allowed_hosts, "web push: these hosts are reached over plain http and at any address (CAREPATH_PUSH_ALLOWED_HOSTS: for tests only)");
        }
        Ok(Push { inner: Arc::new(Inner { private_key, public_key, subject, targets, client, allow_listed_client, device_idle_days: settings.device_idle_days }) })
    }

    /// Whether the server sends to `endpoint` (when a device hands its subscription over): https to a host whose
    /// addresses are all public, or a host on the allow-list.
    pub async fn check_endpoint(&self, endpoint: &str) -> Result<(), Refusal> {
        self.inner.targets.check(endpoint).await.map(|_| ())
    }

    /// A phone last seen before this is expired: no pushes for it.
    pub fn device_idle_cutoff(&self, now: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
        now - chrono::Duration::days(i64::from(self.inner.device_idle_days))
    }

    /// The public key, base64url, for `PushManager.subscribe({ applicationServerKey })`.
    pub fn public_key(&self) -> &str {
        &self.inner.public_key
    }

    /// Encrypts `payload` for `subscription`, signs the request and sends it. Its topic (one per dose) lets the push
    /// service replace an undelivered message about the same dose.
    pub async fn send(&self, subscription: &Subscription, payload: &PushPayload) -> Result<(), SendError> {
        self.send_json(subscription, payload, &topic(payload)).await
    }

    /// Encrypts any JSON `payload` for `subscription` and sends it under `topic` (at most 32 base64url characters).
    pub async fn send_json(&self, subscription: &Subscription, payload: &impl serde::Serialize, topic: &str) -> Result<(), SendError> {
        // Checked again at every send (a name's addresses change); the client's resolver checks the addresses it
        // connects to. A name that does not resolve now may later: tried again, not forgotten.
        let target = self.inner.targets.check(&subscription.endpoint).await.map_err(|refusal| match refusal {
            Refusal::Unresolved => SendError::Failed(anyhow::anyhow!("{refusal}")),
            refusal => SendError::Refused(refusal),
        })?;
        let client = match (&self.inner.allow_listed_client, target.allow_listed) {
            (Some(client), true) => client,
            _ => &self.inner.client,
        };
        let body = serde_json::to_vec(payload).map_err(|e| SendError::Failed(e.into()))?;
        let message = self.build(subscription, &body, topic).map_err(SendError::Failed)?;
        let mut request = client.post(message.url);
        for (name, value) in message.headers {
            request = request.header(name, value);
        }
        // reqwest errors can hold the endpoint URL, a capability for this device: keep it out of logs.
        let response = request.body(message.body).send().await.map_err(|e| SendError::Failed(anyhow::anyhow!("{}", e.without_url())))?;
        let status = response.status();
        match status.as_u16() {
            200..=299 => Ok(()),
            404 | 410 => Err(SendError::Gone(status.as_u16())),
            _ => Err(SendError::Failed(anyhow::anyhow!("the push service answered {status}"))),
        }
    }

    /// The request for one message.
    fn build(&self, subscription: &Subscription, body: &[u8], topic: &str) -> anyhow::Result<PushRequest> {
        let info = SubscriptionInfo::new(subscription.endpoint.as_str(), subscription.p256dh.as_str(), subscription.auth.as_str());
        let mut signature = VapidSignatureBuilder::from_base64(&self.inner.private_key, &info)
            .map_err(|e| anyhow::anyhow!("VAPID key: {e}"))?;
        // The audience is the push service's origin, port included (the crate leaves the port out).
        signature.add_claim("aud", origin(&subscription.endpoint)?);
        signature.add_claim("sub", self.inner.subject.clone());
        let signature = signature.build().map_err(|e| anyhow::anyhow!("VAPID signature: {e}"))?;
        let mut builder = WebPushMessageBuilder::new(&info);
        builder.set_payload(ContentEncoding::Aes128Gcm, body);
        builder.set_ttl(TTL_SECONDS);
        builder.set_urgency(Urgency::High);
        builder.set_topic(topic.to_string());
        builder.set_vapid_signature(signature);
        let message = builder.build().map_err(|e| anyhow::anyhow!("push message: {e}"))?;
        let payload = message.payload.context("push message without a payload")?;
        let mut headers = vec![
            ("TTL", message.ttl.to_string()),
            ("Urgency", "high".to_string()),
            ("Topic", topic.to_string()),
            ("Content-Encoding", payload.content_encoding.to_str().to_string()),
            ("Content-Type", "application/octet-stream".to_string()),
        ];
        headers.extend(payload.crypto_headers);
        Ok(PushRequest { url: subscription.endpoint.clone(), headers, body: payload.content })
    }
}

/// One message as it goes to the push service.
struct PushRequest {
    url: String,
    headers: Vec<(&'static str, String)>,
    /// Encrypted (aes128gcm).
    body: Vec<u8>,
}

/// `scheme://host[:port]` of a URL.
fn origin(endpoint: &str) -> anyhow::Result<String> {
    let url = reqwest::Url::parse(endpoint).context("the push endpoint is not a URL")?;
    Ok(url.origin().ascii_serialization())
}

/// A topic per dose (at most 32 base64url characters): a newer message about the same dose replaces an older one
/// still waiting at the push service. A digest, so the topic says nothing itself.
fn topic(payload: &PushPayload) -> String {
    let digest = Sha256::digest(format!("{}/{}/{:?}", payload.regimen_line_id, payload.date, payload.slot).as_bytes());
    crate::auth::hex(&digest[..16])
}

/// The public key of a base64url raw P-256 private key.
fn public_key(private_key: &str) -> anyhow::Result<String> {
    let partial = VapidSignatureBuilder::from_base64_no_sub(private_key).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(URL_SAFE_NO_PAD.encode(partial.get_public_key()))
}

/// The key kept in the database, made (once, whoever gets there first) if there is none.
async fn stored_key(db: &Db) -> anyhow::Result<String> {
    if let Some(key) = sqlx::query_scalar::<_, String>("SELECT private_key FROM vapid_keys WHERE id = 1").fetch_optional(db.read()).await? {
        return Ok(key);
    }
    let key = new_private_key()?;
    sqlx::query("INSERT INTO vapid_keys (id, private_key, created_at) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING")
        .bind(&key)
        .bind(ts(Utc::now()))
        .execute(db.write())
        .await?;
    tracing::info!("web push: made a new VAPID key and stored it in the database");
    Ok(sqlx::query_scalar("SELECT private_key FROM vapid_keys WHERE id = 1").fetch_one(db.read()).await?)
}

/// A new P-256 private key: 32 random bytes, drawn again in the (vanishingly rare) case they are not a valid scalar.
pub fn new_private_key() -> anyhow::Result<String> {
    for _ in 0..8 {
        let key = URL_SAFE_NO_PAD.encode(crate::auth::random_bytes(32));
        if public_key(&key).is_ok() {
            return Ok(key);
        }
    }
    anyhow::bail!("could not make a VAPID key")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_raw_p256() {
        let key = new_private_key().unwrap();
        assert_eq!(URL_SAFE_NO_PAD.decode(&key).unwrap().len(), 32);
        let public = URL_SAFE_NO_PAD.decode(public_key(&key).unwrap()).unwrap();
        assert_eq!(public.len(), 65);
        assert_eq!(public[0], 4);
        assert!(public_key("not a key").is_err());
        // The key from the web-push crate's own tests gives its documented public key.
        let known = public_key("IQ9Ur0ykXoHS9gzfYX0aBjy9lvdrjx_PFUXmie9YRcY").unwrap();
        assert_eq!(URL_SAFE_NO_PAD.decode(known).unwrap().len(), 65);
    }

    #[test]
    fn the_audience_keeps_the_port() {
        assert_eq!(origin("http://127.0.0.1:8090/notify/abc").unwrap(), "http://127.0.0.1:8090");
        assert_eq!(origin("https://fcm.googleapis.com/fcm/send/x").unwrap(), "https://fcm.googleapis.com");
    }

    #[test]
    fn topics_are_short_and_opaque() {
        let payload = PushPayload {
            kind: carepath_domain::reminders::ReminderKind::DoseDue,
            url: "/".into(),
            regimen_line_id: uuid::Uuid::nil(),
            date: "2026-03-10".parse().unwrap(),
            slot: carepath_domain::regimen::DoseSlot::Morning,
        };
        let t = topic(&payload);
        assert_eq!(t.len(), 32);
        assert!(t.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(t, topic(&PushPayload { kind: carepath_domain::reminders::ReminderKind::Overdue, ..payload }));
    }
}
