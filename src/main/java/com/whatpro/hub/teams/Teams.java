package com.whatpro.hub.teams;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.whatpro.hub.accounts.Entitlements;
import com.whatpro.hub.accounts.Limit;
import com.whatpro.hub.identity.Memberships;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.Ids;

import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Teams of an account and their members; a team member must be a member of the account. */
@Service
public class Teams {

    private final JdbcClient jdbc;
    private final Memberships memberships;
    private final Entitlements entitlements;
    private final ApplicationEventPublisher events;

    Teams(JdbcClient jdbc, Memberships memberships, Entitlements entitlements, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.memberships = memberships;
        this.entitlements = entitlements;
        this.events = events;
    }

    public record Team(UUID id, String name, @Nullable String description, boolean allowAutoAssign,
            @Nullable Long chatwootTeamId, Instant createdAt, Instant updatedAt) {
    }

    public record TeamMember(UUID userId, String name, String email, Instant addedAt) {
    }

    @Transactional(readOnly = true)
    public List<Team> list(AccountId account) {
        return jdbc.sql("select * from teams where account_id = :account order by lower(name), id")
                .param("account", account.value()).query(Teams::team).list();
    }

    @Transactional(readOnly = true)
    public Optional<Team> find(AccountId account, UUID id) {
        return jdbc.sql("select * from teams where account_id = :account and id = :id")
                .param("account", account.value()).param("id", id).query(Teams::team).optional();
    }

    /** The team synced from this Chatwoot team, if any. */
    @Transactional(readOnly = true)
    public Optional<Team> findByChatwootTeamId(AccountId account, long chatwootTeamId) {
        return jdbc.sql("select * from teams where account_id = :account and chatwoot_team_id = :chatwoot")
                .param("account", account.value()).param("chatwoot", chatwootTeamId).query(Teams::team).optional();
    }

    @Transactional(readOnly = true)
    public long count(AccountId account) {
        return jdbc.sql("select count(*) from teams where account_id = :account").param("account", account.value())
                .query(Long.class).single();
    }

    @Transactional
    public Team create(AccountId account, String name, @Nullable String description, boolean allowAutoAssign,
            @Nullable Long chatwootTeamId, @Nullable UUID actor) {
        entitlements.ensureRoom(account, Limit.TEAMS, () -> count(account));
        var id = Ids.newId();
        try {
            jdbc.sql("""
                    insert into teams (id, account_id, name, description, allow_auto_assign, chatwoot_team_id)
                    values (:id, :account, :name, :description, :auto, :chatwoot)
                    """)
                    .param("id", id).param("account", account.value()).param("name", name.strip())
                    .param("description", description).param("auto", allowAutoAssign).param("chatwoot", chatwootTeamId)
                    .update();
        } catch (DuplicateKeyException e) {
            throw ApiProblem.conflict("team-exists", "A team with this name already exists.");
        }
        var team = find(account, id).orElseThrow();
        events.publishEvent(new TeamChanged(account, id, "team.created", java.util.Map.of("name", team.name()), actor));
        return team;
    }

    @Transactional
    public Optional<Team> update(AccountId account, UUID id, @Nullable String name, @Nullable String description,
            @Nullable Boolean allowAutoAssign, @Nullable UUID actor) {
        var before = find(account, id);
        if (before.isEmpty()) {
            return before;
        }
        try {
            jdbc.sql("""
                    update teams set name = coalesce(:name, name), description = coalesce(:description, description),
                        allow_auto_assign = coalesce(:auto, allow_auto_assign), updated_at = now()
                    where account_id = :account and id = :id
                    """)
                    .param("name", name == null ? null : name.strip()).param("description", description)
                    .param("auto", allowAutoAssign).param("account", account.value()).param("id", id).update();
        } catch (DuplicateKeyException e) {
            throw ApiProblem.conflict("team-exists", "A team with this name already exists.");
        }
        var after = find(account, id).orElseThrow();
        var changes = new java.util.LinkedHashMap<String, Object>();
        if (!after.name().equals(before.get().name())) {
            changes.put("name", List.of(before.get().name(), after.name()));
        }
        if (!java.util.Objects.equals(after.description(), before.get().description())) {
            changes.put("description", java.util.Arrays.asList(before.get().description(), after.description()));
        }
        if (after.allowAutoAssign() != before.get().allowAutoAssign()) {
            changes.put("allow_auto_assign", List.of(before.get().allowAutoAssign(), after.allowAutoAssign()));
        }
        if (!changes.isEmpty()) {
            events.publishEvent(new TeamChanged(account, id, "team.updated", changes, actor));
        }
        return Optional.of(after);
    }

    @Transactional
    public boolean delete(AccountId account, UUID id, @Nullable UUID actor) {
        var deleted = jdbc.sql("delete from teams where account_id = :account and id = :id")
                .param("account", account.value()).param("id", id).update() > 0;
        if (deleted) {
            events.publishEvent(new TeamChanged(account, id, "team.deleted", java.util.Map.of(), actor));
        }
        return deleted;
    }

    @Transactional(readOnly = true)
    public List<TeamMember> members(AccountId account, UUID teamId) {
        return jdbc.sql("""
                select u.id, u.name, u.email, t.created_at from team_members t join users u on u.id = t.user_id
                where t.account_id = :account and t.team_id = :team order by u.name, u.id
                """)
                .param("account", account.value()).param("team", teamId)
                .query((rs, n) -> new TeamMember(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                        rs.getTimestamp(4).toInstant()))
                .list();
    }

    @Transactional
    public void addMember(AccountId account, UUID teamId, UUID userId, @Nullable UUID actor) {
        if (find(account, teamId).isEmpty()) {
            throw ApiProblem.notFound("team");
        }
        if (!memberships.isMember(account, userId)) {
            throw ApiProblem.invalid("user_id", "must be a member of the account");
        }
        var added = jdbc.sql("""
                insert into team_members (account_id, team_id, user_id) values (:account, :team, :user)
                on conflict do nothing
                """)
                .param("account", account.value()).param("team", teamId).param("user", userId).update() > 0;
        if (added) {
            events.publishEvent(new TeamChanged(account, teamId, "team.member_added",
                    java.util.Map.of("user_id", userId.toString()), actor));
        }
    }

    @Transactional
    public boolean removeMember(AccountId account, UUID teamId, UUID userId, @Nullable UUID actor) {
        var removed = jdbc.sql("delete from team_members where account_id = :account and team_id = :team and user_id = :user")
                .param("account", account.value()).param("team", teamId).param("user", userId).update() > 0;
        if (removed) {
            events.publishEvent(new TeamChanged(account, teamId, "team.member_removed",
                    java.util.Map.of("user_id", userId.toString()), actor));
        }
        return removed;
    }

    private static Team team(ResultSet rs, int row) throws SQLException {
        return new Team(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("description"),
                rs.getBoolean("allow_auto_assign"), rs.getObject("chatwoot_team_id", Long.class),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
