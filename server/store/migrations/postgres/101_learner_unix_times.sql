-- PostgreSQL version of ../101_learner_unix_times.sql: the learner tables in their second
-- shape (unix-second times, one badge per wallet and credential), created directly — there is
-- no first-shape data to carry over on PostgreSQL (see 100). learner_claims has an explicit
-- rowid column (SQLite's is implicit): the store orders by it.
CREATE TABLE learner_wallets (
  id              TEXT PRIMARY KEY,
  handle          TEXT NOT NULL UNIQUE,
  email           TEXT NOT NULL UNIQUE,
  display_name    TEXT,
  passphrase_hash TEXT,
  created_at      BIGINT NOT NULL
);

CREATE TABLE learner_claims (
  rowid            BIGINT GENERATED ALWAYS AS IDENTITY, -- SQLite's implicit rowid made explicit: the store reads the latest claim by it
  token_hash       TEXT PRIMARY KEY,
  credential_id    TEXT NOT NULL,
  email            TEXT NOT NULL,
  recipient_name   TEXT,
  issuer_id        TEXT,
  achievement_name TEXT,
  state            TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'declined')),
  wallet_id        TEXT REFERENCES learner_wallets(id) ON DELETE SET NULL,
  created_at       BIGINT NOT NULL,
  decided_at       BIGINT
);

CREATE TABLE learner_badges (
  id              TEXT PRIMARY KEY,
  wallet_id       TEXT NOT NULL REFERENCES learner_wallets(id) ON DELETE CASCADE,
  source          TEXT NOT NULL CHECK (source IN ('claimed', 'imported')),
  credential_key  TEXT NOT NULL,
  credential_id   TEXT,
  credential_json TEXT,
  import_summary  TEXT,
  is_public       BIGINT NOT NULL DEFAULT 0,
  added_at        BIGINT NOT NULL,
  CHECK ((source = 'claimed' AND credential_id IS NOT NULL) OR (source = 'imported' AND credential_json IS NOT NULL)),
  UNIQUE (wallet_id, credential_key)
);

CREATE TABLE learner_sessions (
  token_hash TEXT PRIMARY KEY,
  wallet_id  TEXT NOT NULL REFERENCES learner_wallets(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);

CREATE TABLE learner_magic_links (
  token_hash TEXT PRIMARY KEY,
  wallet_id  TEXT NOT NULL REFERENCES learner_wallets(id) ON DELETE CASCADE,
  next_path  TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at    BIGINT
);

CREATE INDEX learner_claims_by_credential ON learner_claims(credential_id);
CREATE INDEX learner_badges_by_credential ON learner_badges(credential_id) WHERE credential_id IS NOT NULL;
CREATE INDEX learner_sessions_by_wallet ON learner_sessions(wallet_id);
