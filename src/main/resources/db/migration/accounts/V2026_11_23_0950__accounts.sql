-- Tenants. Our id is a bigint; Chatwoot's account id is kept apart and never confused with it.
CREATE TABLE accounts
(
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    plan                text        NOT NULL DEFAULT 'standard',
    status              text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
    chatwoot_account_id bigint,
    locale              text        NOT NULL DEFAULT 'en',
    settings            jsonb       NOT NULL DEFAULT '{}',
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX accounts_chatwoot_account_id_key ON accounts (chatwoot_account_id) WHERE chatwoot_account_id IS NOT NULL;
