package com.whatpro.hub.platform.web;

import java.io.IOException;

import com.whatpro.hub.platform.ApiProblem;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A request that found no free database connection in time (a burst drained the pool, or the database is away) is
 * told to come back shortly, with a 503 {@code busy} problem and {@code Retry-After}, rather than the 500 of a defect.
 * This filter answers for the filters after it (authentication reads the database); {@link ProblemResponses} answers
 * for the handlers. A person's page is answered by its module ({@link BusyPages}).
 */
final class DatabaseBusy extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(DatabaseBusy.class);

    private final ProblemWriter problems;
    private final ObjectProvider<BusyPages> pages;

    DatabaseBusy(ProblemWriter problems, ObjectProvider<BusyPages> pages) {
        this.problems = problems;
        this.pages = pages;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (RuntimeException e) {
            if (!BusyPages.noConnection(e) || response.isCommitted()) {
                throw e;
            }
            log.warn("{} {}: no database connection was free in time: {}", request.getMethod(),
                    request.getRequestURI(), e.toString());
            if (!answeredAsPage(pages, request, response)) {
                problems.write(request, response, problem());
            }
        }
    }

    static boolean answeredAsPage(ObjectProvider<BusyPages> pages, HttpServletRequest request,
            HttpServletResponse response) throws IOException, ServletException {
        for (var page : pages.orderedStream().toList()) {
            if (page.answered(request, response)) {
                return true;
            }
        }
        return false;
    }

    /** The 503 for a request that got no database connection. */
    static ApiProblem problem() {
        return new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "busy", "Service Unavailable",
                "The service is busy right now; retry in a moment.")
                .with("retry_after", BusyPages.RETRY_AFTER_SECONDS)
                .header("Retry-After", Long.toString(BusyPages.RETRY_AFTER_SECONDS));
    }
}
