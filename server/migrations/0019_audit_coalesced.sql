-- Audit (issue #15 item 7). A phone's profile read (its messages, regimen and 60 days of diary) is audited, once
-- per device per hour: `profile_audited_at` is when the last such row was written.
ALTER TABLE devices ADD COLUMN profile_audited_at TEXT;

-- A request refused by an attempt limit writes one `limited` row per action and address per 15 minutes, not one per
-- request (a flood would fill the log), and never what was typed. This index finds the last one.
CREATE INDEX audit_log_limited ON audit_log(action, source_ip, at) WHERE outcome = 'limited';
