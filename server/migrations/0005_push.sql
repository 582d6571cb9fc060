-- Web Push dose reminders (issue #4): the server's VAPID key, one subscription per device, snoozes, and the
-- reminders already sent (so a restart never sends one twice). See server/src/push.rs and server/src/reminders.rs.

-- The VAPID key pair, made once when CAREPATH_VAPID_PRIVATE_KEY is not set: subscriptions are tied to the public
-- key, so it must survive restarts. Raw P-256 private key, base64url.
CREATE TABLE vapid_keys (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    private_key TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- A device's push subscription and what it wants to be reminded of. Deleted when the device unsubscribes or the
-- push service answers 404/410.
CREATE TABLE push_subscriptions (
    device_id             TEXT PRIMARY KEY REFERENCES devices(id),
    endpoint              TEXT NOT NULL,
    p256dh                TEXT NOT NULL,
    auth                  TEXT NOT NULL,
    quiet_start           TEXT,          -- HH:MM:SS local time, or NULL for no quiet hours
    quiet_end             TEXT,
    overdue_after_minutes INTEGER CHECK (overdue_after_minutes BETWEEN 5 AND 720),
    created_at            TEXT NOT NULL,
    CHECK ((quiet_start IS NULL) = (quiet_end IS NULL))
);

-- "Remind me again later" for one dose on one device. Each snooze of the same dose counts up `round`.
CREATE TABLE push_snoozes (
    device_id       TEXT NOT NULL REFERENCES devices(id),
    regimen_line_id TEXT NOT NULL,
    date            TEXT NOT NULL,
    slot            TEXT NOT NULL,
    until           TEXT NOT NULL,
    round           INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (device_id, regimen_line_id, date, slot)
);

-- Reminders claimed for sending: at most one per device, dose, kind and snooze round. A row is written before the
-- message goes out and removed again only if sending failed in a way worth retrying.
CREATE TABLE push_reminders_sent (
    device_id       TEXT NOT NULL REFERENCES devices(id),
    regimen_line_id TEXT NOT NULL,
    date            TEXT NOT NULL,
    slot            TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('dose_due', 'overdue')),
    round           INTEGER NOT NULL DEFAULT 0,
    planned_at      TEXT NOT NULL,
    sent_at         TEXT NOT NULL,
    outcome         TEXT NOT NULL CHECK (outcome IN ('sending', 'delivered', 'gone')),
    UNIQUE (device_id, regimen_line_id, date, slot, kind, round)
);
CREATE INDEX push_reminders_sent_at ON push_reminders_sent(sent_at);
