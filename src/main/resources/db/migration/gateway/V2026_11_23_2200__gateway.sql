-- An account's Chatwoot: where it is, as whom the hub acts there, and the secret of the hub's webhook URL for it.
CREATE TABLE chatwoot_connections
(
    account_id          bigint      NOT NULL PRIMARY KEY REFERENCES accounts (id),
    base_url            text        NOT NULL,
    chatwoot_account_id bigint      NOT NULL,
    inbox_id            bigint,
    -- encrypted like provider credentials, bound to 'account:{account_id}/chatwoot/<column>'
    api_token           text        NOT NULL,
    webhook_secret      text,
    -- the secret in the hub's webhook URL: compared through its SHA-256; encrypted copy to show the URL again
    url_secret_hash     bytea       NOT NULL,
    url_secret          text        NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE chatwoot_connections ENABLE ROW LEVEL SECURITY;
ALTER TABLE chatwoot_connections FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON chatwoot_connections
    USING (account_id = app_account_id() OR app_platform())
    WITH CHECK (account_id = app_account_id() OR app_platform());

-- The durable work queue: webhooks taken in, messages to send, notes to post. Workers on every node claim due rows
-- with FOR UPDATE SKIP LOCKED; a claim pushes next_attempt_at one lease ahead, so the work of a node that died
-- comes due again. status: pending (waiting or claimed), done, dead (a dead letter, replayable).
CREATE TABLE gateway_jobs
(
    id              uuid        NOT NULL PRIMARY KEY,
    seq             bigint      GENERATED ALWAYS AS IDENTITY,
    account_id      bigint      NOT NULL REFERENCES accounts (id),
    kind            text        NOT NULL,
    -- what makes a duplicate a duplicate: a provider message id, a Chatwoot message id; null: never a duplicate
    dedup_key       text,
    -- jobs with the same key are done one after another on a node (a contact's messages, in order)
    ordering_key    text,
    payload         jsonb       NOT NULL,
    status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'dead')),
    attempts        int         NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    claimed_by      text,
    claim_token     uuid,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    UNIQUE (account_id, dedup_key)
);
CREATE INDEX gateway_jobs_due_idx ON gateway_jobs (next_attempt_at, seq) WHERE status = 'pending';
CREATE INDEX gateway_jobs_dead_idx ON gateway_jobs (account_id, id) WHERE status = 'dead';
CREATE INDEX gateway_jobs_finished_idx ON gateway_jobs (finished_at) WHERE status = 'done';
ALTER TABLE gateway_jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE gateway_jobs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON gateway_jobs
    USING (account_id = app_account_id() OR app_platform())
    WITH CHECK (account_id = app_account_id() OR app_platform());

-- Every WhatsApp message through the hub, both ways, and where it went.
-- origin: whatsapp (a contact wrote), phone (the number itself wrote, outside the hub), chatwoot (an agent), api.
CREATE TABLE gateway_messages
(
    id                       uuid        NOT NULL PRIMARY KEY,
    account_id               bigint      NOT NULL REFERENCES accounts (id),
    direction                text        NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    origin                   text        NOT NULL CHECK (origin IN ('whatsapp', 'phone', 'chatwoot', 'api')),
    status                   text        NOT NULL
        CHECK (status IN ('received', 'pending', 'sent', 'delivered', 'read', 'failed')),
    provider_id              uuid        NOT NULL,
    provider_message_id      text,
    contact_phone            text        NOT NULL,
    contact_name             text,
    text                     text,
    media                    jsonb,
    chatwoot_conversation_id bigint,
    chatwoot_message_id      bigint,
    chatwoot_part            int         NOT NULL DEFAULT 0,
    error_code               text,
    error_message            text,
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_id, provider_id, provider_message_id),
    UNIQUE (account_id, chatwoot_message_id, chatwoot_part)
);
CREATE INDEX gateway_messages_account_idx ON gateway_messages (account_id, id);
CREATE INDEX gateway_messages_conversation_idx ON gateway_messages (account_id, chatwoot_conversation_id);
ALTER TABLE gateway_messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE gateway_messages FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON gateway_messages
    USING (account_id = app_account_id() OR app_platform())
    WITH CHECK (account_id = app_account_id() OR app_platform());

-- One Chatwoot conversation per contact and inbox. The row is also the lock taken while the contact and the
-- conversation are found or created, so concurrent messages of a new contact never open two.
CREATE TABLE gateway_conversations
(
    account_id               bigint      NOT NULL REFERENCES accounts (id),
    inbox_id                 bigint      NOT NULL,
    contact_phone            text        NOT NULL,
    provider_id              uuid        NOT NULL,
    chatwoot_contact_id      bigint,
    chatwoot_conversation_id bigint,
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, inbox_id, contact_phone)
);
CREATE INDEX gateway_conversations_conversation_idx ON gateway_conversations (account_id, chatwoot_conversation_id);
ALTER TABLE gateway_conversations ENABLE ROW LEVEL SECURITY;
ALTER TABLE gateway_conversations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON gateway_conversations
    USING (account_id = app_account_id() OR app_platform())
    WITH CHECK (account_id = app_account_id() OR app_platform());

-- Send pacing per number ('' recipient) and per recipient: the theoretical arrival time of the generic cell rate
-- algorithm, so a message over the limit is scheduled for later instead of failing.
CREATE TABLE gateway_pacing
(
    account_id  bigint      NOT NULL REFERENCES accounts (id),
    provider_id uuid        NOT NULL,
    recipient   text        NOT NULL,
    tat         timestamptz NOT NULL,
    PRIMARY KEY (account_id, provider_id, recipient)
);
CREATE INDEX gateway_pacing_tat_idx ON gateway_pacing (tat);
ALTER TABLE gateway_pacing ENABLE ROW LEVEL SECURITY;
ALTER TABLE gateway_pacing FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON gateway_pacing
    USING (account_id = app_account_id() OR app_platform())
    WITH CHECK (account_id = app_account_id() OR app_platform());
