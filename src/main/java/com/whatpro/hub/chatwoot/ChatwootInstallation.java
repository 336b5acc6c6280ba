package com.whatpro.hub.chatwoot;

import java.net.URI;
import java.util.Locale;

/**
 * One Chatwoot server, named by its base URL in a canonical form: scheme and host lower-cased, the scheme's default
 * port left out, the path kept without trailing slashes, no query, fragment or user info. Chatwoot user ids are
 * only unique within one installation, so a Chatwoot identity is (installation, user id).
 */
public record ChatwootInstallation(String url) {

    public ChatwootInstallation {
        if (!url.equals(canonical(URI.create(url)))) {
            throw new IllegalArgumentException("not a canonical Chatwoot base URL: " + url);
        }
    }

    /**
     * @throws IllegalArgumentException when the URL is not an absolute http(s) URL with a host
     */
    public static ChatwootInstallation of(URI baseUrl) {
        return new ChatwootInstallation(canonical(baseUrl));
    }

    private static String canonical(URI uri) {
        var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("a Chatwoot base URL is an absolute http(s) URL with a host");
        }
        var port = uri.getPort();
        var defaultPort = scheme.equals("http") ? 80 : 443;
        var path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT)
                + (port == -1 || port == defaultPort ? "" : ":" + port) + path;
    }

    @Override
    public String toString() {
        return url;
    }
}
