package com.whatpro.hub.identity;

import com.whatpro.hub.platform.ApiProblem;

import org.springframework.http.HttpStatus;

/**
 * Every password-hashing slot of this node stayed taken for the whole wait ({@link BoundedPasswordEncoder}): the
 * password was not checked. A 503 problem ({@code urn:whatpro:problem:busy}) with {@code Retry-After}.
 */
final class PasswordHashingBusy extends ApiProblem {

    static final long RETRY_AFTER_SECONDS = 1;

    PasswordHashingBusy() {
        super(HttpStatus.SERVICE_UNAVAILABLE, "busy", "Service Unavailable",
                "Too many passwords are being checked on this server right now; retry in a moment.");
        with("retry_after", RETRY_AFTER_SECONDS);
        header("Retry-After", Long.toString(RETRY_AFTER_SECONDS));
    }
}
