-- Outgoing webhooks: an account's subscriptions (where to send which events) and their deliveries.
CREATE TABLE webhook_subscriptions
(
    id              uuid        NOT NULL PRIMARY KEY,
    account_id      bigint      NOT NULL REFERENCES accounts (id),
    url             text        NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
    events          text[]      NOT NULL CHECK (cardinality(events) > 0),
    description     text        CHECK (length(description) <= 2000),
    -- the signing secret (whsec_…): AES-256-GCM (platform.crypto.CredentialCipher), bound to
    -- 'account:{account_id}/webhook:{id}'; shown once, when the subscription is created
    secret          text        NOT NULL,
    enabled         boolean     NOT NULL DEFAULT true,
    disabled_reason text,
    -- since when every attempt has failed (null: the last attempt succeeded); failing long enough disables it
    failing_since   timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_subscriptions_account_idx ON webhook_subscriptions (account_id, id);
ALTER TABLE webhook_subscriptions ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_subscriptions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhook_subscriptions
    USING (account_id = app_account_id() OR app_platform())
    WITH CHECK (account_id = app_account_id() OR app_platform());

-- One event for one subscription; its id is the webhook-id every attempt (and every redelivery) carries.
-- A claim moves next_attempt_at one lease ahead and sets claim_token, so a node that dies gives the delivery back
-- when its lease runs out, and only the token's holder records the outcome.
-- status: pending (waiting or claimed), delivered, failed (out of retries, refused, or its subscription disabled).
CREATE TABLE webhook_deliveries
(
    id                uuid        NOT NULL PRIMARY KEY,
    account_id        bigint      NOT NULL REFERENCES accounts (id),
    subscription_id   uuid        NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    event             text        NOT NULL,
    -- the exact JSON body {type, timestamp, data}, sent unchanged on every attempt
    body              text        NOT NULL,
    status            text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts          int         NOT NULL DEFAULT 0,
    last_status       int,
    last_error        text,
    next_attempt_at   timestamptz NOT NULL DEFAULT now(),
    -- retries stop once this is older than the retry window (24 h); a redelivery starts a new window
    window_started_at timestamptz NOT NULL DEFAULT now(),
    claimed_by        text,
    claim_token       uuid,
    delivered_at      timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_subscription_idx ON webhook_deliveries (subscription_id, id);
ALTER TABLE webhook_deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_deliveries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhook_deliveries
    USING (account_id = app_account_id() OR app_platform())
    WITH CHECK (account_id = app_account_id() OR app_platform());
