-- PostgreSQL version of ../051_console.sql: its translation (translateDdl), plus an explicit rowid
-- column on the tables whose insertion order a store reads (ORDER BY …, rowid): SQLite has it
-- implicitly, PostgreSQL has no such column.
-- The issuer console: staff accounts with roles, their sessions, one-time invitations (how
-- the first admin and every later account are made), images the instance serves, the
-- console's extra achievement fields, and award jobs with their rows.
-- Tokens are stored only as SHA-256 hashes; passwords only as scrypt hashes.
CREATE TABLE console_staff (
  id            TEXT PRIMARY KEY,
  issuer_id     TEXT NOT NULL REFERENCES issuers(id),
  email         TEXT NOT NULL UNIQUE,               -- lower-cased
  name          TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('admin', 'issuer', 'viewer')),
  password_hash TEXT NOT NULL,
  created_at    BIGINT NOT NULL,
  disabled_at   BIGINT
);
CREATE INDEX console_staff_by_issuer ON console_staff(issuer_id);
CREATE TABLE console_sessions (
  token_hash TEXT PRIMARY KEY,
  staff_id   TEXT NOT NULL REFERENCES console_staff(id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX console_sessions_by_staff ON console_sessions(staff_id);
CREATE TABLE console_invitations (
  token_hash TEXT PRIMARY KEY,
  issuer_id  TEXT NOT NULL REFERENCES issuers(id),
  email      TEXT NOT NULL,
  role       TEXT NOT NULL CHECK (role IN ('admin', 'issuer', 'viewer')),
  created_by TEXT,                                  -- staff id; NULL when made with the API key
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at    BIGINT
);
CREATE TABLE console_media (
  id           TEXT PRIMARY KEY,
  issuer_id    TEXT NOT NULL REFERENCES issuers(id),
  content_type TEXT NOT NULL CHECK (content_type IN ('image/svg+xml', 'image/png')),
  bytes        BYTEA NOT NULL,
  created_at   BIGINT NOT NULL
);
CREATE TABLE console_achievement_details (
  achievement_id TEXT PRIMARY KEY REFERENCES achievements(id),
  credit_value   DOUBLE PRECISION,
  tags           TEXT NOT NULL DEFAULT '[]',        -- JSON array of strings
  alignment      TEXT NOT NULL DEFAULT '[]',        -- JSON array of {targetName, targetUrl}
  expiry_months  BIGINT,                           -- NULL: the credential does not expire
  updated_at     BIGINT NOT NULL
);
CREATE TABLE console_award_jobs (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY, -- SQLite's implicit rowid made explicit: the insertion order the store reads
  id             TEXT PRIMARY KEY,
  issuer_id      TEXT NOT NULL REFERENCES issuers(id),
  achievement_id TEXT NOT NULL REFERENCES achievements(id),
  created_by     TEXT NOT NULL REFERENCES console_staff(id),
  state          TEXT NOT NULL CHECK (state IN ('preview', 'running', 'done', 'failed')),
  file_name      TEXT NOT NULL,
  encoding       TEXT NOT NULL,
  error          TEXT,
  created_at     BIGINT NOT NULL,
  finished_at    BIGINT
);
CREATE INDEX console_award_jobs_by_issuer ON console_award_jobs(issuer_id, created_at);
CREATE TABLE console_award_rows (
  job_id        TEXT NOT NULL REFERENCES console_award_jobs(id) ON DELETE CASCADE,
  line          BIGINT NOT NULL,
  student_id    TEXT NOT NULL,
  name          TEXT NOT NULL,
  email         TEXT NOT NULL,
  problems      TEXT NOT NULL DEFAULT '[]',         -- JSON array of RowProblem codes
  credential_id TEXT,                               -- set once awarded
  error         TEXT,
  PRIMARY KEY (job_id, line)
);
