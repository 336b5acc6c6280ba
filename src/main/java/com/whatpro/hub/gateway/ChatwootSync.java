package com.whatpro.hub.gateway;

import com.whatpro.hub.chatwoot.ChatwootAccountClient;
import com.whatpro.hub.chatwoot.ChatwootAgent;
import com.whatpro.hub.chatwoot.ChatwootException;
import com.whatpro.hub.chatwoot.ChatwootInstallation;
import com.whatpro.hub.chatwoot.ChatwootRejected;
import com.whatpro.hub.chatwoot.ChatwootRequestInvalid;
import com.whatpro.hub.chatwoot.ChatwootTeam;
import com.whatpro.hub.identity.ChatwootMembers;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.teams.Teams;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * Pulls an account's agents and teams from its Chatwoot: each agent becomes a member (administrator → admin, others
 * agent; a higher role in the hub is kept), each team a team linked by its Chatwoot id, with its members. Agents are
 * the account's Chatwoot installation's users ({@link ChatwootMembers}): an agent whose e-mail belongs to a hub user
 * not linked to them, or who is a super_admin, is skipped. Plan limits hold: what does not fit is skipped and
 * reported, the rest is synced.
 */
@Service
class ChatwootSync {

    private final ChatwootConnections connections;
    private final ChatwootMembers members;
    private final Teams teams;

    ChatwootSync(ChatwootConnections connections, ChatwootMembers members, Teams teams) {
        this.connections = connections;
        this.members = members;
        this.teams = teams;
    }

    record Skipped(long chatwootId, String name, String reason) {
    }

    record AgentsSynced(int added, int roleRaised, int unchanged, List<Skipped> skipped) {
    }

    record TeamsSynced(int created, int updated, int unchanged, int membersAdded, List<Skipped> skipped) {
    }

    record Result(AgentsSynced agents, TeamsSynced teams) {
    }

    Result sync(AccountId account, @Nullable UUID actor) {
        var link = connections.link(account).orElseThrow(() -> new ApiProblem(HttpStatus.CONFLICT,
                "chatwoot-not-connected", "Conflict", "Connect Chatwoot first (PUT /accounts/{id}/chatwoot)."));
        var chatwoot = link.client();
        var installation = ChatwootInstallation.of(link.connection().baseUrl());
        try {
            var users = new HashMap<Long, UUID>();
            var agents = agents(account, installation, chatwoot.agents(), users, actor);
            var synced = teams(account, chatwoot, users, actor);
            return new Result(agents, synced);
        } catch (ChatwootRejected | ChatwootRequestInvalid e) {
            throw new ApiProblem(HttpStatus.BAD_GATEWAY, "chatwoot-rejected", "Bad Gateway",
                    "Chatwoot refused the request: check the connection's API token and account. " + e.getMessage());
        } catch (ChatwootException e) {
            throw new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "chatwoot-unavailable", "Service Unavailable",
                    "Chatwoot could not be reached; try again shortly.");
        }
    }

    private AgentsSynced agents(AccountId account, ChatwootInstallation installation, List<ChatwootAgent> agents,
            Map<Long, UUID> users, @Nullable UUID actor) {
        int added = 0;
        int raised = 0;
        int unchanged = 0;
        var skipped = new ArrayList<Skipped>();
        for (var agent : agents) {
            try {
                var synced = members.upsert(account, installation, agent.id(), agent.email(), agent.name(),
                        "administrator".equalsIgnoreCase(agent.role()), actor);
                users.put(agent.id(), synced.userId());
                switch (synced.outcome()) {
                    case ADDED -> added++;
                    case ROLE_RAISED -> raised++;
                    case UNCHANGED -> unchanged++;
                }
            } catch (ApiProblem refused) {
                skipped.add(new Skipped(agent.id(), agent.name(), refused.getMessage()));
            }
        }
        return new AgentsSynced(added, raised, unchanged, skipped);
    }

    private TeamsSynced teams(AccountId account, ChatwootAccountClient chatwoot, Map<Long, UUID> users,
            @Nullable UUID actor) {
        int created = 0;
        int updated = 0;
        int unchanged = 0;
        int membersAdded = 0;
        var skipped = new ArrayList<Skipped>();
        for (ChatwootTeam remote : chatwoot.teams()) {
            Teams.Team team;
            try {
                var existing = teams.findByChatwootTeamId(account, remote.id());
                if (existing.isEmpty()) {
                    team = teams.create(account, remote.name(), remote.description(), remote.allowAutoAssign(),
                            remote.id(), actor);
                    created++;
                } else if (!existing.get().name().equals(remote.name().strip())
                        || !Objects.equals(existing.get().description(), remote.description())) {
                    team = teams.update(account, existing.get().id(), remote.name(), remote.description(),
                            remote.allowAutoAssign(), actor).orElseThrow();
                    updated++;
                } else {
                    team = existing.get();
                    unchanged++;
                }
            } catch (ApiProblem refused) {
                skipped.add(new Skipped(remote.id(), remote.name(), refused.getMessage()));
                continue;
            }
            for (var agent : chatwoot.teamMembers(remote.id())) {
                var user = users.get(agent.id());
                if (user == null) {
                    continue;
                }
                var before = teams.members(account, team.id()).stream().anyMatch(m -> m.userId().equals(user));
                if (!before) {
                    try {
                        teams.addMember(account, team.id(), user, actor);
                        membersAdded++;
                    } catch (ApiProblem refused) {
                        // not a member of the account (skipped above): nothing to add
                    }
                }
            }
        }
        return new TeamsSynced(created, updated, unchanged, membersAdded, skipped);
    }
}
