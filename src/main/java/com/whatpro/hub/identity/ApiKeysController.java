package com.whatpro.hub.identity;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;

import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.security.Callers;
import com.whatpro.hub.platform.security.Permission;
import com.whatpro.hub.platform.security.Requires;
import com.whatpro.hub.platform.security.Scopes;
import com.whatpro.hub.platform.web.InstantRange;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/accounts/{accountId}/api-keys")
@Tag(name = "API keys")
class ApiKeysController {

    private final ApiKeys apiKeys;

    ApiKeysController(ApiKeys apiKeys) {
        this.apiKeys = apiKeys;
    }

    record KeyView(UUID id, String name, String prefix, List<String> scopes, @Nullable Instant expiresAt,
            @Nullable Instant lastUsedAt, @Nullable Instant revokedAt, Instant createdAt) {
        static KeyView of(ApiKeys.Key key) {
            return new KeyView(key.id(), key.name(), key.prefix(), key.scopes(), key.expiresAt(), key.lastUsedAt(),
                    key.revokedAt(), key.createdAt());
        }
    }

    record CreatedKey(UUID id, String name, String prefix, List<String> scopes, @Nullable Instant expiresAt,
            Instant createdAt, String key) {
    }

    record CreateKey(@NotBlank @Size(max = 200) String name, @NotEmpty List<@NotBlank String> scopes,
            @Nullable @InstantRange Instant expiresAt) {
    }

    record KeyList(List<KeyView> items, @Nullable String nextCursor) {
    }

    @Operation(summary = "List the account's API keys (never the keys themselves)")
    @GetMapping
    @Requires(Permission.API_KEYS_MANAGE)
    KeyList list(@PathVariable long accountId) {
        return new KeyList(apiKeys.list(Callers.requiredAccess().account()).stream().map(KeyView::of).toList(), null);
    }

    @PostMapping
    @Requires(Permission.API_KEYS_MANAGE)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Issue a key; the full key appears only in this answer")
    ResponseEntity<CreatedKey> create(@PathVariable long accountId, @Valid @RequestBody CreateKey request) {
        var unknown = request.scopes().stream().filter(scope -> !Scopes.ALL.contains(scope)).toList();
        if (!unknown.isEmpty()) {
            throw ApiProblem.invalid("scopes", "unknown scopes " + unknown + "; allowed: " + Scopes.ALL.stream().sorted().toList());
        }
        if (request.expiresAt() != null && !request.expiresAt().isAfter(Instant.now())) {
            throw ApiProblem.invalid("expires_at", "must be in the future");
        }
        var access = Callers.requiredAccess();
        var issued = apiKeys.create(access.account(), request.name(), new HashSet<>(request.scopes()),
                request.expiresAt(), access.caller().id());
        var key = issued.key();
        return ResponseEntity.status(HttpStatus.CREATED).header("Cache-Control", "no-store").body(new CreatedKey(
                key.id(), key.name(), key.prefix(), key.scopes(), key.expiresAt(), key.createdAt(), issued.secretKey()));
    }

    @Operation(summary = "Revoke an API key")
    @DeleteMapping("/{keyId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Requires(Permission.API_KEYS_MANAGE)
    ResponseEntity<Void> revoke(@PathVariable long accountId, @PathVariable UUID keyId) {
        var access = Callers.requiredAccess();
        if (!apiKeys.revoke(access.account(), keyId, access.caller().id())) {
            throw ApiProblem.notFound("API key");
        }
        return ResponseEntity.noContent().build();
    }
}
