package com.whatpro.hub.gateway;

import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.PlatformSettings;
import com.whatpro.hub.platform.security.Callers;
import com.whatpro.hub.platform.security.Permission;
import com.whatpro.hub.platform.security.Requires;
import com.whatpro.hub.platform.web.PublicUrls;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.UUID;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/accounts/{accountId}/providers/{providerId}/chatwoot-inbox")
@Tag(name = "Providers")
class ChatwootInboxController {

    private final ChatwootInboxes inboxes;
    private final com.whatpro.hub.providers.Providers providers;
    private final PlatformSettings settings;

    ChatwootInboxController(ChatwootInboxes inboxes, com.whatpro.hub.providers.Providers providers,
            PlatformSettings settings) {
        this.inboxes = inboxes;
        this.providers = providers;
        this.settings = settings;
    }

    record InboxView(long chatwootInboxId) {
    }

    @PostMapping
    @Requires(Permission.PROVIDERS_WRITE)
    @Operation(summary = "Give the number its own Chatwoot inbox",
            description = "Creates an API-channel inbox named like the number in the account's Chatwoot, or adopts "
                    + "the inbox of that name, points its webhook at the hub and sets it as the number's "
                    + "chatwoot_inbox_id. 409 without a Chatwoot connection or when that inbox is not an API channel "
                    + "or is another number's; 502 when Chatwoot refuses (the token must be an administrator's).")
    InboxView create(@PathVariable long accountId, @PathVariable UUID providerId) {
        var access = Callers.requiredAccess();
        var account = access.account();
        providers.find(account, providerId).orElseThrow(() -> ApiProblem.notFound("provider"));
        var path = inboxes.webhookPath(account).orElseThrow(() -> ApiProblem.conflict("chatwoot-not-connected",
                "Connect the account's Chatwoot first (PUT /accounts/{id}/chatwoot)."));
        var inbox = inboxes.ensure(account, providerId, URI.create(PublicUrls.of(settings, path)),
                access.caller().id()).orElseThrow(() -> ApiProblem.notFound("provider"));
        return new InboxView(inbox);
    }
}
