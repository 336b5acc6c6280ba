-- Whether the hub's webhook URL is registered at the provider: the outcome of the last attempt (never the URL itself,
-- whose secret is stored only encrypted). Null until the first attempt: providers created before this migration.
ALTER TABLE providers
    ADD COLUMN webhook_registration_status text
        CHECK (webhook_registration_status IN ('pending', 'registered', 'failed', 'manual', 'skipped')),
    ADD COLUMN webhook_registration_detail text,
    ADD COLUMN webhook_registration_at     timestamptz;
