-- The WhatsApp numbers an account connects: one row per provider instance (Evolution API, uazapi, Cloud API).
CREATE TABLE providers
(
    id                  uuid        NOT NULL PRIMARY KEY,
    account_id          bigint      NOT NULL REFERENCES accounts (id),
    name                text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    type                text        NOT NULL CHECK (type IN ('evolution', 'uazapi', 'cloud_api')),
    base_url            text        NOT NULL,
    instance_name       text,
    -- the Chatwoot inbox this number's conversations live in; unset: the account's Chatwoot connection's inbox
    chatwoot_inbox_id   bigint,
    -- AES-256-GCM (platform.crypto.CredentialCipher), bound to 'account:{account_id}/provider:{id}'
    credentials         text        NOT NULL,
    -- the secret of the webhook URL: compared through its SHA-256; the encrypted copy lets an admin read the URL again
    webhook_secret_hash bytea       NOT NULL,
    webhook_secret      text        NOT NULL,
    status              text        NOT NULL DEFAULT 'unknown'
        CHECK (status IN ('unknown', 'connected', 'disconnected', 'error')),
    status_detail       text,
    checked_at          timestamptz,
    next_check_at       timestamptz NOT NULL DEFAULT now(),
    last_event_at       timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX providers_account_name_key ON providers (account_id, lower(name));
CREATE INDEX providers_next_check_idx ON providers (next_check_at);
ALTER TABLE providers ENABLE ROW LEVEL SECURITY;
ALTER TABLE providers FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON providers
    USING (account_id = app_account_id() OR app_platform())
    WITH CHECK (account_id = app_account_id() OR app_platform());
