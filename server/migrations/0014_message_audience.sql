-- Who reads the pharmacy's messages (issue #14 item 4). See domain/src/message_audience.rs and server/src/messages.rs.

-- A pharmacy message the pharmacist let the patient's caregivers read too (1); 0: for the patient only (every
-- message written before this migration).
ALTER TABLE messages ADD COLUMN to_caregivers INTEGER NOT NULL DEFAULT 0 CHECK (to_caregivers IN (0, 1));

-- The patient's choice, from their own phone (`message_sharing` events): 1, their caregivers read every pharmacy
-- message and what the patient wrote; 0, only messages addressed to caregivers and what caregivers wrote. The
-- sync transaction applies the newest event by recorded time, then event id, which the two columns after it name
-- (NULL: never chosen).
ALTER TABLE patients ADD COLUMN caregivers_may_read INTEGER NOT NULL DEFAULT 0 CHECK (caregivers_may_read IN (0, 1));
ALTER TABLE patients ADD COLUMN message_sharing_at TEXT;
ALTER TABLE patients ADD COLUMN message_sharing_event TEXT;
