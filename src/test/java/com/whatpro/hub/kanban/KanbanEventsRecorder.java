package com.whatpro.hub.kanban;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** Records kanban events and whether a transaction was open when each was published (test classpath only). */
@Component
class KanbanEventsRecorder {

    record Seen(Object event, boolean inTransaction) {
    }

    private static final List<Seen> EVENTS = new CopyOnWriteArrayList<>();

    @EventListener
    void on(Object event) {
        if (event.getClass().getPackageName().equals("com.whatpro.hub.kanban")) {
            EVENTS.add(new Seen(event, TransactionSynchronizationManager.isActualTransactionActive()));
        }
    }

    static <T> List<T> seen(Class<T> type) {
        return EVENTS.stream().map(Seen::event).filter(type::isInstance).map(type::cast).toList();
    }

    static boolean allInTransaction() {
        return EVENTS.stream().allMatch(Seen::inTransaction);
    }
}
