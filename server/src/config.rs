//! Server settings, from command-line flags or `CAREPATH_*` environment variables.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone, clap::Args)]
pub struct Settings {
    /// Address to listen on. Port 0 picks a free port (tests use this).
    #[arg(long, env = "CAREPATH_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Folder for the SQLite database.
    #[arg(long, env = "CAREPATH_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// The server's secret key (32 random bytes, hex), made at first start with mode 0600 when missing. Enrollment
    /// codes are stored as an HMAC with it. Default `<data dir>/server.key`. Keep it out of database backups, and
    /// never lose it: codes not yet used would stop working.
    #[arg(long, env = "CAREPATH_SERVER_KEY_FILE")]
    pub server_key_file: Option<PathBuf>,
    /// The built app (scripts/build-app.sh writes it to dist/).
    #[arg(long, env = "CAREPATH_STATIC_DIR", default_value = "dist")]
    pub static_dir: PathBuf,
    /// Medication guides: `<dir>/<lang>/<drug>.toml`. All are loaded at startup; an invalid one stops the server.
    #[arg(long, env = "CAREPATH_GUIDES_DIR", default_value = "content/guides")]
    pub guides_dir: PathBuf,
    /// Reverse proxies in front of this server, as addresses or networks (`10.0.0.5,10.0.0.0/8`). Only for a
    /// request from one of them is the client's address taken from `X-Forwarded-For` / `Forwarded`, for the
    /// per-address limits and the audit log. Empty: the peer is the client.
    #[arg(long, env = "CAREPATH_TRUSTED_PROXIES", value_delimiter = ',', value_parser = crate::client_address::parse_trusted_proxy)]
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// The address people use to reach this server. With https, session cookies are `__Host-` + Secure.
    #[arg(long, env = "CAREPATH_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
    pub public_url: String,
    /// Minutes a pharmacist session may sit idle before it ends.
    #[arg(long, env = "CAREPATH_SESSION_IDLE_MINUTES", default_value_t = 30)]
    pub session_idle_minutes: i64,
    /// Hours after which a pharmacist session ends however active it is.
    #[arg(long, env = "CAREPATH_SESSION_MAX_HOURS", default_value_t = 12)]
    pub session_max_hours: i64,
    /// Hours an enrollment code stays valid.
    #[arg(long, env = "CAREPATH_ENROLLMENT_CODE_HOURS", default_value_t = 72)]
    pub enrollment_code_hours: i64,
    /// Days a phone may go without reaching the server before its token stops working (`device_expired`; a new
    /// enrollment code connects it again). Also ends reminders and message pushes to it.
    #[arg(long, env = "CAREPATH_DEVICE_IDLE_DAYS", default_value_t = 180, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub device_idle_days: u32,
    /// The symptom item library (a content pack; see content/checkin/README.md). Loaded and checked at startup.
    #[arg(long, env = "CAREPATH_CHECKIN_LIBRARY", default_value = "content/checkin/library.toml")]
    pub checkin_library: PathBuf,
    /// Outgoing webhook for urgent alerts (e.g. a Teams Workflows or Slack URL). A secret: never logged.
    #[arg(long, env = "CAREPATH_ALERT_WEBHOOK_URL", hide_env_values = true)]
    pub alert_webhook_url: Option<Secret>,
    /// SMTP server for urgent-alert email, e.g. `smtps://user:password@mail.example.org` or `smtp://127.0.0.1:2525`
    /// (lettre URL syntax; add `?tls=required` for STARTTLS). A secret: never logged.
    #[arg(long, env = "CAREPATH_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<Secret>,
    /// Who gets urgent-alert email (the pharmacy team's shared mailbox).
    #[arg(long, env = "CAREPATH_ALERT_EMAIL_TO")]
    pub alert_email_to: Option<String>,
    /// The sender of urgent-alert email.
    #[arg(long, env = "CAREPATH_ALERT_EMAIL_FROM", default_value = "Carepath <carepath@localhost>")]
    pub alert_email_from: String,
    /// First retry of a failed notice after this many milliseconds, doubling each time (at most one hour).
    #[arg(long, env = "CAREPATH_NOTIFY_RETRY_MS", default_value_t = 5000)]
    pub notify_retry_ms: u64,
    /// Web Push (VAPID) private key: a raw P-256 key, base64url. A secret: never logged. When unset, one is made
    /// once and kept in the database (subscriptions are tied to it, so it must not change).
    #[arg(long, env = "CAREPATH_VAPID_PRIVATE_KEY", hide_env_values = true)]
    pub vapid_private_key: Option<Secret>,
    /// Who runs this server, told to push services in every VAPID token (`mailto:` or an https URL).
    #[arg(long, env = "CAREPATH_VAPID_SUBJECT", default_value = "mailto:pharmacy@localhost")]
    pub vapid_subject: String,
    /// Push services exempt from the public-address rule, comma-separated: `host` (any port) or `host:port`
    /// (IPv6 in brackets). They are reached over plain http and at private or loopback addresses, so this is for
    /// tests and development with a local push service only; in production leave it empty (https to public
    /// addresses only).
    #[arg(long, env = "CAREPATH_PUSH_ALLOWED_HOSTS", value_delimiter = ',', value_parser = crate::push_target::parse_allowed_host)]
    pub push_allowed_hosts: Vec<crate::push_target::AllowedHost>,
    /// How often the reminder task looks for dose reminders to send, in milliseconds.
    #[arg(long, env = "CAREPATH_REMINDER_TICK_MS", default_value_t = 60_000)]
    pub reminder_tick_ms: u64,
    /// Milliseconds a client has to send a request's headers, counted from when the connection starts waiting for
    /// a request (a new connection, or a kept-alive one after its last response). Closes slowloris connections and
    /// idle kept-alive ones.
    #[arg(long, env = "CAREPATH_HEADER_TIMEOUT_MS", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout_ms: u64,
    /// Milliseconds a request body may go without a byte arriving; then the request is answered 408 `timeout`.
    #[arg(long, env = "CAREPATH_BODY_TIMEOUT_MS", default_value_t = 15_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub body_timeout_ms: u64,
    /// Milliseconds from a request's headers to its answer, body reading included; then it is answered 408
    /// `timeout`. A write that has begun still finishes (handlers run in a task of their own).
    #[arg(long, env = "CAREPATH_REQUEST_TIMEOUT_MS", default_value_t = 30_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub request_timeout_ms: u64,
    /// Milliseconds a connection may go without a byte read or written while no handler is working on it (e.g. a
    /// client that stops reading its response); then it is closed.
    #[arg(long, env = "CAREPATH_IDLE_TIMEOUT_MS", default_value_t = 30_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub idle_timeout_ms: u64,
    /// Open connections at most. Keep it well below the process's file limit (`ulimit -n`, often 1024): SQLite and
    /// outgoing notices need descriptors too. At the limit, the connection that has waited longest for a request
    /// is closed to make room; when every connection has a request in progress, new ones wait in the listen queue.
    #[arg(long, env = "CAREPATH_MAX_CONNECTIONS", default_value_t = 512, value_parser = clap::value_parser!(u64).range(1..=65_536))]
    pub max_connections: u64,
}

