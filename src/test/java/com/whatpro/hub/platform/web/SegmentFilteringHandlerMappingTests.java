package com.whatpro.hub.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatpro.hub.IntegrationTest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import jakarta.servlet.ServletException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;
import org.springframework.web.util.pattern.PathPattern;

/**
 * The handler mapping that skips mappings by the segments of their paths chooses, for a request to any route of the
 * hub, the handler Spring MVC's own full search chooses: checked for every route with its variables filled in,
 * spelled plainly, percent-encoded, with a trailing slash, one segment more or a matrix parameter (which Spring
 * strips from the path it looks up), and for paths no route has.
 */
class SegmentFilteringHandlerMappingTests extends IntegrationTest {

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mapping;

    @Test
    void theHubsRoutesGoThroughTheSegmentFilteringMapping() {
        assertThat(mapping).isInstanceOf(SegmentFilteringHandlerMapping.class);
        assertThat(mapping.getHandlerMethods()).hasSizeGreaterThan(50);
    }

    @Test
    void everyRouteIsHandledByTheHandlerTheFullSearchChooses() throws Exception {
        var checked = 0;
        var found = 0;
        for (var route : mapping.getHandlerMethods().keySet()) {
            var methods = route.getMethodsCondition().getMethods().isEmpty() ? List.of(RequestMethod.GET)
                    : route.getMethodsCondition().getMethods();
            for (var pattern : route.getPathPatternsCondition().getPatterns()) {
                for (var method : methods) {
                    var path = example(pattern);
                    var expected = fullSearch(method.name(), path);
                    assertThat(chosen(method.name(), path)).as("%s %s", method, path).isEqualTo(expected);
                    found += expected == null ? 0 : 1;
                    for (var variant : List.of(path.replace("a", "%61"), path + "/", path + "/extra",
                            path.replaceFirst("/v1", "/v1;matrix=1"))) {
                        assertThat(chosen(method.name(), variant)).as("%s %s", method, variant)
                                .isEqualTo(fullSearch(method.name(), variant));
                    }
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(50);
        assertThat(found).as("routes whose example request finds a handler").isGreaterThan(checked * 9 / 10);
    }

    @Test
    void pathsNoRouteHasFindNoHandler() throws Exception {
        for (var path : List.of("/api/v1/nothing/7", "/api/v2/accounts/7/users", "/API/v1/accounts/7/users",
                "/api/v1/accounts/7/users/7/nothing/8")) {
            assertThat(fullSearch("GET", path)).as(path).isNull();
            assertThat(chosen("GET", path)).as(path).isNull();
        }
    }

    @Test
    void aShapeAdmitsThePathsItsPatternCanMatch() {
        assertThat(admits("/api/v1/accounts/{accountId}/users", "/api/v1/accounts/7/users")).isTrue();
        assertThat(admits("/api/v1/accounts/{accountId}/users", "/api/v1/accounts/7/boards")).isFalse();
        assertThat(admits("/api/v1/accounts/{accountId}/users", "/api/v1/accounts/7/users/")).isFalse();
        assertThat(admits("/api/v1/accounts/{accountId}/users", "/api/v1/accounts/7")).isFalse();
        assertThat(admits("/files/{*path}", "/files")).isTrue();
        assertThat(admits("/files/{*path}", "/files/a/b/c")).isTrue();
        assertThat(admits("/files/{*path}", "/other/a")).isFalse();
        assertThat(admits("/assets/**", "/assets")).isTrue();
        assertThat(admits("/cards/{id:\\d+}", "/cards/12")).isTrue();
        assertThat(admits("/a/file?.txt", "/a/file1.txt")).isTrue();
        assertThat(admits("/a/{name}.json", "/a/x.json")).isTrue();
        assertThat(admits("/", "/")).isTrue();
        assertThat(admits("/", "/a")).isFalse();
    }

    private static boolean admits(String pattern, String path) {
        return SegmentFilteringHandlerMapping.RouteShape.of(pattern)
                .admits(SegmentFilteringHandlerMapping.RouteShape.segments(path));
    }

    /** The handler method chosen, or null when none matches (Spring then answers 404, 405, 406 or 415). */
    private Object chosen(String method, String path) throws Exception {
        try {
            var chain = mapping.getHandler(request(method, path));
            return chain == null ? null : ((HandlerMethod) chain.getHandler()).getMethod();
        } catch (ServletException noMatch) {
            return null;
        }
    }

    /** What Spring MVC's lookup picks when it tests every mapping: the best of those whose conditions all match. */
    private Object fullSearch(String method, String path) {
        var request = request(method, path);
        var matches = new ArrayList<Map.Entry<RequestMappingInfo, HandlerMethod>>();
        for (var entry : mapping.getHandlerMethods().entrySet()) {
            var match = entry.getKey().getMatchingCondition(request);
            if (match != null) {
                matches.add(Map.entry(match, entry.getValue()));
            }
        }
        return matches.stream().min(Comparator.comparing(Map.Entry::getKey, (a, b) -> a.compareTo(b, request)))
                .map(entry -> entry.getValue().getMethod()).orElse(null);
    }

    private static MockHttpServletRequest request(String method, String path) {
        var request = new MockHttpServletRequest(method, path);
        request.addHeader("Accept", "*/*");
        request.setContentType("application/json");
        ServletRequestPathUtils.parseAndCache(request);
        return request;
    }

    /** A path the pattern matches: each variable a plain value, each wildcard one segment. */
    private static String example(PathPattern pattern) {
        return pattern.getPatternString().replaceAll("\\{\\*[^}]+}", "rest/of/it").replaceAll("\\{[^}]+}", "7")
                .replace("**", "any").replace("*", "any");
    }
}
