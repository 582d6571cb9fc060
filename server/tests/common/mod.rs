//! Test harness: every test starts the real server on a random port, with a fresh data folder, and talks
//! HTTP to it. Set-up that is not under test (sites, pharmacists) goes straight into the database.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use carepath_domain::checkin::{CheckInAnswers, ItemAnswer};
use carepath_domain::grading::{AttributeSet, Responses};
use carepath_domain::regimen::DoseSlot;
use carepath_domain::sync::{
    CaregiverResponse, DeviceProfile, EnrollPatientResponse, EnrollResponse, ErrorDetail, EventBody, PatientEvent, SyncResponse,
};
use carepath_server::{auth, store, Settings};
use chrono::{DateTime, Duration, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tempfile::TempDir;
use uuid::Uuid;

/// What the static folder's `index.html` holds, so tests can recognise the SPA shell.
pub const INDEX_HTML: &str = "<!doctype html><html><head><title>Carepath test shell</title></head><body>carepath-test-shell</body></html>";
/// The desk's page (its own bundle), sent for `/pharmacy` and every path under it.
pub const DESK_HTML: &str = "<!doctype html><html><head><title>Carepath test desk</title></head><body>carepath-test-desk</body></html>";
/// Every pharmacist made by [`TestApp::add_pharmacist`] gets this password.
pub const PASSWORD: &str = "correct horse battery staple";
pub const SESSION_COOKIE: &str = "carepath_session";
/// The authenticator secret (base32) of every pharmacist made by [`TestApp::add_pharmacist`].
pub const TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
pub const DRUG: &str = "Capecitabine";
pub const STRENGTH: &str = "500 mg tablets";

/// How often a test patient takes their dose: once a day (one `daily` dose) or twice (`morning`, `evening`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frequency {
    OnceDaily,
    TwiceDaily,
}

/// A continuous regimen of 1500 mg (3 tablets) per dose that started 60 days ago in UTC, as the enrollment API takes it.
pub fn regimen_json(drug: &str, frequency: Frequency) -> Value {
    let slots: &[&str] = match frequency {
        Frequency::OnceDaily => &["daily"],
        Frequency::TwiceDaily => &["morning", "evening"],
    };
    let doses: Vec<Value> = slots
        .iter()
        .map(|slot| {
            let time = if *slot == "evening" { "20:00:00" } else { "08:00:00" };
            json!({ "slot": slot, "amount": { "mg": 1500, "half_tablets": 6 }, "time": time, "food": "with_food" })
        })
        .collect();
    json!({
        "drug_name": drug, "strength": STRENGTH, "doses": doses, "pattern": { "type": "continuous" },
        "start": (Utc::now().date_naive() - Duration::days(60)).to_string(), "first_cycle": 1, "time_zone": "UTC",
    })
}

pub struct TestApp {
    /// `http://127.0.0.1:<port>`
    pub address: String,
    /// The server's writer connection, for a test's own statements: they queue with the server's writes.
    pub db: sqlx::SqlitePool,
    /// The server's database, for calling the server's own functions.
    pub store: store::Db,
    pub settings: Settings,
    /// A client without a cookie store: for anonymous and device requests.
    pub client: reqwest::Client,
    _dir: TempDir,
}

/// A pharmacist account created directly in the database.
#[derive(Debug, Clone)]
pub struct Pharmacist {
    pub id: String,
    pub site_id: String,
    pub username: String,
    pub password: String,
}

/// A patient created by a pharmacist, with one enrolled device.
#[derive(Debug, Clone)]
pub struct Patient {
    pub id: Uuid,
    pub name: String,
    pub token: String,
    pub profile: DeviceProfile,
    /// The id of the patient's only regimen line.
    pub line_id: Uuid,
}

/// argon2 is slow in a debug build: hash [`PASSWORD`] once per test binary and share it.
fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| auth::hash_password(PASSWORD).expect("hash"))
}

fn guides_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/guides")
}

