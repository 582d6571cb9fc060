-- Sign-in attempts, for the attempt limits. A row is written as 'pending' *before* the password is checked, in a
-- write transaction, so parallel guesses are counted too; it becomes 'failure' or 'success' afterwards.
-- (The audit log stays append-only and records the outcome separately.)
CREATE TABLE login_attempts (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    username  TEXT NOT NULL,
    source_ip TEXT,
    at        TEXT NOT NULL,
    outcome   TEXT NOT NULL CHECK (outcome IN ('pending', 'failure', 'success'))
);
CREATE INDEX login_attempts_username_at ON login_attempts(username, at);
CREATE INDEX login_attempts_ip_at ON login_attempts(source_ip, at);
