package com.whatpro.hub.teams;

import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.identity.MemberRemoved;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * A user who leaves an account leaves its teams too, in the same transaction as the removal: a team member must be a
 * member of the account, and a team's members are whom a round-robin assignment picks from. Their teams of other
 * accounts stay. Each team left is recorded as {@code team.member_removed}, by whoever removed the user.
 */
@Component
class DepartedMembers {

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;

    DepartedMembers(JdbcClient jdbc, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    @EventListener
    void on(MemberRemoved removed) {
        var teams = jdbc.sql("""
                delete from team_members where account_id = :account and user_id = :user returning team_id
                """)
                .param("account", removed.account().value()).param("user", removed.userId())
                .query(UUID.class).list();
        for (var team : teams.stream().sorted().toList()) {
            events.publishEvent(new TeamChanged(removed.account(), team, "team.member_removed",
                    Map.of("user_id", removed.userId().toString()), removed.actor()));
        }
    }
}
