use std::io::BufRead;

use anyhow::Context;
use chrono::{Duration, Utc};
use carepath_domain::regimen::DoseSlot;
use carepath_domain::schedule::{CyclePattern, DoseAmount, FoodInstruction, Regimen, SlotDose};
use carepath_server::{auth, patients, store, Settings};
use clap::{Parser, Subcommand};
use uuid::Uuid;

#[derive(Parser)]
#[command(name = "carepath-server", about = "Carepath: follow-up for oral anticancer therapy")]
struct Cli {
    #[command(flatten)]
    settings: Settings,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the app and the API.
    Serve,
    /// Create a pharmacist account (and its pharmacy site if new). Reads the password from stdin
    /// (one line) with --password-stdin, or asks for it.
    CreatePharmacist {
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: String,
        /// The pharmacy site (team) the pharmacist belongs to. Created if it does not exist.
        #[arg(long)]
        site: String,
        /// The site's phone number, shown to patients (needed when the site is new).
        #[arg(long)]
        site_phone: Option<String>,
        /// The site's after-hours number (needed when the site is new).
        #[arg(long)]
        after_hours_phone: Option<String>,
        #[arg(long)]
        password_stdin: bool,
        /// Make the account a site admin: it also manages the site's accounts, sessions and settings on the desk
        /// (`/pharmacy/admin`). The first admin of a site is made this way.
        #[arg(long)]
        admin: bool,
    },
    /// Show or change a site's triage settings: the fever threshold (clinics differ) and how long a pharmacist's
    /// acknowledgement keeps an unchanged symptom quiet. Devices pick the threshold up at their next sync.
    SiteSettings {
        /// The site's name, as given to create-pharmacist.
        #[arg(long)]
        site: String,
        /// Fever threshold in °C, e.g. 38.0 (37.5–38.3: above 38.3 °C, the IDSA single-reading fever, fevers would be missed).
        #[arg(long, conflicts_with = "fever_threshold_f")]
        fever_threshold_c: Option<String>,
        /// Fever threshold in °F, e.g. 100.4 (99.5–100.9).
        #[arg(long)]
        fever_threshold_f: Option<String>,
        /// Hours an acknowledgement holds (0–720).
        #[arg(long)]
        acknowledged_window_hours: Option<u32>,
        /// Expected doses without a record that put a patient on the "stopped logging" worklist and raise one
        /// routine alert (2–28; default 4).
        #[arg(long)]
        unrecorded_doses_alert: Option<u32>,
        /// The unit the site's patients' thermometers read: celsius or fahrenheit ("none": by the phone's language).
        #[arg(long)]
        temperature_unit: Option<String>,
        /// When the site's own line is answered, e.g. 08:00-17:00, with --office-days; outside them the patient's
        /// phone puts the after-hours number first ("none": after hours is 20:00–08:00).
        #[arg(long, requires = "office_days")]
        office_hours: Option<String>,
        /// The days the site opens, e.g. mon-fri or mon-fri,sat.
        #[arg(long, requires = "office_hours")]
        office_days: Option<String>,
    },
    /// Turn off a pharmacist's second factor (a lost or replaced phone): their sessions end, and their next
    /// sign-in sets up an authenticator app again. Check who is asking before you run this.
    ResetSecondFactor {
        #[arg(long)]
        username: String,
    },
    /// Set up a demo site, pharmacist (with a new random password) and patient with a fresh enrollment code.
    Demo,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    carepath_server::init_tracing();
    let cli = Cli::parse();
    match cli.command {
        Command::Serve => carepath_server::serve(carepath_server::state(cli.settings).await?).await,
        Command::CreatePharmacist { username, display_name, site, site_phone, after_hours_phone, password_stdin, admin } => {
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                line.trim_end_matches(['\r', '\n']).to_string()
            } else {
                rpassword::prompt_password("Password for the new pharmacist: ")?
            };
            auth::check_password_policy(&password).map_err(anyhow::Error::msg)?;
            let db = store::open(&cli.settings.database_path()).await?;
            let site_id = ensure_site(&db, &site, site_phone.as_deref(), after_hours_phone.as_deref()).await?;
            let id = create_pharmacist(&db, &site_id, &username, &display_name, &password).await?;
            if admin {
                sqlx::query("UPDATE pharmacists SET role = 'admin' WHERE id = ?").bind(&id).execute(db.write()).await?;
            }
            println!("Created {} {username} at {site}.", if admin { "site admin" } else { "pharmacist" });
            Ok(())
        }
        Command::SiteSettings {
            site,
            fever_threshold_c,
            fever_threshold_f,
            acknowledged_window_hours,
            unrecorded_doses_alert,
            temperature_unit,
            office_hours,
            office_days,
        } => {
            use carepath_domain::checkin::{Temperature, TemperatureUnit};
            let threshold = match (fever_threshold_c, fever_threshold_f) {
                (Some(c), _) => Some((c, TemperatureUnit::Celsius)),
                (None, Some(f)) => Some((f, TemperatureUnit::Fahrenheit)),
                (None, None) => None,
            };
            let threshold = threshold
                .map(|(text, unit)| {
                    Temperature::parse(&text, unit)
                        .map(Temperature::celsius_tenths)
                        .with_context(|| format!("{text:?} is not a temperature like 38.0 (°C) or 100.4 (°F)"))
                })
                .transpose()?;
            let temperature_unit = temperature_unit
                .map(|u| match u.to_ascii_lowercase().as_str() {
                    "celsius" | "c" => Ok(Some(TemperatureUnit::Celsius)),
                    "fahrenheit" | "f" => Ok(Some(TemperatureUnit::Fahrenheit)),
                    "none" => Ok(None),
                    _ => Err(anyhow::anyhow!("{u:?} is not a thermometer unit: celsius, fahrenheit or none")),
                })
                .transpose()?;
            let office_hours = match (office_hours, office_days) {
                (Some(h), _) if h.eq_ignore_ascii_case("none") => Some(None),
                (Some(h), Some(d)) => Some(Some(carepath_domain::site::OfficeHours::parse(&h, &d)?)),
                _ => None,
            };
            let db = store::open(&cli.settings.database_path()).await?;
            if temperature_unit.is_some() || office_hours.is_some() {
                let change = patients::SiteContactSettings { temperature_unit, office_hours };
                let (info, settings) = patients::update_site_contact(&db, &site, change).await?;
                let unit = match settings.temperature_unit {
                    Some(TemperatureUnit::Celsius) => "°C",
                    Some(TemperatureUnit::Fahrenheit) => "°F",
                    None => "the phone's language (English °F, Spanish °C)",
                };
                let hours = match &info.office_hours {
                    Some(h) => format!("{}–{} on {:?}", h.opens.format("%H:%M"), h.closes.format("%H:%M"), h.days),
                    None => "not set (after hours is 20:00–08:00)".to_string(),
                };
                println!("{site}: thermometers read {unit}; office hours {hours}.");
            }
            if let Some(n) = unrecorded_doses_alert {
                carepath_server::worklist::update_site_setting(&db, &site, n).await?;
                println!("{site}: {n} unrecorded doses put a patient on the stopped-logging list.");
            }
            let now = patients::update_site_settings(&db, &site, threshold, acknowledged_window_hours).await?;
            println!(
                "{site}: fever at {} °C or above; acknowledgements hold {} hours.",
                carepath_domain::triage::format_tenths(now.fever_threshold_c_tenths),
                now.acknowledged_window_hours
            );
            Ok(())
        }
        Command::ResetSecondFactor { username } => {
            let db = store::open(&cli.settings.database_path()).await?;
            let username = username.trim().to_lowercase();
            let id: Option<String> =
                sqlx::query_scalar("SELECT id FROM pharmacists WHERE username = ?").bind(&username).fetch_optional(db.write()).await?;
            let id = id.with_context(|| format!("there is no pharmacist {username}"))?;
            carepath_server::second_factor::reset(&db, &id).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            store::audit(db.write(), store::Audit {
                actor_kind: "operator",
                actor_id: None,
                patient_id: None,
                action: "second_factor.reset",
                outcome: "success",
                detail: Some(username.clone()),
                source_ip: None,
            })
            .await?;
            println!("The second factor of {username} is off; their next sign-in sets it up again.");
            Ok(())
        }
        Command::Demo => demo(&cli.settings).await,
    }
}