/// A setting that must not appear in logs or `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_string()))
    }
}

impl Settings {
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("carepath.db")
    }

    /// `CAREPATH_SERVER_KEY_FILE`, or `server.key` in the data folder.
    pub fn server_key_path(&self) -> PathBuf {
        self.server_key_file.clone().unwrap_or_else(|| self.data_dir.join("server.key"))
    }

    /// The channels urgent alerts go out on, as configured.
    pub fn notice_channels(&self) -> Vec<&'static str> {
        let mut channels = Vec::new();
        if self.alert_webhook_url.is_some() {
            channels.push("webhook");
        }
        if self.smtp_url.is_some() && self.alert_email_to.is_some() {
            channels.push("email");
        }
        channels
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// A device last seen before this is expired.
    pub fn device_idle_cutoff(&self, now: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
        now - chrono::Duration::days(i64::from(self.device_idle_days))
    }

    pub fn header_timeout(&self) -> Duration {
        Duration::from_millis(self.header_timeout_ms)
    }

    pub fn body_timeout(&self) -> Duration {
        Duration::from_millis(self.body_timeout_ms)
    }

    pub fn request_timeout(&self) -> Duration {
        Duration::from_millis(self.request_timeout_ms)
    }

    pub fn idle_timeout(&self) -> Duration {
        Duration::from_millis(self.idle_timeout_ms)
    }
}
