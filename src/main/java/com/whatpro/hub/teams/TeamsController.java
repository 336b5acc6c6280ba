package com.whatpro.hub.teams;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.security.Callers;
import com.whatpro.hub.platform.security.Permission;
import com.whatpro.hub.platform.security.Requires;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/accounts/{accountId}/teams")
@Tag(name = "Teams")
class TeamsController {

    private final Teams teams;

    TeamsController(Teams teams) {
        this.teams = teams;
    }

    record TeamView(UUID id, String name, @Nullable String description, boolean allowAutoAssign,
            @Nullable Long chatwootTeamId, Instant createdAt, Instant updatedAt) {
        static TeamView of(Teams.Team team) {
            return new TeamView(team.id(), team.name(), team.description(), team.allowAutoAssign(),
                    team.chatwootTeamId(), team.createdAt(), team.updatedAt());
        }
    }

    record TeamList(List<TeamView> items, @Nullable String nextCursor) {
    }

    record MemberView(UUID id, String name, String email, Instant addedAt) {
    }

    record MemberList(List<MemberView> items, @Nullable String nextCursor) {
    }

    record CreateTeam(@NotBlank @Size(max = 200) String name, @Nullable @Size(max = 2000) String description,
            @Nullable Boolean allowAutoAssign) {
    }

    record UpdateTeam(@Nullable @Size(min = 1, max = 200) String name, @Nullable @Size(max = 2000) String description,
            @Nullable Boolean allowAutoAssign) {
    }

    record AddMember(@NotNull UUID userId) {
    }

    @Operation(summary = "List the account's teams")
    @GetMapping
    @Requires(Permission.TEAMS_READ)
    TeamList list(@PathVariable long accountId) {
        return new TeamList(teams.list(Callers.requiredAccess().account()).stream().map(TeamView::of).toList(), null);
    }

    @Operation(summary = "Create a team")
    @PostMapping
    @Requires(Permission.TEAMS_WRITE)
    @ResponseStatus(HttpStatus.CREATED)
    ResponseEntity<TeamView> create(@PathVariable long accountId, @Valid @RequestBody CreateTeam request) {
        var access = Callers.requiredAccess();
        var team = teams.create(access.account(), request.name(), request.description(),
                request.allowAutoAssign() == null || request.allowAutoAssign(), null, access.caller().id());
        return ResponseEntity.status(HttpStatus.CREATED).body(TeamView.of(team));
    }

    @Operation(summary = "Get a team")
    @GetMapping("/{teamId}")
    @Requires(Permission.TEAMS_READ)
    TeamView get(@PathVariable long accountId, @PathVariable UUID teamId) {
        return teams.find(Callers.requiredAccess().account(), teamId).map(TeamView::of)
                .orElseThrow(() -> ApiProblem.notFound("team"));
    }

    @Operation(summary = "Change a team")
    @PatchMapping("/{teamId}")
    @Requires(Permission.TEAMS_WRITE)
    TeamView update(@PathVariable long accountId, @PathVariable UUID teamId, @Valid @RequestBody UpdateTeam request) {
        var access = Callers.requiredAccess();
        return teams.update(access.account(), teamId, request.name(), request.description(), request.allowAutoAssign(),
                        access.caller().id())
                .map(TeamView::of).orElseThrow(() -> ApiProblem.notFound("team"));
    }

    @Operation(summary = "Delete a team")
    @DeleteMapping("/{teamId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Requires(Permission.TEAMS_WRITE)
    ResponseEntity<Void> delete(@PathVariable long accountId, @PathVariable UUID teamId) {
        var access = Callers.requiredAccess();
        if (!teams.delete(access.account(), teamId, access.caller().id())) {
            throw ApiProblem.notFound("team");
        }
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "List a team's members")
    @GetMapping("/{teamId}/members")
    @Requires(Permission.TEAMS_READ)
    MemberList members(@PathVariable long accountId, @PathVariable UUID teamId) {
        var account = Callers.requiredAccess().account();
        if (teams.find(account, teamId).isEmpty()) {
            throw ApiProblem.notFound("team");
        }
        return new MemberList(teams.members(account, teamId).stream()
                .map(m -> new MemberView(m.userId(), m.name(), m.email(), m.addedAt())).toList(), null);
    }

    @Operation(summary = "Add members to a team")
    @PostMapping("/{teamId}/members")
    @ResponseStatus(HttpStatus.CREATED)
    @Requires(Permission.TEAM_MEMBERS_WRITE)
    ResponseEntity<MemberList> addMember(@PathVariable long accountId, @PathVariable UUID teamId,
            @Valid @RequestBody AddMember request) {
        var access = Callers.requiredAccess();
        teams.addMember(access.account(), teamId, request.userId(), access.caller().id());
        return ResponseEntity.status(HttpStatus.CREATED).body(members(accountId, teamId));
    }

    @Operation(summary = "Remove a member from a team")
    @DeleteMapping("/{teamId}/members/{userId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Requires(Permission.TEAM_MEMBERS_WRITE)
    ResponseEntity<Void> removeMember(@PathVariable long accountId, @PathVariable UUID teamId, @PathVariable UUID userId) {
        var access = Callers.requiredAccess();
        if (!teams.removeMember(access.account(), teamId, userId, access.caller().id())) {
            throw ApiProblem.notFound("team member");
        }
        return ResponseEntity.noContent().build();
    }
}
