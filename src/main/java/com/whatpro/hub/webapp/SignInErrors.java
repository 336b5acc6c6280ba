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
        };
    }

    static HttpStatus status(WebSessions.Reason reason) {
        return switch (reason) {
            case BAD_CREDENTIALS, CHATWOOT_REJECTED -> HttpStatus.UNAUTHORIZED;
            case CHATWOOT_UNAVAILABLE, CHATWOOT_NOT_CONFIGURED -> HttpStatus.SERVICE_UNAVAILABLE;
            case CHATWOOT_LINK_REQUIRED -> HttpStatus.CONFLICT;
            case FAILED -> HttpStatus.BAD_REQUEST;
        };
    }
}
