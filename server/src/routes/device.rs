//! Patient devices: enroll with a one-time code, read the profile, sync events.

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use chrono::Utc;
use carepath_domain::enrollment::EnrollmentCode;
use carepath_domain::sync::{
    DeviceProfile, EnrollRequest, EnrollResponse, EventBody, PatientEvent, SyncRequest, SyncResponse, MAX_BATCH,
};
use uuid::Uuid;

use super::peer_ip;
use crate::auth::{new_token, token_hash, DeviceAuth};
#[allow(unused_imports)]
use carepath_domain::sync::ErrorBody;
use crate::error::{ApiError, ApiJson};
use crate::{attempts, patients, regimens, triage};
use carepath_domain::triage::Tier;
use crate::store::{self, parse_ts, ts, Audit};
use crate::AppState;

/// Failed enrollment attempts in the attempt window (issue #15 item 5). A code names no account and says which site
/// it is of only once it matches, so besides 10 failures per client address (then 429 from that address) the one
/// limit that holds against many addresses is over every site's codes together: past 20 failures from anywhere,
/// enrollment takes one attempt per `attempts::SLOWED_SPACING_SECONDS` (a 429 in between) instead of stopping.
/// ARCHITECTURE.md (Security) gives what a guesser gets.
const ENROLL_LIMITS: attempts::Limits =
    attempts::Limits { per_subject_per_address: i64::MAX, per_address: 10, per_subject_before_slowing: 20 };
/// The subject every enrollment attempt counts against: all codes of all sites.
const EVERY_CODE: &str = "every code";

#[utoipa::path(
    post,
    path = "/api/enroll",
    tag = "device",
    request_body = carepath_domain::sync::EnrollRequest,
    responses((status = 200, description = "The device token (keep it: it is shown once) and the profile.", body = carepath_domain::sync::EnrollResponse),
        (status = 404, description = "`enrollment_code_unknown`", body = ErrorBody),
        (status = 410, description = "`enrollment_code_expired` or `enrollment_code_used`", body = ErrorBody),
        (status = 429, description = "`too_many_attempts`", body = ErrorBody)),
)]
pub async fn enroll(
    State(state): State<AppState>,
    connect: ConnectInfo<SocketAddr>,
    ApiJson(req): ApiJson<EnrollRequest>,
) -> Result<ApiJson<EnrollResponse>, ApiError> {
    let ip = peer_ip(&connect);
    let Some(attempt) = attempts::reserve(&state.db, attempts::Kind::Enroll, Some(EVERY_CODE), &ip, ENROLL_LIMITS).await? else {
        store::audit_limited(&state.db, "enroll", None, ip).await?;
        return Err(ApiError::TooManyAttempts);
    };
    let redeemed = redeem(&state, &req.code).await;
    let outcome = match &redeemed {
        Ok(_) => attempts::Outcome::Success,
        Err(ApiError::Internal(_)) => attempts::Outcome::Error,
        Err(_) => attempts::Outcome::Failure,
    };
    attempts::settle(&state.db, attempt, outcome).await?;
    match redeemed {
        Ok((patient_id, device_id, device_token, caregiver_id)) => {
            store::audit(
                state.db.write(),
                Audit {
                    actor_kind: "device",
                    actor_id: Some(device_id),
                    patient_id: Some(patient_id.clone()),
                    action: "enroll",
                    outcome: "success",
                    detail: None,
                    source_ip: ip,
                },
            )
            .await?;
            let profile = patients::profile(&state, &patient_id, caregiver_id.as_deref()).await?;
            Ok(ApiJson(EnrollResponse { device_token, profile }))
        }
        Err(err) => {
            if !matches!(err, ApiError::Internal(_)) {
                let audit = Audit {
                    actor_kind: "anonymous",
                    actor_id: None,
                    patient_id: None,
                    action: "enroll",
                    outcome: "failure",
                    detail: Some(err.to_string()),
                    source_ip: ip,
                };
                store::audit(state.db.write(), audit).await?;
            }
            Err(err)
        }
    }
}

