-- Claims tracked as issue 15 asks (sent, opened, accepted, declined, bounced), and one live link
-- per claim. Owned by server/store/learner (claims) and server/mail (outbox).
--  * opened_at: when the claim page was first opened with the link (a GET by a person: HEAD
--    requests and known link-preview bots are not counted, see web/claimOpen.ts);
--  * superseded_at: when a newer link was issued for the same claim (a console reminder): the
--    older link then only says that a newer one was sent;
--  * bounced: 1 when the receiving server refused the message for good (SMTP 5xx at RCPT or
--    DATA): the row is failed at once, without retries. A failed row with bounced = 0 gave up
--    after its retries (temporary refusals, timeouts).
ALTER TABLE learner_claims ADD COLUMN opened_at INTEGER;
ALTER TABLE learner_claims ADD COLUMN superseded_at INTEGER;
ALTER TABLE mail_outbox ADD COLUMN bounced INTEGER NOT NULL DEFAULT 0 CHECK (bounced IN (0, 1));
