//! Outgoing notices of urgent alerts to the pharmacy team: a webhook (JSON, e.g. Teams Workflows or Slack) and/or
//! email (SMTP). A notice carries **no health information** — the tier, the site, the time and a link into the
//! pharmacy page; who and why are seen only after sign-in.
//!
//! Notices are rows in the `notifications` table, written in the same transaction as the alert, and delivered by
//! one background task: storing a report never waits on delivery, and a notice survives a restart. A failed
//! delivery is retried with doubling delays (from `notify_retry_ms`, at most an hour apart) up to [`MAX_ATTEMPTS`]
//! times. Delivery is at least once: if the server stops between sending and recording the delivery, the notice
//! is sent again after the restart.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use anyhow::Context as _;
use chrono::{DateTime, Duration, Utc};
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::Serialize;
use tokio::sync::Notify;

use crate::config::Settings;
use crate::store::{parse_ts, ts, Db};

/// Attempts per notice before it is left undelivered (with its last error kept for the operator).
pub const MAX_ATTEMPTS: i64 = 10;
const LONGEST_DELAY: StdDuration = StdDuration::from_secs(3600);
/// The task also looks for due notices this often, whatever wakes it.
const IDLE_CHECK: StdDuration = StdDuration::from_secs(30);

/// What a notice says. Nothing here may identify a patient or a symptom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    /// Plain-text summary for chat tools that show a `text` field (Slack, Teams via a workflow).
    pub text: String,
    pub tier: &'static str,
    pub site: String,
    pub raised_at: DateTime<Utc>,
    pub link: String,
}

impl Notice {
    pub fn urgent(site: String, raised_at: DateTime<Utc>, alert_id: &str, public_url: &str) -> Notice {
        let link = format!("{}/pharmacy?alert={alert_id}", public_url.trim_end_matches('/'));
        let text = format!(
            "Carepath: urgent alert for {site}, raised {} UTC. Sign in to see it: {link}",
            raised_at.format("%Y-%m-%d %H:%M")
        );
        Notice { text, tier: "urgent", site, raised_at, link }
    }

    fn subject(&self) -> String {
        format!("Carepath: urgent alert for {}", self.site)
    }
}

/// Wakes the delivery task when a new notice is queued.
#[derive(Debug, Clone, Default)]
pub struct Notifier {
    wake: Arc<Notify>,
}

