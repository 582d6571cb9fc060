//! Sync ingest under load (issue #16): seeds a fresh SQLite database with 1,000 enrolled patients (through the real
//! migrations), starts the real release server (`target/release/carepath-server serve`) on it on 127.0.0.1 as a
//! process of its own, and drives it with 100 concurrent devices, each sending its next sync as soon as the last one
//! was answered. Two phases: one check-in per sync, then batches of 20 events (dose records and a check-in, as a
//! phone sends after days offline). Beside them, in the same run and on the same disk, the raw rate of the database:
//! single-row transactions and batches of 20 rows into a table shaped like `events`, with the server's own settings
//! (WAL, synchronous=FULL). It prints figures; it asserts nothing about timings. Run it with `scripts/bench-ingest.sh`.
//!
//! Settings (environment): `BENCH_DEVICES` (100 concurrent devices), `BENCH_PATIENTS` (1000), `BENCH_SECONDS` (20 per
//! phase), `BENCH_SERVER` (the server binary; default `target/release/carepath-server`), `BENCH_DIR` (a folder made
//! anew each run; default `target/bench-ingest`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use carepath_domain::adherence::DoseOutcome;
use carepath_domain::checkin::{CheckInAnswers, ItemAnswer, Temperature, TemperatureUnit};
use carepath_domain::grading::{Attribute, AttributeSet, Responses};
use carepath_domain::regimen::DoseSlot;
use carepath_domain::sync::{EventBody, PatientEvent, SyncRequest};
use carepath_server::{auth, store};
use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;
use uuid::Uuid;

/// Items of the library with their attributes, as the check-in form asks them.
const SYMPTOMS: &[(&str, AttributeSet)] = &[
    ("nausea", AttributeSet::FrequencySeverity),
    ("vomiting", AttributeSet::FrequencySeverity),
    ("diarrhea", AttributeSet::Frequency),
    ("mouth_sores", AttributeSet::SeverityInterference),
    ("hand_foot_skin", AttributeSet::Severity),
    ("fatigue", AttributeSet::SeverityInterference),
    ("rash", AttributeSet::Severity),
    ("decreased_appetite", AttributeSet::SeverityInterference),
    ("constipation", AttributeSet::Severity),
];

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn uuid(rng: &mut StdRng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.gen()).into_uuid()
}

/// One enrolled phone: its token and its patient's regimen line (capecitabine, twice a day).
#[derive(Clone)]
struct Phone {
    token: String,
    line: Uuid,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let devices = env_usize("BENCH_DEVICES", 100);
    let patients = env_usize("BENCH_PATIENTS", 1000).max(devices);
    let seconds = StdDuration::from_secs(env_usize("BENCH_SECONDS", 20) as u64);
    let root = repo_root();
    let dir = std::env::var_os("BENCH_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target/bench-ingest"));
    let server_bin =
        std::env::var_os("BENCH_SERVER").map(PathBuf::from).unwrap_or_else(|| root.join("target/release/carepath-server"));
    anyhow::ensure!(server_bin.exists(), "{} is missing: build it with cargo build --release -p carepath-server", server_bin.display());
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("data"))?;
    std::fs::create_dir_all(dir.join("static"))?;
    std::fs::write(dir.join("static/index.html"), "<!doctype html><title>bench</title>")?;

    let phones = seed(&dir.join("data/carepath.db"), patients).await?;
    eprintln!("seeded {patients} patients with a phone each");

    let raw = raw_rates(&dir.join("raw.db"), StdDuration::from_secs(5)).await?;

    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let server = std::process::Command::new(&server_bin)
        .arg("serve")
        .env("CAREPATH_BIND", format!("127.0.0.1:{port}"))
        .env("CAREPATH_DATA_DIR", dir.join("data"))
        .env("CAREPATH_STATIC_DIR", dir.join("static"))
        .env("CAREPATH_GUIDES_DIR", root.join("content/guides"))
        .env("CAREPATH_CHECKIN_LIBRARY", root.join("content/checkin/library.toml"))
        .env("CAREPATH_MAX_CONNECTIONS", "1024")
        .env("RUST_LOG", std::env::var("RUST_LOG").unwrap_or_else(|_| "warn,carepath_server::notify=error".into()))
        .stdout(Stdio::null())
        .spawn()?;
    let server = KillOnDrop(server);
    let pid = server.0.id();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder().pool_max_idle_per_host(devices).build()?;
    wait_for(&client, &base).await?;

    let phones = Arc::new(phones[..devices].to_vec());
    let one = run_phase(&client, &base, &phones, seconds, 1, pid).await;
    let twenty = run_phase(&client, &base, &phones, seconds, 20, pid).await;
    drop(server);

    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!();
    println!("sync ingest, SQLite, one server instance, {devices} concurrent devices, {patients} patients, {cores} cores, {} s per phase", seconds.as_secs());
    println!("| what | events/s | syncs/s | p50 ms | p99 ms | max ms | errors | server CPU |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (name, phase) in [("1 check-in per sync", &one), ("20 events per sync", &twenty)] {
        println!(
            "| {name} | {:.0} | {:.0} | {:.1} | {:.1} | {:.1} | {} | {:.0} % |",
            phase.events as f64 / phase.wall.as_secs_f64(),
            phase.latencies.len() as f64 / phase.wall.as_secs_f64(),
            ms(phase.percentile(0.50)),
            ms(phase.percentile(0.99)),
            ms(phase.percentile(1.0)),
            phase.errors.values().sum::<usize>(),
            phase.cpu * 100.0,
        );
    }
    println!("| raw SQLite, 1 row per transaction | {:.0} | | | | | | |", raw.single);
    println!("| raw SQLite, 20 rows per transaction | {:.0} | | | | | | |", raw.batched);
    println!();
    println!(
        "server / raw: {:.2}× (1 per sync), {:.2}× (20 per sync)",
        one.events as f64 / one.wall.as_secs_f64() / raw.single,
        twenty.events as f64 / twenty.wall.as_secs_f64() / raw.batched,
    );
    for (name, phase) in [("1 check-in per sync", &one), ("20 events per sync", &twenty)] {
        for (error, n) in &phase.errors {
            println!("errors ({name}): {n} × {error}");
        }
    }
    Ok(())
}

