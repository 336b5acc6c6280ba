package com.whatpro.hub.kanban;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.web.InstantRange;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * What automation rules read of cards and do to them. Every change is made as actor {@code automation} (the rule),
 * with the same checks as any other caller's (WIP limits, checklist rules, custom field definitions): a refusal is
 * thrown as the {@link ApiProblem} a person would get. Call inside a transaction scoped to the account.
 */
@Service
public class AutomatedCards {

    private static final TypeReference<Map<String, @Nullable Object>> OBJECT = new TypeReference<>() { };
    private static final Set<String> PLAIN_FIELDS = Set.of("title", "priority", "amount_minor", "currency", "due_at");

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Cards cards;
    private final CardMoves moves;
    private final Stages stages;
    private final Boards boards;
    private final Checklists checklists;

    AutomatedCards(JdbcClient jdbc, JsonMapper json, Cards cards, CardMoves moves, Stages stages, Boards boards,
            Checklists checklists) {
        this.jdbc = jdbc;
        this.json = json;
        this.cards = cards;
        this.moves = moves;
        this.stages = stages;
        this.boards = boards;
        this.checklists = checklists;
    }

    /** A card as rules see it. */
    public record CardFacts(UUID id, UUID boardId, UUID stageId, String stageName, String title,
            @Nullable String contactName, @Nullable String contactPhone, List<Long> conversationIds,
            @Nullable Long amountMinor, @Nullable String currency, String priority, @Nullable UUID assigneeId,
            List<String> labels, Map<String, @Nullable Object> customFields, boolean archived) {
    }

    public record StageFacts(UUID id, UUID boardId, String name) {
    }

    /** A card a time-based trigger is due for; {@code stay} tells one stay (or idle spell) from the next. */
    public record Due(UUID cardId, UUID stageId, Instant stay) {
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public Optional<CardFacts> card(AccountId account, UUID cardId) {
        return cards.find(account, cardId).map(card -> new CardFacts(card.id(), card.boardId(), card.stageId(),
                stages.find(account, card.stageId()).map(Stages.Stage::name).orElse(""), card.title(),
                card.contact().name(), card.contact().phone(), card.conversationIds(), card.amountMinor(),
                card.currency(), card.priority(), card.assigneeId(), card.labels(),
                json.readValue(json.writeValueAsString(card.customFields()), OBJECT), card.archived()));
    }

