package com.whatpro.hub.providers;

import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.PlatformSettings;
import com.whatpro.hub.platform.security.Callers;
import com.whatpro.hub.platform.security.Permission;
import com.whatpro.hub.platform.security.Requires;
import com.whatpro.hub.platform.web.PublicUrls;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/accounts/{accountId}/providers")
@Tag(name = "Providers")
class ProvidersController {

    static final String WEBHOOK_PATH = "/api/v1/webhooks/providers/";

    private final Providers providers;
    private final ProviderHealth health;
    private final PlatformSettings settings;

    ProvidersController(Providers providers, ProviderHealth health, PlatformSettings settings) {
        this.providers = providers;
        this.health = health;
        this.settings = settings;
    }

    /** A provider as clients see it: never its credentials. */
    record ProviderView(UUID id, String name, ProviderType type, String baseUrl, @Nullable String instanceName,
            @Nullable Long chatwootInboxId, String status, @Nullable String statusDetail, @Nullable Instant checkedAt,
            @Nullable Instant lastEventAt, @Nullable String webhookUrl, Instant createdAt, Instant updatedAt) {
    }

    record ProviderList(List<ProviderView> items, @Nullable String nextCursor) {
    }

    record CreateProvider(
            @NotBlank @Size(max = 200) String name,
            @NotBlank String type,
            @Nullable @Size(max = 2000) String baseUrl,
            @Nullable @Size(max = 200) String instanceName,
            @Nullable @Positive Long chatwootInboxId,
            @NotNull Map<String, Object> credentials) {
    }

    record UpdateProvider(
            @Nullable @Size(min = 1, max = 200) String name,
            @Nullable @Size(max = 2000) String baseUrl,
            @Nullable @Size(max = 200) String instanceName,
            @Nullable @Positive Long chatwootInboxId,
            @Nullable Map<String, Object> credentials,
            @Nullable Boolean rotateWebhookSecret) {
    }

    @GetMapping
    @Requires(Permission.PROVIDERS_READ)
    ProviderList list(@PathVariable long accountId) {
        var access = Callers.requiredAccess();
        var showUrls = access.allows(Permission.PROVIDERS_WRITE);
        return new ProviderList(providers.list(access.account()).stream()
                .map(provider -> view(provider, showUrls ? secretOf(provider) : null)).toList(), null);
    }

    @PostMapping
    @Requires(Permission.PROVIDERS_WRITE)
    @Operation(summary = "Connect a WhatsApp number; the answer carries the webhook URL to configure at the provider")
    ResponseEntity<ProviderView> create(@PathVariable long accountId, @Valid @RequestBody CreateProvider request) {
        var access = Callers.requiredAccess();
        ProviderType type;
        try {
            type = ProviderType.fromJson(request.type());
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalid("type", "must be one of evolution, uazapi, cloud_api");
        }
        var credentials = CredentialFields.parse(type, request.credentials());
        var created = providers.create(access.account(), new Providers.NewProvider(request.name(), type,
                uri(request.baseUrl()), request.instanceName(), request.chatwootInboxId(), credentials),
                access.caller().id());
        return ResponseEntity.status(HttpStatus.CREATED).body(view(created.provider(), created.webhookSecret()));
    }

    @GetMapping("/{providerId}")
    @Requires(Permission.PROVIDERS_READ)
    ProviderView get(@PathVariable long accountId, @PathVariable UUID providerId) {
        var access = Callers.requiredAccess();
        var provider = providers.find(access.account(), providerId).orElseThrow(() -> ApiProblem.notFound("provider"));
        return view(provider, access.allows(Permission.PROVIDERS_WRITE) ? secretOf(provider) : null);
    }

    @PatchMapping("/{providerId}")
    @Requires(Permission.PROVIDERS_WRITE)
    @Operation(summary = "Change a provider; rotate_webhook_secret: true replaces its webhook URL")
    ProviderView update(@PathVariable long accountId, @PathVariable UUID providerId,
            @Valid @RequestBody UpdateProvider request) {
        var access = Callers.requiredAccess();
        var account = access.account();
        var existing = providers.find(account, providerId).orElseThrow(() -> ApiProblem.notFound("provider"));
        var credentials = request.credentials() == null ? null
                : CredentialFields.parse(existing.type(), request.credentials());
        var updated = providers.update(account, providerId, new Providers.ProviderUpdate(request.name(),
                        uri(request.baseUrl()), request.instanceName(), request.chatwootInboxId(), credentials),
                access.caller().id()).orElseThrow(() -> ApiProblem.notFound("provider"));
        if (Boolean.TRUE.equals(request.rotateWebhookSecret())) {
            providers.rotateWebhookSecret(account, providerId, access.caller().id());
        }
        return view(updated, secretOf(updated));
    }

    @DeleteMapping("/{providerId}")
    @Requires(Permission.PROVIDERS_WRITE)
    ResponseEntity<Void> delete(@PathVariable long accountId, @PathVariable UUID providerId) {
        var access = Callers.requiredAccess();
        if (!providers.delete(access.account(), providerId, access.caller().id())) {
            throw ApiProblem.notFound("provider");
        }
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{providerId}/health-check")
    @Requires(Permission.PROVIDERS_WRITE)
    @Operation(summary = "Ask the provider now whether the number is connected")
    HealthCheck healthCheck(@PathVariable long accountId, @PathVariable UUID providerId) {
        return health.check(Callers.requiredAccess().account(), providerId)
                .orElseThrow(() -> ApiProblem.notFound("provider"));
    }

    private @Nullable String secretOf(Provider provider) {
        return providers.webhookSecret(provider.account(), provider.id()).orElse(null);
    }

    private ProviderView view(Provider provider, @Nullable String webhookSecret) {
        var url = webhookSecret == null ? null
                : PublicUrls.of(settings, WEBHOOK_PATH + provider.id() + "/" + webhookSecret);
        return new ProviderView(provider.id(), provider.name(), provider.type(), provider.baseUrl().toString(),
                provider.instanceName(), provider.chatwootInboxId(),
                provider.status() == null ? "unknown" : provider.status().jsonName(), provider.statusDetail(),
                provider.checkedAt(), provider.lastEventAt(), url, provider.createdAt(), provider.updatedAt());
    }

    private static @Nullable URI uri(@Nullable String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return new URI(value.strip());
        } catch (URISyntaxException e) {
            throw ApiProblem.invalid("base_url", "is not a URL");
        }
    }
}
