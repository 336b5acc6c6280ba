package com.whatpro.hub.identity;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Collects the events the service publishes, whichever thread published them (test classpath only). */
@Component
class SecurityEventsRecorder {

    private static final List<Object> EVENTS = new CopyOnWriteArrayList<>();

    @EventListener
    void on(Object event) {
        if (event.getClass().getPackageName().startsWith("com.whatpro.hub")) {
            EVENTS.add(event);
        }
    }

    static <T> List<T> seen(Class<T> type) {
        return EVENTS.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
