package com.whatpro.hub.webapp;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Redirects and reloads for htmx's requests. The browser follows a 302 inside such a request and
 * htmx swaps the page it ends at (the sign-in page) into its target; htmx leaves the page only when
 * the answer carries {@code HX-Redirect} (or {@code HX-Refresh}), and it swaps in no error answer.
 */
final class Htmx {

    private Htmx() {
    }

    static boolean isRequest(HttpServletRequest request) {
        return "true".equals(request.getHeader("HX-Request"));
    }

    /** Sends the browser to {@code location}: a 302, or for htmx a 204 with {@code HX-Redirect}. */
    static void redirect(HttpServletRequest request, HttpServletResponse response, String location) throws IOException {
        if (isRequest(request)) {
            response.setHeader("HX-Redirect", location);
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
        } else {
            response.sendRedirect(location);
        }
    }

    /** Has htmx load the whole page again after an error answer, which it would not show: the page then says it. */
    static void reloadOnError(HttpServletRequest request, HttpServletResponse response) {
        if (isRequest(request)) {
            response.setHeader("HX-Refresh", "true");
        }
    }
}
