-- A caregiver's "tell me when a dose is overdue" opt-in can name the regimen lines it is for (issue #4: configurable
-- per regimen). NULL: every line of the patient. Otherwise a JSON array of regimen line ids.
ALTER TABLE push_subscriptions ADD COLUMN overdue_lines TEXT;