async fn ensure_site(db: &store::Db, name: &str, phone: Option<&str>, after_hours: Option<&str>) -> anyhow::Result<String> {
    if let Some((id,)) = sqlx::query_as::<_, (String,)>("SELECT id FROM sites WHERE name = ?").bind(name).fetch_optional(db.write()).await? {
        return Ok(id);
    }
    let phone = phone.context("a new site needs --site-phone")?;
    let after_hours = after_hours.context("a new site needs --after-hours-phone")?;
    let id = Uuid::new_v4().to_string();
    sqlx::query("INSERT INTO sites (id, name, phone, after_hours_phone, created_at) VALUES (?, ?, ?, ?, ?)")
        .bind(&id)
        .bind(name)
        .bind(phone)
        .bind(after_hours)
        .bind(store::ts(Utc::now()))
        .execute(db.write())
        .await?;
    Ok(id)
}

async fn create_pharmacist(db: &store::Db, site_id: &str, username: &str, display_name: &str, password: &str) -> anyhow::Result<String> {
    let username = username.trim().to_lowercase();
    anyhow::ensure!(!username.is_empty(), "the username is empty");
    let id = Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO pharmacists (id, site_id, username, display_name, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(site_id)
    .bind(&username)
    .bind(display_name.trim())
    .bind(auth::hash_password(password)?)
    .bind(store::ts(Utc::now()))
    .execute(db.write())
    .await
    .with_context(|| format!("could not create pharmacist {username} (does the username exist already?)"))?;
    Ok(id)
}

const DEMO_SITE: &str = "Demo Oncology Pharmacy";
const DEMO_USER: &str = "demo.pharmacist";

async fn demo(settings: &Settings) -> anyhow::Result<()> {
    let db = store::open(&settings.database_path()).await?;
    // Fictional numbers (555-01xx is reserved for fiction in North America).
    let site_id = ensure_site(&db, DEMO_SITE, Some("+1 555 0100"), Some("+1 555 0199")).await?;
    let password = auth::new_token()[..20].to_string();
    let existing: Option<(String,)> =
        sqlx::query_as("SELECT id FROM pharmacists WHERE username = ?").bind(DEMO_USER).fetch_optional(db.write()).await?;
    let pharmacist_id = match existing {
        Some((id,)) => {
            sqlx::query("UPDATE pharmacists SET password_hash = ? WHERE id = ?")
                .bind(auth::hash_password(&password)?)
                .bind(&id)
                .execute(db.write())
                .await?;
            // A fresh demo each time: the second factor is set up again at the first sign-in.
            carepath_server::second_factor::reset(&db, &id).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            id
        }
        None => create_pharmacist(&db, &site_id, DEMO_USER, "Demo Pharmacist", &password).await?,
    };
    // The demo account is the demo site's admin, so its "Site admin" page can be tried too.
    sqlx::query("UPDATE pharmacists SET role = 'admin' WHERE id = ?").bind(&pharmacist_id).execute(db.write()).await?;
    // Capecitabine twice daily, 14 days on and 7 off, started three days ago: a cycle in progress to look at.
    let dose = |slot| SlotDose::new(slot, DoseAmount::mg_tablets(1500, 3)).with_food(FoodInstruction::WithFood);
    let regimen = Regimen {
        version: 1,
        drug_name: "Capecitabine".into(),
        strength: "500 mg tablets".into(),
        doses: vec![dose(DoseSlot::Morning), dose(DoseSlot::Evening)],
        pattern: CyclePattern::OnOff { days_on: 14, days_off: 7 },
        start: Utc::now().date_naive() - chrono::Days::new(3),
        first_cycle: 1,
        time_zone: chrono_tz::UTC,
    };
    let key = carepath_server::server_key::ServerKey::load_or_create(&settings.server_key_path())?;
    let patient = patients::create(&db, &key, &site_id, &pharmacist_id, "Demo Patient", &patients::Identity::default(), regimen, carepath_domain::sync::DEFAULT_CHECK_IN_EVERY_DAYS, Duration::hours(settings.enrollment_code_hours))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!();
    println!("Pharmacist sign-in:   {}/pharmacy", settings.public_url);
    println!("  username:           {DEMO_USER}");
    println!("  password:           {password}   (new each time this runs)");
    println!("  second step:        at the first sign-in, scan the QR code with an authenticator app");
    println!("  (the demo pharmacist is also the demo site's admin: \"Site admin\" on the review queue)");
    println!("Demo patient code:    {}   (open {} on a phone-sized window; valid until {})", patient.code, settings.public_url, patient.expires_at.format("%Y-%m-%d %H:%M UTC"));
    println!();
    Ok(())
}
