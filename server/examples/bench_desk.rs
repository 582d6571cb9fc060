//! The pharmacist desk at scale: seeds a SQLite database with 10,000 patients and 1,000,000 events (through the
//! real migrations, `store::open`), starts the real server on it on 127.0.0.1, signs a pharmacist in, calls every
//! desk route many times and prints p50 / p95 / max milliseconds and response bytes per route. It prints figures;
//! it asserts nothing about timings. Run it with `scripts/bench-desk.sh` (which builds it in release).
//!
//! Settings (environment):
//! - `BENCH_DB`: the database file (default `target/bench-desk/carepath.db`). An existing file that already holds
//!   the seed is reused (migrations newer than it are applied by `store::open`); `BENCH_FRESH=1` seeds it anew.
//! - `BENCH_PATIENTS` (10000), `BENCH_EVENTS` (1000000): the size of the seed.
//! - `BENCH_N` (200): requests per route; `BENCH_SECONDS` (30): at most this long per route (slow routes stop early,
//!   after at least 5 requests).
//!
//! Before the routes, one patient in ten of the main site gets a second medicine started 7 to 14 days ago (so the
//! follow-up list holds about 950 patients), every patient's worklist status is worked out (what the background
//! refresh does after migration 0010; timed and printed), and 20,000 interventions of the last 120 days are seeded
//! for the program page; each only once per database.

use std::path::{Path, PathBuf};
use std::time::{Duration as StdDuration, Instant};

use carepath_domain::adherence::DoseOutcome;
use carepath_domain::checkin::{CheckInAnswers, ItemAnswer, Temperature, TemperatureUnit};
use carepath_domain::grading::{AttributeSet, Grade, Responses};
use carepath_domain::regimen::DoseSlot;
use carepath_domain::sync::{EventBody, PatientEvent};
use carepath_domain::triage::{AlertReason, RedFlag};
use carepath_server::{auth, store, Settings};
use chrono::{DateTime, Duration, NaiveTime, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use uuid::Uuid;

const PASSWORD: &str = "bench desk password 12345";
const MAIN_SITE: &str = "Bench Oncology Main Street";
const SMALL_SITE: &str = "Bench Oncology North";
const MAIN_USER: &str = "bench.main";
const SMALL_USER: &str = "bench.north";
/// Patients of the small site: one in twenty.
const SMALL_SITE_EVERY: usize = 20;

const FIRST: &[&str] = &[
    "Maria", "James", "Ana", "Robert", "Linda", "Jose", "Patricia", "Michael", "Elena", "David", "Susan", "Carlos",
    "Karen", "Daniel", "Lucia", "Thomas", "Nancy", "Luis", "Betty", "Mark", "Sofia", "Paul", "Helen", "Jorge",
    "Sandra", "Kevin", "Rosa", "Brian", "Donna", "Miguel", "Carol", "George", "Grace", "Ahmed", "Mei", "Olga",
];
const LAST: &[&str] = &[
    "Garcia", "Smith", "Johnson", "Martinez", "Brown", "Rodriguez", "Nguyen", "Williams", "Lopez", "Jones", "Miller",
    "Davis", "Hernandez", "Wilson", "Gonzalez", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Perez", "Martin",
    "Lee", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young",
    "Allen", "King", "Wright", "Scott", "Torres", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
];
/// (drug, twice a day)
const DRUGS: &[(&str, bool)] = &[
    ("Capecitabine", true),
    ("Abiraterone", false),
    ("Temozolomide", false),
    ("Imatinib", false),
    ("Olaparib", true),
    ("Palbociclib", false),
    ("Lenalidomide", false),
    ("Enzalutamide", false),
    ("Venetoclax", false),
    ("Ibrutinib", false),
];
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
    ("dizziness", AttributeSet::SeverityInterference),
];
const NOTES: &[&str] = &[
    "Called the patient: symptoms improving with loperamide, will check in again tomorrow.",
    "Left a voicemail, will try again this afternoon.",
    "Spoke with the caregiver; advised to hold today's dose and call the clinic.",
    "Discussed with the oncologist, dose reduction planned at the next visit.",
];
const REPLIES: &[&str] = &[
    "Thank you for letting us know. Please keep drinking fluids and call us if it gets worse.",
    "Please hold your next dose and call the clinic at the number on your screen.",
    "This is expected with your medicine. Use the cream we gave you twice a day.",
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

fn ts(t: DateTime<Utc>) -> String {
    store::ts(t)
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    carepath_server::init_tracing();
    let db_path = std::env::var_os("BENCH_DB").map(PathBuf::from).unwrap_or_else(|| repo_root().join("target/bench-desk/carepath.db"));
    let patients = env_usize("BENCH_PATIENTS", 10_000);
    let events = env_usize("BENCH_EVENTS", 1_000_000);
    let n = env_usize("BENCH_N", 200);
    let budget = StdDuration::from_secs(env_usize("BENCH_SECONDS", 30) as u64);
    if std::env::var_os("BENCH_FRESH").is_some_and(|v| v == "1") {
        for suffix in ["", "-wal", "-shm"] {
            let mut p = db_path.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(p));
        }
    }

    let started = Instant::now();
    let db = store::open(&db_path).await?;
    let have: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM patients").fetch_one(db.write()).await?;
    if have == 0 {
        eprintln!("seeding {} with {patients} patients and {events} events…", db_path.display());
        seed(&db, patients, events).await?;
        eprintln!("seeded in {:.0} s", started.elapsed().as_secs_f64());
    } else {
        eprintln!("reusing {} ({have} patients; migrations applied in {:.1} s)", db_path.display(), started.elapsed().as_secs_f64());
    }
    let counts: (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM patients), (SELECT COUNT(*) FROM events),
                (SELECT COUNT(*) FROM alerts), (SELECT COUNT(*) FROM alerts WHERE resolved_at IS NULL)",
    )
    .fetch_one(db.write())
    .await?;
    eprintln!("database: {} patients, {} events, {} alerts ({} open)", counts.0, counts.1, counts.2, counts.3);
    worklist_status(&db).await?;
    db.close().await;

    bench(&db_path, n, budget).await
}

