package com.whatpro.hub.gateway;

import com.whatpro.hub.chatwoot.NewAttachment;
import com.whatpro.hub.platform.outbound.OutboundException;
import com.whatpro.hub.platform.outbound.OutboundHttp;
import com.whatpro.hub.platform.outbound.OutboundPolicy;
import java.net.URI;
import java.net.URLConnection;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;

/**
 * Downloads the media of an inbound WhatsApp message from the URL the provider gave, to attach it to the Chatwoot
 * message. The URL comes from a webhook, so it is called only under the outbound policy (a refused address is never
 * connected to), follows at most {@link OutboundPolicy#MAX_REDIRECTS} redirects, each checked again, and the whole
 * download (connect, headers and body) takes at most {@link GatewaySettings#mediaTimeout()} and
 * {@link GatewaySettings#mediaMaxSize()}. Anything that goes wrong yields nothing, and {@link InboundMedia} turns to
 * the provider or a label instead.
 */
@Component
class MediaFetcher {

    private static final Logger log = LoggerFactory.getLogger(MediaFetcher.class);

    private final OutboundHttp client;
    private final GatewaySettings settings;

    MediaFetcher(GatewaySettings settings, OutboundPolicy policy) {
        this.settings = settings;
        this.client = new OutboundHttp(policy, settings.mediaTimeout(), settings.mediaTimeout(), "media");
    }

    Optional<NewAttachment> fetch(URI url, @Nullable String mimeType, @Nullable String fileName) {
        var limits = OutboundHttp.Limits.of(settings.mediaTimeout(), settings.mediaMaxSize().toBytes())
                .followingRedirects(OutboundPolicy.MAX_REDIRECTS);
        OutboundHttp.Response response;
        try {
            response = client.send("GET", url, new HttpHeaders(), null, limits);
        } catch (OutboundException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new JobFailure.RetryLater("interrupted while fetching media", null);
            }
            if (e.kind() == OutboundException.Kind.REFUSED) {
                log.info("Not fetching inbound media: {}", e.getMessage());
            } else {
                log.debug("Could not fetch inbound media from {}: {}", url.getHost(), e.getMessage());
            }
            return Optional.empty();
        }
        if (!response.successful() || response.body().length == 0) {
            return Optional.empty();
        }
        var name = fileName != null && !fileName.isBlank() ? fileName : lastSegment(url);
        var type = mimeType != null && !mimeType.isBlank() ? mimeType
                : response.header("Content-Type").orElseGet(() -> guess(name));
        return Optional.of(new NewAttachment(name, type.split(";")[0].strip(), response.body()));
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
