package com.whatpro.hub.platform.web;

import java.io.IOException;
import java.sql.SQLTransientConnectionException;

import com.whatpro.hub.platform.ApiProblem;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A request that found no free database connection in time (a burst drained the pool, or the database is away) is
 * told to come back shortly, with a 503 {@code busy} problem and {@code Retry-After}, rather than the 500 of a defect.
 * This filter answers for the filters after it (authentication reads the database); {@link ProblemResponses} answers
 * for the handlers.
 */
final class DatabaseBusy extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(DatabaseBusy.class);
    private static final long RETRY_AFTER_SECONDS = 1;

    private final ProblemWriter problems;

    DatabaseBusy(ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (RuntimeException e) {
            if (!noConnection(e) || response.isCommitted()) {
                throw e;
            }
            log.warn("{} {}: no database connection was free in time: {}", request.getMethod(),
                    request.getRequestURI(), e.toString());
            problems.write(request, response, problem());
        }
    }

    /** The 503 for a request that got no database connection. */
    static ApiProblem problem() {
        return new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "busy", "Service Unavailable",
                "The service is busy right now; retry in a moment.")
                .with("retry_after", RETRY_AFTER_SECONDS)
                .header("Retry-After", Long.toString(RETRY_AFTER_SECONDS));
    }

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
