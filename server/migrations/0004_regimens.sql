-- Regimens with cycles, care-team changes, dispenses and caregivers (issue #4).

-- A regimen line: the prescribed regimen as JSON (carepath_domain::schedule::Regimen). The walking skeleton's
-- `regimen_lines` held only free-text doses, which cannot make a schedule; no deployment holds any, so they are
-- not converted (a patient enrolled before this has no regimen until the pharmacist sets one).
CREATE TABLE regimens (
    id                   TEXT PRIMARY KEY,
    patient_id           TEXT NOT NULL REFERENCES patients(id),
    regimen              TEXT NOT NULL,
    refill_reminder_days INTEGER NOT NULL DEFAULT 7 CHECK (refill_reminder_days BETWEEN 0 AND 30),
    created_by           TEXT NOT NULL REFERENCES pharmacists(id),
    created_at           TEXT NOT NULL
);
CREATE INDEX regimens_patient ON regimens(patient_id);

-- Care-team decisions (dose changes, holds, resumes, stops, new cycles), append-only; `seq` is their order.
CREATE TABLE regimen_changes (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT NOT NULL UNIQUE,
    regimen_id    TEXT NOT NULL REFERENCES regimens(id),
    change        TEXT NOT NULL,   -- JSON: carepath_domain::schedule::RegimenChange
    recorded_at   TEXT NOT NULL,
    pharmacist_id TEXT NOT NULL REFERENCES pharmacists(id)
);
CREATE INDEX regimen_changes_regimen ON regimen_changes(regimen_id, seq);
CREATE TRIGGER regimen_changes_no_update BEFORE UPDATE ON regimen_changes BEGIN SELECT RAISE(ABORT, 'regimen changes are append-only'); END;
CREATE TRIGGER regimen_changes_no_delete BEFORE DELETE ON regimen_changes BEGIN SELECT RAISE(ABORT, 'regimen changes are append-only'); END;

CREATE TABLE dispenses (
    id            TEXT PRIMARY KEY,
    regimen_id    TEXT NOT NULL REFERENCES regimens(id),
    date          TEXT NOT NULL,
    tablets       INTEGER NOT NULL CHECK (tablets BETWEEN 1 AND 1500),
    days_supply   INTEGER NOT NULL CHECK (days_supply BETWEEN 1 AND 180),
    recorded_at   TEXT NOT NULL,
    pharmacist_id TEXT NOT NULL REFERENCES pharmacists(id)
);
CREATE INDEX dispenses_regimen ON dispenses(regimen_id, date);

-- Caregivers: their own enrollment codes and devices, linked to the patient. Revoking ends their devices' access.
CREATE TABLE caregivers (
    id         TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    name       TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES pharmacists(id),
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX caregivers_patient ON caregivers(patient_id);
ALTER TABLE enrollment_codes ADD COLUMN caregiver_id TEXT REFERENCES caregivers(id);
ALTER TABLE devices ADD COLUMN caregiver_id TEXT REFERENCES caregivers(id);
CREATE INDEX events_patient_kind ON events(patient_id, kind);
