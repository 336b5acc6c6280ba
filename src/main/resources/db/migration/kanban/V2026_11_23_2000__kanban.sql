-- Kanban: boards, their stages, cards ordered by fractional ranks, the conversations a card
-- holds, checklists and the append-only card history. Every table carries account_id and is
-- isolated by row-level security; composite keys make a card's stage belong to the card's board
-- and account even if a query forgot to say so.

CREATE TABLE boards
(
    id                uuid        NOT NULL PRIMARY KEY,
    account_id        bigint      NOT NULL REFERENCES accounts (id),
    name              text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description       text CHECK (length(description) <= 2000),
    type              text        NOT NULL DEFAULT 'sales' CHECK (type ~ '^[a-z][a-z0-9_]{0,49}$'),
    is_default        boolean     NOT NULL DEFAULT false,
    field_definitions jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(field_definitions) = 'array'),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_id, id)
);
-- One default board per account: the one new Chatwoot conversations land on.
CREATE UNIQUE INDEX boards_one_default_key ON boards (account_id) WHERE is_default;
ALTER TABLE boards ENABLE ROW LEVEL SECURITY;
ALTER TABLE boards FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON boards
    USING (account_id = app_account_id() OR app_platform())
    WITH CHECK (account_id = app_account_id() OR app_platform());

CREATE TABLE stages
(
    id                 uuid        NOT NULL PRIMARY KEY,
    account_id         bigint      NOT NULL,
    board_id           uuid        NOT NULL,
    name               text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    color              text CHECK (color ~ '^#[0-9A-Fa-f]{6}$'),
    kind               text        NOT NULL DEFAULT 'open' CHECK (kind IN ('open', 'won', 'lost')),
    position           int         NOT NULL CHECK (position >= 0),
    wip_limit          int CHECK (wip_limit > 0),
    wip_mode           text        NOT NULL DEFAULT 'soft' CHECK (wip_mode IN ('soft', 'hard')),
    sla_hours          int CHECK (sla_hours > 0),
    checklist_template jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(checklist_template) = 'array'),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (account_id, board_id) REFERENCES boards (account_id, id) ON DELETE CASCADE,
    UNIQUE (account_id, board_id, id),
    -- reordering rewrites every position in one statement; checked when the transaction ends
    CONSTRAINT stages_board_position_key UNIQUE (board_id, position) DEFERRABLE INITIALLY DEFERRED
);
ALTER TABLE stages ENABLE ROW LEVEL SECURITY;
ALTER TABLE stages FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON stages
    USING (account_id = app_account_id() OR app_platform())
    WITH CHECK (account_id = app_account_id() OR app_platform());

CREATE TABLE cards
(
    id                  uuid        NOT NULL PRIMARY KEY,
    account_id          bigint      NOT NULL,
    board_id            uuid        NOT NULL,
    stage_id            uuid        NOT NULL,
    -- fractional rank: compared byte by byte, so the order never depends on a locale
    rank                text COLLATE "C" NOT NULL CHECK (rank ~ '^[0-9A-Za-z]{2,200}$'),
    title               text        NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
    contact_name        text CHECK (length(contact_name) <= 200),
    contact_phone       text CHECK (length(contact_phone) <= 50),
    chatwoot_contact_id bigint,
    amount_minor        bigint CHECK (amount_minor >= 0),
    currency            text CHECK (currency ~ '^[A-Z]{3}$'),
    priority            text        NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    due_at              timestamptz,
    assignee_id         uuid,
    labels              text[]      NOT NULL DEFAULT '{}',
    custom_fields       jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(custom_fields) = 'object'),
    entered_stage_at    timestamptz NOT NULL DEFAULT now(),
    archived_at         timestamptz,
    version             bigint      NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    search              tsvector GENERATED ALWAYS AS (to_tsvector('simple',
                            coalesce(title, '') || ' ' || coalesce(contact_name, '') || ' '
                                || coalesce(contact_phone, ''))) STORED,
    FOREIGN KEY (account_id, board_id, stage_id) REFERENCES stages (account_id, board_id, id) ON DELETE CASCADE,
    -- no two cards share a place in a stage; a bulk re-rank is checked at the end of its statement
    CONSTRAINT cards_stage_rank_key UNIQUE (stage_id, rank) DEFERRABLE INITIALLY IMMEDIATE
);
-- a stage's cards in order; the included columns let stage totals come from the index alone
CREATE INDEX cards_board_stage_rank_idx ON cards (account_id, board_id, stage_id, rank)
    INCLUDE (amount_minor, currency, entered_stage_at, archived_at);