/// Lets the server reach the local push service stand-in (`web-push-testing` on plain http at 127.0.0.1, any
/// port), as `CAREPATH_PUSH_ALLOWED_HOSTS=127.0.0.1` does.
pub fn allow_push_service(settings: &mut Settings) {
    settings.push_allowed_hosts = vec!["127.0.0.1".parse().expect("an allowed host")];
}

/// Starts the real server. Set `TEST_LOG=1` (and optionally `RUST_LOG`) to see its logs.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts the real server with settings changed by `configure` (e.g. notice receivers).
pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    if std::env::var_os("TEST_LOG").is_some() {
        carepath_server::init_tracing();
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let static_dir = dir.path().join("static");
    std::fs::create_dir_all(&static_dir).expect("static dir");
    std::fs::write(static_dir.join("index.html"), INDEX_HTML).expect("index.html");
    std::fs::write(static_dir.join("desk.html"), DESK_HTML).expect("desk.html");
    let mut settings = Settings {
        bind: "127.0.0.1:0".parse().expect("address"),
        data_dir: dir.path().join("data"),
        // <data dir>/server.key, made at start.
        server_key_file: None,
        static_dir,
        guides_dir: guides_dir(),
        public_url: "http://127.0.0.1".into(),
        trusted_proxies: Vec::new(),
        session_idle_minutes: 30,
        session_max_hours: 12,
        enrollment_code_hours: 72,
        device_idle_days: 180,
        checkin_library: Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/checkin/library.toml"),
        alert_webhook_url: None,
        smtp_url: None,
        alert_email_to: None,
        alert_email_from: "Carepath <carepath@localhost>".into(),
        notify_retry_ms: 200,
        vapid_private_key: None,
        vapid_subject: "mailto:pharmacy@localhost".into(),
        // Production's rule (https to public addresses only); tests with the local push service call
        // `allow_push_service`.
        push_allowed_hosts: Vec::new(),
        // Push tests that want the reminder task to run on its own set this small.
        reminder_tick_ms: 3_600_000,
        // The production defaults: every test runs behind the real connection timeouts and limit.
        header_timeout_ms: 10_000,
        body_timeout_ms: 15_000,
        request_timeout_ms: 30_000,
        idle_timeout_ms: 30_000,
        max_connections: 512,
    };
    configure(&mut settings);
    let state = carepath_server::state(settings.clone()).await.expect("app state");
    let store = state.db.clone();
    let db = store.write().clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a random port");
    let port = listener.local_addr().expect("local address").port();
    tokio::spawn(async move {
        carepath_server::serve_on(listener, state, std::future::pending()).await.expect("server runs")
    });
    TestApp { address: format!("http://127.0.0.1:{port}"), db, store, settings, client: reqwest::Client::new(), _dir: dir }
}

