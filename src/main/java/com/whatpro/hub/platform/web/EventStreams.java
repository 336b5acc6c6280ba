package com.whatpro.hub.platform.web;

import java.io.IOException;

import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** What every server-sent event stream of the hub does when it opens. */
public final class EventStreams {

    private EventStreams() {
    }

    /**
     * Sends the greeting (a retry hint) and any first events from the request's thread, so the response is committed
     * there: a first write from a subscriber's thread while the request's filters still add headers corrupts them
     * (Tomcat's headers are not thread-safe). False when the client is already gone; the emitter is then completed.
     */
    public static boolean greet(SseEmitter emitter, SseEmitter.SseEventBuilder... first) {
        try {
            emitter.send(SseEmitter.event().reconnectTime(3_000).comment("connected"));
            for (var event : first) {
                emitter.send(event);
            }
            return true;
        } catch (IOException e) {
            emitter.completeWithError(e);
            return false;
        }
    }
}
