-- What pages, mails and certificates print of an issuer beyond its name (issue 15): the
-- university's logo, its seal (직인), the signatories of its certificates and a contact
-- address. Added columns only; the console edits them (server/store fields logoImage,
-- sealImage, signatories, contactEmail).
--  * logo_image, seal_image: data: URLs (PNG, JPEG or SVG) — printed without fetching anything;
--  * signatories: JSON [{"name": "...", "title": "..."}], at most a few.
ALTER TABLE issuers ADD COLUMN logo_image TEXT;
ALTER TABLE issuers ADD COLUMN seal_image TEXT;
ALTER TABLE issuers ADD COLUMN signatories TEXT;
ALTER TABLE issuers ADD COLUMN contact_email TEXT;
