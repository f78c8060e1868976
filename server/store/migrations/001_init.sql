-- credanchor server store, first version. Times are unix seconds unless named *_ms.

CREATE TABLE issuers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  url TEXT NOT NULL,
  email TEXT,
  image TEXT,
  did TEXT NOT NULL UNIQUE,
  address TEXT NOT NULL UNIQUE,
  chain_id INTEGER NOT NULL,
  -- secp256k1 key of the issuer address and Ed25519 signing seed, both AES-256-GCM sealed.
  address_key_sealed TEXT NOT NULL,
  signing_seed_sealed TEXT NOT NULL,
  signing_public_key_multibase TEXT NOT NULL,
  signing_key_id TEXT NOT NULL,
  -- pending until the key is registered and our operator authorised on chain.
  onchain_state TEXT NOT NULL CHECK (onchain_state IN ('pending', 'registered')),
  is_demo INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  issuer_id TEXT REFERENCES issuers(id),
  key_hash TEXT NOT NULL UNIQUE,
  scopes TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE achievements (
  id TEXT PRIMARY KEY,
  issuer_id TEXT NOT NULL REFERENCES issuers(id),
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  criteria_narrative TEXT NOT NULL,
  image TEXT,
  achievement_type TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX achievements_by_issuer ON achievements(issuer_id, created_at);

-- One row per status list of an issuer; `allocated` counts indices handed out.
CREATE TABLE status_lists (
  issuer_id TEXT NOT NULL REFERENCES issuers(id),
  list_id INTEGER NOT NULL,
  allocated INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (issuer_id, list_id)
);

-- The primary key is what makes an index never be handed out twice.
CREATE TABLE status_allocations (
  issuer_id TEXT NOT NULL,
  list_id INTEGER NOT NULL,
  status_index INTEGER NOT NULL,
  credential_id TEXT NOT NULL,
  PRIMARY KEY (issuer_id, list_id, status_index),
  FOREIGN KEY (issuer_id, list_id) REFERENCES status_lists(issuer_id, list_id)
);

CREATE TABLE batches (
  id TEXT PRIMARY KEY,
  issuer_id TEXT NOT NULL REFERENCES issuers(id),
  state TEXT NOT NULL CHECK (state IN ('open', 'sealed', 'submitted', 'confirmed')),
  seq INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  sealed_at INTEGER,
  root TEXT,
  leaf_count INTEGER,
  tree TEXT,
  tx_id INTEGER REFERENCES chain_txs(id),
  tx_hash TEXT,
  block_number INTEGER,
  confirmed_at INTEGER,
  anchored_at INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT
);
CREATE UNIQUE INDEX one_open_batch_per_issuer ON batches(issuer_id) WHERE state = 'open';
CREATE INDEX batches_by_state ON batches(state);

CREATE TABLE credentials (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  issuer_id TEXT NOT NULL REFERENCES issuers(id),
  achievement_id TEXT REFERENCES achievements(id),
  batch_id TEXT NOT NULL REFERENCES batches(id),
  state TEXT NOT NULL CHECK (state IN ('signed', 'batched', 'anchored')),
  list_id INTEGER NOT NULL,
  status_index INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0,
  suspended INTEGER NOT NULL DEFAULT 0,
  -- The signed credential (issuer proof only) and the document served (with anchor proof once anchored).
  signed_document TEXT NOT NULL,
  document TEXT NOT NULL,
  leaf TEXT NOT NULL,
  leaf_index INTEGER,
  recipient_email TEXT,
  recipient_name TEXT,
  presigned INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  UNIQUE (issuer_id, list_id, status_index)
);
CREATE INDEX credentials_by_batch ON credentials(batch_id, seq);

-- Every transaction the operator sends, stored signed before it is broadcast.
CREATE TABLE chain_txs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  purpose TEXT NOT NULL,
  nonce INTEGER NOT NULL,
  to_address TEXT NOT NULL,
  data TEXT NOT NULL,
  raw_tx TEXT NOT NULL,
  tx_hash TEXT NOT NULL,
  -- JSON array of hashes of earlier signatures at the same nonce (replacements).
  prior_hashes TEXT NOT NULL DEFAULT '[]',
  max_fee_per_gas TEXT NOT NULL,
  max_priority_fee_per_gas TEXT NOT NULL,
  gas TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('signed', 'sent', 'mined', 'failed', 'abandoned')),
  block_number INTEGER,
  mined_hash TEXT,
  created_at INTEGER NOT NULL,
  sent_at INTEGER
);

CREATE TABLE status_changes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  issuer_id TEXT NOT NULL REFERENCES issuers(id),
  credential_id TEXT NOT NULL REFERENCES credentials(id),
  list_id INTEGER NOT NULL,
  status_index INTEGER NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('revoke', 'suspend', 'unsuspend')),
  reason TEXT,
  state TEXT NOT NULL CHECK (state IN ('queued', 'submitted', 'confirmed', 'failed')),
  tx_id INTEGER REFERENCES chain_txs(id),
  created_at INTEGER NOT NULL,
  confirmed_at INTEGER
);
CREATE INDEX status_changes_by_state ON status_changes(state, issuer_id, list_id, action);
