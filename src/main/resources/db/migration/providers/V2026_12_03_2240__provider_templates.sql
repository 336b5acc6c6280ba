-- The message templates of each Cloud API number's WhatsApp Business Account, as last fetched from Meta
-- (GET /{waba-id}/message_templates). A sync replaces a provider's rows.
CREATE TABLE provider_templates
(
    account_id  bigint      NOT NULL REFERENCES accounts (id),
    provider_id uuid        NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
    name        text        NOT NULL,
    language    text        NOT NULL,
    category    text,
    status      text,
    components  jsonb       NOT NULL DEFAULT '[]',
    synced_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (provider_id, name, language)
);
CREATE INDEX provider_templates_account_idx ON provider_templates (account_id);
ALTER TABLE provider_templates ENABLE ROW LEVEL SECURITY;
ALTER TABLE provider_templates FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON provider_templates
    USING (account_id = app_account_id() OR app_platform())
    WITH CHECK (account_id = app_account_id() OR app_platform());