impl Notifier {
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

/// Checks the notice settings at startup (addresses parse, URLs look right) so mistakes show before an alert.
pub fn check_settings(settings: &Settings) -> anyhow::Result<()> {
    if let Some(url) = &settings.alert_webhook_url {
        let url = url.expose();
        anyhow::ensure!(
            url.starts_with("https://") || url.starts_with("http://"),
            "CAREPATH_ALERT_WEBHOOK_URL must be an http(s) URL"
        );
    }
    if settings.smtp_url.is_some() {
        let to = settings.alert_email_to.as_deref().context("CAREPATH_SMTP_URL is set but CAREPATH_ALERT_EMAIL_TO is not")?;
        to.parse::<Mailbox>().context("CAREPATH_ALERT_EMAIL_TO is not an email address")?;
        settings.alert_email_from.parse::<Mailbox>().context("CAREPATH_ALERT_EMAIL_FROM is not an email address")?;
    }
    Ok(())
}

/// Starts the delivery task. It runs until the runtime stops.
pub fn spawn(db: Db, settings: Arc<Settings>, notifier: Notifier) {
    tokio::spawn(async move {
        let client = match reqwest::Client::builder().timeout(StdDuration::from_secs(15)).build() {
            Ok(client) => client,
            Err(e) => {
                tracing::error!(error = %e, "notices: cannot build an HTTP client; urgent alerts will not be sent out");
                return;
            }
        };
        loop {
            let wait = match deliver_due(&db, &settings, &client).await {
                Ok(Some(next)) => (next - Utc::now()).to_std().unwrap_or_default().min(IDLE_CHECK),
                Ok(None) => IDLE_CHECK,
                Err(e) => {
                    tracing::error!(error = %e, "notices: delivery round failed");
                    IDLE_CHECK
                }
            };
            tokio::select! {
                _ = notifier.wake.notified() => {}
                _ = tokio::time::sleep(wait) => {}
            }
        }
    });
}

/// Sends every notice that is due; returns when the next undelivered one falls due.
async fn deliver_due(db: &Db, settings: &Settings, client: &reqwest::Client) -> anyhow::Result<Option<DateTime<Utc>>> {
    let now = Utc::now();
    let due: Vec<(i64, String, i64, String, String, String)> = sqlx::query_as(
        "SELECT n.id, n.channel, n.attempts, a.id, a.raised_at, s.name
         FROM notifications n JOIN alerts a ON a.id = n.alert_id JOIN sites s ON s.id = a.site_id
         WHERE n.delivered_at IS NULL AND n.attempts < ? AND n.next_attempt_at <= ?
         ORDER BY n.id",
    )
    .bind(MAX_ATTEMPTS)
    .bind(ts(now))
    .fetch_all(db.read())
    .await?;
    for (id, channel, attempts, alert_id, raised_at, site) in due {
        let notice = Notice::urgent(site, parse_ts(&raised_at)?, &alert_id, &settings.public_url);
        let sent = match channel.as_str() {
            "webhook" => send_webhook(client, settings, &notice).await,
            "email" => send_email(settings, &notice).await,
            other => Err(anyhow::anyhow!("unknown channel {other}")),
        };
        match sent {
            Ok(()) => {
                sqlx::query("UPDATE notifications SET delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?")
                    .bind(ts(Utc::now()))
                    .bind(id)
                    .execute(db.write())
                    .await?;
                tracing::info!(notice = id, %channel, "urgent-alert notice delivered");
            }
            Err(e) => {
                let delay = retry_delay(settings.notify_retry_ms, attempts);
                let next = Utc::now() + Duration::from_std(delay)?;
                // The error text never holds the secret URL: reqwest errors are stripped of it below.
                let error = format!("{e:#}");
                tracing::warn!(notice = id, %channel, attempt = attempts + 1, error = %error, "urgent-alert notice failed; will retry");
                sqlx::query("UPDATE notifications SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?")
                    .bind(ts(next))
                    .bind(&error)
                    .bind(id)
                    .execute(db.write())
                    .await?;
            }
        }
    }
    let next: Option<String> = sqlx::query_scalar(
        "SELECT MIN(next_attempt_at) FROM notifications WHERE delivered_at IS NULL AND attempts < ?",
    )
    .bind(MAX_ATTEMPTS)
    .fetch_one(db.read())
    .await?;
    next.map(|t| parse_ts(&t)).transpose()
}

/// The wait before attempt `attempts + 2`: base × 2^attempts, at most an hour.
pub fn retry_delay(base_ms: u64, attempts: i64) -> StdDuration {
    let factor = 1u64 << attempts.clamp(0, 20);
    StdDuration::from_millis(base_ms.saturating_mul(factor)).min(LONGEST_DELAY)
}

async fn send_webhook(client: &reqwest::Client, settings: &Settings, notice: &Notice) -> anyhow::Result<()> {
    let url = settings.alert_webhook_url.as_ref().context("no webhook URL configured")?;
    let response = client.post(url.expose()).json(notice).send().await.map_err(|e| anyhow::anyhow!("{}", e.without_url()))?;
    let status = response.status();
    anyhow::ensure!(status.is_success(), "webhook answered {status}");
    Ok(())
}

async fn send_email(settings: &Settings, notice: &Notice) -> anyhow::Result<()> {
    let url = settings.smtp_url.as_ref().context("no SMTP URL configured")?;
    let to = settings.alert_email_to.as_deref().context("no alert email address configured")?;
    let message = Message::builder()
        .from(settings.alert_email_from.parse()?)
        .to(to.parse()?)
        .subject(notice.subject())
        .header(ContentType::TEXT_PLAIN)
        .body(notice.text.clone())?;
    // The URL holds the SMTP password: errors from parsing it must not echo it.
    let mailer = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
        .map_err(|_| anyhow::anyhow!("CAREPATH_SMTP_URL is not a valid SMTP URL"))?
        .timeout(Some(StdDuration::from_secs(15)))
        .build();
    mailer.send(message).await.map_err(|e| anyhow::anyhow!("SMTP: {e}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_double_up_to_an_hour() {
        assert_eq!(retry_delay(5000, 0), StdDuration::from_secs(5));
        assert_eq!(retry_delay(5000, 1), StdDuration::from_secs(10));
        assert_eq!(retry_delay(5000, 3), StdDuration::from_secs(40));
        assert_eq!(retry_delay(5000, 12), LONGEST_DELAY);
        assert_eq!(retry_delay(u64::MAX, 60), LONGEST_DELAY);
    }

    #[test]
    fn notices_say_where_and_when_only() {
        let n = Notice::urgent("Northside Pharmacy".into(), "2026-11-23T10:05:00Z".parse().unwrap(), "abc", "https://c.example/");
        assert_eq!(n.link, "https://c.example/pharmacy?alert=abc");
        assert_eq!(n.text, "Carepath: urgent alert for Northside Pharmacy, raised 2026-11-23 10:05 UTC. Sign in to see it: https://c.example/pharmacy?alert=abc");
        assert_eq!(n.subject(), "Carepath: urgent alert for Northside Pharmacy");
    }
}
