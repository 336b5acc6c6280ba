package com.whatpro.hub.providers;

import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.security.Callers;
import com.whatpro.hub.platform.security.Permission;
import com.whatpro.hub.platform.security.Requires;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/accounts/{accountId}/providers/{providerId}/templates")
@Tag(name = "Providers")
class TemplatesController {

    private final Providers providers;
    private final ProviderTemplates templates;

    TemplatesController(Providers providers, ProviderTemplates templates) {
        this.providers = providers;
        this.templates = templates;
    }

    record TemplateList(List<MessageTemplate> items) {
    }

    @GetMapping
    @Requires(Permission.PROVIDERS_READ)
    @Operation(summary = "The Cloud API number's message templates, as last synced")
    TemplateList list(@PathVariable long accountId, @PathVariable UUID providerId) {
        var account = Callers.requiredAccess().account();
        providers.find(account, providerId).orElseThrow(() -> ApiProblem.notFound("provider"));
        return new TemplateList(templates.list(account, providerId));
    }

    @PostMapping("/sync")
    @Requires(Permission.PROVIDERS_WRITE)
    @Operation(summary = "Fetch the message templates again from the number's WhatsApp Business Account",
            description = "Needs credentials.waba_id. Replaces the stored templates with Meta's list.")
    TemplateList sync(@PathVariable long accountId, @PathVariable UUID providerId) {
        var access = Callers.requiredAccess();
        try {
            return new TemplateList(templates.sync(access.account(), providerId, access.caller().id())
                    .orElseThrow(() -> ApiProblem.notFound("provider")));
        } catch (ProviderException failed) {
            throw new ApiProblem(HttpStatus.BAD_GATEWAY, "provider-error", "Provider error", failed.getMessage());
        }
    }
}
