package com.whatpro.hub.kanban;

import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.Ids;

import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The columns of a board: order, kind, WIP limit, SLA and checklist template. Changes to a
 * board's set of stages lock the board row, so positions stay a strict 0..n-1 sequence.
 */
@Service
class Stages {

    private static final TypeReference<List<TemplateItem>> TEMPLATE = new TypeReference<>() { };

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final ApplicationEventPublisher events;
    private final BoardStream stream;
    private final CardHistory history;

    Stages(JdbcClient jdbc, JsonMapper json, ApplicationEventPublisher events, BoardStream stream, CardHistory history) {
        this.jdbc = jdbc;
        this.json = json;
        this.events = events;
        this.stream = stream;
        this.history = history;
    }

    record TemplateItem(String text, boolean required) {
    }

    record Stage(UUID id, UUID boardId, String name, @Nullable String color, String kind, int position,
            @Nullable Integer wipLimit, String wipMode, @Nullable Integer slaHours, List<TemplateItem> checklistTemplate,
            Instant createdAt, Instant updatedAt) {

        boolean hardLimit() {
            return wipLimit != null && "hard".equals(wipMode);
        }
    }

    /** What a stage is made of, for creating one. */
    record StageSpec(String name, @Nullable String color, String kind, @Nullable Integer wipLimit, String wipMode,
            @Nullable Integer slaHours, List<TemplateItem> checklistTemplate) {
    }

    /** A partial update: only the fields present in the request are set (a present null clears). */
    record StagePatch(@Nullable String name, boolean colorSet, @Nullable String color, @Nullable String kind,
            boolean wipLimitSet, @Nullable Integer wipLimit, @Nullable String wipMode, boolean slaHoursSet,
            @Nullable Integer slaHours, @Nullable List<TemplateItem> checklistTemplate, @Nullable Integer position) {
    }

    /** A stage as clients see it, with what it holds. */
    record StageView(UUID id, UUID boardId, String name, @Nullable String color, String kind, int position,
            @Nullable Integer wipLimit, String wipMode, @Nullable Integer slaHours, List<TemplateItem> checklistTemplate,
            long cardCount, BigInteger amountTotalMinor, Map<String, BigInteger> amountTotals, long overdueCount,
            boolean overWipLimit, Instant createdAt, Instant updatedAt) {

        static StageView of(Stage stage, Totals totals) {
            return new StageView(stage.id(), stage.boardId(), stage.name(), stage.color(), stage.kind(), stage.position(),
                    stage.wipLimit(), stage.wipMode(), stage.slaHours(), stage.checklistTemplate(), totals.cards(),
                    totals.amount(), totals.byCurrency(), totals.overdue(),
                    stage.wipLimit() != null && totals.cards() > stage.wipLimit(), stage.createdAt(), stage.updatedAt());
        }
    }

    /**
     * Live (not archived) cards of a stage: how many, their amounts, how many are overdue. Amounts are sums of any
     * number of cards, so they may exceed a long (the API answers them as JSON numbers all the same).
     */
    record Totals(long cards, BigInteger amount, Map<String, BigInteger> byCurrency, long overdue) {
        static final Totals NONE = new Totals(0, BigInteger.ZERO, Map.of(), 0);
    }

    static final List<StageSpec> DEFAULTS = List.of(
            new StageSpec("New", "#3B82F6", "open", null, "soft", null, List.of()),
            new StageSpec("In progress", "#F59E0B", "open", null, "soft", null, List.of()),
            new StageSpec("Waiting", "#8B5CF6", "open", null, "soft", null, List.of()),
            new StageSpec("Won", "#10B981", "won", null, "soft", null, List.of()),
            new StageSpec("Lost", "#EF4444", "lost", null, "soft", null, List.of()));

    // ---------------------------------------------------------------- reads

    @Transactional(readOnly = true)
    public List<Stage> ofBoard(AccountId account, UUID board) {
        return jdbc.sql("select * from stages where account_id = :account and board_id = :board order by position, id")
                .param("account", account.value()).param("board", board).query(this::stage).list();
    }

