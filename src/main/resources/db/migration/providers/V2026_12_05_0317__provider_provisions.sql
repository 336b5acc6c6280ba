-- The provisions under way: a number whose instance the hub is creating at the provider (provision: true) holds its
-- place here, and not in providers, while the hub waits for the provider with no transaction open. It counts against
-- max_providers and keeps its name taken until the number is stored (the row is then deleted in the same
-- transaction), the provision fails (deleted), or expires_at passes: a row a crashed node left behind stops counting
-- then and is deleted by the next provision of the account or the providers' maintenance.
CREATE TABLE provider_provisions
(
    -- the id the number will have
    id         uuid        NOT NULL PRIMARY KEY,
    account_id bigint      NOT NULL REFERENCES accounts (id),
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX provider_provisions_account_name_key ON provider_provisions (account_id, lower(name));
CREATE INDEX provider_provisions_expires_idx ON provider_provisions (expires_at);
ALTER TABLE provider_provisions ENABLE ROW LEVEL SECURITY;
ALTER TABLE provider_provisions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON provider_provisions
    USING (account_id = app_account_id() OR app_platform())
    WITH CHECK (account_id = app_account_id() OR app_platform());
