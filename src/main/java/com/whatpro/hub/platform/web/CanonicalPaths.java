package com.whatpro.hub.platform.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a path that percent-encodes a letter, digit or {@code - . _ ~}: no client needs to, and routing decodes
 * it while the filters that decide by path prefix ({@code /api/}, {@code /webhooks/}) read the path as sent, so
 * {@code /%61pi/v1/…} would reach an API route past them.
 */
final class CanonicalPaths extends OncePerRequestFilter {

    private final ProblemWriter problems;

    CanonicalPaths(ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (encodesUnreserved(request.getRequestURI())) {
            problems.write(request, response, ProblemWriter.problem(HttpStatus.BAD_REQUEST,
                    "The path percent-encodes a letter, digit or one of - . _ ~; send it unencoded."));
            return;
        }
        chain.doFilter(request, response);
    }

    static boolean encodesUnreserved(String path) {
        for (int i = path.indexOf('%'); i >= 0 && i + 2 < path.length(); i = path.indexOf('%', i + 1)) {
            var a = Character.digit(path.charAt(i + 1), 16);
            var b = Character.digit(path.charAt(i + 2), 16);
            if (a >= 0 && b >= 0 && unreserved((char) (a * 16 + b))) {
                return true;
            }
        }
        return false;
    }

    private static boolean unreserved(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~".indexOf(c) >= 0;
    }
}
