-- Anchoring in O(tree), not O(rows) (issue 16 item 1). A sealed batch stores its Merkle tree
-- once, as chunks of its node array and of its leaves' ranks (server/proofs/treeChunks.ts),
-- and a confirmed batch stores the fields its anchor proofs share; a credential's anchor proof
-- and served document are derived from these when read. Credential rows are no longer
-- rewritten when their batch is sealed, anchored or sent back:
--   * credentials.leaf_index is set when the row is inserted (its position in the batch);
--   * credentials.state is the state the row was inserted with; the state a reader sees
--     follows the batch (open → signed, sealed/submitted → batched, confirmed → anchored);
--   * credentials.document is '' for rows inserted from now on ("the signed document"); rows
--     anchored before this migration keep the document they were served with, unchanged.
-- The migration itself only adds: old rows stay as they are and are served exactly as before.

CREATE TABLE batch_tree_chunks (
  batch_id TEXT NOT NULL REFERENCES batches(id),
  kind TEXT NOT NULL CHECK (kind IN ('nodes', 'ranks')),
  chunk INTEGER NOT NULL CHECK (chunk >= 0),
  bytes BLOB NOT NULL,
  PRIMARY KEY (batch_id, kind, chunk)
);

-- One row per batch whose anchor proofs are derived: what every proof of the batch shares.
-- Written in the transaction that confirms the batch, deleted when the batch goes back to sealed.
CREATE TABLE batch_anchor_proofs (
  batch_id TEXT PRIMARY KEY REFERENCES batches(id),
  format TEXT NOT NULL,
  chain_id INTEGER NOT NULL,
  registry TEXT NOT NULL,
  issuer_address TEXT NOT NULL,
  root TEXT NOT NULL,
  tx_hash TEXT NOT NULL,
  block_number INTEGER NOT NULL,
  anchored_at INTEGER NOT NULL
);

-- Rows of batches still open get their position now, as new rows do on insert (the position
-- sealing has always used: insertion order).
UPDATE credentials SET leaf_index = (
    SELECT COUNT(*) FROM credentials earlier WHERE earlier.batch_id = credentials.batch_id AND earlier.seq < credentials.seq
  )
  WHERE leaf_index IS NULL AND batch_id IN (SELECT id FROM batches WHERE state = 'open');

-- The credential counts of /metrics (migration 010) now follow batch transitions: a batch's
-- leaves move between signed, batched and anchored together.
CREATE TRIGGER batch_credential_counts AFTER UPDATE OF state ON batches WHEN OLD.state <> NEW.state BEGIN
  UPDATE state_counts SET n = n - COALESCE(NEW.leaf_count, 0) WHERE kind = 'credential'
    AND state = CASE OLD.state WHEN 'open' THEN 'signed' WHEN 'confirmed' THEN 'anchored' ELSE 'batched' END;
  UPDATE state_counts SET n = n + COALESCE(NEW.leaf_count, 0) WHERE kind = 'credential'
    AND state = CASE NEW.state WHEN 'open' THEN 'signed' WHEN 'confirmed' THEN 'anchored' ELSE 'batched' END;
END;
