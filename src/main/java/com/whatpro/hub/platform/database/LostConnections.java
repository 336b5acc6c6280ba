package com.whatpro.hub.platform.database;

import java.util.function.Supplier;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * A statement run outside a transaction (authentication's single round trip) on a pooled connection the server
 * has ended (a failover: SQLState 08xxx or 57P01) runs once more on a fresh connection, as a transaction that
 * cannot begin does ({@link TenantAwareTransactionManager}). Only for statements that may safely run twice.
 */
@Component
public class LostConnections {

    private final DataSource dataSource;

    LostConnections(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public <T> T retryOnce(Supplier<T> idempotent) {
        try {
            return idempotent.get();
        } catch (DataAccessException e) {
            if (!TenantAwareTransactionManager.connectionLost(e)) {
                throw e;
            }
            if (dataSource instanceof HikariDataSource pool && pool.getHikariPoolMXBean() != null) {
                pool.getHikariPoolMXBean().softEvictConnections();
            }
            return idempotent.get();
        }
    }
}
