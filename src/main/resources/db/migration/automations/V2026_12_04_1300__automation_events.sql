-- The rules a card or conversation event triggered, one row per event, written in the transaction of the change:
-- a card move with a hundred rules in its account writes one narrow row instead of one run per rule. The automation
-- worker turns each row into the runs it names (pending ones to work, skipped and loop_stopped ones as finished log
-- entries) in one statement that deletes the row, so each event becomes its runs exactly once, on whichever node.
CREATE TABLE automation_events
(
    seq            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id     bigint      NOT NULL,
    trigger_event  text        NOT NULL,
    card_id        uuid,
    depth          int         NOT NULL,
    context        jsonb       NOT NULL,
    automation_ids uuid[]      NOT NULL,
    run_ids        uuid[]      NOT NULL,
    statuses       text[]      NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (cardinality(automation_ids) = cardinality(run_ids) AND cardinality(run_ids) = cardinality(statuses))
);
ALTER TABLE automation_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE automation_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON automation_events
    USING (account_id = app_account_id() OR app_platform())
    WITH CHECK (account_id = app_account_id() OR app_platform());
