package com.whatpro.hub.platform.database;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import com.whatpro.hub.platform.Tenancy;

import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.TransactionDefinition;

/**
 * Hands the current {@link Tenancy} scope to PostgreSQL at the start of every transaction.
 * The settings are transaction-local, so a connection returned to the pool carries no tenant.
 */
final class TenantAwareTransactionManager extends JdbcTransactionManager {

    private static final String SET_SCOPE = "select set_config('app.account_id', ?, true),"
            + " set_config('app.user_id', ?, true), set_config('app.platform', ?, true)";

    TenantAwareTransactionManager(DataSource dataSource) {
        super(dataSource);
    }

    @Override
    protected void prepareTransactionalConnection(Connection connection, TransactionDefinition definition)
            throws SQLException {
        super.prepareTransactionalConnection(connection, definition);
        var scope = Tenancy.current();
        if (scope.isEmpty()) {
            return;
        }
        var current = scope.get();
        try (var statement = connection.prepareStatement(SET_SCOPE)) {
            statement.setString(1, current.account() == null ? "" : current.account().toString());
            statement.setString(2, current.user() == null ? "" : current.user().toString());
            statement.setString(3, current.platform() ? "on" : "");
            statement.execute();
        }
    }
}
