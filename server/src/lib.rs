//! Carepath server: serves the built app and the JSON API under `/api`.

mod cancel_safe;
pub mod admin;
pub mod attempts;
pub mod client_address;
pub mod audit_trail;
pub mod auth;
pub mod config;
pub mod error;
pub mod group_commit;
pub mod guides;
pub mod items;
pub mod message_audience;
pub mod messages;
pub mod notify;
pub mod openapi;
pub mod patients;
pub mod push;
pub mod push_target;
pub mod regimens;
pub mod reminders;
pub mod routes;
pub mod second_factor;
pub mod serve;
pub mod server_key;
pub mod store;
pub mod triage;
pub mod worklist;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderName, HeaderValue};
use axum::routing::{get, post};
use axum::Router;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use config::Settings;
use error::ApiError;

/// Largest request body the API reads. A full sync batch of check-ins with long notes fits well under this.
pub const MAX_BODY_BYTES: usize = 512 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub db: store::Db,
    pub settings: Arc<Settings>,
    /// Every medication guide, loaded at startup.
    pub guides: Arc<guides::GuideLibrary>,
    /// The symptom item library, loaded at startup.
    pub items: Arc<items::Items>,
    /// Wakes the task that sends urgent-alert notices.
    pub notifier: notify::Notifier,
    /// The server's Web Push (VAPID) key and client; the reminder task sends with it.
    pub push: push::Push,
    /// Wakes the task that tells phones of a new pharmacy message (`messages`).
    pub message_pushes: messages::PushWaker,
    /// The server's secret key: enrollment codes are stored as an HMAC with it (`server_key`).
    pub server_key: server_key::ServerKey,
    /// Verified against when a username is unknown, so a failed sign-in takes the same time either way.
    pub dummy_password_hash: String,
}

impl AppState {
    pub fn session_cookie_name(&self) -> &'static str {
        // `__Host-` needs Secure, which browsers only honour over https.
        if self.settings.secure_cookies() { "__Host-carepath_session" } else { "carepath_session" }
    }
}

