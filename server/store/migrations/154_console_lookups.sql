-- The registrar console's credential list at the scale of a semester (store/console):
--  * a page is an issuer's credentials newest first: walked in (issuer_id, seq) order, it reads
--    the rows it shows, not every credential of the issuer (sorted) for each page;
--  * a credential's console reminders (mail_outbox rows of purpose 'claim-reminder', ref
--    "<credential id>#<n>") are found by a byte-order range on ref, "<id>#" ≤ ref < "<id>$". The
--    UNIQUE (purpose, ref, recipient) index answers it on SQLite as it is (its collation is
--    BINARY); PostgreSQL orders text by the database's locale and gets an index in "C" order
--    (postgres/154).
CREATE INDEX credentials_by_issuer_seq ON credentials(issuer_id, seq);
