package com.whatpro.hub.platform;

import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.web.server.PortInUseException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Prints the usual reasons a start fails as what is wrong and one sentence with the fix, the last line on the console:
 * a port in use, a PostgreSQL that does not answer or refuses the login, a data dir the hub cannot write, and any
 * {@link StartupFailure}. Ahead of Spring Boot's own analyzers, so the fix names the hub's settings.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
final class StartupFailureAnalyzer implements FailureAnalyzer {

    @Override
    public @Nullable FailureAnalysis analyze(Throwable failure) {
        var known = find(failure, StartupFailure.class);
        if (known != null) {
            return new FailureAnalysis(known.getMessage(), known.fix(), known);
        }
        var portInUse = find(failure, PortInUseException.class);
        if (portInUse != null) {
            int port = portInUse.getPort();
            return new FailureAnalysis("Port %d is already in use by another process.".formatted(port),
                    ("Stop the process listening on port %d (`ss -ltnp 'sport = :%d'` names it) or set WHATPRO_PORT "
                    + "to a free port.").formatted(port, port), portInUse);
        }
        var database = databaseFailure(failure);
        if (database != null) {
            return database;
        }
        var file = find(failure, FileSystemException.class);
        if (file != null) {
            String path = Objects.requireNonNullElse(file.getFile(), "a file in the data dir");
            String reason = file.getReason() == null ? file.getClass().getSimpleName() : file.getReason();
            Path parent = Path.of(path).toAbsolutePath().getParent();
            return new FailureAnalysis("WhatPro Hub cannot write %s (%s).".formatted(path, reason),
                    ("Make %s a directory the user '%s' can write, or set WHATPRO_DATA_DIR to one it can.")
                    .formatted(parent == null ? path : parent, System.getProperty("user.name")), file);
        }
        return null;
    }

    private static @Nullable FailureAnalysis databaseFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (!(cause instanceof SQLException sql) || sql.getSQLState() == null) {
                continue;
            }
            String state = sql.getSQLState();
            String problem = "WhatPro Hub cannot use PostgreSQL: " + sql.getMessage();
            if (state.startsWith("08")) {
                return new FailureAnalysis(problem, "Start PostgreSQL, or set WHATPRO_DATABASE_URL to one that answers "
                        + "(jdbc:postgresql://host:5432/database), or unset it to use the embedded one.", sql);
            }
            if (state.startsWith("28")) {
                return new FailureAnalysis(problem, "Set WHATPRO_DATABASE_USERNAME and WHATPRO_DATABASE_PASSWORD to an "
                        + "account that PostgreSQL accepts and that owns the database.", sql);
            }
            if ("3D000".equals(state)) {
                return new FailureAnalysis(problem, "Create that database (e.g. `createdb whatpro`) or correct the "
                        + "database name in WHATPRO_DATABASE_URL.", sql);
            }
        }
        return null;
    }

    private static <T extends Throwable> @Nullable T find(Throwable failure, Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }
}