/// Uses the code once and creates the device, in one transaction. Returns (patient id, device id, token,
/// caregiver id for a caregiver's code). A code of a caregiver since revoked is unknown.
async fn redeem(state: &AppState, code: &str) -> Result<(String, String, String, Option<String>), ApiError> {
    let code = EnrollmentCode::parse(code).ok_or(ApiError::EnrollmentCodeUnknown)?;
    let (hmac, legacy) = patients::code_lookup(&state.server_key, &code);
    let now = Utc::now();
    let mut tx = store::begin_write(&state.db).await?;
    let row: Option<(String, String, String, Option<String>, Option<String>)> = sqlx::query_as(&format!(
        "SELECT e.code_hash, e.patient_id, e.expires_at, e.used_at, e.caregiver_id FROM enrollment_codes e
         LEFT JOIN caregivers c ON c.id = e.caregiver_id
         WHERE {} AND c.revoked_at IS NULL",
        patients::CODE_MATCH_SQL
    ))
    .bind(hmac)
    .bind(legacy)
    .fetch_optional(&mut *tx)
    .await?;
    let (code_hash, patient_id, expires_at, used_at, caregiver_id) = row.ok_or(ApiError::EnrollmentCodeUnknown)?;
    if used_at.is_some() {
        return Err(ApiError::EnrollmentCodeUsed);
    }
    if parse_ts(&expires_at)? <= now {
        return Err(ApiError::EnrollmentCodeExpired);
    }
    let used = sqlx::query("UPDATE enrollment_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL")
        .bind(ts(now))
        .bind(&code_hash)
        .execute(&mut *tx)
        .await?;
    if used.rows_affected() != 1 {
        return Err(ApiError::EnrollmentCodeUsed);
    }
    let device_id = Uuid::new_v4().to_string();
    let token = new_token();
    sqlx::query("INSERT INTO devices (id, patient_id, caregiver_id, token_hash, enrolled_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(&device_id)
        .bind(&patient_id)
        .bind(&caregiver_id)
        .bind(token_hash(&token))
        .bind(ts(now))
        .bind(ts(now))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok((patient_id, device_id, token, caregiver_id))
}

/// The phone's profile. Audited once per device per hour (`store::audit_profile_read`).
#[utoipa::path(
    get,
    path = "/api/device/profile",
    tag = "device",
    security(("device_token" = [])),
    responses((status = 200, description = "The profile: regimens, 60 days of diary, messages, the site.", body = carepath_domain::sync::DeviceProfile)),
)]
pub async fn profile(
    State(state): State<AppState>,
    device: DeviceAuth,
    connect: ConnectInfo<SocketAddr>,
) -> Result<ApiJson<DeviceProfile>, ApiError> {
    let profile = patients::profile(&state, &device.patient_id, device.caregiver_id.as_deref()).await?;
    store::audit_profile_read(&state.db, &device.device_id, &device.patient_id, peer_ip(&connect)).await?;
    Ok(ApiJson(profile))
}

