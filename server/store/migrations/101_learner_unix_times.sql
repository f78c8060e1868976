-- Learner tables, second shape:
--  * times are unix seconds (INTEGER), as in every other table of the server;
--  * every badge names its credential (credential_key: our credential id for claimed badges,
--    the credential's own id for imported ones) and a wallet holds a credential once
--    (importing the same badge twice was possible before);
--  * the tables are no longer applied by the learner store itself: this file and 100 are
--    ordinary migrations of the server store.
--
-- Rebuilt new-tables-first: the old parent table (learner_wallets) is dropped only after
-- every old table that references it, so the drop cascades into nothing. RENAME then points
-- the new children's foreign keys at the final names (SQLite >= 3.26, legacy_alter_table off).
-- Duplicate imports already stored are collapsed to the oldest row (INSERT OR IGNORE in
-- added_at order).

CREATE TABLE learner_wallets_v2 (
  id              TEXT PRIMARY KEY,
  handle          TEXT NOT NULL UNIQUE,
  email           TEXT NOT NULL UNIQUE,      -- lower-cased
  display_name    TEXT,
  passphrase_hash TEXT,                      -- scrypt$N$r$p$salt$hash; NULL = sign-in links only
  created_at      INTEGER NOT NULL
);
INSERT INTO learner_wallets_v2 (id, handle, email, display_name, passphrase_hash, created_at)
  SELECT id, handle, email, display_name, passphrase_hash, CAST(strftime('%s', created_at) AS INTEGER) FROM learner_wallets;

CREATE TABLE learner_claims_v2 (
  token_hash       TEXT PRIMARY KEY,
  credential_id    TEXT NOT NULL,
  email            TEXT NOT NULL,
  recipient_name   TEXT,
  issuer_id        TEXT,
  achievement_name TEXT,
  state            TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'declined')),
  wallet_id        TEXT REFERENCES learner_wallets_v2(id) ON DELETE SET NULL,
  created_at       INTEGER NOT NULL,
  decided_at       INTEGER
);
INSERT INTO learner_claims_v2
  SELECT token_hash, credential_id, email, recipient_name, issuer_id, achievement_name, state, wallet_id,
         CAST(strftime('%s', created_at) AS INTEGER), CAST(strftime('%s', decided_at) AS INTEGER)
  FROM learner_claims;

CREATE TABLE learner_badges_v2 (
  id              TEXT PRIMARY KEY,
  wallet_id       TEXT NOT NULL REFERENCES learner_wallets_v2(id) ON DELETE CASCADE,
  source          TEXT NOT NULL CHECK (source IN ('claimed', 'imported')),
  credential_key  TEXT NOT NULL,             -- the credential's id, whichever the source
  credential_id   TEXT,                      -- our credential id, for claimed badges
  credential_json TEXT,                      -- the badge exactly as given, for imported badges
  import_summary  TEXT,                      -- JSON: verification result at import time
  is_public       INTEGER NOT NULL DEFAULT 0,
  added_at        INTEGER NOT NULL,
  CHECK ((source = 'claimed' AND credential_id IS NOT NULL) OR (source = 'imported' AND credential_json IS NOT NULL)),
  UNIQUE (wallet_id, credential_key)
);
INSERT OR IGNORE INTO learner_badges_v2
  SELECT id, wallet_id, source,
         COALESCE(credential_id, json_extract(credential_json, '$.id'), 'badge:' || id),
         credential_id, credential_json, import_summary, is_public, CAST(strftime('%s', added_at) AS INTEGER)
  FROM learner_badges ORDER BY added_at, id;

CREATE TABLE learner_sessions_v2 (
  token_hash TEXT PRIMARY KEY,
  wallet_id  TEXT NOT NULL REFERENCES learner_wallets_v2(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
INSERT INTO learner_sessions_v2
  SELECT token_hash, wallet_id, CAST(strftime('%s', created_at) AS INTEGER), CAST(strftime('%s', expires_at) AS INTEGER) FROM learner_sessions;

CREATE TABLE learner_magic_links_v2 (
  token_hash TEXT PRIMARY KEY,
  wallet_id  TEXT NOT NULL REFERENCES learner_wallets_v2(id) ON DELETE CASCADE,
  next_path  TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER
);
INSERT INTO learner_magic_links_v2
  SELECT token_hash, wallet_id, next_path, CAST(strftime('%s', expires_at) AS INTEGER), CAST(strftime('%s', used_at) AS INTEGER) FROM learner_magic_links;

DROP TABLE learner_magic_links;
DROP TABLE learner_sessions;
DROP TABLE learner_badges;
DROP TABLE learner_claims;
DROP TABLE learner_wallets;

ALTER TABLE learner_wallets_v2 RENAME TO learner_wallets;
ALTER TABLE learner_claims_v2 RENAME TO learner_claims;
ALTER TABLE learner_badges_v2 RENAME TO learner_badges;
ALTER TABLE learner_sessions_v2 RENAME TO learner_sessions;
ALTER TABLE learner_magic_links_v2 RENAME TO learner_magic_links;

CREATE INDEX learner_claims_by_credential ON learner_claims(credential_id);
CREATE INDEX learner_badges_by_credential ON learner_badges(credential_id) WHERE credential_id IS NOT NULL;
CREATE INDEX learner_sessions_by_wallet ON learner_sessions(wallet_id);
