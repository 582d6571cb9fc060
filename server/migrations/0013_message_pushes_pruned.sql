-- Settled message pushes (delivered, gone or failed) are kept 30 days for looking into a complaint, then deleted
-- (server/src/messages.rs `prune_settled`): the message itself stays in `messages`, only its delivery record goes.
-- `next_attempt_at` is when a settled push was settled.
CREATE INDEX message_pushes_settled ON message_pushes(next_attempt_at) WHERE outcome IS NOT NULL;
