package com.whatpro.hub.gateway;

import com.whatpro.hub.chatwoot.ChatwootAccountClient;
import com.whatpro.hub.chatwoot.ChatwootContact;
import com.whatpro.hub.chatwoot.ChatwootConversation;
import com.whatpro.hub.chatwoot.ChatwootRequestInvalid;
import com.whatpro.hub.chatwoot.NewContact;
import com.whatpro.hub.chatwoot.NewConversation;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ExpiringCache;
import com.whatpro.hub.providers.LidMappings;
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
 * {@code SELECT … FOR UPDATE}), so concurrent messages of a new contact, on any node, open one conversation. A row is
 * keyed by the contact's phone, or by its LID while the phone is unknown; a transaction that locks both locks the
 * phone's first.
 */
@Service
class Conversations {

    private final JdbcClient jdbc;
    private final LidMappings lids;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transactions;
    private final TransactionTemplate readOnly;
    private final ExpiringCache<Key, Conversation> known;

    Conversations(JdbcClient jdbc, LidMappings lids, ApplicationEventPublisher events,
            PlatformTransactionManager transactions, ProvidersSettings settings, Clock clock) {
        this.jdbc = jdbc;
        this.lids = lids;
        this.events = events;
        this.transactions = new TransactionTemplate(transactions);
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
        this.known = new ExpiringCache<>(settings.webhookCacheTtl(), 100_000, clock);
    }

    private record Key(AccountId account, long inboxId, String address) {
    }

    /** The conversation of a contact in an inbox. */
    record Conversation(long contactId, long conversationId) {
    }

    /**
     * Whom a Chatwoot conversation the hub knows is with, and through which number.
     *
     * @param contactAddress E.164, or the contact's LID while its phone is unknown
     */
    record Mapped(long inboxId, String contactAddress, UUID providerId) {
    }

    /**
     * The contact's conversation in the inbox: the one the hub knows, else one Chatwoot has, else a new one (then
     * {@link ConversationOpened} is published). A contact is known by phone, or by LID while its phone is unknown;
     * once the phone is known (the message names both, or the number learnt the LID behind the phone), the LID's
     * conversation becomes the phone's too, so the contact stays in one conversation.
     * The Chatwoot contact is found by phone number (or, for a LID, by identifier) or created.
     */
    Conversation ensure(AccountId account, ChatwootAccountClient chatwoot, long inboxId, UUID providerId,
            WhatsAppContact contact, @Nullable String name) {
        var address = contact.address();
        var key = new Key(account, inboxId, address);
        var found = known.get(key, this::known);
        if (found.isPresent()) {
            return found.get();
        }
        var opened = Objects.requireNonNull(transactions.execute(status -> {
            insertRow(account, inboxId, address, providerId);
            var locked = lock(account, inboxId, address);
            if (locked.isPresent()) {
                return locked.get();
            }
            var lid = formerLid(account, providerId, contact);
            var lidConversation = lid != null ? lock(account, inboxId, lid) : Optional.<Conversation>empty();
            if (lidConversation.isPresent()) {
                map(account, inboxId, address, providerId, lidConversation.get());
                return lidConversation.get();
            }
            var chatwootContact = findOrCreateContact(chatwoot, inboxId, contact, name);
            var existing = chatwoot.conversationsOf(chatwootContact.id()).stream()
                    .filter(conversation -> conversation.inboxId() == inboxId)
                    .min(Comparator.comparing((ChatwootConversation c) -> "resolved".equals(c.status()))
                            .thenComparing(ChatwootConversation::id, Comparator.reverseOrder()));
            var conversation = existing.orElseGet(() -> chatwoot.createConversation(new NewConversation(
                    chatwootContact.sourceIdIn(inboxId).orElse(digits(address)), inboxId, chatwootContact.id())));
            var mapped = new Conversation(chatwootContact.id(), conversation.id());
            map(account, inboxId, address, providerId, mapped);
            if (existing.isEmpty()) {
                events.publishEvent(new ConversationOpened(account, conversation.id(),
                        name == null || name.isBlank() ? address : name, contact.phone(), chatwootContact.id(),
                        inboxId, providerId));
            }
            return mapped;
        }));
        known.put(key, opened);
        return opened;
    }

    /** The LID under which a contact now known by phone may have written before its phone was known. */
    private @Nullable String formerLid(AccountId account, UUID providerId, WhatsAppContact contact) {
        var phone = contact.phone();
        if (phone == null) {
            return null;
        }
        return contact.lid() != null ? contact.lid() : lids.lidOf(account, providerId, phone).orElse(null);
    }

