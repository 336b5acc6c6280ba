-- A number's connection as the hub follows it: the states a pairing goes through, the phone and WhatsApp profile
-- once linked, the QR code or pairing code on offer while connecting, and whether the hub created the instance.
ALTER TABLE providers DROP CONSTRAINT providers_status_check;
ALTER TABLE providers
    ADD CONSTRAINT providers_status_check
        CHECK (status IN ('unknown', 'connected', 'connecting', 'disconnected', 'refused', 'error')),
    ADD COLUMN phone_number          text,
    ADD COLUMN profile_name          text,
    -- the hub created the instance at the provider (provision: true), so deleting the provider deletes it there
    ADD COLUMN provisioned           boolean NOT NULL DEFAULT false,
    -- a data:image/png;base64 URL, or null; a pairing code; both only while connecting and until code_expires_at
    ADD COLUMN qr_code               text,
    ADD COLUMN pairing_code          text,
    ADD COLUMN code_expires_at       timestamptz,
    ADD COLUMN connection_updated_at timestamptz;
