package com.whatpro.hub.providers;

import com.fasterxml.jackson.annotation.JsonValue;
import java.net.URI;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Media to send, fetched by the provider from a URL.
 *
 * @param mimeType the file's type; providers guess it from the URL when absent
 * @param caption text shown with an image, video or document (audio has none)
 * @param fileName the name a document is shown with
 */
public record MediaMessage(Kind kind, URI url, @Nullable String mimeType, @Nullable String caption,
        @Nullable String fileName) {

    public enum Kind {
        IMAGE,
        VIDEO,
        AUDIO,
        DOCUMENT;

        /** The name the providers use: {@code image}, {@code video}, {@code audio}, {@code document}. */
        @JsonValue
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public MediaMessage {
        if (!"https".equals(url.getScheme()) && !"http".equals(url.getScheme())) {
            throw new IllegalArgumentException("media must be given by an http(s) URL, got " + url.getScheme());
        }
    }
}
