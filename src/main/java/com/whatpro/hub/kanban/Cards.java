package com.whatpro.hub.kanban;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.whatpro.hub.identity.Memberships;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.Ids;

import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Cards: the deals and conversations on a board. Every write locks the card row, checks the
 * caller's {@code If-Match} version and, for agents, that the card is theirs or nobody's; then
 * writes the card, its history entry and its events in one transaction.
 */
@Service
class Cards {

    static final List<String> PRIORITIES = List.of("low", "normal", "high", "urgent");
    private static final TypeReference<Map<String, @Nullable Object>> OBJECT = new TypeReference<>() { };

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Boards boards;
    private final Stages stages;
    private final Placements placements;
    private final Memberships memberships;
    private final CardHistory history;
    private final ApplicationEventPublisher events;
    private final BoardStream stream;
    private final CardSearch search;

    Cards(JdbcClient jdbc, JsonMapper json, Boards boards, Stages stages, Placements placements, Memberships memberships,
            CardHistory history, ApplicationEventPublisher events, BoardStream stream, CardSearch search) {
        this.jdbc = jdbc;
        this.json = json;
        this.boards = boards;
        this.stages = stages;
        this.placements = placements;
        this.memberships = memberships;
        this.history = history;
        this.events = events;
        this.stream = stream;
        this.search = search;
    }

    record Contact(@Nullable String name, @Nullable String phone, @Nullable Long chatwootContactId) {
        static final Contact NONE = new Contact(null, null, null);
    }

    record ChecklistSummary(int total, int done, int requiredOpen) {
    }

    /** A card as clients see it (GET, lists, and the state carried by live events). */
    record CardView(UUID id, UUID boardId, UUID stageId, String rank, String title, Contact contact,
            List<Long> conversationIds, @Nullable Long amountMinor, @Nullable String currency, String priority,
            @Nullable Instant dueAt, @Nullable UUID assigneeId, List<String> labels, JsonNode customFields,
            Instant enteredStageAt, @Nullable Instant slaDueAt, boolean overdue, boolean archived,
            @Nullable Instant archivedAt, ChecklistSummary checklist, long version, Instant createdAt,
            Instant updatedAt) {
    }

    record NewCard(UUID stageId, String title, Contact contact, List<Long> conversationIds, @Nullable Long amountMinor,
            @Nullable String currency, String priority, @Nullable Instant dueAt, @Nullable UUID assigneeId,
            List<String> labels, Map<String, @Nullable Object> customFields, @Nullable UUID afterCardId,
            @Nullable UUID beforeCardId) {
    }

    /**
     * The fields a PATCH named ({@code present}, snake_case; the keys named inside {@code contact} as
     * {@code contact.name}) and their new values; a {@code null} contact is a named null.
     */
    record CardPatch(Set<String> present, @Nullable String title, @Nullable Contact contact,
            @Nullable List<Long> conversationIds, @Nullable Long amountMinor, @Nullable String currency,
            @Nullable String priority, @Nullable Instant dueAt, @Nullable UUID assigneeId, @Nullable List<String> labels,
            @Nullable Map<String, @Nullable Object> customFields, @Nullable Boolean archived) {

        boolean has(String field) {
            return present.contains(field);
        }

        /** The contact after this patch: a named null clears it, otherwise only the keys named inside it change. */
        Contact contactAfter(Contact before) {
            if (!has("contact")) {
                return before;
            }
            if (contact == null) {
                return Contact.NONE;
            }
            return new Contact(has("contact.name") ? contact.name() : before.name(),
                    has("contact.phone") ? contact.phone() : before.phone(),
                    has("contact.chatwoot_contact_id") ? contact.chatwootContactId() : before.chatwootContactId());
        }
    }

    record Filters(@Nullable UUID stageId, @Nullable UUID assigneeId, @Nullable String label, @Nullable String priority,
            @Nullable String q, @Nullable Boolean overdue, boolean archived) {
    }

    record Page(List<CardView> items, @Nullable String nextCursor) {
    }

