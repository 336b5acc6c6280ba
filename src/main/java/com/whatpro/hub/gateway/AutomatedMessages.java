package com.whatpro.hub.gateway;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.providers.Provider;
import com.whatpro.hub.providers.ProviderTemplates;
import com.whatpro.hub.providers.ProviderType;
import com.whatpro.hub.providers.Providers;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/**
 * What automation rules send: a WhatsApp text or Cloud API template to the contact of a Chatwoot conversation through
 * the number that conversation belongs to, and private notes in a conversation. Both are queued in the caller's transaction, so they
 * go out exactly when the caller commits, paced and retried like every other send, and shown in Chatwoot.
 */
@Service
public class AutomatedMessages {

    private final Conversations conversations;
    private final Providers providers;
    private final Outbox outbox;
    private final Jobs jobs;
    private final TemplateSends templateSends;
    private final ProviderTemplates templates;

    AutomatedMessages(Conversations conversations, Providers providers, Outbox outbox, Jobs jobs,
            TemplateSends templateSends, ProviderTemplates templates) {
        this.conversations = conversations;
        this.providers = providers;
        this.outbox = outbox;
        this.jobs = jobs;
        this.templateSends = templateSends;
        this.templates = templates;
    }

    /**
     * Queues a text to the conversation's contact; returns the message's id.
     *
     * @throws ApiProblem 422 when the hub does not know the conversation's number, 403 over the monthly limit
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public UUID sendText(AccountId account, long chatwootConversationId, String text) {
        return send(account, chatwootConversationId, provider -> new Outbox.Outgoing(text, null));
    }

    /**
     * Queues a Cloud API template to the conversation's contact, checked against the synced templates of the
     * conversation's number, like {@code POST …/messages} checks it; returns the message's id.
     *
     * @param components Meta's {@code components}, parameters filled in; null for a template without parameters
     * @throws ApiProblem 422 when the conversation's number is not a Cloud API number, or has no approved template
     *         of this name and language; 403 over the monthly limit
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public UUID sendTemplate(AccountId account, long chatwootConversationId, String name, String language,
            @Nullable JsonNode components) {
        return send(account, chatwootConversationId, provider -> templateSends.outgoing(account, provider,
                new MessagesController.TemplateRequest(name, language, components)));
    }

    /**
     * Checks, when a rule is saved, that one of the account's Cloud API numbers has an approved template of this name
     * and language (which number sends it depends on the conversation, so the send checks again).
     *
     * @param field the rule's field that names the template, e.g. {@code actions[0].template}
     * @throws ApiProblem 422 naming {@code field} (no Cloud API number) or {@code field.name} (no such template)
     */
    @Transactional(readOnly = true)
    public void checkTemplate(AccountId account, String field, String name, String language) {
        var cloudNumbers = providers.list(account).stream()
                .filter(provider -> provider.type() == ProviderType.CLOUD_API).toList();
        if (cloudNumbers.isEmpty()) {
            throw ApiProblem.invalid(field, "only Cloud API numbers send templates, and the account has none");
        }
        var approved = cloudNumbers.stream()
                .flatMap(provider -> templates.find(account, provider.id(), name, language).stream())
                .anyMatch(template -> template.status() == null || "APPROVED".equalsIgnoreCase(template.status()));
        if (!approved) {
            throw ApiProblem.invalid(field + ".name", "no Cloud API number of this account has an approved template '"
                    + name + "' in language '" + language
                    + "' (sync the templates with POST …/providers/{id}/templates/sync)");
        }
    }

    private UUID send(AccountId account, long chatwootConversationId,
            Function<Provider, Outbox.Outgoing> outgoing) {
        var mapped = conversations.byChatwootConversation(account, chatwootConversationId)
                .orElseThrow(() -> ApiProblem.invalid("conversation", "conversation " + chatwootConversationId
                        + " did not come through a WhatsApp number of this hub"));
        var provider = providers.findRecent(account, mapped.providerId())
                .orElseThrow(() -> ApiProblem.invalid("conversation", "the conversation's number was removed"));
        return outbox.queueToConversation(account, provider, mapped.contactAddress(), chatwootConversationId,
                outgoing.apply(provider));
    }

    /** Queues a private note in the conversation (posted once, retried while Chatwoot is away). */
    @Transactional(propagation = Propagation.MANDATORY)
    public void note(AccountId account, long chatwootConversationId, String text) {
        jobs.enqueue(account, List.of(ChatwootNotes.job(chatwootConversationId, text)));
    }
}
