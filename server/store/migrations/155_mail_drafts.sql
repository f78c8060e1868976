-- Mail recorded as a draft (issue 16): the claim mail and the reminder an award owes are stored
-- as the few fields their message is written from (server/mail/drafts.ts), ~0.4 KB, instead of
-- the written subject, text and HTML, ~7 KB per learner: a semester's award wrote more mail than
-- credentials. The message is written when it is sent. NULL once sent, like body_text, since it
-- holds the claim link. A row with a draft has empty subject and body_text.
ALTER TABLE mail_outbox ADD COLUMN draft TEXT;