    /** The locked row of a card, as much as a write needs. */
    record Locked(UUID id, UUID boardId, UUID stageId, @Nullable UUID assigneeId, long version, boolean archived) {
    }

    /** A card view's columns, from the cards of {@code %s} (the table, or a page of it). */
    private static final String SELECT_FROM = """
            select c.*, c.custom_fields::text as custom_fields_json,
                   case when s.sla_hours is null then null
                        else c.entered_stage_at + make_interval(hours => s.sla_hours) end as sla_due_at,
                   (s.sla_hours is not null and c.archived_at is null
                        and c.entered_stage_at + make_interval(hours => s.sla_hours) < now()) as overdue,
                   array(select cc.chatwoot_conversation_id from card_conversations cc
                         where cc.account_id = c.account_id and cc.card_id = c.id
                         order by cc.created_at, cc.chatwoot_conversation_id) as conversation_ids,
                   k.total as checklist_total, k.done as checklist_done, k.required_open as checklist_required_open,
                   s.position as stage_position
            from %s c
            join stages s on s.account_id = c.account_id and s.id = c.stage_id
            left join lateral (select count(*) as total, count(*) filter (where i.done) as done,
                                      count(*) filter (where i.required and not i.done) as required_open
                               from checklist_items i where i.account_id = c.account_id and i.card_id = c.id) k on true
            """;
    private static final String SELECT = SELECT_FROM.formatted("cards");

    // ---------------------------------------------------------------- reads

    @Transactional(readOnly = true)
    public Optional<CardView> find(AccountId account, UUID id) {
        return jdbc.sql(SELECT + " where c.account_id = :account and c.id = :id")
                .param("account", account.value()).param("id", id).query(this::card).optional();
    }

    /**
     * A page of a board's cards in (stage position, rank) order. It is read stage by stage, each
     * stage's slice straight off an index in rank order with the page's limit, and the columns a
     * card view adds (conversations, checklist) are computed for the page's cards only: the cost of
     * a page follows its size, not the board's. A search first finds its matches among at most 500 candidates
     * ({@link CardSearch}) and the stages then read those only; with more candidates, each stage is filtered.
     */
    @Transactional(readOnly = true)
    public Page list(AccountId account, UUID board, Filters filters, @Nullable String cursor, int limit) {
        var after = cursor == null ? null : Cursor.decode(cursor);
        var query = SearchTerms.of(filters.q());
        var matches = query.flatMap(q -> search.matches(account, board, q));
        var rows = new ArrayList<Row>();
        for (var stage : stages.ofBoard(account, board)) {
            if (filters.stageId() != null && !filters.stageId().equals(stage.id())
                    || after != null && stage.position() < after.stagePosition()
                    || matches.isPresent() && !matches.get().containsKey(stage.id())) {
                continue;
            }
            var afterRank = after != null && stage.position() == after.stagePosition() ? after.rank() : null;
            var text = matches.isPresent() ? new TextFilter(null, matches.get().get(stage.id()))
                    : new TextFilter(query.orElse(null), null);
            for (var card : stagePage(account, board, stage, filters, text, afterRank, limit + 1 - rows.size())) {
                rows.add(new Row(card, stage.position()));
            }
            if (rows.size() > limit) {
                break;
            }
        }
        var more = rows.size() > limit;
        var items = more ? rows.subList(0, limit) : rows;
        var next = more ? Cursor.encode(items.getLast().stagePosition(), items.getLast().card()) : null;
        return new Page(items.stream().map(Row::card).toList(), next);
    }

    /** A search as a stage reads it: the cards it matched, or else its condition. */
    private record TextFilter(@Nullable SearchTerms search, @Nullable List<UUID> matched) {
    }