/// Stores a batch of events all-or-nothing. An id already stored with the same content is acknowledged
/// again (a resent batch); an id already stored with different content, or by another patient, is refused.
#[utoipa::path(
    post,
    path = "/api/device/sync",
    tag = "device",
    security(("device_token" = [])),
    request_body = carepath_domain::sync::SyncRequest,
    responses((status = 200, description = "What was stored, what changed since the last sync.", body = carepath_domain::sync::SyncResponse),
        (status = 409, description = "`correction_target_missing` (with `event_index`)", body = ErrorBody),
        (status = 413, description = "`batch_too_large` or `too_large`", body = ErrorBody),
        (status = 422, description = "`invalid_event` (with `event_index`)", body = ErrorBody)),
)]
pub async fn sync(
    State(state): State<AppState>,
    device: DeviceAuth,
    connect: ConnectInfo<SocketAddr>,
    ApiJson(req): ApiJson<SyncRequest>,
) -> Result<ApiJson<SyncResponse>, ApiError> {
    if req.events.len() > MAX_BATCH {
        return Err(ApiError::BatchTooLarge { max: MAX_BATCH });
    }
    let now = Utc::now();
    // Read before the writer is taken; inside the transaction only what changed since is read again.
    let snapshot = regimens::History::snapshot(&state.db, &device.patient_id, device.caregiver_id.as_deref()).await?;
    let lines: HashMap<Uuid, &carepath_domain::regimen::RegimenLine> = snapshot.history.lines.iter().map(|l| (l.id, l)).collect();
    let in_batch: HashMap<Uuid, &PatientEvent> = req.events.iter().map(|e| (e.id, e)).collect();
    for (index, event) in req.events.iter().enumerate() {
        let invalid = |message: String| ApiError::InvalidEvent { index, message };
        event.validate_from_device(now, device.enrolled_at).map_err(|e| invalid(e.to_string()))?;
        if let EventBody::CheckIn(answers) = &event.body {
            if let Some(id) = answers.emergency_yes.iter().find(|id| !state.items.library().knows_yes_no(id)) {
                return Err(invalid(format!("{id:?} is not a question of the check-in")));
            }
        }
        if matches!(event.body, EventBody::MessageSharing { .. }) && device.caregiver_id.is_some() {
            return Err(invalid("only the patient's own phone chooses who reads their messages".into()));
        }
        let line_id = match &event.body {
            EventBody::DoseTaken { regimen_line_id, .. }
            | EventBody::DoseLogged { regimen_line_id, .. }
            | EventBody::RefillRequested { regimen_line_id } => Some(regimen_line_id),
            _ => None,
        };
        let Some(line_id) = line_id else { continue };
        let line = lines.get(line_id).ok_or_else(|| invalid("unknown regimen line".into()))?;
        if let Some((_, record)) = event.diary_record() {
            if !line.slots().contains(&record.slot) {
                return Err(invalid("that dose time is not part of this regimen".into()));
            }
            if record.date < line.regimen.start - chrono::Days::new(1) {
                return Err(invalid("that day is before this regimen started".into()));
            }
            if let Some(corrected) = record.supersedes {
                // The record it corrects: in this batch, or stored. Either way the same rules apply.
                let earlier = match in_batch.get(&corrected) {
                    Some(earlier) => Some((*earlier).clone()),
                    None => {
                        let found: Option<(String,)> = sqlx::query_as("SELECT payload FROM events WHERE id = ? AND patient_id = ?")
                            .bind(corrected.to_string())
                            .bind(&device.patient_id)
                            .fetch_optional(state.db.read())
                            .await?;
                        found.and_then(|(payload,)| serde_json::from_str::<PatientEvent>(&payload).ok())
                    }
                };
                let Some(earlier) = earlier else {
                    // Not here yet (still on the phone, sent later): not a reason to refuse the correction for good.
                    return Err(ApiError::CorrectionTargetMissing { index });
                };
                let same_dose = earlier.diary_record().is_some_and(|(l, r)| l == *line_id && r.date == record.date);
                if !same_dose {
                    return Err(invalid("a correction must name an earlier record of the same dose day".into()));
                }
            }
        }
    }

    // Written in the next group commit; answered once that is on disk.
    let acknowledged = req.events.iter().map(|e| e.id).collect();
    let batch = Batch { state: state.clone(), device, req, snapshot, now, source_ip: peer_ip(&connect) };
    let stored = state.db.groups().write(Box::new(move |conn| Box::pin(async move { batch.store(conn).await }))).await?;
    if stored.urgent && !state.settings.notice_channels().is_empty() {
        state.notifier.wake();
    }
    Ok(ApiJson(SyncResponse { acknowledged, newly_stored: stored.newly_stored, server_time: now }))
}

/// A checked sync batch, to be written in a group commit.
struct Batch {
    state: AppState,
    device: DeviceAuth,
    req: SyncRequest,
    snapshot: regimens::Snapshot,
    now: chrono::DateTime<Utc>,
    source_ip: Option<String>,
}

/// What writing a batch did.
struct Stored {
    newly_stored: usize,
    /// A check-in of the batch raised an urgent alert.
    urgent: bool,
}