/// The server process, stopped when the bench ends or fails.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn ms(d: StdDuration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn wait_for(client: &reqwest::Client, base: &str) -> anyhow::Result<()> {
    for _ in 0..200 {
        if client.get(format!("{base}/api/health")).send().await.is_ok_and(|r| r.status().is_success()) {
            return Ok(());
        }
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
    anyhow::bail!("the server did not answer /api/health")
}

struct Phase {
    latencies: Vec<StdDuration>,
    events: usize,
    errors: BTreeMap<String, usize>,
    wall: StdDuration,
    /// The server process's CPU time over the wall time (1.0 = one core).
    cpu: f64,
}

impl Phase {
    fn percentile(&self, p: f64) -> StdDuration {
        if self.latencies.is_empty() {
            return StdDuration::ZERO;
        }
        let i = ((self.latencies.len() as f64 * p).ceil() as usize).clamp(1, self.latencies.len()) - 1;
        self.latencies[i]
    }
}

/// The CPU time a process has used, from /proc (Linux); zero elsewhere.
fn cpu_time(pid: u32) -> StdDuration {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return StdDuration::ZERO };
    // Fields after the command name (which is in parentheses and may hold spaces): utime is the 12th, stime the 13th.
    let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, rest)| rest).split_whitespace().collect();
    let ticks: u64 = fields.get(11).and_then(|v| v.parse().ok()).unwrap_or(0) + fields.get(12).and_then(|v| v.parse().ok()).unwrap_or(0);
    StdDuration::from_millis(ticks * 10) // USER_HZ is 100 on Linux
}

async fn run_phase(
    client: &reqwest::Client,
    base: &str,
    phones: &Arc<Vec<Phone>>,
    seconds: StdDuration,
    per_sync: usize,
    pid: u32,
) -> Phase {
    let started = Instant::now();
    let cpu_before = cpu_time(pid);
    let mut tasks = Vec::new();
    for (k, phone) in phones.iter().cloned().enumerate() {
        let (client, url) = (client.clone(), format!("{base}/api/device/sync"));
        tasks.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(k as u64 * 7919 + per_sync as u64);
            let (mut latencies, mut events, mut errors) = (Vec::new(), 0usize, BTreeMap::<String, usize>::new());
            let mut day = 0u64;
            while started.elapsed() < seconds {
                let batch = SyncRequest { events: (0..per_sync).map(|i| event(&mut rng, &phone, i, per_sync, &mut day)).collect() };
                let sent = Instant::now();
                let answer = client.post(&url).bearer_auth(&phone.token).json(&batch).send().await;
                let took = sent.elapsed();
                match answer {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        latencies.push(took);
                        events += per_sync;
                    }
                    Ok(r) => {
                        let status = r.status();
                        let body = r.text().await.unwrap_or_default();
                        *errors.entry(format!("{status} {}", body.chars().take(120).collect::<String>())).or_default() += 1;
                    }
                    Err(e) => *errors.entry(format!("transport: {e}")).or_default() += 1,
                }
            }
            (latencies, events, errors)
        }));
    }
    let mut phase = Phase { latencies: Vec::new(), events: 0, errors: BTreeMap::new(), wall: StdDuration::ZERO, cpu: 0.0 };
    for task in tasks {
        let (latencies, events, errors) = task.await.expect("a device task");
        phase.latencies.extend(latencies);
        phase.events += events;
        for (e, n) in errors {
            *phase.errors.entry(e).or_default() += n;
        }
    }
    phase.wall = started.elapsed();
    phase.cpu = (cpu_time(pid).saturating_sub(cpu_before)).as_secs_f64() / phase.wall.as_secs_f64();
    phase.latencies.sort();
    phase
}

