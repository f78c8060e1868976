-- Learner side: wallets, claim links, badges kept in wallets, sessions and sign-in links.
-- Owned by server/store/learner. Reshaped by 101 (unix-second times, one badge per wallet and
-- credential); IF NOT EXISTS from the days the learner store applied it itself.
-- Tokens (claim, session, magic link) are stored only as SHA-256 hashes; passphrases only as
-- scrypt hashes.

CREATE TABLE IF NOT EXISTS learner_wallets (
  id              TEXT PRIMARY KEY,
  handle          TEXT NOT NULL UNIQUE,
  email           TEXT NOT NULL UNIQUE,      -- lower-cased
  display_name    TEXT,
  passphrase_hash TEXT,                      -- scrypt$N$r$p$salt$hash; NULL = sign-in links only
  created_at      TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS learner_claims (
  token_hash       TEXT PRIMARY KEY,
  credential_id    TEXT NOT NULL,
  email            TEXT NOT NULL,
  recipient_name   TEXT,
  issuer_id        TEXT,
  achievement_name TEXT,
  state            TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'declined')),
  wallet_id        TEXT REFERENCES learner_wallets(id) ON DELETE SET NULL,
  created_at       TEXT NOT NULL,
  decided_at       TEXT
);
CREATE INDEX IF NOT EXISTS learner_claims_by_credential ON learner_claims(credential_id);

CREATE TABLE IF NOT EXISTS learner_badges (
  id              TEXT PRIMARY KEY,
  wallet_id       TEXT NOT NULL REFERENCES learner_wallets(id) ON DELETE CASCADE,
  source          TEXT NOT NULL CHECK (source IN ('claimed', 'imported')),
  credential_id   TEXT,                      -- our credential id, for claimed badges
  credential_json TEXT,                      -- the badge exactly as given, for imported badges
  import_summary  TEXT,                      -- JSON: verification result at import time
  is_public       INTEGER NOT NULL DEFAULT 0,
  added_at        TEXT NOT NULL,
  CHECK ((source = 'claimed' AND credential_id IS NOT NULL) OR (source = 'imported' AND credential_json IS NOT NULL))
);
CREATE UNIQUE INDEX IF NOT EXISTS learner_badges_once ON learner_badges(wallet_id, credential_id) WHERE credential_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS learner_sessions (
  token_hash TEXT PRIMARY KEY,
  wallet_id  TEXT NOT NULL REFERENCES learner_wallets(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS learner_magic_links (
  token_hash TEXT PRIMARY KEY,
  wallet_id  TEXT NOT NULL REFERENCES learner_wallets(id) ON DELETE CASCADE,
  next_path  TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at    TEXT
);
