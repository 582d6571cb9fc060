-- Check-ins, triage and the pharmacist loop.

-- Triage settings per site (see carepath_domain::triage::SiteSettings), and the check-in cadence per patient.
ALTER TABLE sites ADD COLUMN fever_threshold_c_tenths INTEGER NOT NULL DEFAULT 380
    CHECK (fever_threshold_c_tenths BETWEEN 370 AND 400);
ALTER TABLE sites ADD COLUMN acknowledged_window_hours INTEGER NOT NULL DEFAULT 72
    CHECK (acknowledged_window_hours BETWEEN 0 AND 720);
ALTER TABLE patients ADD COLUMN check_in_every_days INTEGER NOT NULL DEFAULT 7
    CHECK (check_in_every_days BETWEEN 1 AND 28);

-- One alert per report that needs a pharmacist. Raised when the report is stored, in the same transaction.
CREATE TABLE alerts (
    id              TEXT PRIMARY KEY,
    patient_id      TEXT NOT NULL REFERENCES patients(id),
    site_id         TEXT NOT NULL REFERENCES sites(id),
    event_id        TEXT UNIQUE REFERENCES events(id),
    tier            TEXT NOT NULL CHECK (tier IN ('urgent', 'routine')),
    reasons         TEXT NOT NULL,        -- JSON: [carepath_domain::triage::AlertReason]
    reported_at     TEXT NOT NULL,        -- device clock
    raised_at       TEXT NOT NULL,        -- server clock
    acknowledged_at TEXT,
    acknowledged_by TEXT REFERENCES pharmacists(id),
    resolved_at     TEXT,
    resolved_by     TEXT REFERENCES pharmacists(id),
    CHECK (resolved_at IS NULL OR acknowledged_at IS NOT NULL)
);
CREATE INDEX alerts_site_open ON alerts(site_id, resolved_at);
CREATE INDEX alerts_patient ON alerts(patient_id, raised_at);

CREATE TABLE alert_notes (
    id            TEXT PRIMARY KEY,
    alert_id      TEXT NOT NULL REFERENCES alerts(id),
    pharmacist_id TEXT NOT NULL REFERENCES pharmacists(id),
    body          TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX alert_notes_alert ON alert_notes(alert_id);

-- Messages from the pharmacy to a patient; read_at comes from the device's message_read event.
CREATE TABLE messages (
    id            TEXT PRIMARY KEY,
    patient_id    TEXT NOT NULL REFERENCES patients(id),
    alert_id      TEXT REFERENCES alerts(id),
    pharmacist_id TEXT NOT NULL REFERENCES pharmacists(id),
    body          TEXT NOT NULL,
    sent_at       TEXT NOT NULL,
    read_at       TEXT
);
CREATE INDEX messages_patient ON messages(patient_id, sent_at);

-- Outgoing notices of urgent alerts (webhook, email): an outbox drained by a background task with retries.
-- They carry no health information; see server/src/notify.rs.
CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    alert_id        TEXT NOT NULL REFERENCES alerts(id),
    channel         TEXT NOT NULL CHECK (channel IN ('webhook', 'email')),
    created_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    delivered_at    TEXT,
    last_error      TEXT,
    UNIQUE (alert_id, channel)
);
CREATE INDEX notifications_due ON notifications(delivered_at, next_attempt_at);
