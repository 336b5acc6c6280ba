package com.whatpro.hub.accounts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.whatpro.hub.platform.AccountId;

import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The tenants. Reading one is cheap and needs no tenant scope: the accounts table holds no
 * tenant data of its own, and who may see which account is decided at the web edge.
 */
@Service
public class Accounts {

    private static final TypeReference<Map<String, Object>> SETTINGS = new TypeReference<>() { };

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final ApplicationEventPublisher events;

    Accounts(JdbcClient jdbc, JsonMapper json, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.json = json;
        this.events = events;
    }

    public record NewAccount(String name, String plan, @Nullable Long chatwootAccountId, String locale) {
    }

    public record AccountUpdate(@Nullable String name, @Nullable String locale, @Nullable Map<String, Object> settings,
            @Nullable String plan, Account.@Nullable Status status) {
    }

    @Transactional(readOnly = true)
    public Optional<Account> find(AccountId id) {
        return jdbc.sql("select * from accounts where id = :id").param("id", id.value()).query(this::account).optional();
    }

    @Transactional(readOnly = true)
    public boolean isActive(AccountId id) {
        return jdbc.sql("select status = 'active' from accounts where id = :id").param("id", id.value())
                .query(Boolean.class).optional().orElse(false);
    }

    @Transactional(readOnly = true)
    public Optional<Account> byChatwootAccountId(long chatwootAccountId) {
        return jdbc.sql("select * from accounts where chatwoot_account_id = :id").param("id", chatwootAccountId)
                .query(this::account).optional();
    }

    @Transactional(readOnly = true)
    public List<Account> all() {
        return jdbc.sql("select * from accounts order by id").query(this::account).list();
    }

    @Transactional(readOnly = true)
    public List<Account> all(Collection<AccountId> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("select * from accounts where id in (:ids) order by id")
                .param("ids", ids.stream().map(AccountId::value).toList())
                .query(this::account).list();
    }

    @Transactional
    public Account create(NewAccount request) {
        var id = jdbc.sql("""
                insert into accounts (name, plan, chatwoot_account_id, locale)
                values (:name, :plan, :chatwoot, :locale) returning id
                """)
                .param("name", request.name())
                .param("plan", request.plan())
                .param("chatwoot", request.chatwootAccountId())
                .param("locale", request.locale())
                .query(Long.class).single();
        var account = find(AccountId.of(id)).orElseThrow();
        events.publishEvent(new AccountCreated(account.id(), account.name(), account.plan()));
        return account;
    }

    @Transactional
    public Optional<Account> update(AccountId id, AccountUpdate update, java.util.@Nullable UUID actor) {
        var before = jdbc.sql("select * from accounts where id = :id for update").param("id", id.value())
                .query(this::account).optional();
        if (before.isEmpty()) {
            return Optional.empty();
        }
        var old = before.get();
        var changes = new LinkedHashMap<String, Object>();
        var name = changed(changes, "name", old.name(), update.name());
        var locale = changed(changes, "locale", old.locale(), update.locale());
        var settings = changed(changes, "settings", old.settings(), update.settings());
        var plan = changed(changes, "plan", old.plan(), update.plan());
        var status = changed(changes, "status", old.status(), update.status());
        if (changes.isEmpty()) {
            return before;
        }
        jdbc.sql("""
                update accounts set name = :name, locale = :locale, settings = cast(:settings as jsonb),
                    plan = :plan, status = :status, updated_at = now() where id = :id
                """)
                .param("name", name).param("locale", locale).param("settings", json.writeValueAsString(settings))
                .param("plan", plan).param("status", status.name().toLowerCase()).param("id", id.value())
                .update();
        var action = changes.containsKey("status") && status == Account.Status.INACTIVE
                ? "account.deactivated" : "account.updated";
        events.publishEvent(new AccountChanged(id, actor, action, changes));
        return find(id);
    }

    private static <T> T changed(Map<String, Object> changes, String field, T old, @Nullable T proposed) {
        if (proposed == null || proposed.equals(old)) {
            return old;
        }
        changes.put(field, java.util.Arrays.asList(old, proposed));
        return proposed;
    }

    private Account account(ResultSet rs, int row) throws SQLException {
        var chatwoot = rs.getObject("chatwoot_account_id", Long.class);
        return new Account(AccountId.of(rs.getLong("id")), rs.getString("name"), rs.getString("plan"),
                Account.Status.valueOf(rs.getString("status").toUpperCase()), chatwoot, rs.getString("locale"),
                json.readValue(rs.getString("settings"), SETTINGS),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
