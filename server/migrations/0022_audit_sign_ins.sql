-- The admin page's "last sign-in" (issue #15 item 2) is the account's newest passed second factor in the audit log;
-- this partial index finds it without reading the whole log.
CREATE INDEX audit_log_sign_ins ON audit_log(actor_id, at)
    WHERE action IN ('second_factor', 'second_factor.enable') AND outcome = 'success';
