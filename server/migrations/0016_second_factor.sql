-- The second factor for pharmacists (issue #15 item 1): a TOTP secret per account (RFC 6238, SHA-1, 6 digits,
-- 30 s), the last time step a code was accepted for (a code is accepted once: only a later step passes), and
-- single-use recovery codes, of which only a SHA-256 is kept (each has about 118 random bits).
ALTER TABLE pharmacists ADD COLUMN totp_secret TEXT;
ALTER TABLE pharmacists ADD COLUMN totp_enabled_at TEXT;
ALTER TABLE pharmacists ADD COLUMN totp_last_step INTEGER;

CREATE TABLE pharmacist_recovery_codes (
    pharmacist_id TEXT NOT NULL REFERENCES pharmacists(id),
    code_hash     TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    used_at       TEXT,
    PRIMARY KEY (pharmacist_id, code_hash)
);

-- A session starts after the password alone and passes the second factor later (`second_factor_at`); only then
-- does any pharmacist route accept it. While the account has no second factor yet, the session holds the secret
-- being set up, shown once as a QR code, until a code from it confirms it.
ALTER TABLE pharmacist_sessions ADD COLUMN second_factor_at TEXT;
ALTER TABLE pharmacist_sessions ADD COLUMN totp_setup_secret TEXT;

-- Second-factor attempts join the attempt limits. SQLite cannot change a CHECK, so the table is rebuilt.
CREATE TABLE attempts_new (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    kind      TEXT NOT NULL CHECK (kind IN ('login', 'enroll', 'second_factor')),
    subject   TEXT,            -- the username for sign-in, the pharmacist's id for the second factor; none for enrollment
    source_ip TEXT,
    at        TEXT NOT NULL,
    outcome   TEXT NOT NULL CHECK (outcome IN ('pending', 'failure', 'success', 'error'))
);
INSERT INTO attempts_new (id, kind, subject, source_ip, at, outcome) SELECT id, kind, subject, source_ip, at, outcome FROM attempts;
DROP TABLE attempts;
ALTER TABLE attempts_new RENAME TO attempts;
CREATE INDEX attempts_kind_subject_at ON attempts(kind, subject, at);
CREATE INDEX attempts_kind_ip_at ON attempts(kind, source_ip, at);
