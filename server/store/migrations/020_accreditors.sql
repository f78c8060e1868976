-- Accreditors (issue 12 item 5): agencies that keep a trust list of recognised issuers on the
-- registry, each through its own chain key (sealed like issuers' keys), with its own API keys.
CREATE TABLE accreditors (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  address TEXT NOT NULL UNIQUE,
  chain_id INTEGER NOT NULL,
  address_key_sealed TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE accreditor_api_keys (
  id TEXT PRIMARY KEY,
  accreditor_id TEXT NOT NULL REFERENCES accreditors(id),
  key_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);

-- One recognition per (accreditor, issuer): the registry's first write wins too. The record is
-- stored as its canonical (JCS) text, served as is at a stable URL; its hash went on chain.
-- valid_until is a decimal string (2^64-1, "no end", does not fit SQLite's INTEGER).
CREATE TABLE recognitions (
  accreditor_id TEXT NOT NULL REFERENCES accreditors(id),
  issuer TEXT NOT NULL,
  valid_from INTEGER NOT NULL,
  valid_until TEXT NOT NULL,
  record_json TEXT NOT NULL,
  record_hash TEXT NOT NULL,
  record_uri TEXT NOT NULL,
  withdrawn_at INTEGER,
  withdraw_code INTEGER,
  withdraw_reason TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (accreditor_id, issuer)
);

-- The accreditor's own transactions, stored signed before they are broadcast (crash-safe): a
-- restart rebroadcasts a stored one the node does not know. Its effect on the recognition row
-- (a shorter window, a withdrawal) is applied when it is mined successfully.
CREATE TABLE accreditor_txs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  accreditor_id TEXT NOT NULL REFERENCES accreditors(id),
  issuer TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('recognise', 'shorten', 'withdraw')),
  params TEXT NOT NULL,
  nonce INTEGER NOT NULL,
  raw_tx TEXT NOT NULL,
  tx_hash TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('submitted', 'confirmed', 'failed')),
  error TEXT,
  block_number INTEGER,
  created_at INTEGER NOT NULL,
  sent_at INTEGER,
  UNIQUE (accreditor_id, nonce)
);
CREATE INDEX accreditor_txs_state ON accreditor_txs (state);
