-- What the patient's screen told them for the report that raised the alert: 'call_911', 'call_now' or
-- 'within_a_day' (carepath_domain::triage::Action). NULL for alerts raised before it was stored.
ALTER TABLE alerts ADD COLUMN patient_action TEXT;
