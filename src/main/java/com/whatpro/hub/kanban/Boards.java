package com.whatpro.hub.kanban;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import com.whatpro.hub.accounts.Entitlements;
import com.whatpro.hub.accounts.Limit;
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
 * Boards of an account. Creating one counts against the plan's {@code max_boards}; each
 * account has exactly one default board (the one new conversations land on), created with the
 * account and never counted as over the limit.
 */
@Service
class Boards {

    static final String DEFAULT_NAME = "Pipeline";
    private static final TypeReference<List<FieldDefinition>> DEFINITIONS = new TypeReference<>() { };

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Stages stages;
    private final Entitlements entitlements;
    private final ApplicationEventPublisher events;
    private final BoardStream stream;

    Boards(JdbcClient jdbc, JsonMapper json, Stages stages, Entitlements entitlements, ApplicationEventPublisher events,
            BoardStream stream) {
        this.jdbc = jdbc;
        this.json = json;
        this.stages = stages;
        this.entitlements = entitlements;
        this.events = events;
        this.stream = stream;
    }

    /** A custom field cards of the board may carry. */
    record FieldDefinition(String key, @Nullable String label, String type, boolean required, List<String> options) {
    }

    record Board(UUID id, String name, @Nullable String description, String type, boolean isDefault,
            List<FieldDefinition> fieldDefinitions, Instant createdAt, Instant updatedAt) {
    }

    record BoardView(UUID id, String name, @Nullable String description, String type, boolean isDefault,
            List<FieldDefinition> fieldDefinitions, List<Stages.StageView> stages, Instant createdAt, Instant updatedAt) {

        static BoardView of(Board board, List<Stages.StageView> stages) {
            return new BoardView(board.id(), board.name(), board.description(), board.type(), board.isDefault(),
                    board.fieldDefinitions(), stages, board.createdAt(), board.updatedAt());
        }
    }

    record NewBoard(String name, @Nullable String description, String type, boolean isDefault,
            List<FieldDefinition> fieldDefinitions, List<Stages.StageSpec> stages) {
    }

    record BoardPatch(@Nullable String name, boolean descriptionSet, @Nullable String description, @Nullable String type,
            @Nullable Boolean isDefault, @Nullable List<FieldDefinition> fieldDefinitions) {
    }

    @Transactional(readOnly = true)
    public List<Board> list(AccountId account) {
        return jdbc.sql("select * from boards where account_id = :account order by is_default desc, created_at, id")
                .param("account", account.value()).query(this::board).list();
    }

    @Transactional(readOnly = true)
    public Optional<Board> find(AccountId account, UUID id) {
        return jdbc.sql("select * from boards where account_id = :account and id = :id")
                .param("account", account.value()).param("id", id).query(this::board).optional();
    }

    @Transactional(readOnly = true)
    public Optional<BoardView> view(AccountId account, UUID id) {
        return find(account, id).map(board -> BoardView.of(board, stages.views(account, id)));
    }

    @Transactional(readOnly = true)
    public long count(AccountId account) {
        return jdbc.sql("select count(*) from boards where account_id = :account").param("account", account.value())
                .query(Long.class).single();
    }

    @Transactional(readOnly = true)
    public Optional<UUID> defaultBoard(AccountId account) {
        return jdbc.sql("select id from boards where account_id = :account and is_default")
                .param("account", account.value()).query(UUID.class).optional();
    }

    @Transactional
    public BoardView create(AccountId account, NewBoard request, Actor actor) {
        entitlements.ensureRoom(account, Limit.BOARDS, () -> count(account));
        var makeDefault = request.isDefault();
        if (makeDefault) {
            lockDefault(account);
            jdbc.sql("update boards set is_default = false, updated_at = now() where account_id = :account and is_default")
                    .param("account", account.value()).update();
        }
        var board = insert(account, request.name(), request.description(), request.type(), makeDefault,
                request.fieldDefinitions(), request.stages().isEmpty() ? Stages.DEFAULTS : request.stages());
        var view = view(account, board).orElseThrow();
        var changes = new LinkedHashMap<String, @Nullable Object>();
        changes.put("name", view.name());
        changes.put("type", view.type());
        changes.put("is_default", view.isDefault());
        changes.put("stages", view.stages().stream().map(Stages.StageView::name).toList());
        events.publishEvent(new BoardChanged(account, board, "board.created", changes, actor.id()));
        return view;
    }

    /**
     * The account's default board, created with the default stages when it has none. Idempotent
     * and safe to race: callers serialise on a per-account advisory lock. It does not count
     * against {@code max_boards}: every plan allows at least one board, and the default is the
     * first; an account that already has boards but no default gets its oldest board marked.
     */
    @Transactional
    public UUID ensureDefault(AccountId account) {
        var existing = defaultBoard(account);
        if (existing.isPresent()) {
            return existing.get();
        }
        lockDefault(account);
        existing = defaultBoard(account);
        if (existing.isPresent()) {
            return existing.get();
        }
        var oldest = jdbc.sql("select id from boards where account_id = :account order by created_at, id limit 1")
                .param("account", account.value()).query(UUID.class).optional();
        if (oldest.isPresent()) {
            jdbc.sql("update boards set is_default = true, updated_at = now() where account_id = :account and id = :id")
                    .param("account", account.value()).param("id", oldest.get()).update();
            events.publishEvent(new BoardChanged(account, oldest.get(), "board.updated",
                    Map.of("is_default", List.of(false, true)), null));
            return oldest.get();
        }
        var board = insert(account, DEFAULT_NAME, "New conversations arrive here.", "sales", true, List.of(),
                Stages.DEFAULTS);
        var changes = new LinkedHashMap<String, @Nullable Object>();
        changes.put("name", DEFAULT_NAME);
        changes.put("is_default", true);
        changes.put("stages", Stages.DEFAULTS.stream().map(Stages.StageSpec::name).toList());
        events.publishEvent(new BoardChanged(account, board, "board.created", changes, null));
        return board;
    }

