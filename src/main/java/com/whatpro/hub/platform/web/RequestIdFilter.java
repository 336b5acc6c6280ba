package com.whatpro.hub.platform.web;

import java.io.IOException;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import com.whatpro.hub.platform.logging.SecretMasking;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every request an id: the caller's {@code X-Request-Id} when it is sane, a new one
 * otherwise. It is echoed, logged with every line and recorded in the audit log. Each request
 * ends with one access-log line (logger {@code whatpro.access}), its path with webhook secrets masked.
 */
public class RequestIdFilter extends OncePerRequestFilter {

    private static final Logger access = LoggerFactory.getLogger("whatpro.access");

    private final boolean accessLog;

    RequestIdFilter(boolean accessLog) {
        this.accessLog = accessLog;
    }

    public static final String HEADER = "X-Request-Id";
    public static final String ATTRIBUTE = RequestIdFilter.class.getName();
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");

    public static String of(HttpServletRequest request) {
        var id = request.getAttribute(ATTRIBUTE);
        return id == null ? "" : id.toString();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        var given = request.getHeader(HEADER);
        var id = given != null && SANE.matcher(given).matches() ? given : UUID.randomUUID().toString();
        request.setAttribute(ATTRIBUTE, id);
        response.setHeader(HEADER, id);
        MDC.put("request_id", id);
        var started = System.nanoTime();
        try {
            chain.doFilter(request, response);
        } finally {
            if (accessLog) {
                access.info("{} {} {} {}ms", request.getMethod(), SecretMasking.mask(request.getRequestURI()),
                        response.getStatus(),
                        (System.nanoTime() - started) / 1_000_000);
            }
            MDC.remove("request_id");
        }
    }
}
