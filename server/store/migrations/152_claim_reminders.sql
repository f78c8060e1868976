-- Claim mail in the university's name, and claim reminders (issue 15).
--  * body_html: the HTML part (logo and badge image as links to this server), NULL once sent
--    like body_text; from_name: the display name of From (the issuer's name);
--  * reminders are outbox rows of purpose 'claim-reminder' (ref = credential id) recorded with
--    the claim, due (next_attempt_at) before the link expires. Accepting or declining deletes
--    those still pending in the same transaction; the worker drops one whose claim was decided
--    or expired meanwhile; UNIQUE (purpose, ref, recipient) means a reminder is never owed twice.
ALTER TABLE mail_outbox ADD COLUMN body_html TEXT;
ALTER TABLE mail_outbox ADD COLUMN from_name TEXT;
CREATE INDEX mail_outbox_by_ref ON mail_outbox(ref, purpose, state);