    @Transactional(readOnly = true)
    public Optional<Stage> find(AccountId account, UUID id) {
        return jdbc.sql("select * from stages where account_id = :account and id = :id")
                .param("account", account.value()).param("id", id).query(this::stage).optional();
    }

    /** Locks a stage against concurrent placements into it: ranks and WIP counts are decided under it. */
    Optional<Stage> lock(AccountId account, UUID id) {
        return jdbc.sql("select * from stages where account_id = :account and id = :id for no key update")
                .param("account", account.value()).param("id", id).query(this::stage).optional();
    }

    /**
     * The live-card totals of each stage of a board: counts and amounts from the trigger-kept
     * {@code stage_totals} rows, overdue counts from the index of live cards by entry time, so the
     * cost follows the number of stages and overdue cards, not the size of the board.
     */
    @Transactional(readOnly = true)
    public Map<UUID, Totals> totals(AccountId account, UUID board) {
        var rows = new LinkedHashMap<UUID, Totals>();
        jdbc.sql("""
                select s.id, t.currency, coalesce(t.cards, 0), coalesce(t.amount_minor, 0),
                       case when s.sla_hours is null then 0 else (
                           select count(*) from cards c
                           where c.stage_id = s.id and c.account_id = s.account_id and c.archived_at is null
                           and c.entered_stage_at < now() - make_interval(hours => s.sla_hours)) end
                from stages s
                left join stage_totals t on t.stage_id = s.id and t.account_id = s.account_id and t.cards > 0
                where s.account_id = :account and s.board_id = :board
                """)
                .param("account", account.value()).param("board", board)
                .query(rs -> {
                    var stage = rs.getObject(1, UUID.class);
                    var currency = rs.getString(2);
                    var sum = rs.getBigDecimal(4).toBigInteger();
                    var before = rows.getOrDefault(stage, Totals.NONE);
                    var byCurrency = new LinkedHashMap<>(before.byCurrency());
                    if (currency != null && !currency.isEmpty()) {
                        byCurrency.merge(currency, sum, BigInteger::add);
                    }
                    rows.put(stage, new Totals(before.cards() + rs.getLong(3), before.amount().add(sum),
                            Map.copyOf(byCurrency), rs.getLong(5)));
                });
        return rows;
    }

    @Transactional(readOnly = true)
    public List<StageView> views(AccountId account, UUID board) {
        var totals = totals(account, board);
        return ofBoard(account, board).stream()
                .map(stage -> StageView.of(stage, totals.getOrDefault(stage.id(), Totals.NONE))).toList();
    }

    StageView view(AccountId account, Stage stage) {
        return StageView.of(stage, totals(account, stage.boardId()).getOrDefault(stage.id(), Totals.NONE));
    }

    // ---------------------------------------------------------------- writes

    /** Inserts a stage at a free position (the caller holds the board lock). */
    Stage insert(AccountId account, UUID board, StageSpec spec, int position) {
        var id = Ids.newId();
        jdbc.sql("""
                insert into stages (id, account_id, board_id, name, color, kind, position, wip_limit, wip_mode,
                                    sla_hours, checklist_template)
                values (:id, :account, :board, :name, :color, :kind, :position, :wip, :mode, :sla,
                        cast(:template as jsonb))
                """)
                .param("id", id).param("account", account.value()).param("board", board)
                .param("name", spec.name().strip()).param("color", spec.color()).param("kind", spec.kind())
                .param("position", position).param("wip", spec.wipLimit()).param("mode", spec.wipMode())
                .param("sla", spec.slaHours()).param("template", json.writeValueAsString(spec.checklistTemplate()))
                .update();
        return find(account, id).orElseThrow();
    }

