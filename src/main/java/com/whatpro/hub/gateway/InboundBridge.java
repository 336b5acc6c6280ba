package com.whatpro.hub.gateway;

import com.whatpro.hub.chatwoot.ChatwootMessage;
import com.whatpro.hub.chatwoot.NewAttachment;
import com.whatpro.hub.chatwoot.NewMessage;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.providers.InboundMessage;
import com.whatpro.hub.providers.Provider;
import com.whatpro.hub.providers.ProviderType;
import com.whatpro.hub.providers.Providers;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * WhatsApp to Chatwoot: records the message, finds or opens the contact's conversation, and posts the message there
 * with a {@code source_id} marking its origin. Exactly once: the provider's message id is recorded once, a message
 * already in Chatwoot is not posted again, and when an earlier attempt may have posted it before failing, the
 * conversation's latest messages are searched for its source id first; the check, the post and its record hold the
 * message's claim ({@link ChatwootPosts}), so two runs of the job never post it both, and a run whose lease was lost
 * stops before posting; no database connection is held while Chatwoot answers. A message the number itself sent (from
 * the phone) is posted as outgoing, unless it is the echo of one the hub sent. A contact WhatsApp names only by LID
 * is known by the phone learnt for that LID, else by the LID itself: its message is bridged either way. Media go as
 * an attachment with the caption as content ({@link InboundMedia}), or as a label such as {@code [image]} when the
 * file cannot be had; the file is fetched before the message's claim is taken, holding a download slot only while it
 * is fetched.
 */
@Component
class InboundBridge {

    private final Providers providers;
    private final Messages messages;
    private final ChatwootConnections connections;
    private final Conversations conversations;
    private final InboundMedia media;
    private final WhatsAppContacts contacts;
    private final ChatwootStatuses statuses;
    private final ChatwootPosts posts;
    private final TransactionTemplate transactions;
    private final ServiceWindows windows;
    private final ApplicationEventPublisher events;

    InboundBridge(Providers providers, Messages messages, ChatwootConnections connections,
            Conversations conversations, InboundMedia media, WhatsAppContacts contacts, ChatwootStatuses statuses,
            ChatwootPosts posts, PlatformTransactionManager transactions, ServiceWindows windows,
            ApplicationEventPublisher events) {
        this.windows = windows;
        this.posts = posts;
        this.events = events;
        this.providers = providers;
        this.messages = messages;
        this.connections = connections;
        this.conversations = conversations;
        this.media = media;
        this.contacts = contacts;
        this.statuses = statuses;
        this.transactions = new TransactionTemplate(transactions);
    }

    private record Recorded(UUID id, boolean isNew, boolean echo, @Nullable Long chatwootMessageId) {
    }

    /**
     * @param attempt the job's attempt, from 1
     * @param lease checked before the message is posted
     */
    void bridge(AccountId account, JobKind.Inbound job, int attempt, Lease lease) {
        var provider = providers.findRecent(account, job.providerId());
        if (provider.isEmpty()) {
            return; // the provider was deleted since
        }
        var message = job.message();
        var contact = contacts.of(account, provider.get().id(), message);
        var recorded = record(account, provider.get(), message, contact);
        if (recorded.echo() || recorded.chatwootMessageId() != null) {
            return;
        }
        var link = connections.link(account);
        if (link.isEmpty()) {
            return; // no Chatwoot: the message is kept and listed, nothing more
        }
        var inbox = provider.get().chatwootInboxId() != null ? provider.get().chatwootInboxId()
                : link.get().connection().inboxId();
        if (inbox == null) {
            throw new JobFailure.GiveUp("no Chatwoot inbox for this number: set chatwoot_inbox_id on the provider "
                    + "or inbox_id on the account's Chatwoot connection, then replay");
        }
        var chatwoot = link.get().client();
        var conversation = conversations.ensure(account, chatwoot, inbox, provider.get().id(), contact,
                message.senderName());
        var sourceId = SourceIds.ofWhatsApp(message.providerMessageId());
        // fetched holding one of the node's download slots, which is free again before the post
        var file = message.media() == null ? Optional.<NewAttachment>empty()
                : media.file(account, provider.get().id(), message.media(), attempt);
        posts.once(account, sourceId, lease, posting -> {
            if (messages.find(account, recorded.id()).map(Messages.Message::chatwootMessageId).isPresent()) {
                return; // another run of this job posted it meanwhile
            }
            posting.ensureHeld();
            if (!recorded.isNew()) {
                var posted = chatwoot.messagesOf(conversation.conversationId()).stream()
                        .filter(existing -> sourceId.equals(existing.sourceId())).findFirst();
                if (posted.isPresent()) {
                    posting.record(() -> statuses.bridged(account, recorded.id(), conversation.conversationId(),
                            posted.get().id()));
                    return;
                }
                posting.ensureHeld();
            }
            var posted = chatwoot.createMessage(conversation.conversationId(),
                    chatwootMessage(provider.get(), message, sourceId, file));
            posting.record(() -> {
                statuses.bridged(account, recorded.id(), conversation.conversationId(), posted.id());
                if (!message.fromMe()) {
                    events.publishEvent(new MessageReceived(account, recorded.id(), conversation.conversationId(),
                            provider.get().id(), message.media() == null ? message.text() : message.media().caption(),
                            message.timestamp()));
                }
            });
        });
    }

