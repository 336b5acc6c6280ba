-- The secret Chatwoot signs an API inbox's webhooks with (versions since per-inbox secrets), for each inbox the hub
-- made or adopted for one of the account's numbers; encrypted, bound to 'account:{account_id}/chatwoot/inbox:{id}'.
CREATE TABLE chatwoot_inbox_secrets
(
    id         uuid        NOT NULL PRIMARY KEY,
    account_id bigint      NOT NULL REFERENCES accounts (id),
    inbox_id   bigint      NOT NULL,
    secret     text        NOT NULL,
    stored_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_id, inbox_id)
);
ALTER TABLE chatwoot_inbox_secrets ENABLE ROW LEVEL SECURITY;
ALTER TABLE chatwoot_inbox_secrets FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON chatwoot_inbox_secrets
    USING (account_id = app_account_id() OR app_platform())
    WITH CHECK (account_id = app_account_id() OR app_platform());