    @Transactional
    public StageView create(AccountId account, UUID board, StageSpec spec, @Nullable Integer position, Actor actor) {
        lockBoard(account, board);
        var count = countOf(account, board);
        var at = position == null ? count : position;
        if (at < 0 || at > count) {
            throw ApiProblem.invalid("position", "must be between 0 and " + count);
        }
        jdbc.sql("update stages set position = position + 1 where account_id = :account and board_id = :board and position >= :at")
                .param("account", account.value()).param("board", board).param("at", at).update();
        var stage = insert(account, board, spec, at);
        var view = view(account, stage);
        var changes = new LinkedHashMap<String, @Nullable Object>();
        changes.put("name", stage.name());
        changes.put("kind", stage.kind());
        changes.put("position", stage.position());
        events.publishEvent(new StageChanged(account, board, stage.id(), "stage.created", changes, actor.id()));
        stream.publish(account, board, "stage.created", view);
        return view;
    }

    @Transactional
    public StageView update(AccountId account, UUID board, UUID id, StagePatch patch, Actor actor) {
        lockBoard(account, board);
        var before = find(account, id).filter(s -> s.boardId().equals(board))
                .orElseThrow(() -> ApiProblem.notFound("stage"));
        var name = patch.name() == null ? before.name() : patch.name().strip();
        var color = patch.colorSet() ? patch.color() : before.color();
        var kind = patch.kind() == null ? before.kind() : patch.kind();
        var wipLimit = patch.wipLimitSet() ? patch.wipLimit() : before.wipLimit();
        var wipMode = patch.wipMode() == null ? before.wipMode() : patch.wipMode();
        var slaHours = patch.slaHoursSet() ? patch.slaHours() : before.slaHours();
        var template = patch.checklistTemplate() == null ? before.checklistTemplate() : patch.checklistTemplate();
        jdbc.sql("""
                update stages set name = :name, color = :color, kind = :kind, wip_limit = :wip, wip_mode = :mode,
                    sla_hours = :sla, checklist_template = cast(:template as jsonb), updated_at = now()
                where account_id = :account and id = :id
                """)
                .param("name", name).param("color", color).param("kind", kind).param("wip", wipLimit)
                .param("mode", wipMode).param("sla", slaHours).param("template", json.writeValueAsString(template))
                .param("account", account.value()).param("id", id).update();
        if (patch.position() != null && patch.position() != before.position()) {
            var order = new ArrayList<>(ofBoard(account, board).stream().map(Stage::id).toList());
            if (patch.position() < 0 || patch.position() >= order.size()) {
                throw ApiProblem.invalid("position", "must be between 0 and " + (order.size() - 1));
            }
            order.remove(id);
            order.add(patch.position(), id);
            writeOrder(account, board, order);
        }
        var after = find(account, id).orElseThrow();
        var changes = new LinkedHashMap<String, @Nullable Object>();
        diff(changes, "name", before.name(), after.name());
        diff(changes, "color", before.color(), after.color());
        diff(changes, "kind", before.kind(), after.kind());
        diff(changes, "wip_limit", before.wipLimit(), after.wipLimit());
        diff(changes, "wip_mode", before.wipMode(), after.wipMode());
        diff(changes, "sla_hours", before.slaHours(), after.slaHours());
        diff(changes, "checklist_template", before.checklistTemplate(), after.checklistTemplate());
        diff(changes, "position", before.position(), after.position());
        var view = view(account, after);
        if (!changes.isEmpty()) {
            events.publishEvent(new StageChanged(account, board, id, "stage.updated", changes, actor.id()));
            stream.publish(account, board, "stage.updated", view);
        }
        return view;
    }

