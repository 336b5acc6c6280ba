package com.whatpro.hub.providers;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.PlatformSettings;
import com.whatpro.hub.platform.security.Callers;
import com.whatpro.hub.platform.security.Permission;
import com.whatpro.hub.platform.security.AccountAccess;
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
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
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
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

@RestController
@RequestMapping("/api/v1/accounts/{accountId}/providers")
@Tag(name = "Providers")
class ProvidersController {

    private final Providers providers;
    private final ProviderHealth health;
    private final WebhookRegistrations registrations;
    private final PlatformSettings settings;
    private final NumberLifecycle lifecycle;
    private final ConnectionStream stream;
    private final JsonMapper json;

    ProvidersController(Providers providers, ProviderHealth health, WebhookRegistrations registrations,
            PlatformSettings settings, NumberLifecycle lifecycle, ConnectionStream stream, JsonMapper json) {
        this.providers = providers;
        this.lifecycle = lifecycle;
        this.stream = stream;
        this.json = json;
        this.health = health;
        this.registrations = registrations;
        this.settings = settings;
    }

    /**
     * A provider as clients see it: never its credentials.
     *
     * @param webhookUrl only for those who may change the provider
     * @param webhookRegistration whether {@code webhook_url} is registered at the provider; null for a provider
     *        created before the hub registered webhooks, until it is registered
     * @param status connected, connecting, disconnected, refused, error, or unknown before the first word of it
     * @param provisioned whether the hub created the instance at the provider
     */
    record ProviderView(UUID id, String name, ProviderType type, String baseUrl, @Nullable String instanceName,
            @Nullable Long chatwootInboxId, String status, @Nullable String statusDetail, @Nullable Instant checkedAt,
            @Nullable Instant lastEventAt, @Nullable String webhookUrl,
            @Nullable RegistrationView webhookRegistration, Instant createdAt, Instant updatedAt,
            @Nullable String phoneNumber, @Nullable String profileName, boolean provisioned,
            @Nullable Instant connectionUpdatedAt) {
    }

    /** @param phoneNumber for a pairing code to enter on that phone instead of a QR code, e.g. +5511999999999 */
    record ConnectRequest(@Nullable @Size(max = 32) String phoneNumber) {
    }

    /**
     * Whether the webhook URL is registered at the provider.
     *
     * @param callbackUrl when the webhook has to be configured by hand ({@code manual}), the URL to enter there; only
     *        for those who may see {@code webhook_url}
     */
    record RegistrationView(WebhookRegistration.Status status, @Nullable String detail, Instant at,
            @Nullable String callbackUrl) {
    }

    record ProviderList(List<ProviderView> items, @Nullable String nextCursor) {
    }

    record CreateProvider(
            @NotBlank @Size(max = 200) String name,
            @NotBlank String type,
            @Nullable @Size(max = 2000) String baseUrl,
            @Nullable @Size(max = 200) String instanceName,
            @Nullable @Positive Long chatwootInboxId,
            @NotNull Map<String, Object> credentials,
            @Nullable Boolean provision) {
    }

    record UpdateProvider(
            @Nullable @Size(min = 1, max = 200) String name,
            @Nullable @Size(max = 2000) String baseUrl,
            @Nullable @Size(max = 200) String instanceName,
            @Nullable @Positive Long chatwootInboxId,
            @Nullable Map<String, Object> credentials,
            @Nullable Boolean rotateWebhookSecret) {
    }

    @Operation(summary = "List the account's WhatsApp numbers (providers)")
    @GetMapping
    @Requires(Permission.PROVIDERS_READ)
    ProviderList list(@PathVariable long accountId) {
        var access = Callers.requiredAccess();
        var showUrls = access.allows(Permission.PROVIDERS_WRITE);
        var registered = registrations.ofAccount(access.account());
        return new ProviderList(providers.list(access.account()).stream()
                .map(provider -> view(provider, showUrls ? secretOf(provider) : null, registered.get(provider.id())))
                .toList(), null);
    }

