-- When each contact last wrote to each number: WhatsApp's 24-hour customer service window opens there. Outside it
-- a Cloud API number may send only templates.
CREATE TABLE gateway_service_windows
(
    account_id       bigint      NOT NULL REFERENCES accounts (id),
    provider_id      uuid        NOT NULL,
    contact_address  text        NOT NULL,
    last_inbound_at  timestamptz NOT NULL,
    PRIMARY KEY (account_id, provider_id, contact_address)
);
ALTER TABLE gateway_service_windows ENABLE ROW LEVEL SECURITY;
ALTER TABLE gateway_service_windows FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON gateway_service_windows
    USING (account_id = app_account_id() OR app_platform())
    WITH CHECK (account_id = app_account_id() OR app_platform());

-- A template message: {name, language, components?} as sent to the provider.
ALTER TABLE gateway_messages ADD COLUMN template jsonb;
