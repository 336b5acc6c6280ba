package com.whatpro.hub.gateway;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Collects the gateway's published events (test classpath only). */
@Component
class GatewayEvents {

    private static final List<ConversationOpened> OPENED = new CopyOnWriteArrayList<>();

    @EventListener
    void on(ConversationOpened event) {
        OPENED.add(event);
    }

    static List<ConversationOpened> opened(long chatwootConversationId) {
        return OPENED.stream().filter(event -> event.chatwootConversationId() == chatwootConversationId).toList();
    }
}
