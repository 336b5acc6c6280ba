package com.whatpro.hub.gateway;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.providers.Lids;
import com.whatpro.hub.providers.MediaMessage;
import com.whatpro.hub.providers.PhoneNumbers;
import com.whatpro.hub.providers.Provider;
import com.whatpro.hub.providers.Providers;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.util.UriUtils;

/**
 * Chatwoot to WhatsApp: an agent's message in a conversation goes out through the conversation's number. The
 * number is the one the contact wrote to (the hub opened the conversation), else the one provider whose Chatwoot
 * inbox the conversation is in; conversations in other inboxes are none of the gateway's business. It goes to the
 * contact's phone, or to its LID while WhatsApp hides the phone. Intake already dropped incoming messages, private
 * notes and messages carrying the hub's own origin mark. A Cloud API number outside the contact's service window
 * ({@link ServiceWindows}) sends nothing; a private note in the conversation says why.
 */
@Component
class OutboundBridge {

    private final Conversations conversations;
    private final ChatwootConnections connections;
    private final Providers providers;
    private final Outbox outbox;
    private final ServiceWindows windows;
    private final Jobs jobs;
    private final TransactionTemplate transactions;

    OutboundBridge(Conversations conversations, ChatwootConnections connections, Providers providers, Outbox outbox,
            ServiceWindows windows, Jobs jobs, PlatformTransactionManager transactions) {
        this.windows = windows;
        this.jobs = jobs;
        this.transactions = new TransactionTemplate(transactions);
        this.conversations = conversations;
        this.connections = connections;
        this.providers = providers;
        this.outbox = outbox;
    }

    void bridge(AccountId account, JobKind.ChatwootMessage message) {
        var target = target(account, message);
        if (target.isEmpty()) {
            return;
        }
        var parts = parts(message);
        if (parts.isEmpty()) {
            return;
        }
        if (!windows.allowsFreeForm(account, target.get().provider(), target.get().address())) {
            // Meta would refuse it (131047): the agents are told in the conversation instead
            transactions.executeWithoutResult(status -> jobs.enqueue(account, List.of(ChatwootNotes.job(
                    message.conversationId(), "Not sent on WhatsApp: " + ServiceWindows.explanation()))));
            return;
        }
        outbox.queueFromChatwoot(account, target.get().provider(), target.get().address(), message.conversationId(),
                message.messageId(), parts);
    }

    /** @param address E.164, or the contact's LID while its phone is unknown */
    private record Target(Provider provider, String address) {
    }

    private Optional<Target> target(AccountId account, JobKind.ChatwootMessage message) {
        var mapped = conversations.byChatwootConversation(account, message.conversationId());
        if (mapped.isPresent()) {
            var provider = providers.findRecent(account, mapped.get().providerId());
            if (provider.isPresent()) {
                return Optional.of(new Target(provider.get(), mapped.get().contactAddress()));
            }
        }
        var link = connections.link(account);
        if (link.isEmpty()) {
            return Optional.empty();
        }
        var inboxDefault = link.get().connection().inboxId();
        var candidates = providers.list(account).stream()
                .filter(provider -> Objects.equals(message.inboxId(),
                        provider.chatwootInboxId() != null ? provider.chatwootInboxId() : inboxDefault))
                .toList();
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        if (candidates.size() > 1) {
            throw new JobFailure.GiveUp("several numbers share Chatwoot inbox " + message.inboxId()
                    + ": give each provider its own chatwoot_inbox_id, then replay");
        }
        var address = phone(message.contactPhone());
        if (address == null && message.contactIdentifier() != null) {
            var identifier = message.contactIdentifier();
            address = PhoneNumbers.fromJid(identifier).or(() -> Lids.fromJid(identifier)).orElse(null);
        }
        if (address == null) {
            throw new JobFailure.GiveUp("the Chatwoot contact of conversation " + message.conversationId()
                    + " has no phone number to send to");
        }
        return Optional.of(new Target(candidates.getFirst(), address));
    }

    private static @Nullable String phone(@Nullable String number) {
        if (number == null || number.isBlank()) {
            return null;
        }
        try {
            return PhoneNumbers.toE164(number);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** One text message, or one media message per attachment with the text as the first one's caption. */
    static List<Outbox.Outgoing> parts(JobKind.ChatwootMessage message) {
        var parts = new ArrayList<Outbox.Outgoing>();
        var caption = message.content();
        for (var attachment : message.attachments()) {
            var kind = switch (attachment.fileType().toLowerCase(Locale.ROOT)) {
                case "image" -> MediaMessage.Kind.IMAGE;
                case "video" -> MediaMessage.Kind.VIDEO;
                case "audio" -> MediaMessage.Kind.AUDIO;
                case "file" -> MediaMessage.Kind.DOCUMENT;
                default -> null;
            };
            URI url;
            try {
                url = URI.create(attachment.dataUrl());
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (kind == null || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
                continue;
            }
            parts.add(new Outbox.Outgoing(null, new MediaMessage(kind, url, null,
                    kind == MediaMessage.Kind.AUDIO ? null : caption, fileName(url))));
            if (kind != MediaMessage.Kind.AUDIO) {
                caption = null;
            }
        }
        if (caption != null && !caption.isBlank()) {
            // no attachment carried the text (none, or only audio): it goes first, as a text message
            parts.addFirst(new Outbox.Outgoing(caption, null));
        }
        return parts;
    }

    /**
     * The last segment of the raw path, percent-decoded once: {@code …/50%25off.pdf} is {@code 50%off.pdf}, an
     * encoded slash stays inside the name, and {@code +} is a plus (paths are not form data).
     */
    private static @Nullable String fileName(URI url) {
        var path = url.getRawPath();
        if (path == null) {
            return null;
        }
        var last = UriUtils.decode(path.substring(path.lastIndexOf('/') + 1), StandardCharsets.UTF_8);
        return last.isBlank() ? null : last;
    }
}
