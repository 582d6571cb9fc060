-- Enrollment codes are stored as HMAC-SHA256 with the server key (issue #15 item 5; src/server_key.rs), no longer
-- as a plain SHA-256, which a copy of the database gives up to brute force (8 characters of a 30-symbol alphabet:
-- about 39 bits). The codes themselves were never stored, so rows from before cannot be rehashed: they keep
-- 'sha256' and can still be redeemed until they are used or expire (72 h by default); every new row says
-- 'hmac-sha256'. Once the last of them has expired the 'sha256' rows are inert.
ALTER TABLE enrollment_codes ADD COLUMN hash_kind TEXT NOT NULL DEFAULT 'sha256' CHECK (hash_kind IN ('sha256', 'hmac-sha256'));
