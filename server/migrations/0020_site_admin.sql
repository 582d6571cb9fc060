-- Site admins (issue #15 item 2): an account's role, and whether it is turned off. A turned-off account cannot sign
-- in and has no sessions; it is kept (its name stays on what it did).
ALTER TABLE pharmacists ADD COLUMN role TEXT NOT NULL DEFAULT 'pharmacist' CHECK (role IN ('pharmacist', 'admin'));
ALTER TABLE pharmacists ADD COLUMN disabled_at TEXT;
CREATE INDEX pharmacists_site ON pharmacists(site_id, username);
CREATE INDEX pharmacist_sessions_pharmacist ON pharmacist_sessions(pharmacist_id);
