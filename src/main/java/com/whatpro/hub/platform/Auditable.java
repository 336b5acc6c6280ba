package com.whatpro.hub.platform;

import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * An event that belongs in the audit log. A module gets audited by letting its past-tense event
 * records implement this: the audit module writes one row per published event, in the
 * publisher's transaction, with the request's IP, user agent and request id.
 */
public interface Auditable {

    /** The account the event happened in; null for events outside any account (a sign-in). */
    @Nullable AccountId auditAccount();

    /** What happened, {@code resource.verb}: {@code team.created}, {@code auth.login_failed}. */
    String auditAction();

    String auditResourceType();

    @Nullable String auditResourceId();

    /** The changed fields (field to value, or to [old, new]); secrets are redacted on the way in. */
    default Map<String, ?> auditChanges() {
        return Map.of();
    }

    /**
     * Who did it when the request's own caller cannot say: the user who just signed in, or an
     * anonymous party. Null leaves it to the request's caller, else the system.
     */
    default @Nullable Actor auditActor() {
        return null;
    }

    /** Who acted: a user, an API key, the system itself, or somebody without a credential. */
    record Actor(String type, @Nullable UUID id) {

        public static Actor user(UUID id) {
            return new Actor("user", id);
        }

        public static Actor apiKey(UUID id) {
            return new Actor("api_key", id);
        }

        public static Actor system() {
            return new Actor("system", null);
        }

        public static Actor anonymous() {
            return new Actor("anonymous", null);
        }

        /** The given user, or nobody in particular when null. */
        public static @Nullable Actor userOrNull(@Nullable UUID id) {
            return id == null ? null : user(id);
        }
    }
}
