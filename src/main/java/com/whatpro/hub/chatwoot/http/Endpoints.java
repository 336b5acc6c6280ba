package com.whatpro.hub.chatwoot.http;

import java.net.URI;

import org.springframework.web.util.UriComponentsBuilder;

/** The Application API's URLs under an installation's base URL, which may carry a path of its own. */
record Endpoints(URI baseUrl, long accountId) {

    Endpoints {
        requireHttp(baseUrl);
    }

    static URI profile(URI baseUrl) {
        requireHttp(baseUrl);
        return UriComponentsBuilder.fromUri(baseUrl).pathSegment("api", "v1", "profile").build().toUri();
    }

    URI of(String... segments) {
        return account().pathSegment(segments).build().toUri();
    }

    URI contactSearch(String query) {
        // a template variable is encoded strictly, so '+' of a phone number arrives as %2B and not as a space
        return account().pathSegment("contacts", "search").queryParam("q", "{q}").encode().buildAndExpand(query).toUri();
    }

    private UriComponentsBuilder account() {
        return UriComponentsBuilder.fromUri(baseUrl).pathSegment("api", "v1", "accounts", Long.toString(accountId));
    }

    private static void requireHttp(URI baseUrl) {
        var scheme = baseUrl.getScheme();
        if (!baseUrl.isAbsolute() || baseUrl.getHost() == null
                || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
            throw new IllegalArgumentException("Chatwoot's base URL must be an absolute http(s) URL: " + baseUrl);
        }
    }
}
