package com.whatpro.hub.platform.web;

import com.whatpro.hub.platform.PlatformSettings;
import java.util.Optional;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * Absolute URLs that other systems call back (webhooks): under {@code WHATPRO_PUBLIC_URL} when it is set, else under
 * the base URL of the request being served (good enough on a developer's machine).
 */
public final class PublicUrls {

    private PublicUrls() {
    }

    /** @param path starting with {@code /}, e.g. {@code /api/v1/webhooks/...} */
    public static String of(PlatformSettings settings, String path) {
        return configured(settings, path).orElseGet(() ->
                join(ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString(), path));
    }

    /**
     * The URL under {@code WHATPRO_PUBLIC_URL}; empty when it is not set. The only kind worth registering at another
     * system: a URL derived from a request is what this caller used, not necessarily what that system can reach.
     */
    public static Optional<String> configured(PlatformSettings settings, String path) {
        var configured = settings.publicUrl();
        if (configured == null || configured.toString().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(join(configured.toString(), path));
    }

    private static String join(String base, String path) {
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path;
    }
}