pub async fn state(settings: Settings) -> anyhow::Result<AppState> {
    use anyhow::Context as _;
    let guides = guides::GuideLibrary::load(&settings.guides_dir)
        .with_context(|| format!("the medication guides in {} could not be loaded", settings.guides_dir.display()))?;
    tracing::info!(drugs = guides.drug_count(), dir = %settings.guides_dir.display(), "medication guides loaded");
    let items = items::Items::load(&settings.checkin_library, &guides)
        .with_context(|| format!("the symptom item library {} could not be loaded", settings.checkin_library.display()))?;
    tracing::info!(library = items.name(), "symptom item library loaded");
    notify::check_settings(&settings)?;
    let db = store::open(&settings.database_path()).await?;
    let server_key = server_key::ServerKey::load_or_create(&settings.server_key_path())?;
    let dummy_password_hash = auth::hash_password(&auth::new_token())?;
    let settings = Arc::new(settings);
    let notifier = notify::Notifier::default();
    notify::spawn(db.clone(), settings.clone(), notifier.clone());
    tracing::info!(channels = ?settings.notice_channels(), "urgent-alert notices");
    let push = push::Push::load(&db, &settings).await?;
    reminders::spawn(db.clone(), settings.clone(), push.clone());
    let message_pushes = messages::PushWaker::default();
    messages::spawn(db.clone(), settings.clone(), push.clone(), message_pushes.clone());
    worklist::spawn(db.clone());
    Ok(AppState { db, settings, guides: Arc::new(guides), items: Arc::new(items), notifier, push, message_pushes, server_key, dummy_password_hash })
}

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/health", get(openapi::health))
        .route("/openapi.json", get(openapi::openapi_json))
        .route("/enroll", post(routes::device::enroll))
        // The phone's profile (regimens, 60 days of diary, messages) is the largest answer a phone gets: compressed as
        // the browser asks. It holds no secret (the device token travels only in the request, and the answer to
        // /enroll, which carries one, stays uncompressed), so compression leaks nothing worth guessing.
        .route("/device/profile", get(routes::device::profile).layer(compressed()))
        .route("/device/sync", post(routes::device::sync))
        .route("/device/unenroll", post(routes::patient_devices::unenroll))
        .route("/device/push/key", get(routes::push::key))
        .route("/device/push/subscription", axum::routing::put(routes::push::subscribe).delete(routes::push::unsubscribe))
        .route("/device/push/snooze", post(routes::push::snooze))
        .route("/pharmacy/login", post(routes::pharmacy::login))
        .route("/pharmacy/second-factor", post(routes::second_factor::verify))
        .route("/pharmacy/second-factor/setup", get(routes::second_factor::setup).post(routes::second_factor::enable))
        .route("/pharmacy/logout", post(routes::pharmacy::logout))
        .route("/pharmacy/admin/accounts", get(routes::admin::accounts).post(routes::admin::create_account))
        .route("/pharmacy/admin/accounts/{id}/disable", post(routes::admin::disable))
        .route("/pharmacy/admin/accounts/{id}/enable", post(routes::admin::enable))
        .route("/pharmacy/admin/accounts/{id}/reset-second-factor", post(routes::admin::reset_second_factor))
        .route("/pharmacy/admin/sessions", get(routes::admin::sessions))
        .route("/pharmacy/admin/sessions/{id}/end", post(routes::admin::end_session))
        .route("/pharmacy/admin/site", get(routes::admin::site).put(routes::admin::change_site))
        .route("/pharmacy/admin/audit", get(routes::admin::audit))
        .route("/pharmacy/admin/audit.csv", get(routes::admin::audit_csv))
        .route("/pharmacy/me", get(routes::pharmacy::me))
        .route("/pharmacy/patients", get(routes::pharmacy::list_patients).post(routes::pharmacy::enroll_patient))
        .route("/pharmacy/queue", get(routes::pharmacy::queue))
        .route("/pharmacy/alerts", get(routes::alerts::queue))
        .route("/pharmacy/alerts/{id}/acknowledge", post(routes::alerts::acknowledge))
        .route("/pharmacy/alerts/{id}/notes", post(routes::alerts::add_note))
        .route("/pharmacy/alerts/{id}/resolve", post(routes::alerts::resolve))
        .route("/pharmacy/patients/{id}", get(routes::identity::header))
        .route("/pharmacy/patients/{id}/enrollment-codes", post(routes::identity::reissue_code))
        .route("/pharmacy/patients/{id}/handout", post(routes::identity::handout))
        .route("/pharmacy/patients/{id}/timeline", get(routes::alerts::timeline))
        .route("/pharmacy/patients/{id}/messages", post(routes::alerts::reply))
        .route("/pharmacy/patients/{id}/check-in-cadence", axum::routing::put(routes::alerts::set_cadence))
        .route("/pharmacy/patients/{id}/diary", get(routes::regimens::diary))
        .route("/pharmacy/patients/{id}/regimens", post(routes::regimens::add_line))
        .route("/pharmacy/patients/{id}/regimen-changes", post(routes::regimens::add_change))
        .route("/pharmacy/patients/{id}/dispenses", post(routes::regimens::add_dispense))
        .route("/pharmacy/patients/{id}/refill-reminder", axum::routing::put(routes::regimens::set_refill_reminder))
        .route("/pharmacy/patients/{id}/caregivers", post(routes::regimens::add_caregiver))
        .route("/pharmacy/patients/{id}/caregivers/{caregiver_id}/revoke", post(routes::regimens::revoke_caregiver))
        .route("/pharmacy/patients/{id}/devices", get(routes::patient_devices::list))
        .route("/pharmacy/patients/{id}/devices/{device_id}/revoke", post(routes::patient_devices::revoke))
        .route("/pharmacy/patients/{id}/interventions", post(routes::worklists::add_intervention))
        .route("/pharmacy/worklists", get(routes::worklists::counts))
        .route("/pharmacy/worklists/{list}", get(routes::worklists::page))
        .route("/pharmacy/worklists/{list}/done", post(routes::worklists::done))
        .route("/pharmacy/program", get(routes::program::figures))
        .route("/pharmacy/program/figures.csv", get(routes::program::figures_csv))
        .route("/pharmacy/program/interventions.csv", get(routes::program::interventions_csv))
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // Handlers and their extractors run in a task of their own: a client that disconnects never cancels a
        // write half-way (see `cancel_safe`).
        .layer(axum::middleware::from_fn(cancel_safe::run_to_completion))
        // Health data must never sit in a shared or browser cache.
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-store")));

    // Public, cacheable education (no patient data), outside /api. Other paths under /guides are app pages.
    // Compressed (brotli or gzip, as the browser asks): no secrets in them, so no compression side channel.
    let guides = Router::new()
        .route("/guides/index.json", get(guides::index))
        .route("/guides/{lang}/{file}", get(guides::guide))
        .layer(compressed());

    let dir = &state.settings.static_dir;
    // Brotli where the browser asks for it, else gzip (both made by scripts/build-app.sh). Two pages: the desk's
    // (its own bundle) for /pharmacy and everything under it, the patient app's for every other path.
    let page = |file: &str| ServeFile::new(dir.join(file)).precompressed_br().precompressed_gzip();
    let app_shell = ServeDir::new(dir).precompressed_br().precompressed_gzip().fallback(page("index.html"));
    // The bundles' files have content-hashed names: the same name is always the same bytes.
    let bundles = Router::new()
        .nest_service("/pkg", ServeDir::new(dir.join("pkg")).precompressed_br().precompressed_gzip())
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, |res: &axum::response::Response| {
            Some(HeaderValue::from_static(if res.status().is_success() { "public, max-age=31536000, immutable" } else { "no-cache" }))
        }));
    let static_files = Router::new()
        .route_service("/pharmacy", page("desk.html"))
        .route_service("/pharmacy/{*rest}", page("desk.html"))
        .fallback_service(app_shell)
        // Always revalidate: the service worker keeps the offline copy; the network copy must be current.
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-cache")))
        .merge(bundles);

    let all = Router::new()
        .nest("/api", api)
        // `nest` does not match the bare prefix with a trailing slash; it is still the API, never the app shell.
        .route("/api/", axum::routing::any(|| async { ApiError::NotFound }))
        .merge(guides).merge(static_files);
    // Request and body timeouts: a JSON `timeout` error (no-store), with the security headers like any answer.
    let all = serve::with_timeouts(all, &state.settings);
    with_security_headers(all)
        .layer(axum::middleware::from_fn_with_state(state.clone(), client_address::from_trusted_proxies))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Brotli or gzip, as the browser asks: only for answers that carry no secret (no compression side channel).