CREATE INDEX cards_assignee_idx ON cards (account_id, assignee_id) WHERE assignee_id IS NOT NULL;
CREATE INDEX cards_contact_idx ON cards (account_id, chatwoot_contact_id) WHERE chatwoot_contact_id IS NOT NULL;
CREATE INDEX cards_labels_idx ON cards USING gin (labels);
CREATE INDEX cards_search_idx ON cards USING gin (search);
ALTER TABLE cards ENABLE ROW LEVEL SECURITY;
ALTER TABLE cards FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON cards
    USING (account_id = app_account_id() OR app_platform())
    WITH CHECK (account_id = app_account_id() OR app_platform());

-- A Chatwoot conversation sits on at most one card of an account.
CREATE TABLE card_conversations
(
    account_id               bigint      NOT NULL REFERENCES accounts (id),
    chatwoot_conversation_id bigint      NOT NULL CHECK (chatwoot_conversation_id > 0),
    card_id                  uuid        NOT NULL REFERENCES cards (id) ON DELETE CASCADE,
    created_at               timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, chatwoot_conversation_id)
);
CREATE INDEX card_conversations_card_idx ON card_conversations (card_id, created_at);
ALTER TABLE card_conversations ENABLE ROW LEVEL SECURITY;
ALTER TABLE card_conversations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON card_conversations
    USING (account_id = app_account_id() OR app_platform())
    WITH CHECK (account_id = app_account_id() OR app_platform());

CREATE TABLE checklist_items
(
    id              uuid        NOT NULL PRIMARY KEY,
    account_id      bigint      NOT NULL REFERENCES accounts (id),
    card_id         uuid        NOT NULL REFERENCES cards (id) ON DELETE CASCADE,
    text            text        NOT NULL CHECK (length(text) BETWEEN 1 AND 500),
    done            boolean     NOT NULL DEFAULT false,
    required        boolean     NOT NULL DEFAULT false,
    position        int         NOT NULL,
    -- the stage whose template gave the item, so a card receives a template once
    source_stage_id uuid,
    done_at         timestamptz,
    done_by         uuid,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX checklist_items_card_idx ON checklist_items (card_id, position);
ALTER TABLE checklist_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE checklist_items FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON checklist_items
    USING (account_id = app_account_id() OR app_platform())
    WITH CHECK (account_id = app_account_id() OR app_platform());

-- The card's timeline. Append-only: the service may add and read, never change or remove, and
-- the rows outlive the card (no foreign key to it).
CREATE TABLE card_history
(
    seq           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id    bigint      NOT NULL REFERENCES accounts (id),
    card_id       uuid        NOT NULL,
    board_id      uuid        NOT NULL,
    at            timestamptz NOT NULL DEFAULT now(),
    actor_type    text        NOT NULL CHECK (actor_type IN ('user', 'api_key', 'system')),
    actor_id      uuid,
    action        text        NOT NULL,
    from_stage_id uuid,
    to_stage_id   uuid,
    changes       jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX card_history_card_idx ON card_history (account_id, card_id, seq);
REVOKE UPDATE, DELETE, TRUNCATE ON card_history FROM ${app_role};
ALTER TABLE card_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE card_history FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON card_history
    USING (account_id = app_account_id() OR app_platform())
    WITH CHECK (account_id = app_account_id() OR app_platform());
