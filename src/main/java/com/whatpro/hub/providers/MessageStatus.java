package com.whatpro.hub.providers;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Where an outgoing message is on its way to the recipient. Statuses only move forward
 * (pending → sent → delivered → read); failed ends the way. Providers deliver status webhooks late, twice and out of
 * order, so every update is checked with {@link #canMoveTo(MessageStatus)} before it is applied.
 */
public enum MessageStatus {

    PENDING,
    SENT,
    DELIVERED,
    READ,
    FAILED;

    /**
     * Whether a message in this status may take {@code next}: only a later step of the way, or failed before it
     * was read. Nothing leaves failed or read, and a repeated status is no move.
     */
    public boolean canMoveTo(MessageStatus next) {
        if (isTerminal() || next == this) {
            return false;
        }
        return next == FAILED || next.ordinal() > ordinal();
    }

    /** Read and failed: no later status changes them. */
    public boolean isTerminal() {
        return this == READ || this == FAILED;
    }

    @JsonValue
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
