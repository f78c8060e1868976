-- PostgreSQL version of ../154_console_lookups.sql: the same index on credentials, and one on
-- mail_outbox for the console's reminder lookup, which compares ref in byte order (COLLATE "C"):
-- an index in the database's own locale cannot answer that range.
CREATE INDEX credentials_by_issuer_seq ON credentials(issuer_id, seq);
CREATE INDEX mail_outbox_by_purpose_ref_bytes ON mail_outbox (purpose, ref COLLATE "C");
