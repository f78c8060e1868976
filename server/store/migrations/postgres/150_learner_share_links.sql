-- PostgreSQL version of ../150_learner_share_links.sql: its translation (translateDdl), plus an explicit rowid
-- column on the tables whose insertion order a store reads (ORDER BY …, rowid): SQLite has it
-- implicitly, PostgreSQL has no such column.
-- Share links a learner makes for one badge of their wallet: the way to show a private badge
-- (or one not yet public) to someone chosen. Owned by server/store/learner.
--  * only the SHA-256 of the token is kept, as for every other learner token;
--  * revoking sets revoked_at (the row stays, so the wallet can say when it was revoked);
--  * removing the badge removes its links (ON DELETE CASCADE).
-- Times are unix seconds.
CREATE TABLE learner_share_links (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY, -- SQLite's implicit rowid made explicit: the insertion order the store reads
  token_hash TEXT PRIMARY KEY,
  badge_id   TEXT NOT NULL REFERENCES learner_badges(id) ON DELETE CASCADE,
  wallet_id  TEXT NOT NULL REFERENCES learner_wallets(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX learner_share_links_by_badge ON learner_share_links(badge_id);
