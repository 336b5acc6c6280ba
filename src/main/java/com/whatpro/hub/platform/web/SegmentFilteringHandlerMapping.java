package com.whatpro.hub.platform.web;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.jspecify.annotations.Nullable;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;

/**
 * Spring MVC finds the handler of a path with a variable in it ({@code /api/v1/accounts/7/users}) by testing every
 * mapping's conditions in turn (spring-framework#24901): a twentieth of a webhook's or a guarded read's CPU. This
 * mapping first turns away every mapping whose paths have another number of segments or another literal segment
 * ({@code api}, {@code v1}, {@code accounts}, {@code users}) where the request's path has one; the rest are tested
 * as before, so the chosen handler is the same. Paths with percent-encoded characters are left to the full test,
 * which compares decoded segments.
 */
final class SegmentFilteringHandlerMapping extends RequestMappingHandlerMapping {

    private static final ScopedValue<String[]> PATH_SEGMENTS = ScopedValue.newInstance();

    /** Written while mappings are registered (copied, then replaced), read by every request. */
    private volatile Map<RequestMappingInfo, RouteShape[]> shapes = new IdentityHashMap<>();

    @Override
    protected void registerHandlerMethod(Object handler, Method method, RequestMappingInfo mapping) {
        super.registerHandlerMethod(handler, method, mapping);
        synchronized (this) {
            var copy = new IdentityHashMap<>(shapes);
            copy.put(mapping, RouteShape.of(mapping));
            shapes = copy;
        }
    }

    @Override
    protected @Nullable HandlerMethod lookupHandlerMethod(String lookupPath, HttpServletRequest request)
            throws Exception {
        if (lookupPath.indexOf('%') >= 0 || !lookupPath.startsWith("/")) {
            return super.lookupHandlerMethod(lookupPath, request);
        }
        return ScopedValue.where(PATH_SEGMENTS, RouteShape.segments(lookupPath))
                .call(() -> super.lookupHandlerMethod(lookupPath, request));
    }

    @Override
    protected @Nullable RequestMappingInfo getMatchingMapping(RequestMappingInfo info, HttpServletRequest request) {
        if (PATH_SEGMENTS.isBound()) {
            var routes = shapes.get(info);
            if (routes != null && !RouteShape.anyAdmits(routes, PATH_SEGMENTS.get())) {
                return null;
            }
        }
        return super.getMatchingMapping(info, request);
    }

    /**
     * What a path pattern says about a path's segments: {@code literals[i]} is the i-th segment it requires, or null
     * where a variable or wildcard stands; {@code open}: more segments may follow (or the last ones may be missing),
     * as after {@code {*path}}, {@code **} or a variable with a regular expression.
     */
    record RouteShape(@Nullable String[] literals, boolean open) {

        static final RouteShape ANY = new RouteShape(new String[0], true);

        static RouteShape[] of(RequestMappingInfo mapping) {
            var condition = mapping.getPathPatternsCondition();
            if (condition == null || condition.getPatterns().isEmpty()) {
                return new RouteShape[] {ANY};
            }
            return condition.getPatterns().stream().map(PathPattern::getPatternString).map(RouteShape::of)
                    .toArray(RouteShape[]::new);
        }

        static RouteShape of(String pattern) {
            if (!pattern.startsWith("/")) {
                return ANY;
            }
            var parts = segments(pattern);
            var literals = new String[parts.length];
            for (int i = 0; i < parts.length; i++) {
                var part = parts[i];
                if (part.contains("{*") || part.contains("**") || part.contains(":")) {
                    return new RouteShape(Arrays.copyOf(literals, i), true);
                }
                literals[i] = part.indexOf('{') >= 0 || part.indexOf('*') >= 0 || part.indexOf('?') >= 0 ? null : part;
            }
            return new RouteShape(literals, false);
        }

        /** {@code /a/b/} is {@code [a, b, ""]}: a trailing separator is a segment of its own, as in a PathPattern. */
        static String[] segments(String path) {
            return path.substring(1).split("/", -1);
        }

        boolean admits(String[] path) {
            if (open ? path.length < literals.length : path.length != literals.length) {
                return false;
            }
            for (int i = 0; i < literals.length; i++) {
                if (literals[i] != null && !literals[i].equals(path[i])) {
                    return false;
                }
            }
            return true;
        }

        static boolean anyAdmits(RouteShape[] routes, String[] path) {
            for (var route : routes) {
                if (route.admits(path)) {
                    return true;
                }
            }
            return false;
        }
    }
}
