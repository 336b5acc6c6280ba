-- Which phone is behind each WhatsApp LID ('<digits>@lid') the contacts of a number appear under, as its provider
-- said (in a message carrying both, or a chat or contact list). A later sighting naming another phone replaces it.
CREATE TABLE provider_lids
(
    account_id  bigint      NOT NULL REFERENCES accounts (id),
    provider_id uuid        NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
    lid         text        NOT NULL,
    -- E.164
    phone       text        NOT NULL,
    -- when the provider said so (not when the hub stored it): an older sighting delivered late changes nothing
    seen_at     timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (provider_id, lid)
);
CREATE INDEX provider_lids_phone_idx ON provider_lids (provider_id, phone);
ALTER TABLE provider_lids ENABLE ROW LEVEL SECURITY;
ALTER TABLE provider_lids FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON provider_lids
    USING (account_id = app_account_id() OR app_platform())
    WITH CHECK (account_id = app_account_id() OR app_platform());
