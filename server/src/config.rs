//! Server settings, from command-line flags or `CAREPATH_*` environment variables.

use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone, clap::Args)]
pub struct Settings {
    /// Address to listen on. Port 0 picks a free port (tests use this).
    #[arg(long, env = "CAREPATH_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Folder for the SQLite database.
    #[arg(long, env = "CAREPATH_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// The built app (scripts/build-app.sh writes it to dist/).
    #[arg(long, env = "CAREPATH_STATIC_DIR", default_value = "dist")]
    pub static_dir: PathBuf,
    /// Medication guides: `<dir>/<lang>/<drug>.toml`. All are loaded at startup; an invalid one stops the server.
    #[arg(long, env = "CAREPATH_GUIDES_DIR", default_value = "content/guides")]
    pub guides_dir: PathBuf,
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
}

impl Settings {
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("carepath.db")
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}