    @PostMapping
    @Requires(Permission.PROVIDERS_WRITE)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Connect a WhatsApp number",
            description = "The answer carries the webhook URL. With WHATPRO_PUBLIC_URL set, the hub registers it at "
                    + "the provider (Evolution API, uazapi) right after the create; webhook_registration tells how "
                    + "that went. Cloud API webhooks are configured by hand in the Meta app. With provision: true "
                    + "(evolution, uazapi) the hub creates the instance at the provider with its webhook already set, "
                    + "or adopts the instance of that instance_name: credentials are then Evolution's global api_key "
                    + "or uazapi's admin_token, used once and never stored.")
    ResponseEntity<ProviderView> create(@PathVariable long accountId, @Valid @RequestBody CreateProvider request) {
        var access = Callers.requiredAccess();
        ProviderType type;
        try {
            type = ProviderType.fromJson(request.type());
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalid("type", "must be one of evolution, uazapi, cloud_api");
        }
        if (Boolean.TRUE.equals(request.provision())) {
            var admin = CredentialFields.parseAdmin(type, request.credentials());
            var provisioned = providers.provision(access.account(), new Providers.NewProvision(request.name(), type,
                    uri(request.baseUrl()), request.instanceName(), request.chatwootInboxId(), admin.key(),
                    admin.webhookToken()), access.caller().id());
            return ResponseEntity.status(HttpStatus.CREATED).body(view(provisioned.provider(),
                    provisioned.webhookSecret(),
                    registrations.find(access.account(), provisioned.provider().id()).orElse(null)));
        }
        var credentials = CredentialFields.parse(type, request.credentials());
        var created = providers.create(access.account(), new Providers.NewProvider(request.name(), type,
                uri(request.baseUrl()), request.instanceName(), request.chatwootInboxId(), credentials),
                access.caller().id());
        return ResponseEntity.status(HttpStatus.CREATED).body(view(created.provider(), created.webhookSecret(),
                registrations.find(access.account(), created.provider().id()).orElse(null)));
    }

    @Operation(summary = "Get a provider")
    @GetMapping("/{providerId}")
    @Requires(Permission.PROVIDERS_READ)
    ProviderView get(@PathVariable long accountId, @PathVariable UUID providerId) {
        var access = Callers.requiredAccess();
        var provider = providers.find(access.account(), providerId).orElseThrow(() -> ApiProblem.notFound("provider"));
        return view(provider, access.allows(Permission.PROVIDERS_WRITE) ? secretOf(provider) : null,
                registrations.find(access.account(), providerId).orElse(null));
    }

    @PatchMapping("/{providerId}")
    @Requires(Permission.PROVIDERS_WRITE)
    @Operation(summary = "Change a provider; rotate_webhook_secret: true replaces its webhook URL",
            description = "A new base_url, instance_name, credentials or webhook URL is registered at the provider "
                    + "again, in the background, as on create.")
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
        return view(updated, secretOf(updated), registrations.find(account, providerId).orElse(null));
    }

    @DeleteMapping("/{providerId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Requires(Permission.PROVIDERS_WRITE)
    @Operation(summary = "Delete a number; a provisioned one's instance at the provider too",
            description = "keep_instance=true keeps the instance at the provider. When the provider refuses to delete "
                    + "the instance, nothing is deleted (502 provider-rejected).")
    ResponseEntity<Void> delete(@PathVariable long accountId, @PathVariable UUID providerId,
            @RequestParam(name = "keep_instance", defaultValue = "false") boolean keepInstance) {
        var access = Callers.requiredAccess();
        if (!lifecycle.delete(access.account(), providerId, keepInstance, access.caller().id())) {
            throw ApiProblem.notFound("provider");
        }
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{providerId}/connect")
    @Requires(Permission.PROVIDERS_WRITE)
    @Operation(summary = "Start linking the number: a QR code, or a pairing code for phone_number",
            description = "qr_code is a data:image/png;base64 URL; expires_at tells how long the code can be used "
                    + "(new ones follow on GET connection and the events stream). Answers connected when already "
                    + "linked. Evolution gives a pairing code only from a closed instance: log out first.")
    Providers.NumberConnection connect(@PathVariable long accountId, @PathVariable UUID providerId,
            @Valid @RequestBody(required = false) @Nullable ConnectRequest request) {
        var access = Callers.requiredAccess();
        String phone = null;
        if (request != null && request.phoneNumber() != null && !request.phoneNumber().isBlank()) {
            try {
                phone = PhoneNumbers.toE164(request.phoneNumber());
            } catch (IllegalArgumentException e) {
                throw ApiProblem.invalid("phone_number", "must be a phone number in E.164, e.g. +5511999999999");
            }
        }
        return lifecycle.connect(access.account(), providerId, phone, access.caller().id())
                .orElseThrow(() -> ApiProblem.notFound("provider"));
    }

    @GetMapping("/{providerId}/connection")
    @Requires(Permission.PROVIDERS_READ)
    @Operation(summary = "The number's connection: state, QR or pairing code while connecting, phone and profile",
            description = "qr_code and pairing_code are null for callers without providers:write (agents, "
                    + "supervisors): scanning them links a phone as the account's number")
    Providers.NumberConnection connection(@PathVariable long accountId, @PathVariable UUID providerId) {
        var access = Callers.requiredAccess();
        var connection = providers.connection(access.account(), providerId)
                .orElseThrow(() -> ApiProblem.notFound("provider"));
        return seesCodes(access) ? connection : connection.withoutCodes();
    }

    /**
     * Whoever scans the QR code or enters the pairing code links their phone as the account's number, so only those
     * who may connect it see the codes; the others see the state.
     */
    private static boolean seesCodes(AccountAccess access) {
        return access.allows(Permission.PROVIDERS_WRITE);
    }

    @GetMapping(path = "/{providerId}/events",
            produces = {MediaType.TEXT_EVENT_STREAM_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
    @Requires(Permission.PROVIDERS_READ)
    @Operation(summary = "Server-Sent Events of the number: connection.updated with the connection, first as it is "
            + "now, then whenever its state, code, phone or profile changes",
            description = "qr_code and pairing_code are null for callers without providers:write. The stream ends, "
                    + "without a further event, once the caller may no longer read the number, or no longer see the "
                    + "codes it was opened with: the session or API key revoked or expired, the member removed or "
                    + "given another role, the account deactivated.")
    SseEmitter events(@PathVariable long accountId, @PathVariable UUID providerId, HttpServletRequest request,
            HttpServletResponse response) {
        var access = Callers.requiredAccess();
        var account = access.account();
        var now = providers.connection(account, providerId).orElseThrow(() -> ApiProblem.notFound("provider"));
        var codes = seesCodes(access);
        // the stream ends with an async dispatch that passes the route guard again: keep the caller for it
        new RequestAttributeSecurityContextRepository().saveContext(SecurityContextHolder.getContext(), request,
                response);
        response.setHeader("X-Accel-Buffering", "no");
        response.setHeader("Cache-Control", "no-cache");
        return stream.subscribe(access, providerId, json.writeValueAsString(codes ? now : now.withoutCodes()),
                codes);
    }

    @PostMapping("/{providerId}/logout")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Requires(Permission.PROVIDERS_WRITE)
    @Operation(summary = "Unlink WhatsApp from the number at the provider; the instance stays",
            description = "202: Evolution finishes the logout after answering; the state follows on the events "
                    + "stream.")
    ResponseEntity<Void> logout(@PathVariable long accountId, @PathVariable UUID providerId) {
        var access = Callers.requiredAccess();
        if (!lifecycle.logout(access.account(), providerId, access.caller().id())) {
            throw ApiProblem.notFound("provider");
        }
        return ResponseEntity.accepted().build();
    }

    @PostMapping("/{providerId}/restart")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Requires(Permission.PROVIDERS_WRITE)
    @Operation(summary = "Restart the number's WhatsApp session at the provider (Evolution)",
            description = "Only a connected or connecting Evolution instance restarts; uazapi has no restart (422).")
    ResponseEntity<Void> restart(@PathVariable long accountId, @PathVariable UUID providerId) {
        var access = Callers.requiredAccess();
        if (!lifecycle.restart(access.account(), providerId, access.caller().id())) {
            throw ApiProblem.notFound("provider");
        }
        return ResponseEntity.accepted().build();
    }

    @PostMapping("/{providerId}/health-check")
    @Requires(Permission.PROVIDERS_WRITE)
    @Operation(summary = "Ask the provider now whether the number is connected")
    HealthCheck healthCheck(@PathVariable long accountId, @PathVariable UUID providerId) {
        return health.check(Callers.requiredAccess().account(), providerId)
                .orElseThrow(() -> ApiProblem.notFound("provider"));
    }

    @PostMapping("/{providerId}/webhook-registration")
    @Requires(Permission.PROVIDERS_WRITE)
    @Operation(summary = "Register the webhook URL at the provider now",
            description = "Answers the outcome, also when the provider refuses or cannot be reached (status failed, "
                    + "with the reason in detail), as health-check does. Without WHATPRO_PUBLIC_URL nothing is "
                    + "registered (skipped); Cloud API answers manual with the callback URL to enter in the Meta app.")
    RegistrationView registerWebhook(@PathVariable long accountId, @PathVariable UUID providerId) {
        var account = Callers.requiredAccess().account();
        var registration = registrations.register(account, providerId)
                .orElseThrow(() -> ApiProblem.notFound("provider"));
        var manual = registration.status() == WebhookRegistration.Status.MANUAL;
        return registrationView(registration, manual ? webhookUrl(providerId, secretOf(account, providerId)) : null);
    }

    private @Nullable String secretOf(Provider provider) {
        return secretOf(provider.account(), provider.id());
    }

    private @Nullable String secretOf(AccountId account, UUID id) {
        return providers.webhookSecret(account, id).orElse(null);
    }

    private @Nullable String webhookUrl(UUID provider, @Nullable String webhookSecret) {
        return webhookSecret == null ? null
                : PublicUrls.of(settings, WebhookRegistrations.webhookPath(provider, webhookSecret));
    }

    private ProviderView view(Provider provider, @Nullable String webhookSecret,
            @Nullable WebhookRegistration registration) {
        var url = webhookUrl(provider.id(), webhookSecret);
        return new ProviderView(provider.id(), provider.name(), provider.type(), provider.baseUrl().toString(),
                provider.instanceName(), provider.chatwootInboxId(),
                provider.status() == null ? "unknown" : provider.status().jsonName(), provider.statusDetail(),
                provider.checkedAt(), provider.lastEventAt(), url,
                registration == null ? null : registrationView(registration, url), provider.createdAt(),
                provider.updatedAt(), provider.phoneNumber(), provider.profileName(), provider.provisioned(),
                provider.connectionUpdatedAt());
    }

    private static RegistrationView registrationView(WebhookRegistration registration, @Nullable String webhookUrl) {
        return new RegistrationView(registration.status(), registration.detail(), registration.at(),
                registration.status() == WebhookRegistration.Status.MANUAL ? webhookUrl : null);
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
