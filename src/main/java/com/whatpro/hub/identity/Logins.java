package com.whatpro.hub.identity;

import java.util.Optional;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Password sign-in. An unknown email costs the same hash as a wrong password and answers the
 * same, so the answer never tells whether an account exists.
 */
@Service
class Logins {

    private final Users users;
    private final PasswordEncoder passwords;
    private final SessionRegistry sessions;
    private final ApplicationEventPublisher events;
    private final String decoyHash;

    Logins(Users users, PasswordEncoder passwords, SessionRegistry sessions, ApplicationEventPublisher events) {
        this.users = users;
        this.passwords = passwords;
        this.sessions = sessions;
        this.events = events;
        this.decoyHash = passwords.encode("decoy-password-for-unknown-emails");
    }

    @Transactional
    Optional<SessionRegistry.Grant> login(String email, String password, ClientInfo client) {
        var user = users.byEmail(email);
        var hash = user.map(Users.User::passwordHash).orElse(null);
        var matches = passwords.matches(password, hash == null ? decoyHash : hash) && hash != null;
        if (user.isEmpty() || !matches) {
            failed(email, user.isEmpty() ? "unknown_email" : hash == null ? "no_password" : "wrong_password");
            return Optional.empty();
        }
        return Optional.of(sessions.open(user.get().id(), "password", client));
    }

    private void failed(String email, String reason) {
        events.publishEvent(new LoginFailed(email.strip().toLowerCase(), reason));
    }
}
