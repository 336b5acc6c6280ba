package com.whatpro.hub.webhooks;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The events a subscription can name (docs/webhooks.md, "Events"). */
enum EventType {
    CARD_CREATED("card.created"),
    CARD_UPDATED("card.updated"),
    CARD_MOVED("card.moved"),
    CARD_DELETED("card.deleted"),
    MESSAGE_RECEIVED("message.received"),
    MESSAGE_SENT("message.sent"),
    MESSAGE_STATUS("message.status"),
    PROVIDER_CONNECTION("provider.connection");

    static final List<String> NAMES = Arrays.stream(values()).map(EventType::key).toList();

    private final String key;

    EventType(String key) {
        this.key = key;
    }

    String key() {
        return key;
    }

    static Optional<EventType> of(String key) {
        return Arrays.stream(values()).filter(type -> type.key.equals(key)).findFirst();
    }
}
