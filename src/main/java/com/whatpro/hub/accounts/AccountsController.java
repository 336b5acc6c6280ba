package com.whatpro.hub.accounts;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.Tenancy;
import com.whatpro.hub.platform.security.Caller;
import com.whatpro.hub.platform.security.Callers;
import com.whatpro.hub.platform.security.MembershipDirectory;
import com.whatpro.hub.platform.security.Permission;
import com.whatpro.hub.platform.security.Requires;
import com.whatpro.hub.platform.security.Role;
import com.whatpro.hub.platform.security.SignedIn;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
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
@RequestMapping("/api/v1/accounts")
@Tag(name = "Accounts")
class AccountsController {

    private final Accounts accounts;
    private final MembershipDirectory memberships;

    AccountsController(Accounts accounts, MembershipDirectory memberships) {
        this.accounts = accounts;
        this.memberships = memberships;
    }

    record AccountView(long id, String name, String plan, String status, @Nullable Long chatwootAccountId,
            String locale, Map<String, Object> settings, Instant createdAt, Instant updatedAt) {

        static AccountView of(Account account) {
            return new AccountView(account.id().value(), account.name(), account.plan(),
                    account.status().name().toLowerCase(), account.chatwootAccountId(), account.locale(),
                    account.settings(), account.createdAt(), account.updatedAt());
        }
    }

    record AccountList(List<AccountView> items, @Nullable String nextCursor) {
    }

    record CreateAccount(@NotBlank @Size(max = 200) String name, @Nullable String plan,
            @Nullable @Positive Long chatwootAccountId, @Nullable @Pattern(regexp = "[a-z]{2}([_-][A-Za-z]{2})?") String locale) {
    }

    record UpdateAccount(@Nullable @Size(min = 1, max = 200) String name,
            @Nullable @Pattern(regexp = "[a-z]{2}([_-][A-Za-z]{2})?") String locale,
            @Nullable Map<String, Object> settings, @Nullable String plan,
            @Nullable @Pattern(regexp = "active|inactive") String status) {
    }

    @Operation(summary = "List the accounts (super_admin: all; others: their own)")
    @GetMapping
    @SignedIn
    AccountList list() {
        var caller = Callers.required();
        var visible = switch (caller) {
            case Caller.User user when user.superAdmin() -> accounts.all();
            case Caller.User user -> accounts.all(memberships.accountsOf(user.userId()));
            case Caller.ApiKey key -> accounts.all(List.of(key.account()));
        };
        return new AccountList(visible.stream().map(AccountView::of).toList(), null);
    }

    @Operation(summary = "Create an account (super_admin)")
    @PostMapping
    @Requires(Permission.ACCOUNT_MANAGE)
    @ResponseStatus(HttpStatus.CREATED)
    ResponseEntity<AccountView> create(@Valid @RequestBody CreateAccount request) {
        var plan = request.plan() == null ? Plans.DEFAULT : request.plan();
        if (!Plans.exists(plan)) {
            throw ApiProblem.invalid("plan", "must be one of " + Plans.NAMES);
        }
        // a platform-wide operation: the new account is nobody's tenant scope yet, and its audit row names it
        var created = Tenancy.callAsPlatform(() -> accounts.create(new Accounts.NewAccount(request.name().strip(),
                plan, request.chatwootAccountId(), request.locale() == null ? "en" : request.locale())));
        return ResponseEntity.status(HttpStatus.CREATED).body(AccountView.of(created));
    }

    @Operation(summary = "Get an account")
    @GetMapping("/{accountId}")
    @Requires(Permission.ACCOUNT_READ)
    AccountView get(@PathVariable long accountId) {
        return accounts.find(AccountId.of(accountId)).map(AccountView::of)
                .orElseThrow(() -> ApiProblem.notFound("account"));
    }

    @Operation(summary = "Change an account's name, locale or settings (plan and status: super_admin)")
    @PatchMapping("/{accountId}")
    @Requires(Permission.ACCOUNT_UPDATE)
    AccountView update(@PathVariable long accountId, @Valid @RequestBody UpdateAccount request) {
        var access = Callers.requiredAccess();
        if ((request.plan() != null || request.status() != null) && access.roleOrAgent() != Role.SUPER_ADMIN) {
            throw ApiProblem.forbidden("Only a super_admin changes an account's plan or status.");
        }
        if (request.plan() != null && !Plans.exists(request.plan())) {
            throw ApiProblem.invalid("plan", "must be one of " + Plans.NAMES);
        }
        var status = request.status() == null ? null : Account.Status.valueOf(request.status().toUpperCase());
        return accounts.update(AccountId.of(accountId),
                        new Accounts.AccountUpdate(request.name(), request.locale(), request.settings(), request.plan(), status),
                        access.caller().id())
                .map(AccountView::of).orElseThrow(() -> ApiProblem.notFound("account"));
    }

    @Operation(summary = "Deactivate an account (super_admin)")
    @DeleteMapping("/{accountId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Requires(Permission.ACCOUNT_MANAGE)
    ResponseEntity<Void> deactivate(@PathVariable long accountId) {
        accounts.update(AccountId.of(accountId), new Accounts.AccountUpdate(null, null, null, null, Account.Status.INACTIVE),
                Callers.required().id()).orElseThrow(() -> ApiProblem.notFound("account"));
        return ResponseEntity.noContent().build();
    }
}
