//! Patients, their regimen and enrollment codes: used by the pharmacist routes and the `demo` command alike.

use chrono::{DateTime, Duration, Utc};
use carepath_domain::enrollment::EnrollmentCode;
use carepath_domain::schedule::Regimen;
use anyhow::Context;
use carepath_domain::checkin::TemperatureUnit;
use carepath_domain::site::OfficeHours;
use carepath_domain::sync::{CaregiverInfo, DeviceProfile, EnrollPatientResponse, SiteInfo};
use carepath_domain::triage::SiteSettings;
use uuid::Uuid;

use crate::auth::{random_bytes, token_hash};
use crate::server_key::ServerKey;
use crate::store::{parse_uuid, ts, Db};

pub const MAX_DISPLAY_NAME: usize = 100;

/// The identifiers stored with a new patient, already checked (`carepath_domain::identity::check_identity`);
/// none for a client that sends none.
#[derive(Debug, Clone, Default)]
pub struct Identity {
    pub date_of_birth: Option<chrono::NaiveDate>,
    pub mrn: Option<String>,
    pub phone: Option<String>,
    pub language: carepath_domain::identity::Language,
}

/// Creates a patient with one regimen line and a one-time enrollment code, all or nothing: an MRN another patient
/// of the site has is refused ([`ApiError::MrnTaken`](crate::error::ApiError::MrnTaken)) and nothing is stored.
#[allow(clippy::too_many_arguments)]
pub async fn create(
    db: &Db,
    key: &ServerKey,
    site_id: &str,
    pharmacist_id: &str,
    display_name: &str,
    identity: &Identity,
    regimen: Regimen,
    check_in_every_days: u16,
    code_valid_for: Duration,
) -> Result<EnrollPatientResponse, crate::error::ApiError> {
    let display_name = carepath_domain::required_text("display_name", display_name, MAX_DISPLAY_NAME)?;
    check_cadence(check_in_every_days)?;
    let now = Utc::now();
    let patient_id = Uuid::new_v4();
    let mut tx = crate::store::begin_write(db).await?;
    // Inside the write transaction (one writer at a time), so two desks cannot both take the number.
    if let Some(mrn) = &identity.mrn {
        let taken: Option<(String,)> =
            sqlx::query_as(MRN_SQL).bind(site_id).bind(mrn).fetch_optional(&mut *tx).await?;
        if taken.is_some() {
            return Err(crate::error::ApiError::MrnTaken);
        }
    }
    sqlx::query(
        "INSERT INTO patients (id, site_id, display_name, created_by, created_at, check_in_every_days, date_of_birth, mrn, phone, language)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(patient_id.to_string())
    .bind(site_id)
    .bind(&display_name)
    .bind(pharmacist_id)
    .bind(ts(now))
    .bind(i64::from(check_in_every_days))
    .bind(identity.date_of_birth.map(|d| d.to_string()))
    .bind(&identity.mrn)
    .bind(&identity.phone)
    .bind(identity.language.code())
    .execute(&mut *tx)
    .await?;
    crate::regimens::insert(&mut tx, &patient_id.to_string(), pharmacist_id, regimen, now).await?;
    let (code, expires_at) = insert_code(&mut tx, key, patient_id, None, now, code_valid_for).await?;
    tx.commit().await?;
    Ok(EnrollPatientResponse { patient_id, code: code.to_string(), expires_at })
}

/// The site's patient with this MRN (`patients_site_mrn`): (id, name, created_at).
pub const MRN_SQL: &str = "SELECT id, display_name, created_at FROM patients WHERE site_id = ? AND mrn = ?";

/// A check-in cadence the pharmacist may set: 1 to 28 days.
pub fn check_cadence(days: u16) -> Result<(), carepath_domain::ValidationError> {
    if (1..=carepath_domain::sync::MAX_CHECK_IN_EVERY_DAYS).contains(&days) {
        Ok(())
    } else {
        Err(carepath_domain::ValidationError::Inconsistent("check_in_every_days must be 1 to 28"))
    }
}

/// Issues a fresh one-time code for an existing patient (another device, or a lost phone).
pub async fn new_code(db: &Db, key: &ServerKey, patient_id: Uuid, valid_for: Duration) -> anyhow::Result<(EnrollmentCode, DateTime<Utc>)> {
    let mut tx = crate::store::begin_write(db).await?;
    let issued = insert_code(&mut tx, key, patient_id, None, Utc::now(), valid_for).await?;
    tx.commit().await?;
    Ok(issued)
}

/// The purpose enrollment codes are HMACed for ([`ServerKey::hmac_hex`]).
pub const CODE_PURPOSE: &str = "enrollment-code";

/// What the database keeps instead of an enrollment code: its HMAC-SHA256 with the server key (`hash_kind`
/// `hmac-sha256`). Without the key file, a copy of the database gives nothing to test guesses against.
pub fn code_hmac(key: &ServerKey, code: &EnrollmentCode) -> String {
    key.hmac_hex(CODE_PURPOSE, code.as_str().as_bytes())
}

/// The two stored forms a code can have, bound in this order where [`CODE_MATCH_SQL`] is used: the HMAC, and the
/// plain SHA-256 of a code issued before migration 0017 (such rows stay redeemable until they expire).
pub fn code_lookup(key: &ServerKey, code: &EnrollmentCode) -> (String, String) {
    (code_hmac(key, code), token_hash(code.as_str()))
}

/// The condition that finds a code's row in `enrollment_codes` by [`code_lookup`]'s two values (each through the
/// primary key).
pub const CODE_MATCH_SQL: &str = "((code_hash = ? AND hash_kind = 'hmac-sha256') OR (code_hash = ? AND hash_kind = 'sha256'))";

/// A fresh one-time code for the patient's own device, or (with `caregiver_id`) for a caregiver's.
pub async fn insert_code(
    tx: &mut sqlx::SqliteConnection,
    key: &ServerKey,
    patient_id: Uuid,
    caregiver_id: Option<Uuid>,
    now: DateTime<Utc>,
    valid_for: Duration,
) -> Result<(EnrollmentCode, DateTime<Utc>), sqlx::Error> {
    let expires_at = now + valid_for;
    loop {
        let Some(code) = EnrollmentCode::from_random_bytes(&random_bytes(32)) else { continue };
        let inserted = sqlx::query(
            "INSERT INTO enrollment_codes (code_hash, hash_kind, patient_id, caregiver_id, created_at, expires_at)
             VALUES (?, 'hmac-sha256', ?, ?, ?, ?)
             ON CONFLICT (code_hash) DO NOTHING",
        )
        .bind(code_hmac(key, &code))
        .bind(patient_id.to_string())
        .bind(caregiver_id.map(|c| c.to_string()))
        .bind(ts(now))
        .bind(ts(expires_at))
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 1 {
            return Ok((code, expires_at));
        }
    }
}

/// Everything the patient's (or caregiver's) device needs, offline too: site numbers, regimen, check-in form,
/// triage settings, messages, and who the device belongs to.
pub async fn profile(state: &crate::AppState, patient_id: &str, caregiver_id: Option<&str>) -> anyhow::Result<DeviceProfile> {
    let db = &state.db;
    let (display_name, site_id, every_days): (String, String, i64) =
        sqlx::query_as("SELECT display_name, site_id, check_in_every_days FROM patients WHERE id = ?")
            .bind(patient_id)
            .fetch_one(db.read())
            .await?;
    let (site, triage) = site_for_devices(db, &site_id).await?;
    let regimen = crate::regimens::lines(db, patient_id).await?;
    let check_in = state.items.form_for(&state.guides, regimen.iter().map(|l| l.drug_name()), u16::try_from(every_days)?);
    let since = crate::regimens::patient_today(&regimen, Utc::now()) - chrono::Days::new(carepath_domain::sync::PROFILE_DIARY_DAYS);
    let events = crate::regimens::diary_events_since(&mut *db.read().acquire().await?, patient_id, since).await?;
    let diary = regimen.iter().flat_map(|line| crate::regimens::diary_items(&events, line.id)).collect();
    let caregiver = match caregiver_id {
        Some(id) => {
            let (name,): (String,) = sqlx::query_as("SELECT name FROM caregivers WHERE id = ?").bind(id).fetch_one(db.read()).await?;
            Some(CaregiverInfo { id: parse_uuid(id)?, name })
        }
        None => None,
    };
    let drug_names =
        regimen.iter().filter_map(|line| Some((line.id, state.guides.generic_names_for(line.drug_name())?))).collect();
    // What this device may read of the thread: all of it on the patient's own, on a caregiver's what is theirs to read.
    // One read transaction, so the choice and the messages are read from the same moment.
    let mut conn = db.read().begin().await?;
    let message_sharing = crate::message_audience::sharing(&mut conn, patient_id).await?;
    let reader = match caregiver_id {
        None => carepath_domain::message_audience::Reader::Patient,
        Some(_) => carepath_domain::message_audience::Reader::Caregiver { all: message_sharing.is_some_and(|s| s.caregivers_may_read) },
    };
    Ok(DeviceProfile {
        patient_id: parse_uuid(patient_id)?,
        display_name,
        site,
        regimen,
        check_in: Some(check_in),
        triage,
        messages: crate::routes::alerts::patient_messages(&mut conn, patient_id, reader).await?,
        caregiver,
        sent_messages: crate::messages::thread(&mut conn, patient_id, reader).await?,
        message_sharing,
        diary,
        drug_names,
    })
}

pub async fn site_info(db: &Db, site_id: &str) -> anyhow::Result<SiteInfo> {
    Ok(site_for_devices(db, site_id).await?.0)
}

/// The site as its patients' phones know it: numbers and office hours, and the triage settings with the
/// thermometer unit.
async fn site_for_devices(db: &Db, site_id: &str) -> anyhow::Result<(SiteInfo, SiteSettings)> {
    type Row = (String, String, String, Option<String>, i64, i64, Option<String>);
    let (name, phone, after_hours_phone, office_hours, fever, window, unit): Row = sqlx::query_as(
        "SELECT name, phone, after_hours_phone, office_hours, fever_threshold_c_tenths, acknowledged_window_hours,
                temperature_unit FROM sites WHERE id = ?",
    )
    .bind(site_id)
    .fetch_one(db.read())
    .await?;
    let office_hours = office_hours.map(|json| serde_json::from_str(&json)).transpose().context("a site's office hours")?;
    let temperature_unit = unit.map(|u| serde_json::from_value(serde_json::Value::String(u))).transpose().context("a site's thermometer unit")?;
    let triage = SiteSettings { temperature_unit, ..crate::triage::site_settings(fever, window)? };
    Ok((SiteInfo { name, phone, after_hours_phone, office_hours }, triage))
}

/// What the site tells its patients' phones besides the triage thresholds: the thermometer unit and office hours.
/// `None` leaves a setting as it is; `Some(None)` clears it.
pub struct SiteContactSettings {
    pub temperature_unit: Option<Option<TemperatureUnit>>,
    pub office_hours: Option<Option<OfficeHours>>,
}

/// Changes the site's thermometer unit and office hours (each only if given); returns what its phones now get.
pub async fn update_site_contact(db: &Db, site_name: &str, change: SiteContactSettings) -> anyhow::Result<(SiteInfo, SiteSettings)> {
    let mut tx = crate::store::begin_write(db).await?;
    let site_id = site_id_named(&mut tx, site_name).await?;
    if let Some(unit) = change.temperature_unit {
        let unit = unit.map(|u| if u == TemperatureUnit::Celsius { "celsius" } else { "fahrenheit" });
        sqlx::query("UPDATE sites SET temperature_unit = ? WHERE id = ?").bind(unit).bind(&site_id).execute(&mut *tx).await?;
    }
    if let Some(hours) = &change.office_hours {
        let json = hours.as_ref().map(serde_json::to_string).transpose()?;
        sqlx::query("UPDATE sites SET office_hours = ? WHERE id = ?").bind(json).bind(&site_id).execute(&mut *tx).await?;
    }
    let detail = format!("temperature_unit={:?} office_hours={:?}", change.temperature_unit, change.office_hours);
    audit_site_settings(&mut tx, detail).await?;
    tx.commit().await?;
    site_for_devices(db, &site_id).await
}

/// The id of the site named `site_name` (as given to create-pharmacist), or an error naming it.
async fn site_id_named(conn: &mut sqlx::SqliteConnection, site_name: &str) -> anyhow::Result<String> {
    let site: Option<(String,)> = sqlx::query_as("SELECT id FROM sites WHERE name = ?").bind(site_name).fetch_optional(conn).await?;
    site.map(|(id,)| id).ok_or_else(|| anyhow::anyhow!("there is no site named {site_name:?}"))
}

/// The audit row of a `site-settings` change, in its transaction.
async fn audit_site_settings(conn: &mut sqlx::SqliteConnection, detail: String) -> anyhow::Result<()> {
    let audit = crate::store::Audit {
        actor_kind: "system",
        actor_id: None,
        patient_id: None,
        action: "site.settings",
        outcome: "success",
        detail: Some(detail),
        source_ip: None,
    };
    crate::store::audit(conn, audit).await?;
    Ok(())
}

/// Changes a site's triage settings (each only if given) and returns them, within the domain's safe bounds
/// (`SiteSettings::validated`: fever 37.5–38.3 °C, the IDSA cap; window 0–720 hours); anything else is refused and
/// nothing changes.
pub async fn update_site_settings(
    db: &Db,
    site_name: &str,
    fever_threshold_c_tenths: Option<i32>,
    acknowledged_window_hours: Option<u32>,
) -> anyhow::Result<carepath_domain::triage::SiteSettings> {
    let bounds = carepath_domain::triage::SiteSettings {
        fever_threshold_c_tenths: fever_threshold_c_tenths.unwrap_or(carepath_domain::triage::DEFAULT_FEVER_THRESHOLD_C_TENTHS),
        acknowledged_window_hours: acknowledged_window_hours.unwrap_or(carepath_domain::triage::DEFAULT_ACKNOWLEDGED_WINDOW_HOURS),
        temperature_unit: None,
    };
    bounds.validated()?;
    let mut tx = crate::store::begin_write(db).await?;
    let site_id = site_id_named(&mut tx, site_name).await?;
    sqlx::query(
        "UPDATE sites SET fever_threshold_c_tenths = COALESCE(?, fever_threshold_c_tenths),
                          acknowledged_window_hours = COALESCE(?, acknowledged_window_hours) WHERE id = ?",
    )
    .bind(fever_threshold_c_tenths)
    .bind(acknowledged_window_hours.map(i64::from))
    .bind(&site_id)
    .execute(&mut *tx)
    .await?;
    let detail = format!("fever_threshold_c_tenths={fever_threshold_c_tenths:?} acknowledged_window_hours={acknowledged_window_hours:?}");
    audit_site_settings(&mut tx, detail).await?;
    let (fever, window): (i64, i64) =
        sqlx::query_as("SELECT fever_threshold_c_tenths, acknowledged_window_hours FROM sites WHERE id = ?")
            .bind(&site_id)
            .fetch_one(&mut *tx)
            .await?;
    tx.commit().await?;
    crate::triage::site_settings(fever, window)
}