    @Transactional
    public List<StageView> reorder(AccountId account, UUID board, List<UUID> order, Actor actor) {
        lockBoard(account, board);
        var current = ofBoard(account, board).stream().map(Stage::id).toList();
        if (order.size() != current.size() || !new HashSet<>(order).equals(new HashSet<>(current))) {
            throw ApiProblem.invalid("stage_ids", "must list each of the board's stages exactly once");
        }
        if (!order.equals(current)) {
            writeOrder(account, board, order);
            var changes = new LinkedHashMap<String, @Nullable Object>();
            changes.put("stage_ids", Arrays.asList(current.stream().map(UUID::toString).toList(),
                    order.stream().map(UUID::toString).toList()));
            events.publishEvent(new StageChanged(account, board, null, "stage.reordered", changes, actor.id()));
        }
        var views = views(account, board);
        if (!order.equals(current)) {
            stream.publish(account, board, "stage.reordered", Map.of("board_id", board, "stages", views));
        }
        return views;
    }

    /**
     * Deletes a stage. Its cards, if any, go to the end of {@code moveTo} (same board) in their
     * order, subject to that stage's hard WIP limit and won-stage checklist gate.
     */
    @Transactional
    public void delete(AccountId account, UUID board, UUID id, @Nullable UUID moveTo, Actor actor) {
        lockBoard(account, board);
        var stage = find(account, id).filter(s -> s.boardId().equals(board))
                .orElseThrow(() -> ApiProblem.notFound("stage"));
        if (countOf(account, board) == 1) {
            throw ApiProblem.conflict("last-stage", "A board keeps at least one stage.");
        }
        // cards first, then the stage: the same order a move takes its locks in
        lockCardsOf(account, id);
        lock(account, id).orElseThrow(() -> ApiProblem.notFound("stage"));
        var cards = lockCardsOf(account, id);
        Stage target = null;
        if (!cards.isEmpty()) {
            if (moveTo == null) {
                throw ApiProblem.invalid("move_cards_to", "the stage holds " + cards.size()
                        + " card(s); name the stage of this board they move to");
            }
            if (moveTo.equals(id)) {
                throw ApiProblem.invalid("move_cards_to", "must be another stage than the one deleted");
            }
            target = lock(account, moveTo).filter(s -> s.boardId().equals(board))
                    .orElseThrow(() -> ApiProblem.invalid("move_cards_to", "must be a stage of this board"));
            moveAll(account, board, stage, target, cards, actor);
        }
        jdbc.sql("delete from stages where account_id = :account and id = :id")
                .param("account", account.value()).param("id", id).update();
        jdbc.sql("update stages set position = position - 1 where account_id = :account and board_id = :board and position > :at")
                .param("account", account.value()).param("board", board).param("at", stage.position()).update();
        var changes = new LinkedHashMap<String, @Nullable Object>();
        changes.put("name", stage.name());
        if (target != null) {
            changes.put("moved_cards", cards.size());
            changes.put("move_cards_to", target.id().toString());
        }
        events.publishEvent(new StageChanged(account, board, id, "stage.deleted", changes, actor.id()));
        var payload = new LinkedHashMap<String, @Nullable Object>();
        payload.put("id", id);
        payload.put("board_id", board);
        payload.put("moved_cards_to", target == null ? null : target.id());
        payload.put("moved_card_ids", cards.stream().map(LockedCard::id).toList());
        stream.publish(account, board, "stage.deleted", payload);
    }

    private record LockedCard(UUID id, boolean archived) {
    }

    private List<LockedCard> lockCardsOf(AccountId account, UUID stage) {
        return jdbc.sql("""
                select id, archived_at is not null from cards where account_id = :account and stage_id = :stage
                order by rank for update
                """)
                .param("account", account.value()).param("stage", stage)
                .query((rs, n) -> new LockedCard(rs.getObject(1, UUID.class), rs.getBoolean(2))).list();
    }