    /**
     * Records the message once; tells whether it is new, an echo of the hub's own send, or already in Chatwoot. A
     * contact's message opens the service window ({@link ServiceWindows}).
     */
    private Recorded record(AccountId account, Provider provider, InboundMessage message, WhatsAppContact contact) {
        return Objects.requireNonNull(transactions.execute(status -> {
            if (!message.fromMe()) {
                windows.opened(account, provider.id(), contact.address(), message.timestamp());
            }
            var inserted = messages.insert(account, new Messages.NewMessage(
                    message.fromMe() ? Messages.Direction.OUTBOUND : Messages.Direction.INBOUND,
                    message.fromMe() ? Messages.Origin.PHONE : Messages.Origin.WHATSAPP,
                    message.fromMe() ? "sent" : "received", provider.id(), message.providerMessageId(),
                    contact.address(), message.senderName(), message.text(), mediaOf(message), null, null, 0));
            if (inserted.isPresent()) {
                return new Recorded(inserted.get(), true, false, null);
            }
            var existing = messages.lockByProviderMessageId(account, provider.id(), message.providerMessageId())
                    .orElseThrow(() -> new JobFailure.RetryLater("the message is being recorded elsewhere", null));
            var echo = existing.origin() == Messages.Origin.CHATWOOT || existing.origin() == Messages.Origin.API;
            return new Recorded(existing.id(), false, echo, existing.chatwootMessageId());
        }));
    }

    private static @Nullable Map<String, Object> mediaOf(InboundMessage message) {
        var media = message.media();
        if (media == null) {
            return null;
        }
        var map = new java.util.LinkedHashMap<String, Object>();
        if (media.url() != null) {
            map.put("url", media.url().toString());
        }
        if (media.mimeType() != null) {
            map.put("mime_type", media.mimeType());
        }
        if (media.caption() != null) {
            map.put("caption", media.caption());
        }
        if (media.fileName() != null) {
            map.put("file_name", media.fileName());
        }
        return map;
    }

    private static NewMessage chatwootMessage(Provider provider, InboundMessage message, String sourceId,
            Optional<NewAttachment> file) {
        var attachments = new ArrayList<NewAttachment>();
        var content = message.text();
        var attached = message.media();
        if (attached != null) {
            file.ifPresent(attachments::add);
            if (file.isEmpty()) {
                // Meta's media URLs answer only with the access token: no use to agents
                var link = attached.url() == null || provider.type() == ProviderType.CLOUD_API ? ""
                        : " " + attached.url();
                var label = "[" + kind(attached.mimeType()) + "]" + link;
                content = attached.caption() == null ? label : attached.caption() + "\n" + label;
            } else {
                content = attached.caption();
            }
        }
        if ((content == null || content.isBlank()) && attachments.isEmpty()) {
            content = "[message]";
        }
        var files = attachments.toArray(NewAttachment[]::new);
        return message.fromMe() ? NewMessage.outgoing(content, sourceId, files)
                : NewMessage.incoming(content, sourceId, files);
    }

    private static String kind(@Nullable String mimeType) {
        if (mimeType == null) {
            return "media";
        }
        var type = mimeType.toLowerCase(Locale.ROOT);
        if (type.startsWith("image/webp")) {
            return "sticker";
        }
        for (var kind : new String[] {"image", "audio", "video"}) {
            if (type.startsWith(kind + "/")) {
                return kind;
            }
        }
        return "document";
    }
}