    /** A row to lock, also for a contact not yet mapped to a conversation. */
    private void insertRow(AccountId account, long inboxId, String address, UUID providerId) {
        jdbc.sql("""
                insert into gateway_conversations (account_id, inbox_id, contact_phone, provider_id)
                values (:account, :inbox, :address, :provider) on conflict do nothing
                """)
                .param("account", account.value()).param("inbox", inboxId).param("address", address)
                .param("provider", providerId).update();
    }

    /** Locks the address's row, if there is one, for the rest of the transaction; answers its conversation. */
    private Optional<Conversation> lock(AccountId account, long inboxId, String address) {
        return jdbc.sql("""
                select chatwoot_contact_id, chatwoot_conversation_id from gateway_conversations
                where account_id = :account and inbox_id = :inbox and contact_phone = :address for update
                """)
                .param("account", account.value()).param("inbox", inboxId).param("address", address)
                .query((rs, n) -> new Locked(rs.getObject(1, Long.class), rs.getObject(2, Long.class)))
                .optional()
                .filter(locked -> locked.contactId() != null && locked.conversationId() != null)
                .map(locked -> new Conversation(locked.contactId(), locked.conversationId()));
    }

    private void map(AccountId account, long inboxId, String address, UUID providerId, Conversation conversation) {
        jdbc.sql("""
                update gateway_conversations set chatwoot_contact_id = :contact,
                    chatwoot_conversation_id = :conversation, provider_id = :provider, updated_at = now()
                where account_id = :account and inbox_id = :inbox and contact_phone = :address
                """)
                .param("contact", conversation.contactId()).param("conversation", conversation.conversationId())
                .param("provider", providerId).param("account", account.value()).param("inbox", inboxId)
                .param("address", address).update();
    }

    /** What an API inbox may take as the contact's source id: the phone's or the LID's digits. */
    private static String digits(String address) {
        return address.startsWith("+") ? address.substring(1) : address.substring(0, address.indexOf('@'));
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
                where account_id = :account and inbox_id = :inbox and contact_phone = :address
                  and chatwoot_conversation_id is not null
                """)
                .param("account", key.account().value()).param("inbox", key.inboxId()).param("address", key.address())
                .query((rs, n) -> new Conversation(rs.getLong(1), rs.getLong(2))).optional()));
    }

    /** Whom the conversation is with; the phone once known, though the conversation began under the LID. */
    @Transactional(readOnly = true)
    Optional<Mapped> byChatwootConversation(AccountId account, long conversationId) {
        return jdbc.sql("""
                select inbox_id, contact_phone, provider_id from gateway_conversations
                where account_id = :account and chatwoot_conversation_id = :conversation
                order by contact_phone like '+%' desc, updated_at desc limit 1
                """)
                .param("account", account.value()).param("conversation", conversationId)
                .query((rs, n) -> new Mapped(rs.getLong(1), rs.getString(2), rs.getObject(3, UUID.class)))
                .optional();
    }

    private static ChatwootContact findOrCreateContact(ChatwootAccountClient chatwoot, long inboxId,
            WhatsAppContact contact, @Nullable String name) {
        var phone = contact.phone();
        if (phone == null) {
            return findOrCreateLidContact(chatwoot, inboxId, Objects.requireNonNull(contact.lid()), name);
        }
        var found = chatwoot.findContactByPhone(phone);
        if (found.isPresent()) {
            return found.get();
        }
        var jid = PhoneNumbers.toJid(phone);
        try {
            return chatwoot.createContact(new NewContact(inboxId, name == null || name.isBlank() ? phone : name,
                    phone, jid));
        } catch (ChatwootRequestInvalid taken) {
            // Chatwoot keeps phone numbers and identifiers unique: the contact exists under another spelling
            return byIdentifier(chatwoot, jid).orElseThrow(() -> taken);
        }
    }

    /** A contact whose phone WhatsApp hides: no phone number, the LID as its identifier. */
    private static ChatwootContact findOrCreateLidContact(ChatwootAccountClient chatwoot, long inboxId, String lid,
            @Nullable String name) {
        var found = byIdentifier(chatwoot, lid);
        if (found.isPresent()) {
            return found.get();
        }
        try {
            return chatwoot.createContact(new NewContact(inboxId, name == null || name.isBlank() ? lid : name, null,
                    lid));
        } catch (ChatwootRequestInvalid taken) {
            return byIdentifier(chatwoot, lid).orElseThrow(() -> taken);
        }
    }

    private static Optional<ChatwootContact> byIdentifier(ChatwootAccountClient chatwoot, String identifier) {
        return chatwoot.searchContacts(identifier).stream().filter(contact -> identifier.equals(contact.identifier()))
                .findFirst();
    }
}
