-- Worklists, documented interventions and the program figures (issue #12 items 6 and 7).

-- How many expected doses without a record put a patient on "stopped logging" (carepath_domain::worklist).
ALTER TABLE sites ADD COLUMN unrecorded_doses_alert INTEGER NOT NULL DEFAULT 4
    CHECK (unrecorded_doses_alert BETWEEN 2 AND 28);

-- Each patient's figures as of the last refresh (server/src/worklist.rs): refreshed in the sync transaction, with
-- every regimen change, and by a background task when `next_refresh_at` has passed (the figures age with the
-- calendar). Derived data: rewritten in place. A new patient gets a row at once, due now.
CREATE TABLE patient_status (
    patient_id        TEXT PRIMARY KEY REFERENCES patients(id),
    site_id           TEXT NOT NULL,
    last_check_in     TEXT,
    last_dose_date    TEXT,
    unrecorded_doses  INTEGER NOT NULL DEFAULT 0,
    pdc_30_per_mille  INTEGER,
    refill_due_on     TEXT,
    check_in_due_on   TEXT,
    -- The stopped-logging episode an alert was raised for (one alert per episode).
    logging_alerted   TEXT,
    refreshed_at      TEXT,
    next_refresh_at   TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX patient_status_refresh ON patient_status(next_refresh_at);
-- The program page's PDC bands (covering).
CREATE INDEX patient_status_site_pdc ON patient_status(site_id, pdc_30_per_mille);

INSERT INTO patient_status (patient_id, site_id) SELECT id, site_id FROM patients;

CREATE TRIGGER patients_status AFTER INSERT ON patients BEGIN
    INSERT INTO patient_status (patient_id, site_id) VALUES (NEW.id, NEW.site_id);
END;

-- What each list holds now: one row per open item (a done item's key is left out at refresh). Derived from the
-- status; rewritten per patient. Each list is read in (site, list, due date) order, keyset-paged.
CREATE TABLE worklist_items (
    site_id         TEXT NOT NULL,
    list            TEXT NOT NULL CHECK (list IN ('follow_up', 'stopped_logging', 'check_in_overdue', 'refill', 'low_pdc')),
    due_on          TEXT NOT NULL,
    patient_id      TEXT NOT NULL REFERENCES patients(id),
    item_key        TEXT NOT NULL,
    regimen_line_id TEXT,
    PRIMARY KEY (site_id, list, due_on, patient_id, item_key)
) WITHOUT ROWID;
CREATE INDEX worklist_items_patient ON worklist_items(patient_id);

CREATE TRIGGER patients_status_site AFTER UPDATE OF site_id ON patients WHEN OLD.site_id IS NOT NEW.site_id BEGIN
    UPDATE patient_status SET site_id = NEW.site_id WHERE patient_id = NEW.id;
    UPDATE worklist_items SET site_id = NEW.site_id WHERE patient_id = NEW.id;
END;

-- Documented interventions: what a pharmacist did and how it ended, with an alert, a worklist item, or neither.
CREATE TABLE interventions (
    id              TEXT PRIMARY KEY,
    site_id         TEXT NOT NULL REFERENCES sites(id),
    patient_id      TEXT NOT NULL REFERENCES patients(id),
    alert_id        TEXT REFERENCES alerts(id),
    list            TEXT,
    item_key        TEXT,
    kind            TEXT NOT NULL CHECK (kind IN ('called_patient', 'advised_dose_hold', 'referred_to_clinic',
                        'referred_to_emergency', 'educated_patient', 'contacted_prescriber', 'other')),
    outcome         TEXT NOT NULL CHECK (outcome IN ('resolved', 'follow_up_needed', 'referred', 'could_not_reach')),
    note            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    pharmacist_id   TEXT NOT NULL REFERENCES pharmacists(id)
);
-- The timeline (a patient's, newest first), and a site's period for the figures (covering) and the export.
CREATE INDEX interventions_patient ON interventions(patient_id, created_at);
CREATE INDEX interventions_site ON interventions(site_id, created_at, kind, outcome);
CREATE TRIGGER interventions_no_update BEFORE UPDATE ON interventions BEGIN SELECT RAISE(ABORT, 'interventions are append-only'); END;
CREATE TRIGGER interventions_no_delete BEFORE DELETE ON interventions BEGIN SELECT RAISE(ABORT, 'interventions are append-only'); END;

-- Worklist items marked done: who, when, the note, and the intervention saved with it. Append-only.
CREATE TABLE worklist_done (
    id              TEXT PRIMARY KEY,
    site_id         TEXT NOT NULL REFERENCES sites(id),
    patient_id      TEXT NOT NULL REFERENCES patients(id),
    list            TEXT NOT NULL,
    item_key        TEXT NOT NULL,
    note            TEXT NOT NULL,
    intervention_id TEXT REFERENCES interventions(id),
    done_at         TEXT NOT NULL,
    pharmacist_id   TEXT NOT NULL REFERENCES pharmacists(id)
);
CREATE INDEX worklist_done_item ON worklist_done(patient_id, list, item_key);
CREATE TRIGGER worklist_done_no_update BEFORE UPDATE ON worklist_done BEGIN SELECT RAISE(ABORT, 'worklist done records are append-only'); END;
CREATE TRIGGER worklist_done_no_delete BEFORE DELETE ON worklist_done BEGIN SELECT RAISE(ABORT, 'worklist done records are append-only'); END;

-- The program figures: acknowledged alerts of a period by tier (covering), and check-ins expected by each patient's
-- cadence over their days enrolled (covering).
CREATE INDEX alerts_site_tier_acknowledged ON alerts(site_id, tier, raised_at, acknowledged_at) WHERE acknowledged_at IS NOT NULL;
CREATE INDEX patients_site_cadence ON patients(site_id, created_at, check_in_every_days);
