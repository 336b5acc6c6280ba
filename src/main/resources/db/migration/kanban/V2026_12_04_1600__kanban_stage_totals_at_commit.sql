-- Stage totals are kept at commit instead of at each card change. A card move locked its old and
-- new stage's totals rows from its UPDATE until its commit, across every statement after it
-- (history, audit, the response read), so moves between any two busy stages queued on those rows.
-- As a deferred constraint trigger the rows are changed and locked only while the transaction
-- commits. A WIP check in a transaction that changed cards first brings the totals up to date
-- (SET CONSTRAINTS cards_stage_totals IMMEDIATE).
DROP TRIGGER cards_stage_totals ON cards;
CREATE CONSTRAINT TRIGGER cards_stage_totals
    AFTER INSERT OR DELETE OR UPDATE OF stage_id, currency, amount_minor, archived_at ON cards
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION kanban_count_card();

-- At commit a stage deleted in the same transaction (with its cards, by cascade) has already had
-- its totals forgotten; its cards' changes must not bring a row back.
CREATE OR REPLACE FUNCTION kanban_stage_totals_add(account bigint, stage uuid, cur text, n int, amount bigint) RETURNS void
    LANGUAGE sql AS $$
    INSERT INTO stage_totals AS t (account_id, stage_id, currency, cards, amount_minor)
    SELECT account, stage, coalesce(cur, ''), n, coalesce(amount, 0) * n
    WHERE EXISTS (SELECT 1 FROM stages s WHERE s.id = stage)
    ON CONFLICT (stage_id, currency) DO UPDATE
        SET cards = t.cards + excluded.cards, amount_minor = t.amount_minor + excluded.amount_minor
$$;