    /**
     * What conditions look at, in one query off the card's key: without its stage's name and its conversations,
     * which only actions need ({@link #card}).
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Optional<CardFacts> conditionFacts(AccountId account, UUID cardId) {
        return jdbc.sql("""
                select id, board_id, stage_id, title, contact_name, contact_phone, amount_minor, currency, priority,
                       assignee_id, labels, custom_fields::text, archived_at is not null
                from cards where account_id = :account and id = :id
                """)
                .param("account", account.value()).param("id", cardId)
                .query((rs, n) -> new CardFacts(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getObject(3, UUID.class), "", rs.getString(4), rs.getString(5), rs.getString(6), List.of(),
                        rs.getObject(7, Long.class), rs.getString(8), rs.getString(9), rs.getObject(10, UUID.class),
                        List.of((String[]) rs.getArray(11).getArray()), json.readValue(rs.getString(12), OBJECT),
                        rs.getBoolean(13)))
                .optional();
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public Optional<StageFacts> stage(AccountId account, UUID stageId) {
        return stages.find(account, stageId).map(stage -> new StageFacts(stage.id(), stage.boardId(), stage.name()));
    }

    /** Whether a rule may set this field: a card field, or a custom field some board defines (or any, undefined). */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean settable(AccountId account, String field) {
        if (PLAIN_FIELDS.contains(field)) {
            return true;
        }
        if (!field.startsWith("custom_fields.") || !field.substring(14).matches("[a-z][a-z0-9_]{0,49}")) {
            return false;
        }
        var key = field.substring(14);
        var all = boards.list(account);
        return all.stream().anyMatch(board -> board.fieldDefinitions().isEmpty()
                || board.fieldDefinitions().stream().anyMatch(definition -> definition.key().equals(key)));
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void move(AccountId account, UUID cardId, UUID stageId, UUID automation) {
        moves.move(account, cardId, new CardMoves.Move(stageId, null, null), null, actor(automation));
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void assign(AccountId account, UUID cardId, @Nullable UUID userId, UUID automation) {
        patch(account, cardId, "assignee_id", userId, automation);
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void label(AccountId account, UUID cardId, String label, boolean add, UUID automation) {
        var card = cards.find(account, cardId).orElseThrow(() -> ApiProblem.notFound("card"));
        var labels = new java.util.ArrayList<>(card.labels());
        labels.remove(label);
        if (add) {
            labels.add(label);
        }
        patch(account, cardId, "labels", labels, automation);
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void setField(AccountId account, UUID cardId, String field, @Nullable Object value, UUID automation) {
        if (field.startsWith("custom_fields.")) {
            var fields = new LinkedHashMap<String, @Nullable Object>();
            fields.put(field.substring(14), value);
            patch(account, cardId, "custom_fields", fields, automation);
            return;
        }
        patch(account, cardId, field, value, automation);
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void addChecklist(AccountId account, UUID cardId, List<String> items, UUID automation) {
        for (var item : items) {
            checklists.add(account, cardId, item, false, false, actor(automation));
        }
    }

    /** Open (live, not won or lost) cards assigned to each of the users. */
    @Transactional(propagation = Propagation.MANDATORY)
    public Map<UUID, Long> openCards(AccountId account, Collection<UUID> users) {
        var counts = new HashMap<UUID, Long>();
        users.forEach(user -> counts.put(user, 0L));
        jdbc.sql("""
                select c.assignee_id, count(*) from cards c join stages s on s.account_id = c.account_id and s.id = c.stage_id
                where c.account_id = :account and c.archived_at is null and s.kind = 'open'
                and c.assignee_id = any(cast(:users as uuid[])) group by c.assignee_id
                """)
                .param("account", account.value()).param("users", users.toArray(UUID[]::new))
                .query((rs, n) -> counts.put(rs.getObject(1, UUID.class), rs.getLong(2))).list();
        return counts;
    }

    /** Live cards past their stage's SLA, in one stage or in any; those that became due most recently first. */
    @Transactional(propagation = Propagation.MANDATORY)
    public List<Due> overdue(AccountId account, @Nullable UUID stageId, int limit) {
        return jdbc.sql("""
                select c.id, c.stage_id, c.entered_stage_at from cards c
                join stages s on s.account_id = c.account_id and s.id = c.stage_id
                where c.account_id = :account and c.archived_at is null and s.sla_hours is not null
                and (cast(:stage as uuid) is null or c.stage_id = cast(:stage as uuid))
                and c.entered_stage_at + make_interval(hours => s.sla_hours) < now()
                order by c.entered_stage_at desc limit :limit
                """)
                .param("account", account.value()).param("stage", stageId).param("limit", limit)
                .query((rs, n) -> new Due(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getTimestamp(3).toInstant()))
                .list();
    }

    /** Live cards nobody changed for the given hours, the most recently idle first; the stay is their last change. */
    @Transactional(propagation = Propagation.MANDATORY)
    public List<Due> idle(AccountId account, double hours, int limit) {
        return jdbc.sql("""
                select c.id, c.stage_id, c.updated_at from cards c
                where c.account_id = :account and c.archived_at is null
                and c.updated_at < now() - make_interval(secs => :seconds)
                order by c.updated_at desc limit :limit
                """)
                .param("account", account.value()).param("seconds", hours * 3600).param("limit", limit)
                .query((rs, n) -> new Due(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getTimestamp(3).toInstant()))
                .list();
    }

    private void patch(AccountId account, UUID cardId, String field, @Nullable Object value, UUID automation) {
        var present = Set.of(field);
        var patch = new Cards.CardPatch(present, field.equals("title") ? (String) value : null, Cards.Contact.NONE,
                null, field.equals("amount_minor") ? Amounts.of(value) : null,
                field.equals("currency") ? (String) value : null,
                field.equals("priority") ? (String) value : null,
                field.equals("due_at") ? dueAt(value) : null,
                field.equals("assignee_id") ? (UUID) value : null,
                field.equals("labels") ? labels(value) : null,
                field.equals("custom_fields") ? fields(value) : null, null);
        if (field.equals("priority") && !Cards.PRIORITIES.contains(String.valueOf(value))) {
            throw ApiProblem.invalid("priority", "must be one of " + Cards.PRIORITIES);
        }
        cards.update(account, cardId, patch, null, actor(automation));
    }

    /** A rule's due date, held to what the API accepts: a refusal, not a failure in the database. */
    private static @Nullable Instant dueAt(@Nullable Object value) {
        if (value == null) {
            return null;
        }
        Instant at;
        try {
            at = Instant.parse(value.toString());
        } catch (DateTimeParseException e) {
            throw ApiProblem.invalid("due_at", "must be a time like 2026-12-01T12:00:00Z");
        }
        if (!InstantRange.Check.accepts(at)) {
            throw ApiProblem.invalid("due_at", InstantRange.MESSAGE);
        }
        return at;
    }

    @SuppressWarnings("unchecked")
    private static List<String> labels(@Nullable Object value) {
        return (List<String>) java.util.Objects.requireNonNull(value);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, @Nullable Object> fields(@Nullable Object value) {
        return (Map<String, @Nullable Object>) java.util.Objects.requireNonNull(value);
    }

    private static Actor actor(UUID automation) {
        return new Actor("automation", automation, null);
    }
}
