-- Counts of credentials and batches by state, kept by triggers so /metrics reads a few rows
-- instead of scanning the credentials table on every scrape (85 ms at 45k credentials).
CREATE TABLE state_counts (
  kind TEXT NOT NULL,
  state TEXT NOT NULL,
  n INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (kind, state)
) WITHOUT ROWID;

INSERT INTO state_counts (kind, state, n) VALUES
  ('credential', 'signed', 0), ('credential', 'batched', 0), ('credential', 'anchored', 0),
  ('credential', 'revoked', 0), ('credential', 'suspended', 0),
  ('batch', 'open', 0), ('batch', 'sealed', 0), ('batch', 'submitted', 0), ('batch', 'confirmed', 0);

UPDATE state_counts SET n = (SELECT COUNT(*) FROM credentials c WHERE c.state = state_counts.state) WHERE kind = 'credential' AND state IN ('signed', 'batched', 'anchored');
UPDATE state_counts SET n = (SELECT COALESCE(SUM(revoked), 0) FROM credentials) WHERE kind = 'credential' AND state = 'revoked';
UPDATE state_counts SET n = (SELECT COALESCE(SUM(suspended), 0) FROM credentials) WHERE kind = 'credential' AND state = 'suspended';
UPDATE state_counts SET n = (SELECT COUNT(*) FROM batches b WHERE b.state = state_counts.state) WHERE kind = 'batch';

CREATE TRIGGER credential_counts_insert AFTER INSERT ON credentials BEGIN
  UPDATE state_counts SET n = n + 1 WHERE kind = 'credential' AND state = NEW.state;
  UPDATE state_counts SET n = n + NEW.revoked WHERE kind = 'credential' AND state = 'revoked' AND NEW.revoked <> 0;
  UPDATE state_counts SET n = n + NEW.suspended WHERE kind = 'credential' AND state = 'suspended' AND NEW.suspended <> 0;
END;

CREATE TRIGGER credential_counts_state AFTER UPDATE OF state ON credentials WHEN OLD.state <> NEW.state BEGIN
  UPDATE state_counts SET n = n - 1 WHERE kind = 'credential' AND state = OLD.state;
  UPDATE state_counts SET n = n + 1 WHERE kind = 'credential' AND state = NEW.state;
END;

CREATE TRIGGER credential_counts_flags AFTER UPDATE OF revoked, suspended ON credentials
  WHEN OLD.revoked <> NEW.revoked OR OLD.suspended <> NEW.suspended BEGIN
  UPDATE state_counts SET n = n + (NEW.revoked - OLD.revoked) WHERE kind = 'credential' AND state = 'revoked';
  UPDATE state_counts SET n = n + (NEW.suspended - OLD.suspended) WHERE kind = 'credential' AND state = 'suspended';
END;

CREATE TRIGGER credential_counts_delete AFTER DELETE ON credentials BEGIN
  UPDATE state_counts SET n = n - 1 WHERE kind = 'credential' AND state = OLD.state;
  UPDATE state_counts SET n = n - OLD.revoked WHERE kind = 'credential' AND state = 'revoked';
  UPDATE state_counts SET n = n - OLD.suspended WHERE kind = 'credential' AND state = 'suspended';
END;

CREATE TRIGGER batch_counts_insert AFTER INSERT ON batches BEGIN
  UPDATE state_counts SET n = n + 1 WHERE kind = 'batch' AND state = NEW.state;
END;

CREATE TRIGGER batch_counts_state AFTER UPDATE OF state ON batches WHEN OLD.state <> NEW.state BEGIN
  UPDATE state_counts SET n = n - 1 WHERE kind = 'batch' AND state = OLD.state;
  UPDATE state_counts SET n = n + 1 WHERE kind = 'batch' AND state = NEW.state;
END;

CREATE TRIGGER batch_counts_delete AFTER DELETE ON batches BEGIN
  UPDATE state_counts SET n = n - 1 WHERE kind = 'batch' AND state = OLD.state;
END;
