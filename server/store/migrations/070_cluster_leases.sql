-- Several server instances on one database (issue 16 item 3). Portable SQL: it runs unchanged on
-- SQLite and PostgreSQL.
--
-- A lease names a unit of work (a batch, an issuer's status writes, the start-up reconciliation)
-- and who holds it until when. It is claimed with a conditional INSERT / UPDATE (server/cluster/
-- leases.ts), renewed while the work goes on, and taken over by another instance once it has
-- expired. `generation` grows by one at each change of owner (a takeover is visible in the logs).
-- Times are unix milliseconds.
CREATE TABLE leases (
  name        TEXT PRIMARY KEY,
  owner       TEXT NOT NULL,
  expires_at  INTEGER NOT NULL,
  acquired_at INTEGER NOT NULL,
  generation  INTEGER NOT NULL DEFAULT 1
);

-- Each instance sends from its own operator key, so nonces are tracked per operator address
-- (lower-case hex). Rows written before this migration carry NULL until the start-up backfill
-- recovers the sender from the signed bytes.
ALTER TABLE chain_txs ADD COLUMN operator TEXT;
CREATE INDEX chain_txs_by_operator ON chain_txs(operator, state, nonce);

-- A message or webhook event in 'sending' names the instance sending it and until when (unix
-- seconds, as the outbox's other times): another instance takes it over only once that has
-- passed, so a live sender is never raced and a killed one's work is not stranded.
ALTER TABLE mail_outbox ADD COLUMN lease_owner TEXT;
ALTER TABLE mail_outbox ADD COLUMN lease_expires_at INTEGER;
CREATE INDEX mail_outbox_sending ON mail_outbox(state, lease_expires_at);
ALTER TABLE webhook_outbox ADD COLUMN lease_owner TEXT;
ALTER TABLE webhook_outbox ADD COLUMN lease_expires_at INTEGER;
CREATE INDEX webhook_outbox_sending ON webhook_outbox(state, lease_expires_at);