// ---- worklists and the program page -----------------------------------------------------------------------

/// Refreshes every patient whose worklist status is due, in the background task's batches, and seeds interventions.
async fn worklist_status(db: &store::Db) -> anyhow::Result<()> {
    let recent = (Utc::now() - Duration::days(14)).date_naive().to_string();
    let new_starts: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM regimens WHERE json_extract(regimen, '$.start') >= ?").bind(&recent).fetch_one(db.write()).await?;
    if new_starts == 0 {
        let lines: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT r.patient_id, r.regimen, r.created_by FROM regimens r JOIN patients p ON p.id = r.patient_id
             JOIN sites s ON s.id = p.site_id WHERE s.name = ? ORDER BY r.patient_id",
        )
        .bind(MAIN_SITE)
        .fetch_all(db.write())
        .await?;
        let mut rng = StdRng::seed_from_u64(7);
        let mut tx = store::begin_write(db).await?;
        for (i, (patient_id, regimen, by)) in lines.iter().enumerate().filter(|(i, _)| i % 10 == 0) {
            let mut regimen: Value = serde_json::from_str(regimen)?;
            regimen["start"] = json!((Utc::now() - Duration::days(7 + (i as i64 / 10) % 8)).date_naive().to_string());
            regimen["drug_name"] = json!("Temozolomide");
            sqlx::query("INSERT INTO regimens (id, patient_id, regimen, created_by, created_at) VALUES (?, ?, ?, ?, ?)")
                .bind(uuid(&mut rng).to_string())
                .bind(patient_id)
                .bind(serde_json::to_string(&regimen)?)
                .bind(by)
                .bind(ts(Utc::now()))
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE patient_status SET next_refresh_at = '' WHERE patient_id = ?").bind(patient_id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
    }
    let started = Instant::now();
    let mut refreshed = 0;
    loop {
        let n = carepath_server::worklist::refresh_due(db, Utc::now(), carepath_server::worklist::REFRESH_BATCH).await?;
        refreshed += n;
        if n == 0 {
            break;
        }
    }
    if refreshed > 0 {
        let secs = started.elapsed().as_secs_f64();
        eprintln!("worklist status of {refreshed} patients refreshed in {secs:.1} s ({:.1} ms a patient)", secs * 1000.0 / refreshed as f64);
    }
    let items: Vec<(String, i64)> = sqlx::query_as("SELECT list, COUNT(*) FROM worklist_items GROUP BY list").fetch_all(db.write()).await?;
    eprintln!("worklist items: {items:?}");
    let have: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM interventions").fetch_one(db.write()).await?;
    if have > 0 {
        return Ok(());
    }
    let mut rng = StdRng::seed_from_u64(12);
    let now = Utc::now();
    let patients: Vec<(String, String)> = sqlx::query_as(
        "SELECT p.id, p.site_id FROM patients p JOIN sites s ON s.id = p.site_id WHERE s.name = ? ORDER BY p.id",
    )
    .bind(MAIN_SITE)
    .fetch_all(db.write())
    .await?;
    let pharmacists: Vec<String> =
        sqlx::query_scalar("SELECT id FROM pharmacists WHERE site_id = ?").bind(&patients[0].1).fetch_all(db.write()).await?;
    let kinds = carepath_domain::intervention::InterventionKind::ALL;
    let outcomes = carepath_domain::intervention::InterventionOutcome::ALL;
    let mut tx = store::begin_write(db).await?;
    for _ in 0..20_000 {
        let (patient, site) = pick(&mut rng, &patients);
        let at = now - Duration::minutes(rng.gen_range(0..120 * 24 * 60));
        sqlx::query(
            "INSERT INTO interventions (id, site_id, patient_id, kind, outcome, note, created_at, pharmacist_id)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(uuid(&mut rng).to_string())
        .bind(site)
        .bind(patient)
        .bind(pick(&mut rng, &kinds).as_str())
        .bind(pick(&mut rng, &outcomes).as_str())
        .bind(*pick(&mut rng, NOTES))
        .bind(ts(at))
        .bind(pick(&mut rng, &pharmacists))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    eprintln!("seeded 20000 interventions");
    Ok(())
}

// ---- seeding ------------------------------------------------------------------------------------------------

struct Site {
    id: String,
    pharmacists: Vec<String>,
}

async fn seed(db: &store::Db, patients: usize, events: usize) -> anyhow::Result<()> {
    let mut rng = StdRng::seed_from_u64(20_240_612);
    let now = Utc::now();
    let mut conn = db.write().acquire().await?;
    // Seeding only: the real server reopens the file with its own settings (WAL, synchronous=FULL).
    sqlx::query("PRAGMA synchronous = OFF").execute(&mut *conn).await?;
    sqlx::query("PRAGMA cache_size = -1000000").execute(&mut *conn).await?;

    let hash = auth::hash_password(PASSWORD)?;
    let mut sites = Vec::new();
    for (name, user) in [(MAIN_SITE, MAIN_USER), (SMALL_SITE, SMALL_USER)] {
        let id = uuid(&mut rng).to_string();
        sqlx::query("INSERT INTO sites (id, name, phone, after_hours_phone, created_at) VALUES (?, ?, ?, ?, ?)")
            .bind(&id)
            .bind(name)
            .bind("+1 555 0100")
            .bind("+1 555 0199")
            .bind(ts(now - Duration::days(800)))
            .execute(&mut *conn)
            .await?;
        let mut pharmacists = Vec::new();
        for i in 0..4 {
            let pid = uuid(&mut rng).to_string();
            let username = if i == 0 { user.to_string() } else { format!("{user}.{i}") };
            sqlx::query(
                "INSERT INTO pharmacists (id, site_id, username, display_name, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(&pid)
            .bind(&id)
            .bind(&username)
            .bind(format!("{} {}, PharmD", pick(&mut rng, FIRST), pick(&mut rng, LAST)))
            .bind(&hash)
            .bind(ts(now - Duration::days(800)))
            .execute(&mut *conn)
            .await?;
            pharmacists.push(pid);
        }
        sites.push(Site { id, pharmacists });
    }

    let per_patient = events / patients;
    let mut extra = events % patients;
    let chunk = 250;
    let mut written = 0usize;
    for start in (0..patients).step_by(chunk) {
        sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await?;
        for i in start..(start + chunk).min(patients) {
            let site = &sites[usize::from(i % SMALL_SITE_EVERY == SMALL_SITE_EVERY - 1)];
            let count = per_patient + usize::from(extra > 0);
            extra = extra.saturating_sub(1);
            written += seed_patient(&mut conn, &mut rng, site, now, count).await?;
        }
        sqlx::query("COMMIT").execute(&mut *conn).await?;
        if (start / chunk) % 8 == 7 {
            eprintln!("  {} patients, {written} events", start + chunk);
        }
    }
    drop(conn);
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(db.write()).await?;
    Ok(())
}

fn check_in_answers(rng: &mut StdRng, severe: bool) -> CheckInAnswers {
    let mut answers = CheckInAnswers::default();
    for _ in 0..rng.gen_range(1..=3) {
        let (term, attributes) = *pick(rng, SYMPTOMS);
        let level = if severe { 3 } else { rng.gen_range(0..=2) };
        let mut responses = Responses::default();
        for (k, attribute) in attributes.attributes().iter().enumerate() {
            if level == 0 && k > 0 {
                break;
            }
            match attribute {
                carepath_domain::grading::Attribute::Frequency => responses.frequency = Some(level),
                carepath_domain::grading::Attribute::Severity => responses.severity = Some(level),
                _ => responses.interference = Some(level),
            }
        }
        answers.answers.insert(term.to_string(), ItemAnswer { attributes, responses });
    }
    if rng.gen_bool(0.2) {
        answers.temperature = Some(Temperature { tenths: rng.gen_range(365..=389), unit: TemperatureUnit::Celsius });
    }
    if rng.gen_bool(0.1) {
        answers.note = Some("Felt more tired than usual after the evening dose, a bit of nausea in the morning.".into());
    }
    answers
}

async fn insert_event(
    conn: &mut sqlx::SqliteConnection,
    patient_id: &str,
    device_id: &str,
    event: &PatientEvent,
    received_at: DateTime<Utc>,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO events (id, patient_id, device_id, kind, recorded_at, received_at, payload) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(event.id.to_string())
    .bind(patient_id)
    .bind(device_id)
    .bind(event.body.kind())
    .bind(ts(event.recorded_at))
    .bind(ts(received_at))
    .bind(serde_json::to_string(event)?)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// One patient with their regimen, devices, `count` events, alerts with notes and replies. Returns the events written.
async fn seed_patient(
    conn: &mut sqlx::SqliteConnection,
    rng: &mut StdRng,
    site: &Site,
    now: DateTime<Utc>,
    count: usize,
) -> anyhow::Result<usize> {
    let patient_id = uuid(rng).to_string();
    let created = now - Duration::days(rng.gen_range(95..500)) - Duration::minutes(rng.gen_range(0..1440));
    let by = pick(rng, &site.pharmacists).clone();
    let name = format!("{} {}", pick(rng, FIRST), pick(rng, LAST));
    let born = chrono::NaiveDate::from_ymd_opt(1935, 1, 1).expect("a date") + chrono::Days::new(rng.gen_range(0..25_000));
    // Unique within the site: the patient id's first 12 hex digits.
    let mrn = format!("MRN-{}", &patient_id[..13]);
    sqlx::query(
        "INSERT INTO patients (id, site_id, display_name, created_by, created_at, check_in_every_days, date_of_birth, mrn)
         VALUES (?, ?, ?, ?, ?, 7, ?, ?)",
    )
    .bind(&patient_id)
    .bind(&site.id)
    .bind(&name)
    .bind(&by)
    .bind(ts(created))
    .bind(born.to_string())
    .bind(&mrn)
    .execute(&mut *conn)
    .await?;

    let (drug, twice) = *pick(rng, DRUGS);
    let slots: &[DoseSlot] = if twice { &[DoseSlot::Morning, DoseSlot::Evening] } else { &[DoseSlot::Daily] };
    let doses: Vec<Value> = slots
        .iter()
        .map(|slot| {
            let time = if *slot == DoseSlot::Evening { "20:00:00" } else { "08:00:00" };
            json!({ "slot": slot, "amount": { "mg": 500, "half_tablets": 2 }, "time": time, "food": "with_food" })
        })
        .collect();
    let regimen: carepath_domain::schedule::Regimen = serde_json::from_value(json!({
        "drug_name": drug, "strength": "500 mg tablets", "doses": doses, "pattern": { "type": "continuous" },
        "start": created.date_naive().to_string(), "first_cycle": 1, "time_zone": "America/New_York",
    }))?;
    let line_id = uuid(rng);
    sqlx::query("INSERT INTO regimens (id, patient_id, regimen, created_by, created_at) VALUES (?, ?, ?, ?, ?)")
        .bind(line_id.to_string())
        .bind(&patient_id)
        .bind(serde_json::to_string(&regimen)?)
        .bind(&by)
        .bind(ts(created))
        .execute(&mut *conn)
        .await?;
    for k in 0..3 {
        sqlx::query(
            "INSERT INTO dispenses (id, regimen_id, date, tablets, days_supply, recorded_at, pharmacist_id) VALUES (?, ?, ?, ?, 30, ?, ?)",
        )
        .bind(uuid(rng).to_string())
        .bind(line_id.to_string())
        .bind((now - Duration::days(30 * k + 5)).date_naive().to_string())
        .bind(if twice { 120 } else { 60 })
        .bind(ts(now - Duration::days(30 * k + 5)))
        .bind(&by)
        .execute(&mut *conn)
        .await?;
    }

    let mut devices = Vec::new();
    let device = uuid(rng).to_string();
    sqlx::query("INSERT INTO devices (id, patient_id, token_hash, enrolled_at, last_seen_at) VALUES (?, ?, ?, ?, ?)")
        .bind(&device)
        .bind(&patient_id)
        .bind(auth::token_hash(&device))
        .bind(ts(created + Duration::hours(1)))
        .bind(ts(now - Duration::minutes(rng.gen_range(0..600))))
        .execute(&mut *conn)
        .await?;
    devices.push(device);
    if rng.gen_bool(0.1) {
        let caregiver = uuid(rng).to_string();
        sqlx::query("INSERT INTO caregivers (id, patient_id, name, created_by, created_at) VALUES (?, ?, ?, ?, ?)")
            .bind(&caregiver)
            .bind(&patient_id)
            .bind(format!("{} {}", pick(rng, FIRST), pick(rng, LAST)))
            .bind(&by)
            .bind(ts(created + Duration::days(2)))
            .execute(&mut *conn)
            .await?;
        let device = uuid(rng).to_string();
        sqlx::query(
            "INSERT INTO devices (id, patient_id, token_hash, enrolled_at, last_seen_at, caregiver_id) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&device)
        .bind(&patient_id)
        .bind(auth::token_hash(&device))
        .bind(ts(created + Duration::days(2)))
        .bind(ts(now - Duration::minutes(rng.gen_range(0..3000))))
        .bind(&caregiver)
        .execute(&mut *conn)
        .await?;
        devices.push(device);
    }

    // About 12 % check-ins (weekly), 2 other events, the rest dose records going back from yesterday.
    let check_ins = (count * 12 / 100).max(1);
    let others = 2.min(count - check_ins);
    let dose_records = count - check_ins - others;
    let received = |rng: &mut StdRng, at: DateTime<Utc>| (at + Duration::minutes(rng.gen_range(0..180))).min(now);
    let mut written = 0;
    let mut dose_ids = Vec::new();
    let today = now.date_naive();
    for k in 0..dose_records {
        let slot = slots[k % slots.len()];
        let date = today - chrono::Days::new(1 + (k / slots.len()) as u64);
        let time = if slot == DoseSlot::Evening { NaiveTime::from_hms_opt(20, 0, 0) } else { NaiveTime::from_hms_opt(8, 0, 0) };
        let at = date.and_time(time.expect("time")).and_utc() + Duration::minutes(rng.gen_range(-30..120));
        let roll = rng.gen_range(0..100);
        let line = line_id;
        let body = if roll < 10 {
            EventBody::DoseTaken { regimen_line_id: line, date, slot, taken_at: at }
        } else {
            let outcome = match roll {
                10..=89 => DoseOutcome::Taken,
                90..=94 => DoseOutcome::TakenLate,
                _ => DoseOutcome::Missed,
            };
            let taken_at = (outcome != DoseOutcome::Missed).then_some(at);
            EventBody::DoseLogged { regimen_line_id: line, date, slot, outcome, taken_at, supersedes: None }
        };
        let event = PatientEvent { id: uuid(rng), recorded_at: at, body };
        let device = pick(rng, &devices).clone();
        insert_event(conn, &patient_id, &device, &event, received(rng, at)).await?;
        dose_ids.push((event.id, at));
        written += 1;
    }
    for k in 0..others {
        let at = now - Duration::days(rng.gen_range(1..60)) - Duration::minutes(rng.gen_range(0..1440));
        let body = if k == 1 && rng.gen_bool(0.3) {
            EventBody::RefillRequested { regimen_line_id: line_id }
        } else {
            EventBody::GuideViewed { drug: drug.to_lowercase(), lang: if rng.gen_bool(0.2) { "es" } else { "en" }.into() }
        };
        let event = PatientEvent { id: uuid(rng), recorded_at: at, body };
        insert_event(conn, &patient_id, &devices[0], &event, received(rng, at)).await?;
        written += 1;
    }
    let offset = Duration::minutes(rng.gen_range(0..7 * 1440));
    for k in 0..check_ins {
        let at = now - offset - Duration::days(7 * k as i64) - Duration::minutes(rng.gen_range(0..240));
        let alert = rng.gen_bool(0.15);
        let urgent = alert && rng.gen_bool(0.2);
        let answers = check_in_answers(rng, urgent);
        let event = PatientEvent { id: uuid(rng), recorded_at: at, body: EventBody::CheckIn(answers) };
        let received_at = received(rng, at);
        insert_event(conn, &patient_id, &devices[0], &event, received_at).await?;
        written += 1;
        if alert {
            let reasons = if urgent {
                vec![AlertReason::RedFlag(RedFlag::Fever { celsius_tenths: 385 }), AlertReason::GradeThreeOrMore {
                    term: "diarrhea".into(),
                    grade: Grade::Severe,
                }]
            } else {
                vec![AlertReason::Worsened { term: "nausea".into(), from: Grade::Mild, to: Grade::Severe }, AlertReason::Note]
            };
            seed_alert(conn, rng, site, &patient_id, &event.id.to_string(), urgent, &reasons, at, received_at, now).await?;
        }
    }
    // A few diary alerts: missed doses, hung on a dose record.
    if rng.gen_bool(0.03) {
        if let Some((id, at)) = dose_ids.get(rng.gen_range(0..dose_ids.len().clamp(1, 14))) {
            let reasons = vec![AlertReason::MissedDoses { count: 2, days: 7 }];
            let (id, at) = (id.to_string(), *at);
            let raised = received(rng, at);
            seed_alert(conn, rng, site, &patient_id, &id, false, &reasons, at, raised, now).await?;
        }
    }
    Ok(written)
}

#[allow(clippy::too_many_arguments)]
async fn seed_alert(
    conn: &mut sqlx::SqliteConnection,
    rng: &mut StdRng,
    site: &Site,
    patient_id: &str,
    event_id: &str,
    urgent: bool,
    reasons: &[AlertReason],
    reported_at: DateTime<Utc>,
    raised_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let age = now - raised_at;
    let (p_ack, p_resolved) = if age > Duration::days(3) {
        (0.99, 0.97)
    } else if age > Duration::days(1) {
        (0.8, 0.5)
    } else {
        (0.4, 0.1)
    };
    let acknowledged = rng.gen_bool(p_ack).then(|| (raised_at + Duration::minutes(rng.gen_range(1..720))).min(now));
    let resolved = acknowledged.filter(|_| rng.gen_bool(p_resolved)).map(|a| (a + Duration::minutes(rng.gen_range(5..2000))).min(now));
    let alert_id = uuid(rng).to_string();
    let by = |rng: &mut StdRng| pick(rng, &site.pharmacists).clone();
    sqlx::query(
        "INSERT INTO alerts (id, patient_id, site_id, event_id, tier, reasons, reported_at, raised_at, acknowledged_at,
                             acknowledged_by, resolved_at, resolved_by, patient_action)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&alert_id)
    .bind(patient_id)
    .bind(&site.id)
    .bind(event_id)
    .bind(if urgent { "urgent" } else { "routine" })
    .bind(serde_json::to_string(reasons)?)
    .bind(ts(reported_at))
    .bind(ts(raised_at))
    .bind(acknowledged.map(ts))
    .bind(acknowledged.map(|_| by(rng)))
    .bind(resolved.map(ts))
    .bind(resolved.map(|_| by(rng)))
    .bind(if urgent { "call_now" } else { "within_a_day" })
    .execute(&mut *conn)
    .await?;
    if urgent {
        let failing = age < Duration::days(1) && rng.gen_bool(0.05);
        sqlx::query(
            "INSERT INTO notifications (alert_id, channel, created_at, attempts, next_attempt_at, delivered_at, last_error)
             VALUES (?, 'webhook', ?, ?, ?, ?, ?)",
        )
        .bind(&alert_id)
        .bind(ts(raised_at))
        .bind(if failing { 4 } else { 1 })
        .bind(ts(raised_at + Duration::minutes(if failing { 15 } else { 0 })))
        .bind((!failing).then(|| ts(raised_at + Duration::seconds(2))))
        .bind(failing.then_some("HTTP 502"))
        .execute(&mut *conn)
        .await?;
    }
    if let Some(at) = acknowledged {
        if rng.gen_bool(0.25) {
            sqlx::query("INSERT INTO alert_notes (id, alert_id, pharmacist_id, body, created_at) VALUES (?, ?, ?, ?, ?)")
                .bind(uuid(rng).to_string())
                .bind(&alert_id)
                .bind(by(rng))
                .bind(*pick(rng, NOTES))
                .bind(ts(at))
                .execute(&mut *conn)
                .await?;
        }
        if rng.gen_bool(0.15) {
            let read = rng.gen_bool(0.7).then(|| ts((at + Duration::minutes(rng.gen_range(1..600))).min(now)));
            sqlx::query(
                "INSERT INTO messages (id, patient_id, alert_id, pharmacist_id, body, sent_at, read_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(uuid(rng).to_string())
            .bind(patient_id)
            .bind(&alert_id)
            .bind(by(rng))
            .bind(*pick(rng, REPLIES))
            .bind(ts(at))
            .bind(read)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

// ---- the benchmark ------------------------------------------------------------------------------------------

struct Row {
    route: String,
    ms: Vec<f64>,
    bytes: Vec<usize>,
    failures: usize,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

async fn bench(db_path: &Path, n: usize, budget: StdDuration) -> anyhow::Result<()> {
    let root = repo_root();
    let static_dir = db_path.parent().expect("a folder").join("static");
    std::fs::create_dir_all(&static_dir)?;
    std::fs::write(static_dir.join("index.html"), "<!doctype html><title>bench</title>")?;
    let settings = Settings {
        bind: "127.0.0.1:0".parse()?,
        data_dir: db_path.parent().expect("a folder").to_path_buf(),
        server_key_file: None,
        static_dir,
        guides_dir: root.join("content/guides"),
        public_url: "http://127.0.0.1".into(),
        trusted_proxies: Vec::new(),
        session_idle_minutes: 30,
        session_max_hours: 12,
        enrollment_code_hours: 72,
        device_idle_days: 180,
        checkin_library: root.join("content/checkin/library.toml"),
        alert_webhook_url: None,
        smtp_url: None,
        alert_email_to: None,
        alert_email_from: "Carepath <carepath@localhost>".into(),
        notify_retry_ms: 60_000,
        vapid_private_key: None,
        vapid_subject: "mailto:pharmacy@localhost".into(),
        push_allowed_hosts: Vec::new(),
        reminder_tick_ms: 3_600_000,
        header_timeout_ms: 10_000,
        body_timeout_ms: 15_000,
        request_timeout_ms: 120_000,
        idle_timeout_ms: 120_000,
        max_connections: 512,
    };
    anyhow::ensure!(settings.database_path() == db_path, "BENCH_DB must be named carepath.db");
    let state = carepath_server::state(settings).await?;
    let db = state.db.clone();
    let server_key = state.server_key.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(carepath_server::serve_on(listener, state, async {
        let _ = stopped.await;
    }));

    // The bench's accounts get a known authenticator secret, so they can pass the second step of signing in.
    let secret = carepath_server::second_factor::new_secret();
    let sealed = server_key.seal(carepath_server::second_factor::SEAL_PURPOSE, secret.as_bytes());
    sqlx::query("UPDATE pharmacists SET totp_secret = ?, totp_enabled_at = ?, totp_last_step = NULL WHERE username IN (?, ?)")
        .bind(&sealed)
        .bind(carepath_server::store::ts(chrono::Utc::now()))
        .bind(MAIN_USER)
        .bind(SMALL_USER)
        .execute(db.write())
        .await?;
    let login = |user: &'static str| {
        let base = base.clone();
        let secret = secret.clone();
        async move {
            let client = reqwest::Client::builder().cookie_store(true).build()?;
            let r = client.post(format!("{base}/api/pharmacy/login")).json(&json!({ "username": user, "password": PASSWORD })).send().await?;
            anyhow::ensure!(r.status().is_success(), "sign-in as {user}: {}", r.status());
            let key = totp_rs::Secret::Encoded(secret).to_bytes().map_err(|e| anyhow::anyhow!("{e:?}"))?;
            let code = totp_rs::TOTP::new_unchecked(totp_rs::Algorithm::SHA1, 6, 0, 30, key, None, user.into()).generate_current()?;
            let r = client.post(format!("{base}/api/pharmacy/second-factor")).json(&json!({ "code": code })).send().await?;
            anyhow::ensure!(r.status().is_success(), "second factor as {user}: {}", r.status());
            anyhow::Ok(client)
        }
    };
    let main = login(MAIN_USER).await?;
    let small = login(SMALL_USER).await?;

    // Patients to open (timeline, diary): any of the main site's, with alerts and without.
    let sample: Vec<String> = sqlx::query_scalar(
        "SELECT p.id FROM patients p JOIN sites s ON s.id = p.site_id WHERE s.name = ? ORDER BY p.id LIMIT 500",
    )
    .bind(MAIN_SITE)
    .fetch_all(db.write())
    .await?;
    let next_cursor = |body: &Value| body.get("next_cursor").and_then(Value::as_str).map(str::to_string);
    let first = |client: &reqwest::Client, path: &str| {
        let (client, url) = (client.clone(), format!("{base}{path}"));
        async move {
            let r = client.get(url).send().await?;
            let headers = r.headers().clone();
            let body: Value = r.json().await?;
            anyhow::Ok((headers, body))
        }
    };
    let (_, alerts) = first(&main, "/api/pharmacy/alerts").await?;
    let (_, queue) = first(&main, "/api/pharmacy/queue").await?;
    let (patient_headers, _) = first(&main, "/api/pharmacy/patients").await?;
    let patients_cursor = patient_headers.get("x-next-cursor").and_then(|v| v.to_str().ok()).map(str::to_string);

    // (route, as whom, the path of request i)
    type Plan<'a> = Vec<(String, &'a reqwest::Client, Box<dyn Fn(usize) -> String>)>;
    let mut plan: Plan = vec![
        ("alerts".into(), &main, Box::new(|_| "/api/pharmacy/alerts".into())),
        ("queue".into(), &main, Box::new(|_| "/api/pharmacy/queue".into())),
        ("patients".into(), &main, Box::new(|_| "/api/pharmacy/patients".into())),
        ("patients?q=nguyen".into(), &main, Box::new(|_| "/api/pharmacy/patients?q=nguyen".into())),
    ];
    if let Some(c) = next_cursor(&alerts) {
        plan.insert(1, ("alerts, page 2".into(), &main, Box::new(move |_| format!("/api/pharmacy/alerts?cursor={c}"))));
    }
    if let Some(c) = next_cursor(&queue) {
        plan.push(("queue, page 2".into(), &main, Box::new(move |_| format!("/api/pharmacy/queue?cursor={c}"))));
    }
    if let Some(c) = patients_cursor {
        plan.push(("patients, page 2".into(), &main, Box::new(move |_| format!("/api/pharmacy/patients?cursor={c}"))));
    }
    let (s1, s2) = (sample.clone(), sample.clone());
    plan.push(("timeline".into(), &main, Box::new(move |i| format!("/api/pharmacy/patients/{}/timeline", s1[i % s1.len()]))));
    plan.push(("diary".into(), &main, Box::new(move |i| format!("/api/pharmacy/patients/{}/diary", s2[i % s2.len()]))));
    let s3 = sample.clone();
    plan.push(("patient header".into(), &main, Box::new(move |i| format!("/api/pharmacy/patients/{}", s3[i % s3.len()]))));
    // Searches by an identifier of the sampled patients (MRN exact; date of birth typed the US way).
    let known: Vec<(String, String)> = sqlx::query_as(
        "SELECT p.mrn, p.date_of_birth FROM patients p JOIN sites s ON s.id = p.site_id WHERE s.name = ? AND p.mrn IS NOT NULL ORDER BY p.id LIMIT 500",
    )
    .bind(MAIN_SITE)
    .fetch_all(db.write())
    .await?;
    if !known.is_empty() {
        let (k1, k2) = (known.clone(), known);
        plan.push(("patients?q=<mrn>".into(), &main, Box::new(move |i| format!("/api/pharmacy/patients?q={}", k1[i % k1.len()].0))));
        plan.push((
            "patients?q=<MM/DD/YYYY>".into(),
            &main,
            Box::new(move |i| {
                let dob = &k2[i % k2.len()].1;
                format!("/api/pharmacy/patients?q={}%2F{}%2F{}", &dob[5..7], &dob[8..10], &dob[..4])
            }),
        ));
    }
    plan.push(("worklists: counts".into(), &main, Box::new(|_| "/api/pharmacy/worklists".into())));
    for list in carepath_domain::worklist::Worklist::ALL {
        let path = format!("/api/pharmacy/worklists/{}", list.as_str());
        let (_, page) = first(&main, &path).await?;
        plan.push((format!("worklist {}", list.as_str()), &main, Box::new(move |_| path.clone())));
        if let Some(c) = next_cursor(&page) {
            let path = format!("/api/pharmacy/worklists/{}?cursor={c}", list.as_str());
            plan.push((format!("worklist {}, page 2", list.as_str()), &main, Box::new(move |_| path.clone())));
        }
    }
    plan.push(("program 30 days".into(), &main, Box::new(|_| "/api/pharmacy/program?days=30".into())));
    plan.push(("program 90 days".into(), &main, Box::new(|_| "/api/pharmacy/program?days=90".into())));
    plan.push(("program figures.csv".into(), &main, Box::new(|_| "/api/pharmacy/program/figures.csv?days=90".into())));
    plan.push(("interventions.csv 30 days".into(), &main, Box::new(|_| "/api/pharmacy/program/interventions.csv?days=30".into())));
    plan.push(("alerts (small site)".into(), &small, Box::new(|_| "/api/pharmacy/alerts".into())));
    plan.push(("queue (small site)".into(), &small, Box::new(|_| "/api/pharmacy/queue".into())));
    plan.push(("patients (small site)".into(), &small, Box::new(|_| "/api/pharmacy/patients".into())));
    // The list's filters: one that keeps few patients reads the whole site's list, a chunk at a time.
    for filter in ["show=on_hold", "show=low_adherence", "show=refill_due", "show=no_check_in&days=14", "drug=olaparib", "drug=nobody-takes-this"] {
        let path = format!("/api/pharmacy/patients?limit=100&{filter}");
        plan.push((format!("patients?{filter}"), &main, Box::new(move |_| path.clone())));
    }
    plan.push(("worklists: counts (small site)".into(), &small, Box::new(|_| "/api/pharmacy/worklists".into())));
    plan.push(("program 90 days (small site)".into(), &small, Box::new(|_| "/api/pharmacy/program?days=90".into())));

    let mut rows = Vec::new();
    for (route, client, path) in &plan {
        let mut row = Row { route: route.clone(), ms: Vec::new(), bytes: Vec::new(), failures: 0 };
        let begun = Instant::now();
        for i in 0..(n + 2) {
            let url = format!("{base}{}", path(i));
            let t = Instant::now();
            let response = client.get(&url).send().await?;
            let ok = response.status().is_success();
            let body = response.bytes().await?;
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            if !ok {
                row.failures += 1;
                eprintln!("{route}: {}", String::from_utf8_lossy(&body));
            }
            // The first two are warm-up.
            if i >= 2 {
                row.ms.push(ms);
                row.bytes.push(body.len());
            }
            if begun.elapsed() > budget && row.ms.len() >= 5 {
                break;
            }
        }
        eprintln!("  {route}: {} requests", row.ms.len());
        rows.push(row);
    }

    println!();
    println!("| route | n | p50 ms | p95 ms | max ms | bytes (median) | failures |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for row in &mut rows {
        row.ms.sort_by(f64::total_cmp);
        row.bytes.sort_unstable();
        let bytes = row.bytes.get(row.bytes.len() / 2).copied().unwrap_or(0);
        println!(
            "| {} | {} | {:.1} | {:.1} | {:.1} | {} | {} |",
            row.route,
            row.ms.len(),
            percentile(&row.ms, 50.0),
            percentile(&row.ms, 95.0),
            row.ms.last().copied().unwrap_or(f64::NAN),
            bytes,
            row.failures
        );
    }
    let _ = stop.send(());
    server.await??;
    Ok(())
}
