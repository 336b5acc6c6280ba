package com.whatpro.hub.gateway;

import com.whatpro.hub.chatwoot.NewAttachment;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLConnection;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Downloads the media of an inbound WhatsApp message from the URL the provider gave, to attach it to the Chatwoot
 * message. Bounded in size and time; anything that goes wrong yields nothing, and {@link InboundMedia} turns to the
 * provider or a label instead.
 */
@Component
class MediaFetcher {

    private static final Logger log = LoggerFactory.getLogger(MediaFetcher.class);

    private final HttpClient client;
    private final GatewaySettings settings;

    MediaFetcher(GatewaySettings settings) {
        this.settings = settings;
        this.client = HttpClient.newBuilder().connectTimeout(settings.mediaTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    Optional<NewAttachment> fetch(URI url, @Nullable String mimeType, @Nullable String fileName) {
        var scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.empty();
        }
        long max = settings.mediaMaxSize().toBytes();
        try {
            var response = client.send(HttpRequest.newBuilder(url).timeout(settings.mediaTimeout()).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() / 100 != 2 || response.headers().firstValueAsLong("Content-Length")
                        .orElse(0) > max) {
                    return Optional.empty();
                }
                byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
                if (bytes.length > max || bytes.length == 0) {
                    return Optional.empty();
                }
                var name = fileName != null && !fileName.isBlank() ? fileName : lastSegment(url);
                var type = mimeType != null && !mimeType.isBlank() ? mimeType
                        : response.headers().firstValue("Content-Type").orElseGet(() -> guess(name));
                return Optional.of(new NewAttachment(name, type.split(";")[0].strip(), bytes));
            }
        } catch (IOException | RuntimeException e) {
            log.debug("Could not fetch inbound media from {}: {}", url.getHost(), e.toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobFailure.RetryLater("interrupted while fetching media", null);
        }
    }

    private static String lastSegment(URI url) {
        var path = url.getPath() == null ? "" : url.getPath();
        var last = path.substring(path.lastIndexOf('/') + 1);
        return last.isBlank() ? "attachment" : last;
    }

    private static String guess(String name) {
        var type = URLConnection.guessContentTypeFromName(name);
        return type == null ? "application/octet-stream" : type;
    }
}
