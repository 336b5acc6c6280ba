package com.whatpro.hub.gateway;

import com.whatpro.hub.chatwoot.ChatwootAccountClient;
import com.whatpro.hub.chatwoot.ChatwootContact;
import com.whatpro.hub.chatwoot.ChatwootConversation;
import com.whatpro.hub.chatwoot.ChatwootRequestInvalid;
import com.whatpro.hub.chatwoot.NewContact;
import com.whatpro.hub.chatwoot.NewConversation;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ExpiringCache;
import com.whatpro.hub.providers.PhoneNumbers;
import com.whatpro.hub.providers.ProvidersSettings;
import java.time.Clock;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One Chatwoot conversation per WhatsApp contact and inbox. Finding or creating the contact and the conversation
 * happens under a row lock on the contact's {@code gateway_conversations} row (taken with
 * {@code SELECT … FOR UPDATE}), so concurrent messages of a new contact, on any node, open one conversation.
 */
@Service
class Conversations {

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transactions;
    private final TransactionTemplate readOnly;
    private final ExpiringCache<Key, Conversation> known;

    Conversations(JdbcClient jdbc, ApplicationEventPublisher events, PlatformTransactionManager transactions,
            ProvidersSettings settings, Clock clock) {
        this.jdbc = jdbc;
        this.events = events;
        this.transactions = new TransactionTemplate(transactions);
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
        this.known = new ExpiringCache<>(settings.webhookCacheTtl(), 100_000, clock);
    }

    private record Key(AccountId account, long inboxId, String phone) {
    }

    /** The conversation of a contact in an inbox. */
    record Conversation(long contactId, long conversationId) {
    }

    /** Whom a Chatwoot conversation the hub knows is with, and through which number. */
    record Mapped(long inboxId, String contactPhone, UUID providerId) {
    }

    /**
     * The contact's conversation in the inbox: the one the hub knows, else one Chatwoot has, else a new one (then
     * {@link ConversationOpened} is published). The Chatwoot contact is found by phone number or created.
     */
    Conversation ensure(AccountId account, ChatwootAccountClient chatwoot, long inboxId, UUID providerId,
            String phoneE164, @Nullable String name) {
        var key = new Key(account, inboxId, phoneE164);
        var found = known.get(key, this::known);
        if (found.isPresent()) {
            return found.get();
        }
        var opened = Objects.requireNonNull(transactions.execute(status -> {
            jdbc.sql("""
                    insert into gateway_conversations (account_id, inbox_id, contact_phone, provider_id)
                    values (:account, :inbox, :phone, :provider) on conflict do nothing
                    """)
                    .param("account", account.value()).param("inbox", inboxId).param("phone", phoneE164)
                    .param("provider", providerId).update();
            var locked = jdbc.sql("""
                    select chatwoot_contact_id, chatwoot_conversation_id from gateway_conversations
                    where account_id = :account and inbox_id = :inbox and contact_phone = :phone for update
                    """)
                    .param("account", account.value()).param("inbox", inboxId).param("phone", phoneE164)
                    .query((rs, n) -> new Locked(rs.getObject(1, Long.class), rs.getObject(2, Long.class)))
                    .single();
            if (locked.contactId() != null && locked.conversationId() != null) {
                return new Conversation(locked.contactId(), locked.conversationId());
            }
            var contact = findOrCreateContact(chatwoot, inboxId, phoneE164, name);
            var existing = chatwoot.conversationsOf(contact.id()).stream()
                    .filter(conversation -> conversation.inboxId() == inboxId)
                    .min(Comparator.comparing((ChatwootConversation c) -> "resolved".equals(c.status()))
                            .thenComparing(ChatwootConversation::id, Comparator.reverseOrder()));
            var conversation = existing.orElseGet(() -> chatwoot.createConversation(new NewConversation(
                    contact.sourceIdIn(inboxId).orElse(phoneE164.substring(1)), inboxId, contact.id())));
            jdbc.sql("""
                    update gateway_conversations set chatwoot_contact_id = :contact,
                        chatwoot_conversation_id = :conversation, provider_id = :provider, updated_at = now()
                    where account_id = :account and inbox_id = :inbox and contact_phone = :phone
                    """)
                    .param("contact", contact.id()).param("conversation", conversation.id())
                    .param("provider", providerId).param("account", account.value()).param("inbox", inboxId)
                    .param("phone", phoneE164).update();
            if (existing.isEmpty()) {
                events.publishEvent(new ConversationOpened(account, conversation.id(),
                        name == null || name.isBlank() ? phoneE164 : name, phoneE164, contact.id(), inboxId,
                        providerId));
            }
            return new Conversation(contact.id(), conversation.id());
        }));
        known.put(key, opened);
        return opened;
    }

    /** Forgets what this node remembers of the account's conversations (its Chatwoot changed). */
    void forget(AccountId account) {
        known.evictIf(key -> key.account().equals(account));
    }

    private record Locked(@Nullable Long contactId, @Nullable Long conversationId) {
    }

    private Optional<Conversation> known(Key key) {
        return Objects.requireNonNull(readOnly.execute(status -> jdbc.sql("""
                select chatwoot_contact_id, chatwoot_conversation_id from gateway_conversations
                where account_id = :account and inbox_id = :inbox and contact_phone = :phone
                  and chatwoot_conversation_id is not null
                """)
                .param("account", key.account().value()).param("inbox", key.inboxId()).param("phone", key.phone())
                .query((rs, n) -> new Conversation(rs.getLong(1), rs.getLong(2))).optional()));
    }

    @Transactional(readOnly = true)
    Optional<Mapped> byChatwootConversation(AccountId account, long conversationId) {
        return jdbc.sql("""
                select inbox_id, contact_phone, provider_id from gateway_conversations
                where account_id = :account and chatwoot_conversation_id = :conversation
                order by updated_at desc limit 1
                """)
                .param("account", account.value()).param("conversation", conversationId)
                .query((rs, n) -> new Mapped(rs.getLong(1), rs.getString(2), rs.getObject(3, UUID.class)))
                .optional();
    }

    private static ChatwootContact findOrCreateContact(ChatwootAccountClient chatwoot, long inboxId, String phoneE164,
            @Nullable String name) {
        var found = chatwoot.findContactByPhone(phoneE164);
        if (found.isPresent()) {
            return found.get();
        }
        var jid = PhoneNumbers.toJid(phoneE164);
        try {
            return chatwoot.createContact(new NewContact(inboxId, name == null || name.isBlank() ? phoneE164 : name,
                    phoneE164, jid));
        } catch (ChatwootRequestInvalid taken) {
            // Chatwoot keeps phone numbers and identifiers unique: the contact exists under another spelling
            return chatwoot.searchContacts(jid).stream().filter(contact -> jid.equals(contact.identifier()))
                    .findFirst().orElseThrow(() -> taken);
        }
    }
}
