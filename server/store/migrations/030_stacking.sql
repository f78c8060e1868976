-- Stacked badges (issue 14 part 2). Owned by server/store/stacking + server/services/stacking.
-- Times are unix seconds, as everywhere in this store.

-- OB 3.0 creditsAvailable of an achievement (absent: the achievement carries no credits).
CREATE TABLE achievement_credits (
  achievement_id TEXT PRIMARY KEY REFERENCES achievements(id),
  credits        REAL NOT NULL CHECK (credits >= 0)
);

-- A stacking rule: lists of counted achievements, tiers, window (definition_json, format tag inside).
CREATE TABLE stacking_rules (
  id              TEXT PRIMARY KEY,
  issuer_id       TEXT NOT NULL REFERENCES issuers(id),
  name            TEXT NOT NULL,
  definition_json TEXT NOT NULL,
  created_at      INTEGER NOT NULL
);
CREATE INDEX stacking_rules_by_issuer ON stacking_rules(issuer_id, created_at);

-- Every credential awarded for an achievement with credits, with who holds it (rowid = award order): written in the
-- award's transaction, so what counts toward a tier is exactly what was stored.
CREATE TABLE stacking_ledger (
  credential_id  TEXT PRIMARY KEY REFERENCES credentials(id),
  issuer_id      TEXT NOT NULL,
  recipient_key  TEXT NOT NULL,                 -- 'email:<lower-cased>' or 'id:<identifier>'
  achievement_id TEXT NOT NULL,
  credits        REAL NOT NULL,
  awarded_at     INTEGER NOT NULL
);
CREATE INDEX stacking_ledger_by_recipient ON stacking_ledger(issuer_id, recipient_key);

-- The stacked badges issued; one per (rule, tier, learner), whatever the concurrency.
-- credential_id has no foreign key: the award row is claimed first in the transaction that
-- then stores the credential, so a lost race stores nothing.
CREATE TABLE stacked_awards (
  credential_id TEXT PRIMARY KEY,
  rule_id       TEXT NOT NULL REFERENCES stacking_rules(id),
  tier_index    INTEGER NOT NULL,
  recipient_key TEXT NOT NULL,
  credits       REAL NOT NULL,
  created_at    INTEGER NOT NULL,
  UNIQUE (rule_id, tier_index, recipient_key)
);

CREATE TABLE stacked_components (
  stacked_credential_id   TEXT NOT NULL REFERENCES stacked_awards(credential_id),
  component_credential_id TEXT NOT NULL,
  digest                  TEXT NOT NULL,
  PRIMARY KEY (stacked_credential_id, component_credential_id)
);
CREATE INDEX stacked_components_by_component ON stacked_components(component_credential_id);

-- A stacked badge whose learner fell below its tier after a revocation: the issuer decides.
CREATE TABLE stacking_flags (
  id                    INTEGER PRIMARY KEY AUTOINCREMENT,
  stacked_credential_id TEXT NOT NULL REFERENCES stacked_awards(credential_id),
  issuer_id             TEXT NOT NULL,
  trigger_credential_id TEXT NOT NULL,
  credits_now           REAL NOT NULL,
  threshold             REAL NOT NULL,
  state                 TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'kept', 'revoked')),
  decision_reason       TEXT,
  created_at            INTEGER NOT NULL,
  decided_at            INTEGER,
  UNIQUE (stacked_credential_id, trigger_credential_id)
);
CREATE INDEX stacking_flags_by_issuer ON stacking_flags(issuer_id, state);

-- Webhooks: one endpoint per issuer, and an outbox of events (the mail outbox's pattern).
CREATE TABLE issuer_webhooks (
  issuer_id  TEXT PRIMARY KEY REFERENCES issuers(id),
  url        TEXT NOT NULL,
  secret     TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE webhook_outbox (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id        TEXT NOT NULL UNIQUE,            -- sent as the event's id: receivers drop repeats
  issuer_id       TEXT NOT NULL,
  type            TEXT NOT NULL,
  payload_json    TEXT NOT NULL,
  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT,
  created_at      INTEGER NOT NULL,
  sent_at         INTEGER
);
CREATE INDEX webhook_outbox_due ON webhook_outbox(state, next_attempt_at);
