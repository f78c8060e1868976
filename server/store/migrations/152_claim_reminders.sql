-- Claim reminders go through the mail outbox (purpose 'claim-reminder', ref = credential id),
-- recorded with the claim and due before the link expires. Accepting or declining a claim
-- deletes its reminders still pending in the same transaction; the unique
-- (purpose, ref, recipient) of mail_outbox means a reminder is never owed twice.
CREATE INDEX mail_outbox_by_ref ON mail_outbox(ref, purpose, state);
