package com.whatpro.hub.gateway;

import com.whatpro.hub.platform.crypto.CredentialCipher;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The gateway's background chores: forgetting finished work, old pacing slots and claims their dead holders left
 * behind, re-encryption after a rotation.
 */
@Component
class GatewayMaintenance {

    private static final Logger log = LoggerFactory.getLogger(GatewayMaintenance.class);

    private final Jobs jobs;
    private final Pacing pacing;
    private final Claims claims;
    private final ChatwootConnections connections;
    private final CredentialCipher cipher;
    private final GatewaySettings settings;

    GatewayMaintenance(Jobs jobs, Pacing pacing, Claims claims, ChatwootConnections connections,
            CredentialCipher cipher, GatewaySettings settings) {
        this.jobs = jobs;
        this.pacing = pacing;
        this.claims = claims;
        this.connections = connections;
        this.cipher = cipher;
        this.settings = settings;
    }

    @Scheduled(initialDelay = 10, fixedDelay = 10, timeUnit = TimeUnit.MINUTES)
    void purge() {
        try {
            int purged;
            do {
                purged = jobs.purge(settings.retention());
            } while (purged > 0);
            pacing.purge();
            claims.purge();
        } catch (RuntimeException e) {
            log.warn("Purging finished gateway work failed; will try again: {}", e.toString());
        }
    }

    @EventListener(ApplicationReadyEvent.class)
    @Scheduled(initialDelay = 1, fixedDelay = 1, timeUnit = TimeUnit.HOURS)
    void reencrypt() {
        try {
            int moved = connections.reencrypt(cipher);
            if (moved > 0) {
                log.info("Re-encrypted {} Chatwoot connection(s) under the active key", moved);
            }
        } catch (RuntimeException e) {
            log.warn("Re-encrypting Chatwoot connections failed; will try again: {}", e.toString());
        }
    }
}