    private List<CardView> stagePage(AccountId account, UUID board, Stages.Stage stage, Filters filters,
            TextFilter text, @Nullable String afterRank, int limit) {
        if (Boolean.TRUE.equals(filters.overdue()) && (stage.slaHours() == null || filters.archived())) {
            return List.of();
        }
        var slice = new StringBuilder("""
                select * from cards c where c.account_id = :account and c.board_id = :board and c.stage_id = :stage
                """);
        var params = new LinkedHashMap<String, Object>();
        params.put("account", account.value());
        params.put("board", board);
        params.put("stage", stage.id());
        slice.append(filters.archived() ? " and c.archived_at is not null" : " and c.archived_at is null");
        if (filters.assigneeId() != null) {
            slice.append(" and c.assignee_id = :assignee");
            params.put("assignee", filters.assigneeId());
        }
        if (filters.label() != null) {
            slice.append(" and c.labels @> array[cast(:label as text)]");
            params.put("label", filters.label());
        }
        if (filters.priority() != null) {
            slice.append(" and c.priority = :priority");
            params.put("priority", filters.priority());
        }
        if (filters.overdue() != null && stage.slaHours() != null && !filters.archived()) {
            slice.append(filters.overdue() ? " and " : " and not ")
                    .append("c.entered_stage_at < now() - make_interval(hours => :sla)");
            params.put("sla", stage.slaHours());
        }
        if (text.matched() != null) {
            slice.append(" and c.id = any(cast(:matched as uuid[]))");
            params.put("matched", text.matched().toArray(UUID[]::new));
        } else if (text.search() != null) {
            slice.append(" and ").append(text.search().condition());
            params.putAll(text.search().parameters());
        }
        if (afterRank != null) {
            slice.append(" and c.rank > cast(:after as text) collate \"C\"");
            params.put("after", afterRank);
        }
        slice.append(" order by c.rank limit :limit");
        params.put("limit", limit);
        var sql = SELECT_FROM.formatted("(" + slice + ")") + " order by c.rank";
        return jdbc.sql(sql).params(params).query(this::card).list();
    }

    private record Row(CardView card, int stagePosition) {
    }

    /** A page position: after this card in (stage position, rank, id) order. */
    record Cursor(int stagePosition, String rank, UUID id) {

        static String encode(int stagePosition, CardView card) {
            var raw = stagePosition + "." + card.rank() + "." + card.id();
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String cursor) {
            try {
                var raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                var parts = raw.split("\\.", 3);
                if (parts.length != 3 || !Ranks.valid(parts[1])) {
                    throw new IllegalArgumentException(raw);
                }
                return new Cursor(Integer.parseInt(parts[0]), parts[1], UUID.fromString(parts[2]));
            } catch (IllegalArgumentException e) {
                throw ApiProblem.invalid("cursor", "is not a cursor this API issued");
            }
        }
    }

    // ---------------------------------------------------------------- writes

    @Transactional
    public CardView create(AccountId account, UUID boardId, NewCard request, Actor actor) {
        return create(account, boardId, request, actor, false);
    }

