package com.whatpro.hub.webhooks;

import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Tenancy;
import com.whatpro.hub.platform.crypto.CredentialCipher;
import com.whatpro.hub.platform.crypto.CredentialDecryptionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * After a key rotation, moves the subscriptions' signing secrets under the active key (at start-up and hourly), so the
 * old key can be dropped without breaking a delivery. A value that cannot be read is named in the log and left as it
 * is; the others still move.
 */
@Component
class SecretRotation {

    private static final Logger log = LoggerFactory.getLogger(SecretRotation.class);

    private final JdbcClient jdbc;
    private final CredentialCipher cipher;
    private final TransactionTemplate transactions;

    SecretRotation(JdbcClient jdbc, CredentialCipher cipher, PlatformTransactionManager transactionManager) {
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.transactions = new TransactionTemplate(transactionManager);
    }

    private record Sealed(UUID id, AccountId account, String secret) {
    }

    @EventListener(ApplicationReadyEvent.class)
    @Scheduled(initialDelay = 1, fixedDelay = 1, timeUnit = TimeUnit.HOURS)
    void reencrypt() {
        try {
            int moved = reencrypt(cipher);
            if (moved > 0) {
                log.info("Re-encrypted the signing secrets of {} webhook subscription(s) under the active key", moved);
            }
        } catch (RuntimeException e) {
            log.warn("Re-encrypting webhook signing secrets failed; will try again: {}", e.toString());
        }
    }

    /** How many secrets moved to the active key of {@code with}. */
    int reencrypt(CredentialCipher with) {
        List<Sealed> all = Objects.requireNonNull(Tenancy.callAsPlatform(() -> transactions.execute(status -> jdbc
                .sql("select id, account_id, secret from webhook_subscriptions")
                .query((rs, n) -> new Sealed(rs.getObject(1, UUID.class), AccountId.of(rs.getLong(2)), rs.getString(3)))
                .list())));
        int moved = 0;
        for (var row : all) {
            try {
                if (!with.needsReencryption(row.secret())) {
                    continue;
                }
                var fresh = with.reencrypt(row.secret(), Subscriptions.associatedData(row.account(), row.id()));
                moved += Objects.requireNonNull(Tenancy.callAs(row.account(), () -> transactions.execute(status -> jdbc.sql("""
                        update webhook_subscriptions set secret = :fresh
                        where account_id = :account and id = :id and secret = :stale
                        """)
                        .param("fresh", fresh).param("account", row.account().value()).param("id", row.id())
                        .param("stale", row.secret()).update())));
            } catch (CredentialDecryptionException e) {
                log.warn("The signing secret of webhook subscription {} cannot be read ({}); it is left as it is",
                        row.id(), e.getMessage());
            }
        }
        return moved;
    }
}