impl TestApp {
    /// The server key the running server made (read from its file, as a restart would).
    pub fn server_key(&self) -> carepath_server::server_key::ServerKey {
        carepath_server::server_key::ServerKey::load_or_create(&self.settings.server_key_path()).expect("server key")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    // ---- database ----------------------------------------------------------------------------------------

    pub async fn count(&self, table: &str) -> i64 {
        self.scalar(&format!("SELECT COUNT(*) FROM {table}")).await
    }

    pub async fn scalar(&self, sql: &str) -> i64 {
        sqlx::query_scalar::<_, i64>(sql).fetch_one(&self.db).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    pub async fn execute(&self, sql: &str) -> Result<u64, sqlx::Error> {
        sqlx::query(sql).execute(&self.db).await.map(|r| r.rows_affected())
    }

    pub async fn add_site(&self, name: &str) -> String {
        let id = Uuid::new_v4().to_string();
        sqlx::query("INSERT INTO sites (id, name, phone, after_hours_phone, created_at) VALUES (?, ?, ?, ?, ?)")
            .bind(&id)
            .bind(name)
            .bind(format!("{name} phone +1 555 0100"))
            .bind(format!("{name} after hours +1 555 0199"))
            .bind(store::ts(Utc::now()))
            .execute(&self.db)
            .await
            .expect("insert site");
        id
    }

    /// A pharmacist with a second factor set up ([`TOTP_SECRET`]): [`TestApp::login`] passes both steps.
    pub async fn add_pharmacist(&self, site_id: &str, username: &str) -> Pharmacist {
        let pharmacist = self.add_pharmacist_without_second_factor(site_id, username).await;
        sqlx::query("UPDATE pharmacists SET totp_secret = ?, totp_enabled_at = ? WHERE id = ?")
            .bind(self.server_key().seal(carepath_server::second_factor::SEAL_PURPOSE, TOTP_SECRET.as_bytes()))
            .bind(store::ts(Utc::now()))
            .bind(&pharmacist.id)
            .execute(&self.db)
            .await
            .expect("set the second factor");
        pharmacist
    }

    /// A pharmacist whose next sign-in must set up a second factor.
    pub async fn add_pharmacist_without_second_factor(&self, site_id: &str, username: &str) -> Pharmacist {
        let id = Uuid::new_v4().to_string();
        sqlx::query(
            "INSERT INTO pharmacists (id, site_id, username, display_name, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&id)
        .bind(site_id)
        .bind(username)
        .bind(format!("Pharmacist {username}"))
        .bind(password_hash())
        .bind(store::ts(Utc::now()))
        .execute(&self.db)
        .await
        .expect("insert pharmacist");
        Pharmacist { id, site_id: site_id.into(), username: username.into(), password: PASSWORD.into() }
    }

    /// A new site with one pharmacist.
    pub async fn pharmacist_at_new_site(&self, site: &str, username: &str) -> Pharmacist {
        let site_id = self.add_site(site).await;
        self.add_pharmacist(&site_id, username).await
    }

    // ---- pharmacist side --------------------------------------------------------------------------------

    /// Signs in with a fresh client; no cookie store, so the caller sees the raw `Set-Cookie`.
    pub async fn login_response(&self, username: &str, password: &str) -> reqwest::Response {
        self.client
            .post(self.url("/api/pharmacy/login"))
            .json(&json!({ "username": username, "password": password }))
            .send()
            .await
            .expect("login request")
    }

    /// A code from `username`'s authenticator (its stored secret) that the server has not accepted yet: the
    /// current step's, else the next one's (accepted for clock drift), else it waits for a later step.
    pub async fn totp_code(&self, username: &str) -> String {
        let (secret, last_step): (String, Option<i64>) =
            sqlx::query_as("SELECT COALESCE(totp_secret, ''), totp_last_step FROM pharmacists WHERE username = ?")
                .bind(username)
                .fetch_one(&self.db)
                .await
                .expect("the pharmacist's secret");
        let secret = if secret.is_empty() {
            TOTP_SECRET.to_string()
        } else {
            let plain = self.server_key().open(carepath_server::second_factor::SEAL_PURPOSE, &secret).expect("a sealed secret");
            String::from_utf8(plain).expect("base32")
        };
        totp_code_for(&secret, last_step).await
    }

    /// The second step of signing in, sent with the session cookie of the first.
    pub async fn second_factor_response(&self, session: &str, code: &str) -> reqwest::Response {
        self.client
            .post(self.url("/api/pharmacy/second-factor"))
            .header("cookie", format!("{SESSION_COOKIE}={session}"))
            .json(&json!({ "code": code }))
            .send()
            .await
            .expect("second factor request")
    }

    /// Signs in with both factors and returns the session id that passed them (as a browser would keep it).
    pub async fn sign_in_session(&self, username: &str, password: &str) -> String {
        let login = self.login_response(username, password).await;
        assert_eq!(login.status(), StatusCode::OK, "login failed");
        let half = session_cookie(&login);
        let code = self.totp_code(username).await;
        let passed = self.second_factor_response(&half, &code).await;
        assert_eq!(passed.status(), StatusCode::OK, "second factor failed");
        session_cookie(&passed)
    }

    /// Signs in with both factors (password, then a code from the authenticator) and returns a client whose
    /// cookie store holds the session.
    pub async fn login(&self, username: &str, password: &str) -> reqwest::Client {
        let client = reqwest::Client::builder().cookie_store(true).build().expect("client");
        let response = client
            .post(self.url("/api/pharmacy/login"))
            .json(&json!({ "username": username, "password": password }))
            .send()
            .await
            .expect("login request");
        assert_eq!(response.status(), StatusCode::OK, "login failed: {}", response.text().await.unwrap_or_default());
        let code = self.totp_code(username).await;
        let response = client
            .post(self.url("/api/pharmacy/second-factor"))
            .json(&json!({ "code": code }))
            .send()
            .await
            .expect("second factor request");
        assert_eq!(response.status(), StatusCode::OK, "second factor failed: {}", response.text().await.unwrap_or_default());
        client
    }

    pub async fn login_as(&self, pharmacist: &Pharmacist) -> reqwest::Client {
        self.login(&pharmacist.username, &pharmacist.password).await
    }

    pub async fn enroll_patient_response(&self, client: &reqwest::Client, name: &str, frequency: Frequency) -> reqwest::Response {
        client
            .post(self.url("/api/pharmacy/patients"))
            .json(&json!({
                "display_name": name,
                "regimen": regimen_json(DRUG, frequency),
            }))
            .send()
            .await
            .expect("enroll patient request")
    }

    pub async fn enroll_patient(&self, client: &reqwest::Client, name: &str, frequency: Frequency) -> EnrollPatientResponse {
        let response = self.enroll_patient_response(client, name, frequency).await;
        assert_eq!(response.status(), StatusCode::CREATED, "{}", response.text().await.unwrap_or_default());
        response.json().await.expect("EnrollPatientResponse")
    }

    /// Adds a caregiver to the patient (as `client`'s pharmacist): the new caregiver and their one-time code.
    pub async fn add_caregiver(&self, client: &reqwest::Client, patient_id: Uuid, name: &str) -> CaregiverResponse {
        let response = client
            .post(self.url(&format!("/api/pharmacy/patients/{patient_id}/caregivers")))
            .json(&json!({ "name": name }))
            .send()
            .await
            .expect("add caregiver request");
        assert_eq!(response.status(), StatusCode::CREATED, "{}", response.text().await.unwrap_or_default());
        response.json().await.expect("CaregiverResponse")
    }

    pub async fn queue(&self, client: &reqwest::Client) -> Value {
        let response = client.get(self.url("/api/pharmacy/queue")).send().await.expect("queue request");
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.expect("queue JSON")
    }

    // ---- device side ------------------------------------------------------------------------------------

    pub async fn enroll_device_response(&self, code: &str) -> reqwest::Response {
        self.client.post(self.url("/api/enroll")).json(&json!({ "code": code })).send().await.expect("enroll request")
    }

    pub async fn enroll_device(&self, code: &str) -> (String, DeviceProfile) {
        let response = self.enroll_device_response(code).await;
        assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap_or_default());
        let body: EnrollResponse = response.json().await.expect("EnrollResponse");
        (body.device_token, body.profile)
    }

    /// Enrolls a patient (as `client`'s pharmacist) and one device for them.
    pub async fn new_patient(&self, client: &reqwest::Client, name: &str, frequency: Frequency) -> Patient {
        let enrolled = self.enroll_patient(client, name, frequency).await;
        let (token, profile) = self.enroll_device(&enrolled.code).await;
        assert_eq!(profile.regimen.len(), 1);
        let line_id = profile.regimen[0].id;
        Patient { id: enrolled.patient_id, name: name.into(), token, profile, line_id }
    }

    pub async fn sync(&self, token: &str, events: &[PatientEvent]) -> reqwest::Response {
        self.sync_json(token, &json!({ "events": events })).await
    }

    pub async fn sync_json(&self, token: &str, body: &Value) -> reqwest::Response {
        self.client.post(self.url("/api/device/sync")).bearer_auth(token).json(body).send().await.expect("sync request")
    }

    /// Sends `body` as is, with the given Content-Type (or none).
    pub async fn sync_raw(&self, token: &str, body: impl Into<reqwest::Body>, content_type: Option<&str>) -> reqwest::Response {
        let mut request = self.client.post(self.url("/api/device/sync")).bearer_auth(token).body(body);
        if let Some(content_type) = content_type {
            request = request.header(reqwest::header::CONTENT_TYPE, content_type);
        }
        request.send().await.expect("sync request")
    }

    pub async fn sync_ok(&self, token: &str, events: &[PatientEvent]) -> SyncResponse {
        let response = self.sync(token, events).await;
        assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap_or_default());
        response.json().await.expect("SyncResponse")
    }

    pub async fn profile_response(&self, token: &str) -> reqwest::Response {
        self.client.get(self.url("/api/device/profile")).bearer_auth(token).send().await.expect("profile request")
    }
}

/// An authenticator's code for `secret` (base32) at a step after `last_step`, waiting for one if need be.
pub async fn totp_code_for(secret: &str, last_step: Option<i64>) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.to_string()).to_bytes().expect("base32 secret");
    let totp = totp_rs::TOTP::new_unchecked(totp_rs::Algorithm::SHA1, 6, 0, 30, bytes, None, "test".into());
    let now = Utc::now().timestamp() as u64;
    let current = now / 30;
    let step = last_step.map_or(current, |last| current.max(last as u64 + 1));
    if step > current + 1 {
        // Both usable steps are used: wait until the later one is the current one's neighbour.
        let wait = (step - 1) * 30 - now;
        tokio::time::sleep(std::time::Duration::from_secs(wait) + std::time::Duration::from_millis(50)).await;
    }
    totp.generate(step * 30)
}

