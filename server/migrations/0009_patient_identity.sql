-- Knowing the patient (issue #12 items 1–4): two identifiers collected at enrollment, a number to call back and
-- the patient's language. Patients enrolled before this keep NULLs (shown as "not recorded").

-- The date of birth, YYYY-MM-DD.
ALTER TABLE patients ADD COLUMN date_of_birth TEXT;
-- The medical record number as the pharmacy writes it (trimmed), unique within a site.
ALTER TABLE patients ADD COLUMN mrn TEXT;
ALTER TABLE patients ADD COLUMN phone TEXT;
-- 'en' or 'es': the language of the printed handout.
ALTER TABLE patients ADD COLUMN language TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'es'));

-- Search by MRN (an exact match) and the rule that two patients of a site never share one.
CREATE UNIQUE INDEX patients_site_mrn ON patients(site_id, mrn) WHERE mrn IS NOT NULL;
-- Search by date of birth, newest enrolled first like the list.
CREATE INDEX patients_site_dob ON patients(site_id, date_of_birth, created_at, id) WHERE date_of_birth IS NOT NULL;

-- A patient's own enrollment codes not used yet: a reissued code ends them.
CREATE INDEX enrollment_codes_patient_open ON enrollment_codes(patient_id) WHERE used_at IS NULL AND caregiver_id IS NULL;
