-- Attempts at things that guessing could abuse (sign-in, enrollment codes), for the attempt limits. A row is written
-- as 'pending' *before* the secret is checked, in a write transaction, so parallel guesses are counted too; it then
-- becomes 'failure', 'success', or 'error' (a server fault, not counted). The audit log stays append-only and
-- records outcomes separately.
CREATE TABLE attempts (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    kind      TEXT NOT NULL CHECK (kind IN ('login', 'enroll')),
    subject   TEXT,            -- the username for sign-in; none for enrollment
    source_ip TEXT,
    at        TEXT NOT NULL,
    outcome   TEXT NOT NULL CHECK (outcome IN ('pending', 'failure', 'success', 'error'))
);
CREATE INDEX attempts_kind_subject_at ON attempts(kind, subject, at);
CREATE INDEX attempts_kind_ip_at ON attempts(kind, source_ip, at);