/// Reads the QR code back from the SVG the server made: the dark modules are `M{x} {y}h{w}v{h}…` rectangles of
/// one path, drawn onto a grey image that a QR reader decodes.
pub fn decode_qr(svg: &str) -> String {
    let number = |name: &str| -> usize {
        let start = svg.find(&format!(" {name}=\"")).unwrap_or_else(|| panic!("no {name} in the svg")) + name.len() + 3;
        svg[start..].split('"').next().unwrap().parse().unwrap()
    };
    let (width, height) = (number("width"), number("height"));
    let d_start = svg.find(" d=\"").expect("a path") + 4;
    let d = svg[d_start..].split('"').next().unwrap();
    let mut dark = vec![false; width * height];
    for rect in d.split('M').filter(|r| !r.is_empty()) {
        let nums: Vec<usize> = rect
            .split(|c: char| !c.is_ascii_digit())
            .filter(|n| !n.is_empty())
            .take(4)
            .map(|n| n.parse().unwrap())
            .collect();
        let [x, y, w, h] = nums[..] else { panic!("unexpected path part {rect:?}") };
        for row in y..(y + h).min(height) {
            for col in x..(x + w).min(width) {
                dark[row * width + col] = true;
            }
        }
    }
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| if dark[y * width + x] { 0 } else { 255 });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the picture");
    grids[0].decode().expect("a readable QR code").1
}

