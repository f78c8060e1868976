-- PostgreSQL version of ../060_batch_tree_chunks.sql: the same tables and backfill; the
-- trigger that moves a batch's leaves between the credential counts is PL/pgSQL.
CREATE TABLE batch_tree_chunks (
  batch_id TEXT NOT NULL REFERENCES batches(id),
  kind TEXT NOT NULL CHECK (kind IN ('nodes', 'ranks')),
  chunk BIGINT NOT NULL CHECK (chunk >= 0),
  bytes BYTEA NOT NULL,
  PRIMARY KEY (batch_id, kind, chunk)
);

CREATE TABLE batch_anchor_proofs (
  batch_id TEXT PRIMARY KEY REFERENCES batches(id),
  format TEXT NOT NULL,
  chain_id BIGINT NOT NULL,
  registry TEXT NOT NULL,
  issuer_address TEXT NOT NULL,
  root TEXT NOT NULL,
  tx_hash TEXT NOT NULL,
  block_number BIGINT NOT NULL,
  anchored_at BIGINT NOT NULL
);

UPDATE credentials SET leaf_index = (
    SELECT COUNT(*) FROM credentials earlier WHERE earlier.batch_id = credentials.batch_id AND earlier.seq < credentials.seq
  )
  WHERE leaf_index IS NULL AND batch_id IN (SELECT id FROM batches WHERE state = 'open');

CREATE FUNCTION credanchor_batch_credential_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.state <> NEW.state THEN
    UPDATE state_counts SET n = n - COALESCE(NEW.leaf_count, 0) WHERE kind = 'credential'
      AND state = CASE OLD.state WHEN 'open' THEN 'signed' WHEN 'confirmed' THEN 'anchored' ELSE 'batched' END;
    UPDATE state_counts SET n = n + COALESCE(NEW.leaf_count, 0) WHERE kind = 'credential'
      AND state = CASE NEW.state WHEN 'open' THEN 'signed' WHEN 'confirmed' THEN 'anchored' ELSE 'batched' END;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER batch_credential_counts AFTER UPDATE OF state ON batches
  FOR EACH ROW EXECUTE FUNCTION credanchor_batch_credential_counts();
