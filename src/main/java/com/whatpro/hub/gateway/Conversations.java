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
 * happens under the contact's claim ({@link Claims}), so concurrent messages of a new contact, on any node, open one
 * conversation, and no database connection is held while Chatwoot answers; the conversation is recorded in
 * {@code gateway_conversations}, and the claim given back, in one short transaction. A contact is keyed by its phone,
 * or by its LID while the phone is unknown; a run that claims both claims the phone's first, so two runs never wait
 * for each other's second claim (waits for claims are bounded, so they could not deadlock anyway, but they would both
 * give up).
 */
@Service
class Conversations {

    private final JdbcClient jdbc;
    private final LidMappings lids;
    private final ApplicationEventPublisher events;
    private final Claims claims;
    private final TransactionTemplate readOnly;
    private final ExpiringCache<Key, Conversation> known;

    Conversations(JdbcClient jdbc, LidMappings lids, ApplicationEventPublisher events, Claims claims,
            PlatformTransactionManager transactions, ProvidersSettings settings, Clock clock) {
        this.jdbc = jdbc;
        this.lids = lids;
        this.events = events;
        this.claims = claims;
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
     *
     * @throws JobFailure.NotYet when another run holds the contact's claim for longer than {@link Claims#WAIT}
     */
    Conversation ensure(AccountId account, ChatwootAccountClient chatwoot, long inboxId, UUID providerId,
            WhatsAppContact contact, @Nullable String name) {
        var key = new Key(account, inboxId, contact.address());
        var found = known.get(key, this::known);
        if (found.isPresent()) {
            return found.get();
        }
        var lid = formerLid(account, providerId, contact);
        var claim = claims.take(account, claimKey(inboxId, contact.address()));
        try {
            var opened = open(claim, chatwoot, key, providerId, contact, lid, name);
            known.put(key, opened);
            return opened;
        } finally {
            claim.release();
        }
    }

    private Conversation open(Claims.Claim claim, ChatwootAccountClient chatwoot, Key key, UUID providerId,
            WhatsAppContact contact, @Nullable String lid, @Nullable String name) {
        var account = key.account();
        var inboxId = key.inboxId();
        var address = key.address();
        var mapped = known(key);
        if (mapped.isPresent()) {
            return mapped.get(); // the claim's previous holder opened it
        }
        if (lid != null) {
            claim.also(claimKey(inboxId, lid));
            var lidConversation = known(new Key(account, inboxId, lid));
            if (lidConversation.isPresent()) {
                claim.releaseRecording(() -> map(account, inboxId, address, providerId, lidConversation.get()));
                return lidConversation.get();
            }
        }
        var chatwootContact = findOrCreateContact(claim, chatwoot, inboxId, contact, name);
        claim.ensureHeld();
        var existing = chatwoot.conversationsOf(chatwootContact.id()).stream()
                .filter(conversation -> conversation.inboxId() == inboxId)
                .min(Comparator.comparing((ChatwootConversation c) -> "resolved".equals(c.status()))
                        .thenComparing(ChatwootConversation::id, Comparator.reverseOrder()));
        var conversation = existing.orElseGet(() -> {
            claim.ensureHeld();
            return chatwoot.createConversation(new NewConversation(
                    chatwootContact.sourceIdIn(inboxId).orElse(digits(address)), inboxId, chatwootContact.id()));
        });
        var opened = new Conversation(chatwootContact.id(), conversation.id());
        claim.releaseRecording(() -> {
            map(account, inboxId, address, providerId, opened);
            if (existing.isEmpty()) {
                events.publishEvent(new ConversationOpened(account, conversation.id(),
                        name == null || name.isBlank() ? address : name, contact.phone(), chatwootContact.id(),
                        inboxId, providerId));
            }
        });
        return opened;
    }

    private static String claimKey(long inboxId, String address) {
        return "conversation:" + inboxId + ":" + address;
    }

    /** The LID under which a contact now known by phone may have written before its phone was known. */
    private @Nullable String formerLid(AccountId account, UUID providerId, WhatsAppContact contact) {
        var phone = contact.phone();
        if (phone == null) {
            return null;
        }
        return contact.lid() != null ? contact.lid() : lids.lidOf(account, providerId, phone).orElse(null);
    }

    private void map(AccountId account, long inboxId, String address, UUID providerId, Conversation conversation) {
        jdbc.sql("""
                insert into gateway_conversations (account_id, inbox_id, contact_phone, provider_id,
                    chatwoot_contact_id, chatwoot_conversation_id)
                values (:account, :inbox, :address, :provider, :contact, :conversation)
                on conflict (account_id, inbox_id, contact_phone) do update
                set chatwoot_contact_id = excluded.chatwoot_contact_id,
                    chatwoot_conversation_id = excluded.chatwoot_conversation_id,
                    provider_id = excluded.provider_id, updated_at = now()
                """)
                .param("account", account.value()).param("inbox", inboxId).param("address", address)
                .param("provider", providerId).param("contact", conversation.contactId())
                .param("conversation", conversation.conversationId()).update();
    }

    /** What an API inbox may take as the contact's source id: the phone's or the LID's digits. */
    private static String digits(String address) {
        return address.startsWith("+") ? address.substring(1) : address.substring(0, address.indexOf('@'));
    }

    /** Forgets what this node remembers of the account's conversations (its Chatwoot changed). */
    void forget(AccountId account) {
        known.evictIf(key -> key.account().equals(account));
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

    /** The contact in Chatwoot; {@code claim} is renewed before each call. */
    private static ChatwootContact findOrCreateContact(Claims.Claim claim, ChatwootAccountClient chatwoot,
            long inboxId, WhatsAppContact contact, @Nullable String name) {
        var phone = contact.phone();
        if (phone == null) {
            return findOrCreateLidContact(claim, chatwoot, inboxId, Objects.requireNonNull(contact.lid()), name);
        }
        claim.ensureHeld();
        var found = chatwoot.findContactByPhone(phone);
        if (found.isPresent()) {
            return found.get();
        }
        var jid = PhoneNumbers.toJid(phone);
        try {
            claim.ensureHeld();
            return chatwoot.createContact(new NewContact(inboxId, name == null || name.isBlank() ? phone : name,
                    phone, jid));
        } catch (ChatwootRequestInvalid taken) {
            // Chatwoot keeps phone numbers and identifiers unique: the contact exists under another spelling
            claim.ensureHeld();
            return byIdentifier(chatwoot, jid).orElseThrow(() -> taken);
        }
    }

    /** A contact whose phone WhatsApp hides: no phone number, the LID as its identifier. */
    private static ChatwootContact findOrCreateLidContact(Claims.Claim claim, ChatwootAccountClient chatwoot,
            long inboxId, String lid, @Nullable String name) {
        claim.ensureHeld();
        var found = byIdentifier(chatwoot, lid);
        if (found.isPresent()) {
            return found.get();
        }
        try {
            claim.ensureHeld();
            return chatwoot.createContact(new NewContact(inboxId, name == null || name.isBlank() ? lid : name, null,
                    lid));
        } catch (ChatwootRequestInvalid taken) {
            claim.ensureHeld();
            return byIdentifier(chatwoot, lid).orElseThrow(() -> taken);
        }
    }

    private static Optional<ChatwootContact> byIdentifier(ChatwootAccountClient chatwoot, String identifier) {
        return chatwoot.searchContacts(identifier).stream().filter(contact -> identifier.equals(contact.identifier()))
                .findFirst();
    }
}