// ---- responses --------------------------------------------------------------------------------------------

/// Asserts the response is `status` with a JSON body `{"error":{"code": code, "message": ...}}`.
/// Returns the error and the raw body text.
pub async fn assert_error(response: reqwest::Response, status: u16, code: &str) -> (ErrorDetail, String) {
    let actual = response.status().as_u16();
    let content_type =
        response.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let text = response.text().await.expect("body");
    assert_eq!(actual, status, "expected {status} {code}, got {actual}: {text}");
    assert!(content_type.starts_with("application/json"), "content type {content_type:?} for {text}");
    let body: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    assert_eq!(body["error"]["code"], code, "{text}");
    let message = body["error"]["message"].as_str().unwrap_or_else(|| panic!("no message: {text}"));
    assert!(!message.is_empty(), "{text}");
    let detail: ErrorDetail = serde_json::from_value(body["error"].clone()).unwrap_or_else(|e| panic!("not an ErrorDetail ({e}): {text}"));
    assert_eq!(detail.code.as_str(), code, "a code the shared ErrorCode knows: {text}");
    (detail, text)
}

/// The session id from a login response's `Set-Cookie`.
pub fn session_cookie(response: &reqwest::Response) -> String {
    set_cookie_header(response)
        .strip_prefix(&format!("{SESSION_COOKIE}="))
        .and_then(|rest| rest.split(';').next())
        .map(str::to_string)
        .unwrap_or_else(|| panic!("no session cookie in {:?}", response.headers()))
}

