-- A card's amount_minor is 0 to 10^15 (docs/api.md), and stage totals are numeric. The API took any
-- bigint, and the totals were bigint sums: one card of 9223372036854775807 made every later change of
-- its stage's cards (create, move, amount edit, the WIP check) fail at commit with "bigint out of range".

SELECT set_config('app.platform', 'on', true);

-- Totals can no longer overflow, however many cards a stage holds; the API answers them as JSON numbers.
ALTER TABLE stage_totals ALTER COLUMN amount_minor TYPE numeric;

CREATE OR REPLACE FUNCTION kanban_stage_totals_add(account bigint, stage uuid, cur text, n int, amount bigint) RETURNS void
    LANGUAGE sql AS $$
    INSERT INTO stage_totals AS t (account_id, stage_id, currency, cards, amount_minor)
    SELECT account, stage, coalesce(cur, ''), n, coalesce(amount, 0)::numeric * n
    WHERE EXISTS (SELECT 1 FROM stages s WHERE s.id = stage)
    ON CONFLICT (stage_id, currency) DO UPDATE
        SET cards = t.cards + excluded.cards, amount_minor = t.amount_minor + excluded.amount_minor
$$;

-- Amounts above the cap are brought down to it, as a change of the system's in the card's history, so
-- that the constraint holds for every row (amounts were never below 0: cards_amount_minor_check). The
-- stage totals follow through their trigger.
INSERT INTO card_history (account_id, card_id, board_id, actor_type, action, changes)
SELECT account_id, id, board_id, 'system', 'updated',
       jsonb_build_object('amount_minor', jsonb_build_array(amount_minor, 1000000000000000))
FROM cards
WHERE amount_minor > 1000000000000000;

-- (at once, not at commit: the table is altered next, which pending trigger events would forbid)
SET CONSTRAINTS cards_stage_totals IMMEDIATE;
UPDATE cards
SET amount_minor = 1000000000000000, version = version + 1, updated_at = now()
WHERE amount_minor > 1000000000000000;

ALTER TABLE cards ADD CONSTRAINT cards_amount_minor_cap CHECK (amount_minor <= 1000000000000000);
