package com.whatpro.hub.kanban;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.KeyedTurns;
import com.whatpro.hub.platform.Tenancy;

import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Turns Chatwoot conversations into cards, for the gateway: a new conversation becomes a card in
 * the first open stage of the account's default board, unless the same contact already has an
 * open card there, which then takes the conversation too. Calling it again for the same
 * conversation answers the same card; concurrent calls for one conversation or one contact queue
 * on advisory locks, so neither a conversation nor a contact's open card is ever duplicated.
 * An account's calls take turns on this node before they take a database connection: they would
 * queue on the board's stage anyway, and a burst of new conversations must not fill the pool with
 * connections that only wait.
 *
 * <p>Call it outside a transaction (it enters the account's scope itself), or inside a
 * transaction already scoped to that account, which it then joins.
 */
@Service
public class ConversationCards {

    private final JdbcClient jdbc;
    private final Boards boards;
    private final Stages stages;
    private final Cards cards;
    private final CardHistory history;
    private final ApplicationEventPublisher events;
    private final BoardStream stream;
    private final TransactionTemplate transactions;
    private final KeyedTurns<AccountId> turns = new KeyedTurns<>();

    ConversationCards(JdbcClient jdbc, Boards boards, Stages stages, Cards cards, CardHistory history,
            ApplicationEventPublisher events, BoardStream stream, PlatformTransactionManager transactionManager) {
        this.jdbc = jdbc;
        this.boards = boards;
        this.stages = stages;
        this.cards = cards;
        this.history = history;
        this.events = events;
        this.stream = stream;
        this.transactions = new TransactionTemplate(transactionManager);
    }

    public AttachedCard attach(AccountId account, ContactRef contact, long chatwootConversationId) {
        if (chatwootConversationId <= 0) {
            throw new IllegalArgumentException("a Chatwoot conversation id is positive");
        }
        Supplier<AttachedCard> attaching = () -> inScope(account, () -> transactions.execute(status ->
                attachInTransaction(account, contact, chatwootConversationId)));
        // a caller already in the account's scope may hold a connection: waiting for a turn then would keep it idle
        return inAccountScope(account) ? attaching.get() : turns.inTurn(account, attaching);
    }

    /** The card holding a conversation, if any. */
    public Optional<AttachedCard> cardOf(AccountId account, long chatwootConversationId) {
        return inScope(account, () -> transactions.execute(status -> holder(account, chatwootConversationId)));
    }

    private AttachedCard attachInTransaction(AccountId account, ContactRef contact, long conversation) {
        var held = holder(account, conversation);
        if (held.isPresent()) {
            return held.get();
        }
        advisoryLock("kanban:conversation:" + account + ":" + conversation);
        var contactKey = contactKey(contact);
        if (contactKey != null) {
            advisoryLock("kanban:contact:" + account + ":" + contactKey);
        }
        held = holder(account, conversation);
        if (held.isPresent()) {
            return held.get();
        }
        var board = boards.ensureDefault(account);
        var open = contactKey == null ? Optional.<AttachedCard>empty() : openCardOf(account, board, contact);
        if (open.isPresent()) {
            var card = open.get();
            cards.attachConversations(account, card.cardId(), List.of(conversation));
            var changes = Map.<String, @Nullable Object>of("conversation_id", conversation);
            history.record(account, card.cardId(), board, Actor.SYSTEM, "conversation_attached", null, null, changes);
            events.publishEvent(new CardChanged(account, board, card.cardId(), "card.conversation_attached", changes, null));
            stream.publish(account, board, "card.updated", Map.of("card", cards.find(account, card.cardId()).orElseThrow()));
            return card;
        }
        var all = stages.ofBoard(account, board);
        var stage = all.stream().filter(s -> "open".equals(s.kind())).findFirst().orElse(all.getFirst());
        var title = firstNonBlank(contact.name(), contact.phone(), "Conversation #" + conversation);
        var card = cards.create(account, board, new Cards.NewCard(stage.id(), title.length() > 500 ? title.substring(0, 500) : title,
                new Cards.Contact(contact.name(), contact.phone(), contact.chatwootContactId()), List.of(conversation), null,
                null, "normal", null, null, List.of(), Map.of(), null, null), Actor.SYSTEM, true);
        return new AttachedCard(card.id(), board, card.stageId(), true);
    }

    private Optional<AttachedCard> holder(AccountId account, long conversation) {
        return jdbc.sql("""
                select c.id, c.board_id, c.stage_id from card_conversations cc
                join cards c on c.account_id = cc.account_id and c.id = cc.card_id
                where cc.account_id = :account and cc.chatwoot_conversation_id = :conversation
                """)
                .param("account", account.value()).param("conversation", conversation)
                .query((rs, n) -> new AttachedCard(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getObject(3, UUID.class), false))
                .optional();
    }

    /** The contact's most recently changed live card in an open stage of the board. */
    private Optional<AttachedCard> openCardOf(AccountId account, UUID board, ContactRef contact) {
        var byChatwoot = contact.chatwootContactId() != null;
        return jdbc.sql("""
                select c.id, c.board_id, c.stage_id from cards c
                join stages s on s.account_id = c.account_id and s.id = c.stage_id
                where c.account_id = :account and c.board_id = :board and c.archived_at is null and s.kind = 'open'
                and %s
                order by c.updated_at desc, c.id desc limit 1
                """.formatted(byChatwoot ? "c.chatwoot_contact_id = :contact"
                        : "regexp_replace(coalesce(c.contact_phone, ''), '\\D', '', 'g') = :contact"))
                .param("account", account.value()).param("board", board)
                .param("contact", byChatwoot ? contact.chatwootContactId() : digits(contact.phone()))
                .query((rs, n) -> new AttachedCard(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getObject(3, UUID.class), false))
                .optional();
    }

    private static @Nullable String contactKey(ContactRef contact) {
        if (contact.chatwootContactId() != null) {
            return "chatwoot:" + contact.chatwootContactId();
        }
        var digits = digits(contact.phone());
        return digits.isEmpty() ? null : "phone:" + digits;
    }

    private static String digits(@Nullable String phone) {
        return phone == null ? "" : phone.replaceAll("\\D", "");
    }

    private void advisoryLock(String key) {
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended(:key, 0))").param("key", key)
                .query((rs, n) -> 1).single();
    }

    private static String firstNonBlank(@Nullable String... values) {
        for (var value : values) {
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        return "Conversation";
    }

    private static <T> T inScope(AccountId account, Supplier<@Nullable T> work) {
        Supplier<T> required = () -> {
            var result = work.get();
            if (result == null) {
                throw new IllegalStateException("no result");
            }
            return result;
        };
        return inAccountScope(account) ? required.get() : Tenancy.callAs(account, required::get);
    }

    private static boolean inAccountScope(AccountId account) {
        return Tenancy.currentAccount().filter(account::equals).isPresent();
    }
}