fn compressed() -> tower_http::compression::CompressionLayer {
    tower_http::compression::CompressionLayer::new().br(true).gzip(true)
}

/// CSP (with 'wasm-unsafe-eval', which Chrome needs to compile the app's wasm), HSTS and friends.
fn with_security_headers(router: Router<AppState>) -> Router<AppState> {
    const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
        connect-src 'self'; font-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; \
        frame-ancestors 'none'; form-action 'self'";
    let set = |name: HeaderName, value: &'static str| SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value));
    router
        .layer(set(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(set(header::STRICT_TRANSPORT_SECURITY, "max-age=63072000; includeSubDomains"))
        .layer(set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(set(header::REFERRER_POLICY, "no-referrer"))
        .layer(set(header::X_FRAME_OPTIONS, "DENY"))
        .layer(set(HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=()"))
}

/// Binds, then serves until Ctrl-C / SIGTERM. Prints the bound address (tests read it to find a random port).
pub async fn serve(state: AppState) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(state.settings.bind).await?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "listening");
    println!("Carepath is listening on http://{addr}");
    serve_on(listener, state, shutdown_signal()).await
}

/// Serves [`router`] on `listener` until `shutdown` completes, then lets open requests finish. Connections get the
/// settings' header and idle timeouts and connection limit (see [`serve`](mod@serve)); handlers get
/// `ConnectInfo<SocketAddr>`.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send,
) -> anyhow::Result<()> {
    let limits = serve::Limits::from_settings(&state.settings);
    serve::run(listener, router(state), limits, shutdown).await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}

pub fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}