    private UUID insert(AccountId account, String name, @Nullable String description, String type, boolean isDefault,
            List<FieldDefinition> definitions, List<Stages.StageSpec> specs) {
        var id = Ids.newId();
        jdbc.sql("""
                insert into boards (id, account_id, name, description, type, is_default, field_definitions)
                values (:id, :account, :name, :description, :type, :default, cast(:fields as jsonb))
                """)
                .param("id", id).param("account", account.value()).param("name", name.strip())
                .param("description", description).param("type", type).param("default", isDefault)
                .param("fields", json.writeValueAsString(definitions)).update();
        for (var i = 0; i < specs.size(); i++) {
            stages.insert(account, id, specs.get(i), i);
        }
        return id;
    }

    @Transactional
    public Optional<BoardView> update(AccountId account, UUID id, BoardPatch patch, Actor actor) {
        var before = jdbc.sql("select * from boards where account_id = :account and id = :id for no key update")
                .param("account", account.value()).param("id", id).query(this::board).optional();
        if (before.isEmpty()) {
            return Optional.empty();
        }
        var old = before.get();
        if (Boolean.FALSE.equals(patch.isDefault()) && old.isDefault()) {
            throw ApiProblem.invalid("is_default", "make another board the default instead");
        }
        if (Boolean.TRUE.equals(patch.isDefault()) && !old.isDefault()) {
            lockDefault(account);
            jdbc.sql("update boards set is_default = false, updated_at = now() where account_id = :account and is_default")
                    .param("account", account.value()).update();
        }
        jdbc.sql("""
                update boards set name = :name, description = :description, type = :type, is_default = :default,
                    field_definitions = cast(:fields as jsonb), updated_at = now()
                where account_id = :account and id = :id
                """)
                .param("name", patch.name() == null ? old.name() : patch.name().strip())
                .param("description", patch.descriptionSet() ? patch.description() : old.description())
                .param("type", patch.type() == null ? old.type() : patch.type())
                .param("default", patch.isDefault() == null ? old.isDefault() : patch.isDefault())
                .param("fields", json.writeValueAsString(
                        patch.fieldDefinitions() == null ? old.fieldDefinitions() : patch.fieldDefinitions()))
                .param("account", account.value()).param("id", id).update();
        var after = view(account, id).orElseThrow();
        var changes = new LinkedHashMap<String, @Nullable Object>();
        diff(changes, "name", old.name(), after.name());
        diff(changes, "description", old.description(), after.description());
        diff(changes, "type", old.type(), after.type());
        diff(changes, "is_default", old.isDefault(), after.isDefault());
        diff(changes, "field_definitions", old.fieldDefinitions(), after.fieldDefinitions());
        if (!changes.isEmpty()) {
            events.publishEvent(new BoardChanged(account, id, "board.updated", changes, actor.id()));
            stream.publish(account, id, "board.updated", after);
        }
        return Optional.of(after);
    }

    @Transactional
    public boolean delete(AccountId account, UUID id, Actor actor) {
        var board = jdbc.sql("select * from boards where account_id = :account and id = :id for update")
                .param("account", account.value()).param("id", id).query(this::board).optional();
        if (board.isEmpty()) {
            return false;
        }
        if (board.get().isDefault()) {
            throw ApiProblem.conflict("default-board",
                    "The default board receives new conversations; make another board the default first.");
        }
        var cards = jdbc.sql("select count(*) from cards where account_id = :account and board_id = :board")
                .param("account", account.value()).param("board", id).query(Long.class).single();
        jdbc.sql("delete from boards where account_id = :account and id = :id")
                .param("account", account.value()).param("id", id).update();
        var changes = new LinkedHashMap<String, @Nullable Object>();
        changes.put("name", board.get().name());
        changes.put("deleted_cards", cards);
        events.publishEvent(new BoardChanged(account, id, "board.deleted", changes, actor.id()));
        stream.publish(account, id, "board.deleted", Map.of("id", id));
        return true;
    }

    private void lockDefault(AccountId account) {
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended('kanban:default-board:' || :account, 0))")
                .param("account", Long.toString(account.value())).query((rs, n) -> 1).single();
    }

    private static void diff(Map<String, @Nullable Object> changes, String field, @Nullable Object before,
            @Nullable Object after) {
        if (!Objects.equals(before, after)) {
            changes.put(field, Arrays.asList(before, after));
        }
    }

    private Board board(ResultSet rs, int row) throws SQLException {
        return new Board(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("description"),
                rs.getString("type"), rs.getBoolean("is_default"),
                json.readValue(rs.getString("field_definitions"), DEFINITIONS),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
