package com.whatpro.hub;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

/** Every connection of the service's database pool held, as a burst the pool cannot serve holds them, until closed. */
public final class DrainedPool implements AutoCloseable {

    private final List<Connection> held;

    private DrainedPool(List<Connection> held) {
        this.held = held;
    }

    public static DrainedPool of(DataSource dataSource) throws SQLException {
        var pool = new DrainedPool(new ArrayList<>());
        try {
            var size = ((HikariDataSource) dataSource).getMaximumPoolSize();
            while (pool.held.size() < size) {
                pool.held.add(dataSource.getConnection());
            }
        } catch (SQLException | RuntimeException e) {
            pool.close();
            throw e;
        }
        return pool;
    }

    @Override
    public void close() throws SQLException {
        for (var connection : held) {
            connection.close();
        }
    }
}
