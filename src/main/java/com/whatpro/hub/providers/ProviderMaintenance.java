package com.whatpro.hub.providers;

import com.whatpro.hub.platform.crypto.CredentialCipher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The providers' background chores: health checks, last-event times, re-encryption after a key rotation, and
 * reservations of provisions that never finished.
 */
@Component
class ProviderMaintenance {

    private static final Logger log = LoggerFactory.getLogger(ProviderMaintenance.class);

    private final Providers providers;
    private final ProviderHealth health;
    private final CredentialCipher cipher;

    ProviderMaintenance(Providers providers, ProviderHealth health, CredentialCipher cipher) {
        this.providers = providers;
        this.health = health;
        this.cipher = cipher;
    }

    @Scheduled(initialDelayString = "${whatpro.providers.health-check-poll:30s}",
            fixedDelayString = "${whatpro.providers.health-check-poll:30s}")
    void checkHealth() {
        try {
            while (health.checkDue() > 0) {
                // keep going until nothing is due
            }
        } catch (RuntimeException e) {
            log.warn("The health-check round failed; the next one tries again: {}", e.toString());
        }
    }

    @Scheduled(fixedDelayString = "${whatpro.providers.last-event-flush:5s}")
    void flushLastEvents() {
        try {
            providers.flushLastEvents();
        } catch (RuntimeException e) {
            log.warn("Recording the numbers' last-event times failed; will try again: {}", e.toString());
        }
    }

    /** Reservations of provisions a crashed node left behind; they stopped counting already, this tidies up. */
    @Scheduled(initialDelay = 1, fixedDelay = 5, timeUnit = java.util.concurrent.TimeUnit.MINUTES)
    void dropExpiredProvisions() {
        try {
            int dropped = providers.dropExpiredProvisions();
            if (dropped > 0) {
                log.info("Deleted {} reservation(s) of provisions that never finished", dropped);
            }
        } catch (RuntimeException e) {
            log.warn("Deleting expired provision reservations failed; will try again: {}", e.toString());
        }
    }

    /** After a key rotation the old key stays configured until this has moved every value to the new one. */
    @EventListener(ApplicationReadyEvent.class)
    @Scheduled(initialDelay = 1, fixedDelay = 1, timeUnit = java.util.concurrent.TimeUnit.HOURS)
    void reencrypt() {
        try {
            int moved = providers.reencrypt(cipher);
            if (moved > 0) {
                log.info("Re-encrypted the credentials of {} provider(s) under the active key", moved);
            }
        } catch (RuntimeException e) {
            log.warn("Re-encrypting provider credentials failed; will try again: {}", e.toString());
        }
    }
}
