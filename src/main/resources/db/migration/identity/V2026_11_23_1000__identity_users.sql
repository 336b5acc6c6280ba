-- People who can sign in. A user is global; what they may see of an account comes from their
-- memberships, which belong to that account.
CREATE TABLE users
(
    id               uuid        NOT NULL PRIMARY KEY,
    email            text        NOT NULL,
    name             text        NOT NULL,
    password_hash    text,
    is_super_admin   boolean     NOT NULL DEFAULT false,
    chatwoot_user_id bigint,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE UNIQUE INDEX users_chatwoot_user_id_key ON users (chatwoot_user_id) WHERE chatwoot_user_id IS NOT NULL;