    /**
     * Creates a card; {@code intake} (a conversation arriving) may exceed a hard WIP limit, so no
     * conversation is ever refused: the stage then shows as over its limit.
     */
    @Transactional
    public CardView create(AccountId account, UUID boardId, NewCard request, Actor actor, boolean intake) {
        var board = boards.find(account, boardId).orElseThrow(() -> ApiProblem.notFound("board"));
        if (request.assigneeId() != null) {
            checkAssignee(account, actor, request.assigneeId());
        }
        CustomFields.check(board.fieldDefinitions(), request.customFields(),
                json.writeValueAsString(request.customFields()).length());
        var stage = stages.lock(account, request.stageId()).filter(s -> s.boardId().equals(boardId))
                .orElseThrow(() -> ApiProblem.invalid("stage_id", "must be a stage of this board"));
        if (!intake && stage.hardLimit() && liveCount(account, stage) >= stage.wipLimit()) {
            throw Stages.wipLimitReached(stage);
        }
        var template = stage.checklistTemplate();
        if ("won".equals(stage.kind()) && template.stream().anyMatch(Stages.TemplateItem::required)) {
            throw Stages.checklistIncomplete("The stage's checklist template has required items, which a new card "
                    + "would have open; a card enters a won stage only with all of them done.");
        }
        var rank = placements.rank(account, stage, null, request.afterCardId(), request.beforeCardId());
        var id = Ids.newId();
        jdbc.sql("""
                insert into cards (id, account_id, board_id, stage_id, rank, title, contact_name, contact_phone,
                                   chatwoot_contact_id, amount_minor, currency, priority, due_at, assignee_id, labels,
                                   custom_fields)
                values (:id, :account, :board, :stage, :rank, :title, :name, :phone, :contact, :amount, :currency,
                        :priority, :due, :assignee, cast(:labels as text[]), cast(:fields as jsonb))
                """)
                .param("id", id).param("account", account.value()).param("board", boardId).param("stage", stage.id())
                .param("rank", rank).param("title", request.title().strip()).param("name", request.contact().name())
                .param("phone", request.contact().phone()).param("contact", request.contact().chatwootContactId())
                .param("amount", request.amountMinor()).param("currency", request.currency())
                .param("priority", request.priority()).param("due", timestamp(request.dueAt()))
                .param("assignee", request.assigneeId()).param("labels", labels(request.labels()))
                .param("fields", json.writeValueAsString(request.customFields())).update();
        attachConversations(account, id, request.conversationIds());
        receiveTemplate(account, id, stage);
        var card = find(account, id).orElseThrow();
        var changes = new LinkedHashMap<String, @Nullable Object>();
        changes.put("title", card.title());
        changes.put("stage_id", card.stageId().toString());
        if (card.assigneeId() != null) {
            changes.put("assignee_id", card.assigneeId().toString());
        }
        if (!card.conversationIds().isEmpty()) {
            changes.put("conversation_ids", card.conversationIds());
        }
        history.record(account, id, boardId, actor, "created", null, stage.id(), changes);
        events.publishEvent(new CardChanged(account, boardId, id, "card.created", changes, actor.id()));
        stream.publish(account, boardId, "card.created", Map.of("card", card));
        return card;
    }

