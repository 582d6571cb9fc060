//! Who reads the pharmacy's messages (issue #14 item 4; the rules in [`carepath_domain::message_audience`]): the
//! patient's choice, applied from their `message_sharing` events in the sync transaction, and the [`Reader`] a
//! device is, for its profile, its pushes and its answers.

use carepath_domain::message_audience::{MessageSharing, Reader};
use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;
use uuid::Uuid;

use crate::store::{parse_ts, ts};

/// The patient's choice in force (by primary key); none if never made.
pub const SHARING_SQL: &str = "SELECT caregivers_may_read, message_sharing_at FROM patients WHERE id = ?";

/// The patient's choice in force; none if they never made one.
pub async fn sharing(conn: &mut SqliteConnection, patient_id: &str) -> anyhow::Result<Option<MessageSharing>> {
    let (may_read, at): (bool, Option<String>) = sqlx::query_as(SHARING_SQL).bind(patient_id).fetch_one(&mut *conn).await?;
    at.map(|at| Ok(MessageSharing { caregivers_may_read: may_read, recorded_at: parse_ts(&at)? })).transpose()
}

/// What a device of the patient may read: all of it on the patient's own (no query); on a caregiver's, what the
/// patient's choice allows.
pub async fn reader(conn: &mut SqliteConnection, patient_id: &str, caregiver_id: Option<&str>) -> anyhow::Result<Reader> {
    if caregiver_id.is_none() {
        return Ok(Reader::Patient);
    }
    let all = sharing(conn, patient_id).await?.is_some_and(|s| s.caregivers_may_read);
    Ok(Reader::Caregiver { all })
}

/// Applies a `message_sharing` event just stored (in the sync transaction), unless a newer one (by recorded time,
/// then event id) is already in force: events from several phones arrive in any order, the newest choice wins.
pub async fn apply(
    conn: &mut SqliteConnection,
    patient_id: &str,
    event_id: Uuid,
    recorded_at: DateTime<Utc>,
    caregivers_may_read: bool,
) -> anyhow::Result<()> {
    let (at, id) = (ts(recorded_at), event_id.to_string());
    sqlx::query(
        "UPDATE patients SET caregivers_may_read = ?, message_sharing_at = ?, message_sharing_event = ?
         WHERE id = ? AND (message_sharing_at IS NULL OR (message_sharing_at, message_sharing_event) < (?, ?))",
    )
    .bind(caregivers_may_read)
    .bind(&at)
    .bind(&id)
    .bind(patient_id)
    .bind(&at)
    .bind(&id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
