-- Job applications (issue 14 part 3).
--  * learner_wallet_keys: each wallet's Ed25519 key, sealed like issuer keys (secretBox,
--    context "wallet:<id>:signing-seed"); the holder is its did:key.
--  * learner_applications: a signed bundle (CLR 2.0 or presentation) and its share link.
--    The share token is kept as is: the wallet shows the link and its QR code again, like the
--    public profile URL. Expired (expires_at) or revoked (revoked_at) shares answer 410.
--  * application_challenges: challenges employers asked for, each usable once (used_at).
CREATE TABLE learner_wallet_keys (
  wallet_id            TEXT PRIMARY KEY REFERENCES learner_wallets(id) ON DELETE CASCADE,
  public_key_multibase TEXT NOT NULL,
  sealed_seed          TEXT NOT NULL,
  created_at           INTEGER NOT NULL
);

CREATE TABLE learner_applications (
  id           TEXT PRIMARY KEY,
  wallet_id    TEXT NOT NULL REFERENCES learner_wallets(id) ON DELETE CASCADE,
  share_token  TEXT NOT NULL UNIQUE,
  name         TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('clr', 'presentation')),
  bundle_json  TEXT NOT NULL,
  badge_count  INTEGER NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  revoked_at   INTEGER
);
CREATE INDEX learner_applications_wallet ON learner_applications(wallet_id, created_at);

CREATE TABLE application_challenges (
  challenge   TEXT PRIMARY KEY,
  domain      TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  used_at     INTEGER
);