    @Transactional
    public CardView update(AccountId account, UUID id, CardPatch patch, @Nullable Long ifMatch, Actor actor) {
        var locked = lock(account, id, ifMatch, actor);
        var before = find(account, id).orElseThrow();
        if (patch.has("assignee_id") && patch.assigneeId() != null
                && !patch.assigneeId().equals(before.assigneeId())) {
            checkAssignee(account, actor, patch.assigneeId());
        } else if (patch.has("assignee_id") && patch.assigneeId() == null && actor.restricted()
                && before.assigneeId() != null && !before.assigneeId().equals(actor.id())) {
            throw ApiProblem.forbidden("Agents change only cards assigned to them or unassigned.");
        }
        var board = boards.find(account, locked.boardId()).orElseThrow();
        Map<String, @Nullable Object> fields = json.readValue(json.writeValueAsString(before.customFields()), OBJECT);
        if (patch.has("custom_fields") && patch.customFields() != null) {
            patch.customFields().forEach((key, value) -> {
                if (value == null) {
                    fields.remove(key);
                } else {
                    fields.put(key, value);
                }
            });
            CustomFields.check(board.fieldDefinitions(), fields, json.writeValueAsString(fields).length());
        }
        var archived = patch.has("archived") && patch.archived() != null ? patch.archived() : before.archived();
        if (!archived && before.archived()) {
            var stage = stages.lock(account, before.stageId()).orElseThrow();
            if (stage.hardLimit() && liveCount(account, stage) >= stage.wipLimit()) {
                throw Stages.wipLimitReached(stage);
            }
        }
        var contact = patch.contactAfter(before.contact());
        jdbc.sql("""
                update cards set title = :title, contact_name = :name, contact_phone = :phone,
                    chatwoot_contact_id = :contact, amount_minor = :amount, currency = :currency, priority = :priority,
                    due_at = :due, assignee_id = :assignee, labels = cast(:labels as text[]),
                    custom_fields = cast(:fields as jsonb),
                    archived_at = case when :archived then coalesce(archived_at, now()) else null end
                where account_id = :account and id = :id
                """)
                .param("title", patch.has("title") && patch.title() != null ? patch.title().strip() : before.title())
                .param("name", contact.name()).param("phone", contact.phone()).param("contact", contact.chatwootContactId())
                .param("amount", patch.has("amount_minor") ? patch.amountMinor() : before.amountMinor())
                .param("currency", patch.has("currency") ? patch.currency() : before.currency())
                .param("priority", patch.has("priority") && patch.priority() != null ? patch.priority() : before.priority())
                .param("due", timestamp(patch.has("due_at") ? patch.dueAt() : before.dueAt()))
                .param("assignee", patch.has("assignee_id") ? patch.assigneeId() : before.assigneeId())
                .param("labels", labels(patch.has("labels") && patch.labels() != null ? patch.labels() : before.labels()))
                .param("fields", json.writeValueAsString(fields)).param("archived", archived)
                .param("account", account.value()).param("id", id).update();
        if (patch.has("conversation_ids") && patch.conversationIds() != null) {
            var wanted = new LinkedHashSet<>(patch.conversationIds());
            jdbc.sql("""
                    delete from card_conversations where account_id = :account and card_id = :card
                    and not (chatwoot_conversation_id = any(cast(:keep as bigint[])))
                    """)
                    .param("account", account.value()).param("card", id).param("keep", wanted.toArray(Long[]::new))
                    .update();
            wanted.removeAll(before.conversationIds());
            attachConversations(account, id, List.copyOf(wanted));
        }
        var after = find(account, id).orElseThrow();
        var changes = changes(before, after);
        if (changes.isEmpty()) {
            return before;
        }
        jdbc.sql("update cards set version = version + 1, updated_at = now() where account_id = :account and id = :id")
                .param("account", account.value()).param("id", id).update();
        after = find(account, id).orElseThrow();
        var assigned = changes.remove("assignee_id");
        var archiving = changes.remove("archived");
        if (assigned != null) {
            var change = Map.<String, @Nullable Object>of("assignee_id", assigned);
            history.record(account, id, after.boardId(), actor, "assigned", null, null, change);
            events.publishEvent(new CardChanged(account, after.boardId(), id, "card.assigned", change, actor.id()));
        }
        if (archiving != null) {
            var action = after.archived() ? "archived" : "unarchived";
            var change = Map.<String, @Nullable Object>of("archived", archiving);
            history.record(account, id, after.boardId(), actor, action, null, null, change);
            events.publishEvent(new CardChanged(account, after.boardId(), id, "card." + action, change, actor.id()));
        }
        if (!changes.isEmpty()) {
            history.record(account, id, after.boardId(), actor, "updated", null, null, changes);
            events.publishEvent(new CardChanged(account, after.boardId(), id, "card.updated", changes, actor.id()));
        }
        stream.publish(account, after.boardId(), "card.updated", Map.of("card", after));
        return after;
    }

    @Transactional
    public boolean delete(AccountId account, UUID id, @Nullable Long ifMatch, Actor actor) {
        var locked = lockIfExists(account, id);
        if (locked.isEmpty()) {
            return false;
        }
        check(locked.get(), ifMatch, actor);
        jdbc.sql("delete from cards where account_id = :account and id = :id")
                .param("account", account.value()).param("id", id).update();
        var changes = Map.<String, @Nullable Object>of("stage_id", locked.get().stageId().toString());
        history.record(account, id, locked.get().boardId(), actor, "deleted", locked.get().stageId(), null, changes);
        events.publishEvent(new CardChanged(account, locked.get().boardId(), id, "card.deleted", changes, actor.id()));
        var payload = new LinkedHashMap<String, Object>();
        payload.put("card_id", id);
        payload.put("stage_id", locked.get().stageId());
        stream.publish(account, locked.get().boardId(), "card.deleted", payload);
        return true;
    }

