package com.whatpro.hub.platform.web;

import com.whatpro.hub.platform.PlatformSettings;
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
        var configured = settings.publicUrl();
        String base;
        if (configured != null && !configured.toString().isBlank()) {
            base = configured.toString();
        } else {
            base = ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString();
        }
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path;
    }
}
