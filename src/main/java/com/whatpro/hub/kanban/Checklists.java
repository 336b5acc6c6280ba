package com.whatpro.hub.kanban;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.Ids;

import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Checklist items of a card; required ones must be done before the card may enter a won stage. */
@Service
class Checklists {

    private final JdbcClient jdbc;
    private final Cards cards;
    private final CardHistory history;
    private final ApplicationEventPublisher events;
    private final BoardStream stream;

    Checklists(JdbcClient jdbc, Cards cards, CardHistory history, ApplicationEventPublisher events, BoardStream stream) {
        this.jdbc = jdbc;
        this.cards = cards;
        this.history = history;
        this.events = events;
        this.stream = stream;
    }

    record Item(UUID id, UUID cardId, String text, boolean done, boolean required, int position,
            @Nullable UUID sourceStageId, @Nullable Instant doneAt, @Nullable UUID doneBy, Instant createdAt,
            Instant updatedAt) {
    }

    record ItemPatch(@Nullable String text, @Nullable Boolean done, @Nullable Boolean required) {
    }

    @Transactional(readOnly = true)
    public List<Item> list(AccountId account, UUID card) {
        if (cards.find(account, card).isEmpty()) {
            throw ApiProblem.notFound("card");
        }
        return jdbc.sql("select * from checklist_items where account_id = :account and card_id = :card order by position, id")
                .param("account", account.value()).param("card", card).query(Checklists::item).list();
    }

    @Transactional
    public Item add(AccountId account, UUID cardId, String text, boolean done, boolean required, Actor actor) {
        var card = cards.lock(account, cardId, null, actor);
        var count = jdbc.sql("select count(*) from checklist_items where account_id = :account and card_id = :card")
                .param("account", account.value()).param("card", cardId).query(Long.class).single();
        if (count >= 200) {
            throw ApiProblem.conflict("checklist-full", "A card holds at most 200 checklist items.");
        }
        var id = Ids.newId();
        jdbc.sql("""
                insert into checklist_items (id, account_id, card_id, text, done, required, position, done_at, done_by)
                values (:id, :account, :card, :text, :done, :required,
                        (select coalesce(max(position), -1) + 1 from checklist_items where account_id = :account and card_id = :card),
                        case when :done then now() end, case when :done then cast(:actor as uuid) end)
                """)
                .param("id", id).param("account", account.value()).param("card", cardId).param("text", text.strip())
                .param("done", done).param("required", required)
                .param("actor", actor.id() == null ? null : actor.id().toString()).update();
        var item = find(account, cardId, id);
        var changes = new LinkedHashMap<String, @Nullable Object>();
        changes.put("text", item.text());
        changes.put("done", item.done());
        changes.put("required", item.required());
        recorded(account, card, item.id(), "checklist_item.added", changes, actor);
        return item;
    }

    @Transactional
    public Item update(AccountId account, UUID cardId, UUID itemId, ItemPatch patch, Actor actor) {
        var card = cards.lock(account, cardId, null, actor);
        var before = find(account, cardId, itemId);
        jdbc.sql("""
                update checklist_items set text = :text, required = :required, done = :done, updated_at = now(),
                    done_at = case when :done and not done then now() when not :done then null else done_at end,
                    done_by = case when :done and not done then cast(:actor as uuid) when not :done then null else done_by end
                where account_id = :account and card_id = :card and id = :id
                """)
                .param("text", patch.text() == null ? before.text() : patch.text().strip())
                .param("required", patch.required() == null ? before.required() : patch.required())
                .param("done", patch.done() == null ? before.done() : patch.done())
                .param("actor", actor.id() == null ? null : actor.id().toString())
                .param("account", account.value()).param("card", cardId).param("id", itemId).update();
        var after = find(account, cardId, itemId);
        var changes = new LinkedHashMap<String, @Nullable Object>();
        diff(changes, "text", before.text(), after.text());
        diff(changes, "done", before.done(), after.done());
        diff(changes, "required", before.required(), after.required());
        if (!changes.isEmpty()) {
            recorded(account, card, itemId, "checklist_item.updated", changes, actor);
        }
        return after;
    }

    @Transactional
    public void remove(AccountId account, UUID cardId, UUID itemId, Actor actor) {
        var card = cards.lock(account, cardId, null, actor);
        var item = find(account, cardId, itemId);
        jdbc.sql("delete from checklist_items where account_id = :account and card_id = :card and id = :id")
                .param("account", account.value()).param("card", cardId).param("id", itemId).update();
        recorded(account, card, itemId, "checklist_item.removed", Map.of("text", item.text()), actor);
    }

    private void recorded(AccountId account, Cards.Locked card, UUID item, String action,
            Map<String, @Nullable Object> changes, Actor actor) {
        var entry = new LinkedHashMap<String, @Nullable Object>(changes);
        entry.put("item_id", item.toString());
        history.record(account, card.id(), card.boardId(), actor, action.replace('.', '_'), null, null, entry);
        events.publishEvent(new ChecklistChanged(account, card.boardId(), card.id(), item, action, changes, actor.id()));
        stream.publish(account, card.boardId(), "card.updated", Map.of("card", cards.find(account, card.id()).orElseThrow()));
    }

    private Item find(AccountId account, UUID card, UUID id) {
        return jdbc.sql("select * from checklist_items where account_id = :account and card_id = :card and id = :id")
                .param("account", account.value()).param("card", card).param("id", id).query(Checklists::item)
                .optional().orElseThrow(() -> ApiProblem.notFound("checklist item"));
    }

    private static void diff(Map<String, @Nullable Object> changes, String field, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            changes.put(field, Arrays.asList(before, after));
        }
    }

    private static Item item(ResultSet rs, int row) throws SQLException {
        var doneAt = rs.getTimestamp("done_at");
        return new Item(rs.getObject("id", UUID.class), rs.getObject("card_id", UUID.class), rs.getString("text"),
                rs.getBoolean("done"), rs.getBoolean("required"), rs.getInt("position"),
                rs.getObject("source_stage_id", UUID.class), doneAt == null ? null : doneAt.toInstant(),
                rs.getObject("done_by", UUID.class), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }
}
