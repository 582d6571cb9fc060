-- Issue #16: a phone's profile carries 60 days of diary, and the server read every dose record of the patient to
-- keep those 60 days (2.4 ms with 120 records, 7 ms with 730). The record's dose day, computed from the stored
-- event (a virtual column: nothing is rewritten, and every way an event is inserted fills it), with an index, lets
-- the profile read only the days it sends.
ALTER TABLE events ADD COLUMN dose_date TEXT
    GENERATED ALWAYS AS (CASE WHEN kind IN ('dose_taken', 'dose_logged') THEN json_extract(payload, '$.body.date') END) VIRTUAL;
CREATE INDEX events_patient_dose_date ON events(patient_id, dose_date) WHERE dose_date IS NOT NULL;

-- A sync reads the patient's history (regimen lines and dose records) before it takes the writer, and inside its write
-- transaction checks that nothing changed it in between: every write to that history counts here.
ALTER TABLE patients ADD COLUMN history_version INTEGER NOT NULL DEFAULT 0;
