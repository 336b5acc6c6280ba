package com.whatpro.hub.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Auditable;
import com.whatpro.hub.platform.Ids;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit_log table: appended to, read back per account, never changed (the service's
 * database role holds no UPDATE or DELETE on it).
 */
@Repository
class AuditLog {

    private static final TypeReference<Map<String, Object>> CHANGES = new TypeReference<>() { };
    /** How far the service's clock, which makes an entry's id, may be from the database's, which stamps its time. */
    private static final Duration CLOCK_SLACK = Duration.ofMinutes(10);

    private final JdbcClient jdbc;
    private final JsonMapper json;

    AuditLog(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Search criteria; null means any. {@code action} may end in {@code .*} for a prefix. */
    record Filter(@Nullable UUID actorId, @Nullable String action, @Nullable String resourceType,
            @Nullable String resourceId, @Nullable Instant from, @Nullable Instant to) {
    }

    /** Joins the current transaction. */
    void append(AuditEntry entry) {
        jdbc.sql("""
                insert into audit_log (id, account_id, actor_type, actor_id, action, resource_type, resource_id,
                    changes, ip_address, user_agent, request_id)
                values (:id, :account, :actorType, :actorId, :action, :resourceType, :resourceId,
                    cast(:changes as jsonb), :ip, :agent, :requestId)
                """)
                .param("id", entry.id())
                .param("account", entry.account() == null ? null : entry.account().value())
                .param("actorType", entry.actor().type())
                .param("actorId", entry.actor().id())
                .param("action", entry.action())
                .param("resourceType", entry.resourceType())
                .param("resourceId", entry.resourceId())
                .param("changes", json.writeValueAsString(entry.changes()))
                .param("ip", entry.ipAddress())
                .param("agent", entry.userAgent())
                .param("requestId", entry.requestId())
                .update();
    }

    /** Newest first, after the cursor (an entry id); needs the account's tenant scope. */
    @Transactional(readOnly = true)
    List<AuditEntry> page(AccountId account, Filter filter, @Nullable UUID after, int limit) {
        var sql = new StringBuilder("select * from audit_log where account_id = :account");
        var params = new LinkedHashMap<String, Object>();
        params.put("account", account.value());
        if (filter.actorId() != null) {
            sql.append(" and actor_id = :actor");
            params.put("actor", filter.actorId());
        }
        if (filter.action() != null) {
            if (filter.action().endsWith(".*")) {
                sql.append(" and action like :action escape '\\'");
                params.put("action", escapeLike(filter.action().substring(0, filter.action().length() - 1)) + "%");
            } else {
                sql.append(" and action = :action");
                params.put("action", filter.action());
            }
        }
        if (filter.resourceType() != null) {
            sql.append(" and resource_type = :resourceType");
            params.put("resourceType", filter.resourceType());
        }
        if (filter.resourceId() != null) {
            sql.append(" and resource_id = :resourceId");
            params.put("resourceId", filter.resourceId());
        }
        // an entry's id is made when it is written, a moment before its time: the id bounds (with
        // CLOCK_SLACK) let the newest-first index read only the window, the times decide
        if (filter.from() != null) {
            sql.append(" and at >= :from and id >= :fromId");
            params.put("from", Timestamp.from(filter.from()));
            params.put("fromId", Ids.lowestAt(filter.from().minus(CLOCK_SLACK)));
        }
        if (filter.to() != null) {
            sql.append(" and at < :to and id <= :toId");
            params.put("to", Timestamp.from(filter.to()));
            params.put("toId", Ids.highestAt(filter.to().plus(CLOCK_SLACK)));
        }
        if (after != null) {
            sql.append(" and id < :after");
            params.put("after", after);
        }
        sql.append(" order by id desc limit :limit");
        params.put("limit", limit);
        return jdbc.sql(sql.toString()).params(params).query(this::entry).list();
    }

    private static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private AuditEntry entry(ResultSet rs, int row) throws SQLException {
        var account = rs.getObject("account_id", Long.class);
        return new AuditEntry(rs.getObject("id", UUID.class), rs.getTimestamp("at").toInstant(),
                account == null ? null : AccountId.of(account),
                new Auditable.Actor(rs.getString("actor_type"), rs.getObject("actor_id", UUID.class)),
                rs.getString("action"), rs.getString("resource_type"), rs.getString("resource_id"),
                json.readValue(rs.getString("changes"), CHANGES), rs.getString("ip_address"),
                rs.getString("user_agent"), rs.getString("request_id"));
    }
}
