package com.whatpro.hub.gateway;

import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.PlatformSettings;
import com.whatpro.hub.platform.outbound.OutboundPolicy;
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
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/accounts/{accountId}/chatwoot")
@Tag(name = "Chatwoot")
class ChatwootConnectionController {

    private final ChatwootConnections connections;
    private final ChatwootSync sync;
    private final ChatwootConnectionCheck checks;
    private final PlatformSettings settings;
    private final OutboundPolicy outbound;

    ChatwootConnectionController(ChatwootConnections connections, ChatwootSync sync, ChatwootConnectionCheck checks,
            PlatformSettings settings, OutboundPolicy outbound) {
        this.connections = connections;
        this.checks = checks;
        this.sync = sync;
        this.settings = settings;
        this.outbound = outbound;
    }

    /**
     * @param apiToken an access token of the Chatwoot account (an agent bot's or an administrator's); required the
     *        first time, kept when left out later
     * @param webhookSecret the secret of the Chatwoot webhook, to check {@code X-Chatwoot-Signature}; kept when left
     *        out, removed when empty
     */
    record ConnectionRequest(@NotBlank @Size(max = 2000) String baseUrl, @NotNull @Positive Long chatwootAccountId,
            @Nullable @Positive Long inboxId, @Nullable @Size(min = 1, max = 1000) String apiToken,
            @Nullable @Size(max = 1000) String webhookSecret) {
    }

    /** The connection without its token and secrets; {@code webhook_url} is what to register in Chatwoot. */
    record ConnectionView(String baseUrl, long chatwootAccountId, @Nullable Long inboxId, boolean hasWebhookSecret,
            String webhookUrl, Instant createdAt, Instant updatedAt) {
    }

    @PutMapping
    @Requires(Permission.CHATWOOT_MANAGE)
    @Operation(summary = "Connect the account to its Chatwoot; the answer carries the webhook URL to register there")
    ConnectionView put(@PathVariable long accountId, @Valid @RequestBody ConnectionRequest request) {
        var account = Callers.requiredAccess().account();
        var baseUrl = outbound.require("base_url", baseUrl(request.baseUrl()));
        if (request.apiToken() != null && request.apiToken().isBlank()) {
            throw ApiProblem.invalid("api_token", "must not be blank");
        }
        ChatwootConnections.Connection connection;
        try {
            connection = connections.put(account, new ChatwootConnections.Settings(baseUrl, request.chatwootAccountId(),
                    request.inboxId(), request.apiToken() == null ? null : request.apiToken().strip(),
                    request.webhookSecret()));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalid("api_token", "is required when connecting for the first time");
        }
        return view(connection);
    }

    @Operation(summary = "Get the account's Chatwoot connection")
    @GetMapping
    @Requires(Permission.CHATWOOT_MANAGE)
    ConnectionView get(@PathVariable long accountId) {
        var account = Callers.requiredAccess().account();
        return connections.find(account).map(this::view).orElseThrow(() -> ApiProblem.notFound("Chatwoot connection"));
    }

    @PostMapping("/check")
    @Requires(Permission.CHATWOOT_MANAGE)
    @Operation(summary = "Ask the account's Chatwoot whether it answers, accepts the stored token and has the inbox",
            description = "200 with ok false and a problem (unreachable, token-refused, chatwoot-error, "
                    + "inbox-not-found) when it does not; 404 without a connection.")
    ChatwootConnectionCheck.Result check(@PathVariable long accountId) {
        var account = Callers.requiredAccess().account();
        return checks.check(account).orElseThrow(() -> ApiProblem.notFound("Chatwoot connection"));
    }

    @PostMapping("/sync")
    @Requires(Permission.CHATWOOT_MANAGE)
    @Operation(summary = "Pull agents and teams from Chatwoot into the account's users and teams")
    ChatwootSync.Result sync(@PathVariable long accountId) {
        var access = Callers.requiredAccess();
        return sync.sync(access.account(), access.caller().id());
    }

    private ConnectionView view(ChatwootConnections.Connection connection) {
        var secret = connections.urlSecret(connection.account()).orElseThrow();
        return new ConnectionView(connection.baseUrl().toString(), connection.chatwootAccountId(), connection.inboxId(),
                connection.hasWebhookSecret(),
                PublicUrls.of(settings, "/api/v1/webhooks/chatwoot/" + connection.account() + "/" + secret),
                connection.createdAt(), connection.updatedAt());
    }

    private static URI baseUrl(String value) {
        try {
            var uri = new URI(value.strip());
            var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (uri.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))
                    || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw ApiProblem.invalid("base_url", "must be an absolute http(s) URL without query or fragment");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw ApiProblem.invalid("base_url", "is not a URL");
        }
    }
}
