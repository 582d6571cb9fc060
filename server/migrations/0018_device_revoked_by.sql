-- Lost or replaced phones (issue #15 item 3): who ended a phone's access, for the patient page's list of phones.
-- 'pharmacy': a pharmacist removed this one phone; 'caregiver_ended': the caregiver's access was ended, and with it
-- their phones; 'phone': "Remove this person from this phone" on the phone itself. Set exactly when revoked_at is.
ALTER TABLE devices ADD COLUMN revoked_by TEXT CHECK (revoked_by IN ('pharmacy', 'caregiver_ended', 'phone'));

-- Before this migration a phone was revoked only with its caregiver.
UPDATE devices SET revoked_by = CASE WHEN caregiver_id IS NOT NULL THEN 'caregiver_ended' ELSE 'pharmacy' END
WHERE revoked_at IS NOT NULL;
