package com.whatpro.hub.platform.web;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
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

    /**
     * The address a per-client rate limit counts against: IPv6 clients get a bucket per /64, the block one
     * subscriber usually holds.
     */
    public static String bucketOf(String address) {
        InetAddress parsed;
        try {
            parsed = InetAddress.ofLiteral(address);
        } catch (IllegalArgumentException e) {
            return address;
        }
        if (parsed instanceof Inet6Address) {
            var bytes = parsed.getAddress();
            for (int i = 8; i < 16; i++) {
                bytes[i] = 0;
            }
            try {
                return InetAddress.getByAddress(bytes).getHostAddress() + "/64";
            } catch (UnknownHostException e) {
                return address;
            }
        }
        return parsed.getHostAddress();
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
