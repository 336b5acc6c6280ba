package com.whatpro.hub.platform.crypto;

import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Tenancy;

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
 * After a key rotation, moves the values of every {@link SealedColumn} under the active key, at start-up and hourly,
 * so the old key can be dropped without breaking anything. A value that cannot be read is named in the log and left
 * as it is; the others still move.
 */
@Component
public class SealedColumns {

    private static final Logger log = LoggerFactory.getLogger(SealedColumns.class);
    private static final Pattern NAME = Pattern.compile("[a-z_]+");

    private final List<SealedColumn> columns;
    private final JdbcClient jdbc;
    private final CredentialCipher cipher;
    private final TransactionTemplate transactions;

    SealedColumns(List<SealedColumn> columns, JdbcClient jdbc, CredentialCipher cipher,
            PlatformTransactionManager transactionManager) {
        this.columns = columns;
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.transactions = new TransactionTemplate(transactionManager);
    }

    private record Sealed(UUID id, AccountId account, String value) {
    }

    @EventListener(ApplicationReadyEvent.class)
    @Scheduled(initialDelay = 1, fixedDelay = 1, timeUnit = TimeUnit.HOURS)
    void reencrypt() {
        for (var column : columns) {
            try {
                int moved = reencrypt(column, cipher);
                if (moved > 0) {
                    log.info("Re-encrypted {} value(s) of {}.{} under the active key", moved, column.table(),
                            column.column());
                }
            } catch (RuntimeException e) {
                log.warn("Re-encrypting {}.{} failed; will try again: {}", column.table(), column.column(),
                        e.toString());
            }
        }
    }

    /** How many values of the column moved to the active key of {@code with}. */
    public int reencrypt(SealedColumn column, CredentialCipher with) {
        if (!NAME.matcher(column.table()).matches() || !NAME.matcher(column.column()).matches()) {
            throw new IllegalArgumentException("not a table or column name: " + column.table() + "." + column.column());
        }
        List<Sealed> rows = Objects.requireNonNull(Tenancy.callAsPlatform(() -> transactions.execute(status -> jdbc
                .sql("select id, account_id, " + column.column() + " from " + column.table()
                        + " where " + column.column() + " is not null and not starts_with(" + column.column()
                        + ", :active)")
                .param("active", with.activePrefix())
                .query((rs, n) -> new Sealed(rs.getObject(1, UUID.class), AccountId.of(rs.getLong(2)), rs.getString(3)))
                .list())));
        int moved = 0;
        for (var row : rows) {
            try {
                var fresh = with.reencrypt(row.value(), column.associatedData(row.account(), row.id()));
                moved += Objects.requireNonNull(Tenancy.callAs(row.account(), () -> transactions.execute(status -> jdbc
                        .sql("update " + column.table() + " set " + column.column() + " = :fresh"
                                + " where account_id = :account and id = :id and " + column.column() + " = :stale")
                        .param("fresh", fresh).param("account", row.account().value()).param("id", row.id())
                        .param("stale", row.value()).update())));
            } catch (CredentialDecryptionException e) {
                log.warn("{}.{} of row {} cannot be read ({}); it is left as it is", column.table(), column.column(),
                        row.id(), e.getMessage());
            }
        }
        return moved;
    }
}
