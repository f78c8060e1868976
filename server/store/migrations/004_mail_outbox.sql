-- Claim mail (and any later mail) through a transactional outbox: a message is a row written
-- in the same transaction as the award that owes it, and the worker sends it afterwards with
-- retries and backoff. Owned by server/mail + server/store/sqlite.
--
-- At most one message per (purpose, ref, recipient): `ref` names what the message is about
-- (the credential id for a claim), so replaying an award's transaction cannot owe a mail twice.
-- Times are unix seconds, as everywhere in this store.
CREATE TABLE mail_outbox (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  purpose         TEXT NOT NULL,                      -- 'claim', ...
  ref             TEXT NOT NULL,                      -- what it is about (credential id for 'claim')
  recipient       TEXT NOT NULL,                      -- lower-cased address
  subject         TEXT NOT NULL,
  body_text       TEXT,                               -- NULL once sent: it may carry a one-time link
  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT,
  created_at      INTEGER NOT NULL,
  sent_at         INTEGER,
  UNIQUE (purpose, ref, recipient)
);
CREATE INDEX mail_outbox_due ON mail_outbox(state, next_attempt_at);

-- Status changes are looked up per credential (is a revocation pending?) once per id of a
-- bulk request: without this index every lookup scanned the whole queue.
CREATE INDEX status_changes_by_credential ON status_changes(credential_id, state);
