package com.whatpro.hub.identity;

import java.security.SecureRandom;
import java.util.Base64;

import com.whatpro.hub.platform.Ids;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * On a database without any super_admin, creates one from WHATPRO_BOOTSTRAP_ADMIN_EMAIL and
 * WHATPRO_BOOTSTRAP_ADMIN_PASSWORD, or with a generated password printed once to the console.
 */
@Component
class BootstrapAdmin implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(BootstrapAdmin.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final PasswordEncoder passwords;
    private final IdentitySettings settings;
    private final ApplicationEventPublisher events;

    BootstrapAdmin(JdbcClient jdbc, TransactionTemplate transactions, PasswordEncoder passwords,
            IdentitySettings settings, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.passwords = passwords;
        this.settings = settings;
        this.events = events;
    }

    @Override
    public void run(ApplicationArguments args) {
        var bootstrap = settings.bootstrap();
        var given = bootstrap.adminPassword();
        var password = given == null || given.isBlank() ? generatedPassword() : given;
        if (Boolean.TRUE.equals(transactions.execute(status -> superAdminExists()))) {
            return;
        }
        // hashed before the lock is taken: nodes starting together would each wait on it holding a connection
        var hash = passwords.encode(password);
        boolean created = Boolean.TRUE.equals(transactions.execute(status -> {
            // one node creates the admin even when several start at once
            jdbc.sql("select pg_advisory_xact_lock(hashtext('whatpro.bootstrap-admin'))").query().singleValue();
            if (superAdminExists()) {
                return false;
            }
            var id = Ids.newId();
            var email = bootstrap.adminEmail().strip().toLowerCase();
            jdbc.sql("""
                    insert into users (id, email, name, password_hash, is_super_admin)
                    values (:id, :email, 'Administrator', :hash, true)
                    """)
                    .param("id", id)
                    .param("email", email)
                    .param("hash", hash)
                    .update();
            events.publishEvent(new SuperAdminBootstrapped(id, email));
            return true;
        }));
        if (!created) {
            return;
        }
        log.info("Created the bootstrap super_admin {}", bootstrap.adminEmail());
        if (given == null || given.isBlank()) {
            // printed, not logged: it is shown once to whoever started the service
            System.out.printf("%n  WhatPro Hub super_admin: %s%n  password (shown only now): %s%n%n",
                    bootstrap.adminEmail(), password);
        }
    }

    private boolean superAdminExists() {
        return jdbc.sql("select exists (select 1 from users where is_super_admin)").query(Boolean.class).single();
    }

    private static String generatedPassword() {
        var bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
