package com.whatpro.hub.platform.web;

import java.io.IOException;
import java.sql.SQLTransientConnectionException;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * A module whose routes are pages for people (the web app) answers their requests that found no free database
 * connection with a page of its own. {@link DatabaseBusy} and {@link ProblemResponses} ask it before answering with
 * the {@code busy} problem.
 */
public interface BusyPages {

    /** How long a busy answer asks the client to wait ({@code Retry-After}), in seconds. */
    long RETRY_AFTER_SECONDS = 1;

    /** Answers the request with the busy page and true, or false when the request is none of this module's pages. */
    boolean answered(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException;

    /** Whether the error, or one of its causes, says that no database connection was free in time. */
    static boolean noConnection(Throwable error) {
        for (var cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof CannotGetJdbcConnectionException || cause instanceof CannotCreateTransactionException
                    || cause instanceof SQLTransientConnectionException) {
                return true;
            }
        }
        return false;
    }
}
