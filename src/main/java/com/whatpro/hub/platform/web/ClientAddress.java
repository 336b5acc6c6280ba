package com.whatpro.hub.platform.web;

import java.io.IOException;
import java.util.Collections;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The client's IP address of a request, worked out once per request from the socket and, only
 * behind {@link TrustedProxies}, from {@code X-Forwarded-For}. Rate limits, sessions and the
 * audit log all use this one answer.
 */
public final class ClientAddress extends OncePerRequestFilter {

    public static final String ATTRIBUTE = ClientAddress.class.getName();

    private final TrustedProxies proxies;

    ClientAddress(TrustedProxies proxies) {
        this.proxies = proxies;
    }

    public static String of(HttpServletRequest request) {
        var known = request.getAttribute(ATTRIBUTE);
        return known == null ? request.getRemoteAddr() : known.toString();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        var client = proxies.none() ? request.getRemoteAddr()
                : proxies.client(request.getRemoteAddr(), Collections.list(request.getHeaders("X-Forwarded-For")));
        request.setAttribute(ATTRIBUTE, client);
        chain.doFilter(request, response);
    }
}