impl Batch {
    /// Stores the batch in `conn`'s transaction: its new events, their triage, the worklist, the audit row. An error
    /// leaves it to the caller to roll back all of it.
    async fn store(self, conn: &mut sqlx::SqliteConnection) -> Result<Stored, ApiError> {
        let Batch { state, device, req, snapshot, now, source_ip } = self;
        // What this device may read of the thread (a caregiver answers or opens only those messages).
        let reader = crate::message_audience::reader(conn, &device.patient_id, device.caregiver_id.as_deref()).await?;
        let mut newest_sharing = None::<(&PatientEvent, bool)>;
        let mut newly_stored = 0;
        let mut new_check_ins = Vec::new();
        let (mut new_dose_records, mut refill_requests) = (Vec::<&PatientEvent>::new(), Vec::new());
        let mut newly_messaged = false;
        for (index, event) in req.events.iter().enumerate() {
            let id = event.id.to_string();
            let payload = serde_json::to_string(event).map_err(anyhow::Error::from)?;
            let inserted = sqlx::query(
                "INSERT INTO events (id, patient_id, device_id, kind, recorded_at, received_at, payload)
                 VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            )
            .bind(&id)
            .bind(&device.patient_id)
            .bind(&device.device_id)
            .bind(event.body.kind())
            .bind(ts(event.recorded_at))
            .bind(ts(now))
            .bind(&payload)
            .execute(&mut *conn)
            .await?;
            if inserted.rows_affected() == 1 {
                newly_stored += 1;
                match &event.body {
                    EventBody::CheckIn(_) => new_check_ins.push(event),
                    EventBody::DoseTaken { .. } | EventBody::DoseLogged { .. } => new_dose_records.push(event),
                    EventBody::RefillRequested { .. } => refill_requests.push(event),
                    EventBody::MessageRead { message_id } => {
                        let found = sqlx::query(
                            "UPDATE messages SET read_at = COALESCE(read_at, ?) WHERE id = ? AND patient_id = ? AND (to_caregivers = 1 OR ?)",
                        )
                        .bind(ts(event.recorded_at.min(now)))
                        .bind(message_id.to_string())
                        .bind(&device.patient_id)
                        .bind(reader.reads_pharmacy_message(false))
                        .execute(&mut *conn)
                        .await?;
                        if found.rows_affected() == 0 {
                            return Err(ApiError::InvalidEvent { index, message: "no such message for this patient".into() });
                        }
                    }
                    EventBody::MessageSent { text, in_reply_to } => {
                        let caregiver = device.caregiver_id.as_deref();
                        let (id, at) = (event.id, event.recorded_at);
                        crate::messages::file_sent(&mut *conn, index, &device.patient_id, caregiver, reader, id, at, text, *in_reply_to, now)
                            .await?;
                        newly_messaged = true;
                    }
                    EventBody::MessageSharing { caregivers_may_read }
                        if newest_sharing.is_none_or(|(n, _)| (event.recorded_at, event.id) > (n.recorded_at, n.id)) =>
                    {
                        newest_sharing = Some((event, *caregivers_may_read));
                    }
                    _ => {}
                }
                continue;
            }
            let (stored_patient, stored_payload): (String, String) =
                sqlx::query_as("SELECT patient_id, payload FROM events WHERE id = ?").bind(&id).fetch_one(&mut *conn).await?;
            // Compare events, not their JSON text: an honest resend is the same event however it is serialized.
            let same = serde_json::from_str::<PatientEvent>(&stored_payload).is_ok_and(|stored| stored == *event);
            if stored_patient != device.patient_id || !same {
                // The error rolls the whole batch back (to its savepoint in the group).
                return Err(ApiError::InvalidEvent { index, message: "this event id is already used for a different event".into() });
            }
        }
        // The patient's newest choice of this batch, unless a newer one is already in force.
        if let Some((event, may_read)) = newest_sharing {
            crate::message_audience::apply(conn, &device.patient_id, event.id, event.recorded_at, may_read).await?;
        }
        // The history the rules work from, with this batch in it (read again only if another write changed it).
        let site = snapshot.site.clone();
        let history = match newly_stored {
            0 => None,
            _ => Some(snapshot.current(conn, &device.patient_id, &new_dose_records).await?),
        };
        // Triage in the order the patient made the reports, so each compares with the one before it.
        new_check_ins.sort_by_key(|e| (e.recorded_at, e.id));
        let channels = state.settings.notice_channels();
        let content = triage::Content { items: &state.items, guides: &state.guides };
        let mut urgent = false;
        for event in new_check_ins {
            if let (EventBody::CheckIn(answers), Some(history)) = (&event.body, &history) {
                let (pid, lines) = (&device.patient_id, &history.lines);
                let tier = triage::triage_check_in(&mut *conn, content, pid, &site, lines, event, answers, now, &channels).await?;
                urgent |= tier == Some(Tier::Urgent);
            }
        }
        if let Some(history) = &history {
            // The diary triage and the worklist refresh work from the same history. A diary alert hangs on the
            // newest new dose record.
            let newest_diary = new_dose_records.iter().copied().max_by_key(|e| (e.recorded_at, e.id));
            if newest_diary.is_some() || !refill_requests.is_empty() {
                let requests = &refill_requests;
                let pid = &device.patient_id;
                triage::triage_diary(&mut *conn, content, pid, &site, history, newest_diary, requests, now, &channels).await?;
            }
            crate::worklist::refresh_from(conn, &device.patient_id, now, history).await?;
        }
        store::audit(
            &mut *conn,
            Audit {
                actor_kind: "device",
                actor_id: Some(device.device_id.clone()),
                patient_id: Some(device.patient_id.clone()),
                action: "sync",
                outcome: "success",
                detail: Some(format!("{} events, {} new{}", req.events.len(), newly_stored, if newly_messaged { ", a message" } else { "" })),
                source_ip,
            },
        )
        .await?;
        Ok(Stored { newly_stored, urgent })
    }
}