    private void moveAll(AccountId account, UUID board, Stage from, Stage to, List<LockedCard> cards, Actor actor) {
        var live = cards.stream().filter(c -> !c.archived()).count();
        if (to.hardLimit()) {
            var present = jdbc.sql("select count(*) from cards where account_id = :account and stage_id = :stage and archived_at is null")
                    .param("account", account.value()).param("stage", to.id()).query(Long.class).single();
            if (present + live > to.wipLimit()) {
                throw wipLimitReached(to);
            }
        }
        if ("won".equals(to.kind())) {
            var open = jdbc.sql("""
                    select count(*) from checklist_items where account_id = :account and card_id = any(cast(:cards as uuid[]))
                    and required and not done
                    """)
                    .param("account", account.value()).param("cards", ids(cards)).query(Long.class).single();
            if (open > 0) {
                throw checklistIncomplete("Some of the cards have required checklist items open; a card enters a won stage only with all of them done.");
            }
        }
        var last = jdbc.sql("select max(rank) from cards where account_id = :account and stage_id = :stage")
                .param("account", account.value()).param("stage", to.id()).query(String.class).optional().orElse(null);
        var ranks = new String[cards.size()];
        var rank = last;
        for (var i = 0; i < cards.size(); i++) {
            rank = Ranks.between(rank, null);
            ranks[i] = rank;
        }
        jdbc.sql("""
                update cards c set stage_id = :to, rank = n.rank, entered_stage_at = now(), version = c.version + 1,
                    updated_at = now()
                from unnest(cast(:ids as uuid[]), cast(:ranks as text[])) as n(id, rank)
                where c.account_id = :account and c.id = n.id
                """)
                .param("to", to.id()).param("ids", ids(cards)).param("ranks", ranks).param("account", account.value())
                .update();
        for (var i = 0; i < cards.size(); i++) {
            var card = cards.get(i).id();
            history.record(account, card, board, actor, "moved", from.id(), to.id(), Map.of("reason", "stage deleted"));
            events.publishEvent(new CardMoved(account, board, card, from.id(), to.id(), ranks[i], actor.id()));
        }
    }

    private static String[] ids(List<LockedCard> cards) {
        return cards.stream().map(c -> c.id().toString()).toArray(String[]::new);
    }

    static ApiProblem wipLimitReached(Stage stage) {
        return ApiProblem.conflict("wip-limit-reached", "The stage '" + stage.name() + "' holds its hard limit of "
                + stage.wipLimit() + " card(s).").with("stage_id", stage.id().toString()).with("wip_limit", stage.wipLimit());
    }

    static ApiProblem checklistIncomplete(String detail) {
        return ApiProblem.conflict("checklist-incomplete", detail);
    }

    private void writeOrder(AccountId account, UUID board, List<UUID> order) {
        jdbc.sql("""
                update stages s set position = n.ord - 1, updated_at = now()
                from unnest(cast(:ids as uuid[])) with ordinality as n(id, ord)
                where s.account_id = :account and s.board_id = :board and s.id = n.id
                """)
                .param("ids", order.stream().map(UUID::toString).toArray(String[]::new))
                .param("account", account.value()).param("board", board).update();
    }

    private void lockBoard(AccountId account, UUID board) {
        jdbc.sql("select id from boards where account_id = :account and id = :board for no key update")
                .param("account", account.value()).param("board", board).query(UUID.class).optional()
                .orElseThrow(() -> ApiProblem.notFound("board"));
    }

    private int countOf(AccountId account, UUID board) {
        return jdbc.sql("select count(*) from stages where account_id = :account and board_id = :board")
                .param("account", account.value()).param("board", board).query(Integer.class).single();
    }

    private static void diff(Map<String, @Nullable Object> changes, String field, @Nullable Object before,
            @Nullable Object after) {
        if (!Objects.equals(before, after)) {
            changes.put(field, Arrays.asList(before, after));
        }
    }

    private Stage stage(ResultSet rs, int row) throws SQLException {
        return new Stage(rs.getObject("id", UUID.class), rs.getObject("board_id", UUID.class), rs.getString("name"),
                rs.getString("color"), rs.getString("kind"), rs.getInt("position"), rs.getObject("wip_limit", Integer.class),
                rs.getString("wip_mode"), rs.getObject("sla_hours", Integer.class),
                json.readValue(rs.getString("checklist_template"), TEMPLATE),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
