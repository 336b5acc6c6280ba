package com.whatpro.hub.identity;

import java.time.Instant;
import java.util.UUID;

import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.security.Callers;
import com.whatpro.hub.platform.security.Permission;
import com.whatpro.hub.platform.security.Requires;
import com.whatpro.hub.platform.security.Role;
import com.whatpro.hub.platform.web.Paging;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
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
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/accounts/{accountId}/users")
@Tag(name = "Users")
class AccountUsersController {

    private static final String ROLES = "admin|supervisor|agent";

    private final AccountUsers accountUsers;
    private final Memberships memberships;

    AccountUsersController(AccountUsers accountUsers, Memberships memberships) {
        this.accountUsers = accountUsers;
        this.memberships = memberships;
    }

    record MemberView(UUID id, String email, String name, String role, String availability, Instant createdAt) {
        static MemberView of(Memberships.Member member) {
            return new MemberView(member.userId(), member.email(), member.name(), member.role().json(),
                    member.availability(), member.createdAt());
        }
    }

    record AddMember(@NotBlank @Email @Size(max = 320) String email, @NotBlank @Size(max = 200) String name,
            @NotBlank @Pattern(regexp = ROLES) String role, @Nullable @Size(min = 12, max = 1024) String password) {
    }

    record UpdateMember(@Nullable @Size(min = 1, max = 200) String name, @Nullable @Pattern(regexp = ROLES) String role,
            @Nullable @Pattern(regexp = "online|busy|offline") String availability) {
    }

    @Operation(summary = "List the account's members")
    @GetMapping
    @Requires(Permission.USERS_READ)
    Paging.Page<MemberView> list(@PathVariable long accountId, @RequestParam(required = false) @Nullable Integer limit,
            @RequestParam(required = false) @Nullable UUID cursor) {
        var size = Paging.limit(limit);
        var rows = accountUsers.page(Callers.requiredAccess().account(), cursor, size + 1);
        return Paging.of(rows, size, MemberView::of, member -> member.userId().toString());
    }

    @Operation(summary = "Add a member to the account")
    @PostMapping
    @Requires(Permission.USERS_WRITE)
    @ResponseStatus(HttpStatus.CREATED)
    ResponseEntity<MemberView> add(@PathVariable long accountId, @Valid @RequestBody AddMember request) {
        var member = accountUsers.add(Callers.requiredAccess(), new AccountUsers.NewMember(request.email(),
                request.name(), Role.fromJson(request.role()), request.password()));
        return ResponseEntity.status(HttpStatus.CREATED).body(MemberView.of(member));
    }

    @Operation(summary = "Get a member")
    @GetMapping("/{userId}")
    @Requires(Permission.USERS_READ)
    MemberView get(@PathVariable long accountId, @PathVariable UUID userId) {
        return memberships.member(Callers.requiredAccess().account(), userId).map(MemberView::of)
                .orElseThrow(() -> ApiProblem.notFound("user"));
    }

    @Operation(summary = "Change a member's name, role or availability")
    @PatchMapping("/{userId}")
    @Requires(Permission.USERS_WRITE)
    MemberView update(@PathVariable long accountId, @PathVariable UUID userId, @Valid @RequestBody UpdateMember request) {
        var access = Callers.requiredAccess();
        var profileShared = request.name() != null && accountUsers.belongsElsewhere(access.account(), userId);
        var update = new AccountUsers.MemberUpdate(request.name(),
                request.role() == null ? null : Role.fromJson(request.role()), request.availability(), profileShared);
        return accountUsers.update(access, userId, update).map(MemberView::of)
                .orElseThrow(() -> ApiProblem.notFound("user"));
    }

    @Operation(summary = "Remove a member from the account")
    @DeleteMapping("/{userId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Requires(Permission.USERS_WRITE)
    ResponseEntity<Void> remove(@PathVariable long accountId, @PathVariable UUID userId) {
        if (!accountUsers.remove(Callers.requiredAccess(), userId)) {
            throw ApiProblem.notFound("user");
        }
        return ResponseEntity.noContent().build();
    }
}