pub fn set_cookie_header(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(SESSION_COOKIE))
        .unwrap_or_else(|| panic!("no Set-Cookie for the session in {:?}", response.headers()))
        .to_string()
}

pub fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header in {:?}", response.headers()))
        .to_str()
        .expect("ASCII header")
        .to_string()
}

// ---- events -----------------------------------------------------------------------------------------------

/// A dose taken now, for today.
pub fn dose_taken(regimen_line_id: Uuid, slot: DoseSlot) -> PatientEvent {
    let now = Utc::now();
    PatientEvent {
        id: Uuid::new_v4(),
        recorded_at: now,
        body: EventBody::DoseTaken { regimen_line_id, date: now.date_naive(), slot, taken_at: now },
    }
}

/// Symptoms the tests report, each an item id with the attributes it is asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Symptom {
    Nausea,
    Vomiting,
    Diarrhea,
    MouthSores,
    HandFootSkin,
    Fatigue,
    Pain,
    Rash,
    Other,
}

impl Symptom {
    pub fn item(self) -> (&'static str, AttributeSet) {
        use AttributeSet::*;
        match self {
            Symptom::Nausea => ("nausea", FrequencySeverity),
            Symptom::Vomiting => ("vomiting", FrequencySeverity),
            Symptom::Diarrhea => ("diarrhea", Frequency),
            Symptom::MouthSores => ("mouth_sores", SeverityInterference),
            Symptom::HandFootSkin => ("hand_foot_skin", Severity),
            Symptom::Fatigue => ("fatigue", SeverityInterference),
            Symptom::Pain => ("pain", FrequencySeverityInterference),
            Symptom::Rash => ("rash", Severity),
            Symptom::Other => ("dizziness", SeverityInterference),
        }
    }
}

/// Answers about one symptom, every question answered `level` (0–4); at 0 the rest are skipped.
pub fn answers(symptom: Symptom, level: u8, note: Option<&str>) -> CheckInAnswers {
    let (term, attributes) = symptom.item();
    let mut responses = Responses::default();
    for (i, attribute) in attributes.attributes().iter().enumerate() {
        if level == 0 && i > 0 {
            break;
        }
        match attribute {
            carepath_domain::grading::Attribute::Frequency => responses.frequency = Some(level),
            carepath_domain::grading::Attribute::Severity => responses.severity = Some(level),
            _ => responses.interference = Some(level),
        }
    }
    let mut answers = CheckInAnswers { note: note.map(str::to_string), ..CheckInAnswers::default() };
    answers.answers.insert(term.to_string(), ItemAnswer { attributes, responses });
    answers
}

/// A check-in about one symptom, recorded now (see [`answers`]).
pub fn check_in(symptom: Symptom, level: u8, note: Option<&str>) -> PatientEvent {
    check_in_with(answers(symptom, level, note))
}

pub fn check_in_with(answers: CheckInAnswers) -> PatientEvent {
    PatientEvent { id: Uuid::new_v4(), recorded_at: Utc::now(), body: EventBody::CheckIn(answers) }
}

/// The same event, recorded at another time.
pub fn recorded_at(mut event: PatientEvent, at: DateTime<Utc>) -> PatientEvent {
    event.recorded_at = at;
    event
}

pub fn minutes_ago(event: PatientEvent, minutes: i64) -> PatientEvent {
    recorded_at(event, Utc::now() - Duration::minutes(minutes))
}

pub fn event_json(event: &PatientEvent) -> Value {
    serde_json::to_value(event).expect("event JSON")
}
