-- The web domain an issuer links to its DID (DIF Well-Known DID Configuration): the server
-- produces the did-configuration.json the issuer hosts at https://<domain>/.well-known/.
-- NULL until the issuer sets one. Stored normalised (lower case, optional port).
ALTER TABLE issuers ADD COLUMN domain TEXT;
