-- Card search by terms looked up in a b-tree. Under row-level security PostgreSQL cannot use the full-text
-- (cards_search_idx) or trigram (cards_phone_digits_trgm_idx) indexes for the service's role: their operators are not
-- leakproof, so they run after the policy, on every card of the stages a search walks. Each card's terms are kept
-- here by triggers: the lexemes of its search vector (what `search @@ to_tsquery('simple', 'word:*')` matches by
-- prefix) and the suffixes of its phone's digits of four digits or more (a search's digits are part of the phone
-- when a suffix starts with them). A search word or its digits then become a range of plain values,
-- term >= '4242' AND term < '4243', read off the primary key.
CREATE TABLE card_search_terms
(
    account_id bigint           NOT NULL,
    board_id   uuid             NOT NULL,
    term       text COLLATE "C" NOT NULL,
    card_id    uuid             NOT NULL,
    -- account_id is included for the policy, so a look-up reads the index alone
    PRIMARY KEY (board_id, term, card_id) INCLUDE (account_id)
);
ALTER TABLE card_search_terms ENABLE ROW LEVEL SECURITY;
ALTER TABLE card_search_terms FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON card_search_terms
    USING (account_id = app_account_id() OR app_platform())
    WITH CHECK (account_id = app_account_id() OR app_platform());

CREATE FUNCTION kanban_search_terms(search tsvector, phone text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array(SELECT unnest(tsvector_to_array(search))
                 UNION
                 SELECT substr(d.digits, i)
                 FROM (SELECT regexp_replace(coalesce(phone, ''), '\D', '', 'g') AS digits) d,
                      generate_series(1, length(d.digits) - 3) i)
$$;

CREATE FUNCTION kanban_keep_search_terms() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    old_terms text[] := CASE WHEN TG_OP <> 'INSERT' THEN kanban_search_terms(OLD.search, OLD.contact_phone) END;
    new_terms text[] := CASE WHEN TG_OP <> 'DELETE' THEN kanban_search_terms(NEW.search, NEW.contact_phone) END;
    same_board boolean := TG_OP = 'UPDATE' AND OLD.board_id = NEW.board_id;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM card_search_terms t
        WHERE t.board_id = OLD.board_id AND t.card_id = OLD.id
          AND t.term = ANY (array(SELECT unnest(old_terms) EXCEPT
                                  SELECT unnest(new_terms) WHERE same_board));
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO card_search_terms (account_id, board_id, term, card_id)
        SELECT NEW.account_id, NEW.board_id, term, NEW.id
        FROM (SELECT unnest(new_terms) EXCEPT SELECT unnest(old_terms) WHERE same_board) n(term)
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER cards_search_terms AFTER INSERT OR DELETE ON cards
    FOR EACH ROW EXECUTE FUNCTION kanban_keep_search_terms();
CREATE TRIGGER cards_search_terms_changed AFTER UPDATE OF board_id, title, contact_name, contact_phone ON cards
    FOR EACH ROW
    WHEN (OLD.board_id IS DISTINCT FROM NEW.board_id OR OLD.title IS DISTINCT FROM NEW.title
          OR OLD.contact_name IS DISTINCT FROM NEW.contact_name OR OLD.contact_phone IS DISTINCT FROM NEW.contact_phone)
    EXECUTE FUNCTION kanban_keep_search_terms();

-- Where the strings that start with prefix end in byte order (UTF-8, COLLATE "C"): the prefix with its last character
-- made the next one; null when there is no such string (a prefix of U+10FFFF only).
CREATE FUNCTION kanban_prefix_end(prefix text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    last int;
BEGIN
    WHILE prefix <> '' LOOP
        last := ascii(right(prefix, 1));
        IF last < 1114111 THEN
            RETURN left(prefix, -1) || chr(CASE WHEN last = 55295 THEN 57344 ELSE last + 1 END);
        END IF;
        prefix := left(prefix, -1);
    END LOOP;
    RETURN NULL;
END
$$;

-- The cards of the board among which are all those a search matches, or null when they would be more than 500 (the
-- caller then searches the board as before). A match has a term starting with each lexeme of the search's words, so
-- the cards of the rarest lexeme will do, with the cards whose phone holds the search's digits (four or more). Each
-- look-up reads at most 501 entries of the primary key, whatever the size of the board.
CREATE FUNCTION kanban_search_candidates(board uuid, words text[], digits text) RETURNS uuid[]
    LANGUAGE plpgsql STABLE
    SET enable_bitmapscan = off SET enable_seqscan = off
AS $$
DECLARE
    lexeme  text;
    range_end text;
    found   uuid[];
    rarest  uuid[];
BEGIN
    FOR lexeme IN
        SELECT l FROM unnest(words) w, unnest(tsvector_to_array(to_tsvector('simple', w))) l
        GROUP BY l ORDER BY length(l) DESC, l
    LOOP
        range_end := kanban_prefix_end(lexeme);
        IF range_end IS NULL THEN
            RETURN NULL;
        END IF;
        found := array(SELECT t.card_id FROM card_search_terms t
                       WHERE t.board_id = board AND t.term >= lexeme AND t.term < range_end
                       LIMIT least(coalesce(cardinality(rarest), 500), 500) + 1);
        IF rarest IS NULL OR cardinality(found) < cardinality(rarest) THEN
            rarest := found;
        END IF;
    END LOOP;
    IF length(digits) >= 4 THEN
        found := array(SELECT t.card_id FROM card_search_terms t
                       WHERE t.board_id = board AND t.term >= digits AND t.term < kanban_prefix_end(digits)
                       LIMIT 501);
    ELSE
        found := '{}';
    END IF;
    IF cardinality(rarest) > 500 OR cardinality(found) > 500 THEN
        RETURN NULL;
    END IF;
    found := array(SELECT DISTINCT c FROM unnest(coalesce(rarest, '{}') || found) c);
    RETURN CASE WHEN cardinality(found) > 500 THEN NULL ELSE found END;
END
$$;

SELECT set_config('app.platform', 'on', true);
INSERT INTO card_search_terms (account_id, board_id, term, card_id)
SELECT c.account_id, c.board_id, t, c.id
FROM cards c, unnest(kanban_search_terms(c.search, c.contact_phone)) t;

-- No query of the service's role can use these (the policy runs first, their operators are not leakproof; the label
-- filter's labels @> array[...] reads its stage in rank order), while every card write keeps them.
DROP INDEX cards_search_idx;
DROP INDEX cards_phone_digits_trgm_idx;
DROP INDEX cards_labels_idx;
