-- Card search by part of a phone number (four or more digits, e.g. q=deal 4242) matches the digits of contact_phone
-- with like '%4242%', which no b-tree can serve: a trigram index on exactly that expression lets PostgreSQL find the
-- few matching cards (a bitmap OR with the full-text index) instead of reading every card of the stage.
-- pg_trgm ships with PostgreSQL and is a trusted extension (PostgreSQL 13+): the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX cards_phone_digits_trgm_idx ON cards
    USING gin (regexp_replace(coalesce(contact_phone, ''), '\D', '', 'g') gin_trgm_ops);