    /** Puts a locked card at {@code rank} in {@code stage} and answers its new view, in one statement. */
    CardView place(AccountId account, UUID id, UUID stage, String rank) {
        return jdbc.sql("""
                with moved as (
                    update cards set stage_id = :stage, rank = :rank, version = version + 1, updated_at = now(),
                        entered_stage_at = case when stage_id = :stage then entered_stage_at else now() end
                    where account_id = :account and id = :id
                    returning *)
                """ + SELECT_FROM.formatted("moved"))
                .param("stage", stage).param("rank", rank).param("account", account.value()).param("id", id)
                .query(this::card).single();
    }

    /** Locks a card for a write after checking it exists, its version and the caller's right to change it. */
    Locked lock(AccountId account, UUID id, @Nullable Long ifMatch, Actor actor) {
        var locked = lockIfExists(account, id).orElseThrow(() -> ApiProblem.notFound("card"));
        check(locked, ifMatch, actor);
        return locked;
    }

    private Optional<Locked> lockIfExists(AccountId account, UUID id) {
        return jdbc.sql("""
                select id, board_id, stage_id, assignee_id, version, archived_at is not null
                from cards where account_id = :account and id = :id for update
                """)
                .param("account", account.value()).param("id", id)
                .query((rs, n) -> new Locked(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getObject(3, UUID.class), rs.getObject(4, UUID.class), rs.getLong(5), rs.getBoolean(6)))
                .optional();
    }

    private static void check(Locked card, @Nullable Long ifMatch, Actor actor) {
        if (!actor.mayChange(card.assigneeId())) {
            throw ApiProblem.forbidden("Agents change only cards assigned to them or unassigned.");
        }
        if (ifMatch != null && ifMatch != card.version()) {
            throw ApiProblem.preconditionFailed("The card changed since version " + ifMatch + "; it is now at version "
                    + card.version() + ". Reload it and try again.").with("current_version", card.version());
        }
    }

    private void checkAssignee(AccountId account, Actor actor, UUID assignee) {
        if (actor.restricted() && !assignee.equals(actor.id())) {
            throw ApiProblem.forbidden("Agents assign cards only to themselves.");
        }
        if (!memberships.isMember(account, assignee)) {
            throw ApiProblem.invalid("assignee_id", "must be a member of the account");
        }
    }

    /**
     * The stage's live cards, from its totals (exact under the stage lock). The totals are kept at
     * commit, so this transaction's own card changes are counted into them first.
     */
    long liveCount(AccountId account, Stages.Stage stage) {
        jdbc.sql("set constraints cards_stage_totals immediate; set constraints cards_stage_totals deferred").update();
        return jdbc.sql("select coalesce(sum(cards), 0) from stage_totals where account_id = :account and stage_id = :stage")
                .param("account", account.value()).param("stage", stage.id())
                .query(Long.class).single();
    }

    /** Links conversations to a card; one already on a card is a conflict. */
    void attachConversations(AccountId account, UUID card, List<Long> conversations) {
        if (conversations.isEmpty()) {
            return;
        }
        var ids = conversations.stream().distinct().toArray(Long[]::new);
        var taken = jdbc.sql("""
                select chatwoot_conversation_id from card_conversations
                where account_id = :account and chatwoot_conversation_id = any(cast(:ids as bigint[])) and card_id <> :card
                order by 1
                """)
                .param("account", account.value()).param("ids", ids).param("card", card).query(Long.class).list();
        if (!taken.isEmpty()) {
            throw ApiProblem.conflict("conversation-on-card", "Conversation(s) " + taken + " are already on another card.")
                    .with("conversation_ids", taken);
        }
        jdbc.sql("""
                insert into card_conversations (account_id, chatwoot_conversation_id, card_id)
                select :account, unnest(cast(:ids as bigint[])), :card on conflict do nothing
                """)
                .param("account", account.value()).param("ids", ids).param("card", card).update();
    }

