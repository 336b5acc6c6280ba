-- Who belongs to which account, in which role.
CREATE TABLE memberships
(
    account_id   bigint      NOT NULL REFERENCES accounts (id),
    user_id      uuid        NOT NULL REFERENCES users (id),
    role         text        NOT NULL CHECK (role IN ('admin', 'supervisor', 'agent')),
    availability text        NOT NULL DEFAULT 'offline' CHECK (availability IN ('online', 'busy', 'offline')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);
ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
ALTER TABLE memberships FORCE ROW LEVEL SECURITY;
-- an account sees its members; a user sees their own memberships across accounts
CREATE POLICY tenant_isolation ON memberships
    USING (account_id = app_account_id() OR user_id = app_user_id() OR app_platform())
    WITH CHECK (account_id = app_account_id() OR app_platform());

-- A signed-in device. Refresh tokens rotate inside it; reuse of a rotated one revokes it.
CREATE TABLE sessions
(
    id             uuid        NOT NULL PRIMARY KEY,
    user_id        uuid        NOT NULL REFERENCES users (id),
    user_agent     text,
    ip_address     text,
    login_method   text        NOT NULL CHECK (login_method IN ('password', 'chatwoot_sso')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    last_seen_at   timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    revoked_at     timestamptz,
    revoked_reason text
);
CREATE INDEX sessions_user_idx ON sessions (user_id) WHERE revoked_at IS NULL;

CREATE TABLE refresh_tokens
(
    id         uuid        NOT NULL PRIMARY KEY,
    session_id uuid        NOT NULL REFERENCES sessions (id),
    token_hash bytea       NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    rotated_at timestamptz
);
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

-- Programs' credentials: wph_<key_id>_<secret>; only SHA-256 of the secret is kept.
CREATE TABLE api_keys
(
    id           uuid        NOT NULL PRIMARY KEY,
    account_id   bigint      NOT NULL REFERENCES accounts (id),
    key_id       text        NOT NULL UNIQUE,
    name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    secret_hash  bytea       NOT NULL,
    scopes       text[]      NOT NULL,
    created_by   uuid        NOT NULL REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_keys_account_idx ON api_keys (account_id, created_at);
ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON api_keys
    USING (account_id = app_account_id() OR app_platform())
    WITH CHECK (account_id = app_account_id() OR app_platform());
