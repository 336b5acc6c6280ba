-- Automation rules per account: a trigger, conditions and ordered actions.
CREATE TABLE automations
(
    id           uuid        NOT NULL PRIMARY KEY,
    account_id   bigint      NOT NULL REFERENCES accounts (id),
    name         text        NOT NULL,
    enabled      boolean     NOT NULL DEFAULT true,
    trigger_type text        NOT NULL,
    -- the trigger's stage, when it names one: lets a card event find its rules off an index
    trigger_stage_id uuid,
    rule         jsonb       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX automations_trigger_idx ON automations (account_id, trigger_type) WHERE enabled;
CREATE INDEX automations_timed_idx ON automations (trigger_type) WHERE enabled AND trigger_type IN ('card.sla_breached', 'card.idle');
ALTER TABLE automations ENABLE ROW LEVEL SECURITY;
ALTER TABLE automations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON automations
    USING (account_id = app_account_id() OR app_platform())
    WITH CHECK (account_id = app_account_id() OR app_platform());

-- One run of a rule: a durable job, claimed under a lease with a claim token; `actions` holds each action's outcome.
CREATE TABLE automation_runs
(
    id              uuid        NOT NULL PRIMARY KEY,
    seq             bigint      GENERATED ALWAYS AS IDENTITY,
    account_id      bigint      NOT NULL REFERENCES accounts (id),
    automation_id   uuid        NOT NULL REFERENCES automations (id) ON DELETE CASCADE,
    trigger_event   text        NOT NULL,
    card_id         uuid,
    context         jsonb       NOT NULL DEFAULT '{}',
    depth           int         NOT NULL DEFAULT 0,
    status          text        NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'done', 'skipped', 'failed', 'loop_stopped')),
    actions         jsonb       NOT NULL DEFAULT '[]',
    attempts        int         NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    claimed_by      text,
    claim_token     uuid,
    lease_until     timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz
);
CREATE INDEX automation_runs_due_idx ON automation_runs (next_attempt_at, seq) WHERE status = 'pending';
CREATE INDEX automation_runs_log_idx ON automation_runs (account_id, automation_id, seq DESC);
ALTER TABLE automation_runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE automation_runs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON automation_runs
    USING (account_id = app_account_id() OR app_platform())
    WITH CHECK (account_id = app_account_id() OR app_platform());

-- Time-based triggers fire once per (rule, card, stay): whichever node inserts the row fires it.
CREATE TABLE automation_firings
(
    account_id    bigint      NOT NULL REFERENCES accounts (id),
    automation_id uuid        NOT NULL REFERENCES automations (id) ON DELETE CASCADE,
    card_id       uuid        NOT NULL,
    stay          timestamptz NOT NULL,
    fired_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (automation_id, card_id, stay)
);
ALTER TABLE automation_firings ENABLE ROW LEVEL SECURITY;
ALTER TABLE automation_firings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON automation_firings
    USING (account_id = app_account_id() OR app_platform())
    WITH CHECK (account_id = app_account_id() OR app_platform());
