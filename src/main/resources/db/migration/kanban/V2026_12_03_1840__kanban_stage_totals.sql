-- Live-card totals per stage and currency ('' for cards without one), kept by a trigger in the
-- same transaction as the card change: a board's header reads a few rows instead of counting its
-- cards, and a hard WIP check reads one.
CREATE TABLE stage_totals
(
    account_id   bigint NOT NULL REFERENCES accounts (id),
    stage_id     uuid   NOT NULL,
    currency     text   NOT NULL,
    cards        bigint NOT NULL DEFAULT 0,
    amount_minor bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (stage_id, currency)
);
ALTER TABLE stage_totals ENABLE ROW LEVEL SECURITY;
ALTER TABLE stage_totals FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON stage_totals
    USING (account_id = app_account_id() OR app_platform())
    WITH CHECK (account_id = app_account_id() OR app_platform());

CREATE FUNCTION kanban_stage_totals_add(account bigint, stage uuid, cur text, n int, amount bigint) RETURNS void
    LANGUAGE sql AS $$
    INSERT INTO stage_totals AS t (account_id, stage_id, currency, cards, amount_minor)
    VALUES (account, stage, coalesce(cur, ''), n, coalesce(amount, 0) * n)
    ON CONFLICT (stage_id, currency) DO UPDATE
        SET cards = t.cards + excluded.cards, amount_minor = t.amount_minor + excluded.amount_minor
$$;

-- A card counts while it is not archived. When a change moves it between two totals rows, the
-- rows are changed in key order, so two opposite moves cannot deadlock on them.
CREATE FUNCTION kanban_count_card() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    was_live boolean := TG_OP <> 'INSERT' AND OLD.archived_at IS NULL;
    is_live  boolean := TG_OP <> 'DELETE' AND NEW.archived_at IS NULL;
BEGIN
    IF was_live AND is_live
        AND (NEW.stage_id::text, coalesce(NEW.currency, '')) < (OLD.stage_id::text, coalesce(OLD.currency, '')) THEN
        PERFORM kanban_stage_totals_add(NEW.account_id, NEW.stage_id, NEW.currency, 1, NEW.amount_minor);
        PERFORM kanban_stage_totals_add(OLD.account_id, OLD.stage_id, OLD.currency, -1, OLD.amount_minor);
        RETURN NULL;
    END IF;
    IF was_live THEN
        PERFORM kanban_stage_totals_add(OLD.account_id, OLD.stage_id, OLD.currency, -1, OLD.amount_minor);
    END IF;
    IF is_live THEN
        PERFORM kanban_stage_totals_add(NEW.account_id, NEW.stage_id, NEW.currency, 1, NEW.amount_minor);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER cards_stage_totals
    AFTER INSERT OR DELETE OR UPDATE OF stage_id, currency, amount_minor, archived_at ON cards
    FOR EACH ROW EXECUTE FUNCTION kanban_count_card();

CREATE FUNCTION kanban_forget_stage_totals() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM stage_totals WHERE stage_id = OLD.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER stages_forget_totals AFTER DELETE ON stages
    FOR EACH ROW EXECUTE FUNCTION kanban_forget_stage_totals();

SELECT set_config('app.platform', 'on', true);
INSERT INTO stage_totals (account_id, stage_id, currency, cards, amount_minor)
SELECT account_id, stage_id, coalesce(currency, ''), count(*), coalesce(sum(amount_minor), 0)
FROM cards
WHERE archived_at IS NULL
GROUP BY account_id, stage_id, coalesce(currency, '');

-- Indexes that serve one stage's page in rank order under the board's filters, and overdue
-- counts (entered before the stage's SLA threshold).
CREATE INDEX cards_live_stage_assignee_rank_idx ON cards (stage_id, assignee_id, rank) WHERE archived_at IS NULL;
CREATE INDEX cards_live_stage_priority_rank_idx ON cards (stage_id, priority, rank) WHERE archived_at IS NULL;
CREATE INDEX cards_live_stage_entered_idx ON cards (stage_id, entered_stage_at) WHERE archived_at IS NULL;
