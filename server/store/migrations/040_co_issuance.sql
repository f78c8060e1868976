-- Co-issuance (issue 14 part 1). Times are unix seconds.

-- Lead side: an achievement of ours that partner issuers co-issue, M of N on chain.
CREATE TABLE co_achievements (
  achievement_id TEXT PRIMARY KEY REFERENCES achievements(id),
  issuer_id TEXT NOT NULL REFERENCES issuers(id),
  -- sha256 of the JCS form of the achievement as it is signed into every award.
  achievement_hash TEXT NOT NULL,
  threshold INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);

-- One row per partner of a co-issued achievement: a proposal it agrees to or declines.
-- Local partners (same instance) have partner_issuer_id; remote ones base_url and a sealed
-- partnership secret (HMAC key of the server-to-server API).
CREATE TABLE co_partners (
  proposal_id TEXT PRIMARY KEY,
  achievement_id TEXT NOT NULL REFERENCES co_achievements(achievement_id),
  partner_did TEXT NOT NULL,
  partner_address TEXT NOT NULL,
  partner_issuer_id TEXT REFERENCES issuers(id),
  base_url TEXT,
  secret_sealed TEXT,
  profile TEXT,
  state TEXT NOT NULL CHECK (state IN ('proposed', 'agreed', 'declined')),
  reason TEXT,
  decided_at INTEGER,
  created_at INTEGER NOT NULL,
  UNIQUE (achievement_id, partner_address)
);
CREATE INDEX co_partners_by_partner ON co_partners(partner_issuer_id, state);

-- Partner side: a proposal received from a lead on another instance.
CREATE TABLE co_proposals (
  proposal_id TEXT PRIMARY KEY,
  partner_issuer_id TEXT NOT NULL REFERENCES issuers(id),
  lead_base_url TEXT NOT NULL,
  lead_did TEXT NOT NULL,
  lead_address TEXT NOT NULL,
  lead_profile TEXT NOT NULL,
  achievement TEXT NOT NULL,
  achievement_hash TEXT NOT NULL,
  threshold INTEGER NOT NULL,
  parties TEXT NOT NULL,
  secret_sealed TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('proposed', 'agreed', 'declined')),
  reason TEXT,
  decided_at INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX co_proposals_by_partner ON co_proposals(partner_issuer_id, state);

-- Lead side: an award waiting for its co-issuers' signatures (credentials signed by the lead,
-- status indices taken). Issued once every partner's proofs are in and verified.
CREATE TABLE co_awards (
  id TEXT PRIMARY KEY,
  achievement_id TEXT NOT NULL REFERENCES co_achievements(achievement_id),
  issuer_id TEXT NOT NULL REFERENCES issuers(id),
  state TEXT NOT NULL CHECK (state IN ('awaiting-signatures', 'issued')),
  credentials TEXT NOT NULL,
  signatures TEXT NOT NULL,
  batch_id TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX co_awards_by_state ON co_awards(state);

-- Lead side: a batch anchored with anchorCoIssued, and which partners were told of its root.
CREATE TABLE co_batches (
  batch_id TEXT PRIMARY KEY REFERENCES batches(id),
  achievement_id TEXT NOT NULL,
  co_issuers TEXT NOT NULL,
  threshold INTEGER NOT NULL,
  notified TEXT NOT NULL DEFAULT '[]'
);

-- Partner side: an endorsement we owe from a local issuer's namespace.
CREATE TABLE co_endorsements (
  lead_address TEXT NOT NULL,
  root TEXT NOT NULL,
  partner_issuer_id TEXT NOT NULL REFERENCES issuers(id),
  state TEXT NOT NULL CHECK (state IN ('pending', 'submitted', 'confirmed', 'withdrawn')),
  tx_id INTEGER REFERENCES chain_txs(id),
  last_error TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (lead_address, root, partner_issuer_id)
);

-- Server-to-server requests seen (replay guard), per partnership.
CREATE TABLE co_s2s_nonces (
  proposal_id TEXT NOT NULL,
  nonce TEXT NOT NULL,
  seen_at INTEGER NOT NULL,
  PRIMARY KEY (proposal_id, nonce)
);
