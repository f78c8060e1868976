-- The issuer profile the console edits and pages, mails and PDFs show: logo and seal (직인)
-- image URLs, signatories as JSON [{"name":…,"title":…}], and a contact address. ADD COLUMN
-- only, so another branch adding the same columns merges into this one file.
ALTER TABLE issuers ADD COLUMN logo_image TEXT;
ALTER TABLE issuers ADD COLUMN seal_image TEXT;
ALTER TABLE issuers ADD COLUMN signatories TEXT;
ALTER TABLE issuers ADD COLUMN contact_email TEXT;
