package com.whatpro.hub.kanban;

import com.whatpro.hub.gateway.ConversationOpened;

import org.springframework.scheduling.annotation.Async;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/** A conversation the gateway opens becomes a card on the account's default board (or joins the contact's open card). */
@Component
class ConversationsToCards {

    private final ConversationCards cards;

    ConversationsToCards(ConversationCards cards) {
        this.cards = cards;
    }

    @Async
    @TransactionalEventListener(fallbackExecution = true)
    void on(ConversationOpened event) {
        cards.attach(event.account(), new ContactRef(event.contactName(), event.contactPhoneE164(),
                event.chatwootContactId()), event.chatwootConversationId());
    }
}
