-- PostgreSQL version of ../010_state_counts.sql: the same table and starting counts; the
-- counts are kept by row triggers written in PL/pgSQL (SQLite's trigger syntax has no
-- portable form). Same effects as the SQLite triggers, one function per table.
CREATE TABLE state_counts (
  kind TEXT NOT NULL,
  state TEXT NOT NULL,
  n BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (kind, state)
);

INSERT INTO state_counts (kind, state, n) VALUES
  ('credential', 'signed', 0), ('credential', 'batched', 0), ('credential', 'anchored', 0),
  ('credential', 'revoked', 0), ('credential', 'suspended', 0),
  ('batch', 'open', 0), ('batch', 'sealed', 0), ('batch', 'submitted', 0), ('batch', 'confirmed', 0);

UPDATE state_counts SET n = (SELECT COUNT(*) FROM credentials c WHERE c.state = state_counts.state) WHERE kind = 'credential' AND state IN ('signed', 'batched', 'anchored');
UPDATE state_counts SET n = (SELECT COALESCE(SUM(revoked), 0) FROM credentials) WHERE kind = 'credential' AND state = 'revoked';
UPDATE state_counts SET n = (SELECT COALESCE(SUM(suspended), 0) FROM credentials) WHERE kind = 'credential' AND state = 'suspended';
UPDATE state_counts SET n = (SELECT COUNT(*) FROM batches b WHERE b.state = state_counts.state) WHERE kind = 'batch';

CREATE FUNCTION credanchor_credential_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE state_counts SET n = n + 1 WHERE kind = 'credential' AND state = NEW.state;
    IF NEW.revoked <> 0 THEN UPDATE state_counts SET n = n + NEW.revoked WHERE kind = 'credential' AND state = 'revoked'; END IF;
    IF NEW.suspended <> 0 THEN UPDATE state_counts SET n = n + NEW.suspended WHERE kind = 'credential' AND state = 'suspended'; END IF;
  ELSIF TG_OP = 'UPDATE' THEN
    IF OLD.state <> NEW.state THEN
      UPDATE state_counts SET n = n - 1 WHERE kind = 'credential' AND state = OLD.state;
      UPDATE state_counts SET n = n + 1 WHERE kind = 'credential' AND state = NEW.state;
    END IF;
    IF OLD.revoked <> NEW.revoked OR OLD.suspended <> NEW.suspended THEN
      UPDATE state_counts SET n = n + (NEW.revoked - OLD.revoked) WHERE kind = 'credential' AND state = 'revoked';
      UPDATE state_counts SET n = n + (NEW.suspended - OLD.suspended) WHERE kind = 'credential' AND state = 'suspended';
    END IF;
  ELSE
    UPDATE state_counts SET n = n - 1 WHERE kind = 'credential' AND state = OLD.state;
    UPDATE state_counts SET n = n - OLD.revoked WHERE kind = 'credential' AND state = 'revoked';
    UPDATE state_counts SET n = n - OLD.suspended WHERE kind = 'credential' AND state = 'suspended';
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER credential_counts AFTER INSERT OR UPDATE OR DELETE ON credentials
  FOR EACH ROW EXECUTE FUNCTION credanchor_credential_counts();

CREATE FUNCTION credanchor_batch_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE state_counts SET n = n + 1 WHERE kind = 'batch' AND state = NEW.state;
  ELSIF TG_OP = 'UPDATE' THEN
    IF OLD.state <> NEW.state THEN
      UPDATE state_counts SET n = n - 1 WHERE kind = 'batch' AND state = OLD.state;
      UPDATE state_counts SET n = n + 1 WHERE kind = 'batch' AND state = NEW.state;
    END IF;
  ELSE
    UPDATE state_counts SET n = n - 1 WHERE kind = 'batch' AND state = OLD.state;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER batch_counts AFTER INSERT OR UPDATE OR DELETE ON batches
  FOR EACH ROW EXECUTE FUNCTION credanchor_batch_counts();
