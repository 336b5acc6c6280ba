package com.whatpro.hub.webapp;

import com.whatpro.hub.identity.WebSessions;

import org.springframework.http.HttpStatus;

/** A refused sign-in, as a message a person understands and the matching status. */
final class SignInErrors {

    private SignInErrors() {
    }

    static String key(WebSessions.Reason reason) {
        return switch (reason) {
            case BAD_CREDENTIALS -> "login.error.credentials";
            case CHATWOOT_REJECTED -> "login.error.chatwootRejected";
            case CHATWOOT_UNAVAILABLE -> "login.error.chatwootUnavailable";
            case CHATWOOT_NOT_CONFIGURED -> "login.error.chatwootNotConfigured";
            case CHATWOOT_LINK_REQUIRED -> "login.error.chatwootLinkRequired";
            case FAILED -> "login.error.failed";
            case BUSY -> "login.error.busy";
        };
    }

    static HttpStatus status(WebSessions.Reason reason) {
        return switch (reason) {
            case BAD_CREDENTIALS, CHATWOOT_REJECTED -> HttpStatus.UNAUTHORIZED;
            case CHATWOOT_UNAVAILABLE, CHATWOOT_NOT_CONFIGURED, BUSY -> HttpStatus.SERVICE_UNAVAILABLE;
            case CHATWOOT_LINK_REQUIRED -> HttpStatus.CONFLICT;
            case FAILED -> HttpStatus.BAD_REQUEST;
        };
    }

    /** The {@code Retry-After} of a refusal that says when to come back, in seconds; 0 for none. */
    static long retryAfterSeconds(WebSessions.Reason reason) {
        return reason == WebSessions.Reason.BUSY ? 1 : 0;
    }

    /** The message of a sign-in refused by a rate limit; it takes the minutes to wait. */
    static String key(WebSessions.Limit limit) {
        return switch (limit) {
            case EMAIL -> "login.error.throttled";
            case ADDRESS -> "login.error.throttledAddress";
        };
    }

    /** Whole minutes to wait, at least one, for a message that says when to try again. */
    static long retryMinutes(long retryAfterSeconds) {
        return Math.max(1, (retryAfterSeconds + 59) / 60);
    }
}
