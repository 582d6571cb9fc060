-- Two-way messages (issue #12 item 9) and a push when the pharmacy writes (item 10). See server/src/messages.rs.

-- What a patient or caregiver wrote to the pharmacy: a `message_sent` event, filed in the sync transaction that
-- stores it under the patient's open alert (or the routine alert it raised), with who wrote it.
CREATE TABLE patient_messages (
    event_id     TEXT PRIMARY KEY REFERENCES events(id),
    patient_id   TEXT NOT NULL REFERENCES patients(id),
    alert_id     TEXT REFERENCES alerts(id),
    caregiver_id TEXT REFERENCES caregivers(id),
    in_reply_to  TEXT REFERENCES messages(id),
    body         TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    received_at  TEXT NOT NULL
);
-- The patient's thread (timeline, device profile) and an alert card's messages.
CREATE INDEX patient_messages_patient ON patient_messages(patient_id, recorded_at);
CREATE INDEX patient_messages_alert ON patient_messages(alert_id, recorded_at) WHERE alert_id IS NOT NULL;
CREATE TRIGGER patient_messages_no_update BEFORE UPDATE ON patient_messages BEGIN SELECT RAISE(ABORT, 'patient messages are immutable'); END;
CREATE TRIGGER patient_messages_no_delete BEFORE DELETE ON patient_messages BEGIN SELECT RAISE(ABORT, 'patient messages are immutable'); END;

-- "You have a message from your pharmacy" to each subscribed device of the patient: queued in the transaction that
-- stores the pharmacy's message, sent by a background task with doubling retries (at least once). The push carries
-- no content; the message itself always reaches the phone in its profile.
CREATE TABLE message_pushes (
    message_id      TEXT NOT NULL REFERENCES messages(id),
    device_id       TEXT NOT NULL REFERENCES devices(id),
    created_at      TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    -- NULL while waiting; 'delivered', 'gone' (the subscription ended) or 'failed' (attempts used up).
    outcome         TEXT CHECK (outcome IN ('delivered', 'gone', 'failed')),
    last_error      TEXT,
    PRIMARY KEY (message_id, device_id)
) WITHOUT ROWID;
CREATE INDEX message_pushes_due ON message_pushes(next_attempt_at) WHERE outcome IS NULL;
