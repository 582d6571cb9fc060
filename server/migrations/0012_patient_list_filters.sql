-- The patient list's filters (issue #12 item 1): by drug and on hold, beside the figures `patient_status` already
-- keeps (last check-in, 30-day PDC, refill due). Kept by the same refresh (server/src/worklist.rs).
-- `drugs`: the drug names of the lines not stopped, folded (lower case, no accents), one per line.
ALTER TABLE patient_status ADD COLUMN drugs TEXT NOT NULL DEFAULT '';
-- 1 when a line is on hold on the patient's today.
ALTER TABLE patient_status ADD COLUMN on_hold INTEGER NOT NULL DEFAULT 0;
-- Every patient is refreshed at once by the background task, so the new columns are filled in.
UPDATE patient_status SET next_refresh_at = '';
