-- Carepath initial schema (SQLite). Ids are UUID text; times are RFC 3339 UTC text.

CREATE TABLE sites (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL UNIQUE,
    phone             TEXT NOT NULL,
    after_hours_phone TEXT NOT NULL,
    created_at        TEXT NOT NULL
);

CREATE TABLE pharmacists (
    id            TEXT PRIMARY KEY,
    site_id       TEXT NOT NULL REFERENCES sites(id),
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

-- Only the SHA-256 of a session id is stored: a copy of the database cannot be used to log in.
CREATE TABLE pharmacist_sessions (
    token_hash    TEXT PRIMARY KEY,
    pharmacist_id TEXT NOT NULL REFERENCES pharmacists(id),
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL
);

CREATE TABLE patients (
    id           TEXT PRIMARY KEY,
    site_id      TEXT NOT NULL REFERENCES sites(id),
    display_name TEXT NOT NULL,
    created_by   TEXT NOT NULL REFERENCES pharmacists(id),
    created_at   TEXT NOT NULL
);
CREATE INDEX patients_site ON patients(site_id);

CREATE TABLE regimen_lines (
    id         TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    drug_name  TEXT NOT NULL,
    dose_text  TEXT NOT NULL,
    frequency  TEXT NOT NULL CHECK (frequency IN ('once_daily', 'twice_daily')),
    created_at TEXT NOT NULL
);
CREATE INDEX regimen_lines_patient ON regimen_lines(patient_id);

CREATE TABLE enrollment_codes (
    code_hash  TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);

CREATE TABLE devices (
    id           TEXT PRIMARY KEY,
    patient_id   TEXT NOT NULL REFERENCES patients(id),
    token_hash   TEXT NOT NULL UNIQUE,
    enrolled_at  TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    revoked_at   TEXT
);

-- The event store: a grow-only set keyed by the device-made id. Never updated, never deleted.
CREATE TABLE events (
    id          TEXT PRIMARY KEY,
    patient_id  TEXT NOT NULL REFERENCES patients(id),
    device_id   TEXT NOT NULL REFERENCES devices(id),
    kind        TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    payload     TEXT NOT NULL
);
CREATE INDEX events_patient_recorded ON events(patient_id, recorded_at DESC);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;

-- Append-only audit log, shaped like FHIR AuditEvent: who, on behalf of whom, what, when, from where, outcome.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT NOT NULL,
    actor_kind TEXT NOT NULL,   -- pharmacist | device | anonymous | system
    actor_id   TEXT,
    patient_id TEXT,
    action     TEXT NOT NULL,   -- e.g. login, enroll, sync, queue.read
    outcome    TEXT NOT NULL,   -- success | failure
    detail     TEXT,
    source_ip  TEXT
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
