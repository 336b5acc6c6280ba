package com.whatpro.hub.platform.database;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import com.whatpro.hub.platform.Tenancy;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.CannotCreateTransactionException;
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

    /**
     * A transaction that cannot begin because its pooled connection is dead (the primary failed over or ended the
     * session: SQLState 08xxx or 57P01) begins again on a fresh one: nothing ran in it yet, so this is safe for
     * writes too. The pool's other idle connections are retired as well, since they most likely died the same way.
     */
    @Override
    protected void doBegin(Object transaction, TransactionDefinition definition) {
        try {
            super.doBegin(transaction, definition);
        } catch (CannotCreateTransactionException e) {
            if (!connectionLost(e) || !(getDataSource() instanceof HikariDataSource pool)) {
                throw e;
            }
            var mxBean = pool.getHikariPoolMXBean();
            if (mxBean != null) {
                mxBean.softEvictConnections();
            }
            super.doBegin(transaction, definition);
        }
    }

    static boolean connectionLost(Throwable failure) {
        for (var cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().equals("57P01"))) {
                return true;
            }
        }
        return false;
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
