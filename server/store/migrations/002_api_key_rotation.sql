-- An issuer can rotate its API key: the new key is added, every earlier one gets revoked_at.
-- Revoked keys stay (their hashes keep answering "revoked", not "unknown").
ALTER TABLE api_keys ADD COLUMN revoked_at INTEGER;