/// The next event of a phone: in a batch of one, a check-in; in a larger batch, dose records of earlier days (two a
/// day) and, last, a check-in.
fn event(rng: &mut StdRng, phone: &Phone, i: usize, per_sync: usize, day: &mut u64) -> PatientEvent {
    let now = Utc::now();
    let body = if i + 1 == per_sync {
        EventBody::CheckIn(check_in(rng))
    } else {
        let slot = if i % 2 == 0 { DoseSlot::Morning } else { DoseSlot::Evening };
        if i % 2 == 1 {
            *day = (*day + 1) % 300;
        }
        let date = now.date_naive() - chrono::Days::new(1 + *day);
        let outcome = if rng.gen_bool(0.9) { DoseOutcome::Taken } else { DoseOutcome::Missed };
        let taken_at = (outcome == DoseOutcome::Taken).then(|| date.and_hms_opt(if i % 2 == 0 { 8 } else { 20 }, 5, 0).expect("a time").and_utc());
        EventBody::DoseLogged { regimen_line_id: phone.line, date, slot, outcome, taken_at, supersedes: None }
    };
    PatientEvent { id: uuid(rng), recorded_at: now, body }
}

/// A check-in as patients send them: mostly mild, one to three symptoms, sometimes a temperature or a note, now and
/// then a grade that asks for a call.
fn check_in(rng: &mut StdRng) -> CheckInAnswers {
    let mut answers = CheckInAnswers::default();
    for _ in 0..rng.gen_range(1..=3) {
        let (term, attributes) = SYMPTOMS[rng.gen_range(0..SYMPTOMS.len())];
        let level = if rng.gen_bool(0.05) { 3 } else { rng.gen_range(0..=2) };
        let mut responses = Responses::default();
        for (k, attribute) in attributes.attributes().iter().enumerate() {
            if level == 0 && k > 0 {
                break;
            }
            match attribute {
                Attribute::Frequency => responses.frequency = Some(level),
                Attribute::Severity => responses.severity = Some(level),
                _ => responses.interference = Some(level),
            }
        }
        answers.answers.insert(term.to_string(), ItemAnswer { attributes, responses });
    }
    if rng.gen_bool(0.2) {
        answers.temperature = Some(Temperature { tenths: rng.gen_range(365..=384), unit: TemperatureUnit::Celsius });
    }
    if rng.gen_bool(0.1) {
        answers.note = Some("Felt more tired than usual after the evening dose, a bit of nausea in the morning.".into());
    }
    answers
}