    /** Gives a card the checklist template of a stage it enters, once per stage. */
    void receiveTemplate(AccountId account, UUID card, Stages.Stage stage) {
        if (stage.checklistTemplate().isEmpty()) {
            return;
        }
        var received = jdbc.sql("select exists (select 1 from checklist_items where account_id = :account and card_id = :card and source_stage_id = :stage)")
                .param("account", account.value()).param("card", card).param("stage", stage.id())
                .query(Boolean.class).single();
        if (received) {
            return;
        }
        var next = jdbc.sql("select coalesce(max(position), -1) + 1 from checklist_items where account_id = :account and card_id = :card")
                .param("account", account.value()).param("card", card).query(Integer.class).single();
        for (var item : stage.checklistTemplate()) {
            jdbc.sql("""
                    insert into checklist_items (id, account_id, card_id, text, required, position, source_stage_id)
                    values (:id, :account, :card, :text, :required, :position, :stage)
                    """)
                    .param("id", Ids.newId()).param("account", account.value()).param("card", card)
                    .param("text", item.text()).param("required", item.required()).param("position", next++)
                    .param("stage", stage.id()).update();
        }
    }

    private static Map<String, @Nullable Object> changes(CardView before, CardView after) {
        var changes = new LinkedHashMap<String, @Nullable Object>();
        diff(changes, "title", before.title(), after.title());
        diff(changes, "contact", before.contact(), after.contact());
        diff(changes, "conversation_ids", before.conversationIds(), after.conversationIds());
        diff(changes, "amount_minor", before.amountMinor(), after.amountMinor());
        diff(changes, "currency", before.currency(), after.currency());
        diff(changes, "priority", before.priority(), after.priority());
        diff(changes, "due_at", before.dueAt(), after.dueAt());
        diff(changes, "assignee_id", before.assigneeId(), after.assigneeId());
        diff(changes, "labels", before.labels(), after.labels());
        diff(changes, "custom_fields", before.customFields(), after.customFields());
        diff(changes, "archived", before.archived(), after.archived());
        return changes;
    }

    private static void diff(Map<String, @Nullable Object> changes, String field, @Nullable Object before,
            @Nullable Object after) {
        if (!Objects.equals(before, after)) {
            changes.put(field, Arrays.asList(before, after));
        }
    }

    private static String[] labels(List<String> labels) {
        return labels.stream().map(String::strip).distinct().toArray(String[]::new);
    }

    private static java.sql.@Nullable Timestamp timestamp(@Nullable Instant instant) {
        return instant == null ? null : java.sql.Timestamp.from(instant);
    }

    CardView card(ResultSet rs, int row) throws SQLException {
        var conversations = (Long[]) rs.getArray("conversation_ids").getArray();
        var labels = (String[]) rs.getArray("labels").getArray();
        var due = rs.getTimestamp("due_at");
        var sla = rs.getTimestamp("sla_due_at");
        var archived = rs.getTimestamp("archived_at");
        return new CardView(rs.getObject("id", UUID.class), rs.getObject("board_id", UUID.class),
                rs.getObject("stage_id", UUID.class), rs.getString("rank"), rs.getString("title"),
                new Contact(rs.getString("contact_name"), rs.getString("contact_phone"),
                        rs.getObject("chatwoot_contact_id", Long.class)),
                List.of(conversations), rs.getObject("amount_minor", Long.class), rs.getString("currency"),
                rs.getString("priority"), due == null ? null : due.toInstant(), rs.getObject("assignee_id", UUID.class),
                List.of(labels), json.readTree(rs.getString("custom_fields_json")),
                rs.getTimestamp("entered_stage_at").toInstant(), sla == null ? null : sla.toInstant(),
                rs.getBoolean("overdue"), archived != null, archived == null ? null : archived.toInstant(),
                new ChecklistSummary(rs.getInt("checklist_total"), rs.getInt("checklist_done"),
                        rs.getInt("checklist_required_open")),
                rs.getLong("version"), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }
}
