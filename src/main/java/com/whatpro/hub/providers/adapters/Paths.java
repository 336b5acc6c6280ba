package com.whatpro.hub.providers.adapters;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Building request paths from names that come from users. */
final class Paths {

    private Paths() {
    }

    /** One percent-encoded path segment. */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