/// A site, a pharmacist, and `patients` patients, each with capecitabine twice a day started 400 days ago and one
/// phone whose token is its device id.
async fn seed(path: &Path, patients: usize) -> anyhow::Result<Vec<Phone>> {
    let db = store::open(path).await?;
    let mut rng = StdRng::seed_from_u64(16);
    let now = Utc::now();
    let created = now - Duration::days(400);
    let ts = |t: DateTime<Utc>| store::ts(t);
    let mut tx = store::begin_write(&db).await?;
    let site = uuid(&mut rng).to_string();
    sqlx::query("INSERT INTO sites (id, name, phone, after_hours_phone, created_at) VALUES (?, 'Bench Oncology', '+1 555 0100', '+1 555 0199', ?)")
        .bind(&site)
        .bind(ts(created))
        .execute(&mut *tx)
        .await?;
    let pharmacist = uuid(&mut rng).to_string();
    sqlx::query("INSERT INTO pharmacists (id, site_id, username, display_name, password_hash, created_at) VALUES (?, ?, 'bench', 'Bench, PharmD', ?, ?)")
        .bind(&pharmacist)
        .bind(&site)
        .bind(auth::hash_password("bench ingest password 1")?)
        .bind(ts(created))
        .execute(&mut *tx)
        .await?;
    let doses = json!([
        { "slot": "morning", "amount": { "mg": 1500, "half_tablets": 6 }, "time": "08:00:00", "food": "with_food" },
        { "slot": "evening", "amount": { "mg": 1500, "half_tablets": 6 }, "time": "20:00:00", "food": "with_food" },
    ]);
    let regimen: carepath_domain::schedule::Regimen = serde_json::from_value(json!({
        "drug_name": "Capecitabine", "strength": "500 mg tablets", "doses": doses, "pattern": { "type": "continuous" },
        "start": created.date_naive().to_string(), "first_cycle": 1, "time_zone": "America/New_York",
    }))?;
    let regimen = serde_json::to_string(&regimen)?;
    let mut phones = Vec::new();
    for i in 0..patients {
        let patient = uuid(&mut rng).to_string();
        sqlx::query(
            "INSERT INTO patients (id, site_id, display_name, created_by, created_at, check_in_every_days, mrn) VALUES (?, ?, ?, ?, ?, 7, ?)",
        )
        .bind(&patient)
        .bind(&site)
        .bind(format!("Bench Patient {i}"))
        .bind(&pharmacist)
        .bind(ts(created))
        .bind(format!("MRN-{i:06}"))
        .execute(&mut *tx)
        .await?;
        let line = uuid(&mut rng);
        sqlx::query("INSERT INTO regimens (id, patient_id, regimen, created_by, created_at) VALUES (?, ?, ?, ?, ?)")
            .bind(line.to_string())
            .bind(&patient)
            .bind(&regimen)
            .bind(&pharmacist)
            .bind(ts(created))
            .execute(&mut *tx)
            .await?;
        let device = uuid(&mut rng).to_string();
        sqlx::query("INSERT INTO devices (id, patient_id, token_hash, enrolled_at, last_seen_at) VALUES (?, ?, ?, ?, ?)")
            .bind(&device)
            .bind(&patient)
            .bind(auth::token_hash(&device))
            .bind(ts(created))
            .bind(ts(now - Duration::hours(1)))
            .execute(&mut *tx)
            .await?;
        phones.push(Phone { token: device, line });
    }
    tx.commit().await?;
    db.close().await;
    Ok(phones)
}

struct RawRates {
    /// Rows per second, one row per transaction.
    single: f64,
    /// Rows per second, 20 rows per transaction.
    batched: f64,
}

/// The database's own insert rate on this disk with the server's settings, through one connection: what the server
/// is compared with.
async fn raw_rates(path: &Path, each: StdDuration) -> anyhow::Result<RawRates> {
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
    use sqlx::ConnectOptions as _;
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .connect()
        .await?;
    sqlx::query(
        "CREATE TABLE events (id TEXT PRIMARY KEY, patient_id TEXT NOT NULL, device_id TEXT NOT NULL, kind TEXT NOT NULL,
         recorded_at TEXT NOT NULL, received_at TEXT NOT NULL, payload TEXT NOT NULL)",
    )
    .execute(&mut conn)
    .await?;
    let mut rng = StdRng::seed_from_u64(1);
    let single = raw_rate(&mut conn, &mut rng, 1, each).await?;
    let batched = raw_rate(&mut conn, &mut rng, 20, each).await?;
    Ok(RawRates { single, batched })
}

/// Rows per second into the raw table, `rows` per transaction, for `each`.
async fn raw_rate(conn: &mut sqlx::SqliteConnection, rng: &mut StdRng, rows: usize, each: StdDuration) -> anyhow::Result<f64> {
    let phone = Phone { token: String::new(), line: Uuid::nil() };
    let started = Instant::now();
    let mut written = 0usize;
    while started.elapsed() < each {
        let mut day = 0;
        let batch: Vec<PatientEvent> = (0..rows).map(|i| event(rng, &phone, i, rows, &mut day)).collect();
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        for e in &batch {
            sqlx::query("INSERT INTO events VALUES (?, 'p', 'd', ?, ?, ?, ?)")
                .bind(e.id.to_string())
                .bind(e.body.kind())
                .bind(store::ts(e.recorded_at))
                .bind(store::ts(Utc::now()))
                .bind(serde_json::to_string(e)?)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        written += rows;
    }
    Ok(written as f64 / started.elapsed().as_secs_f64())
}
