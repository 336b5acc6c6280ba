package com.whatpro.hub.gateway;

import com.whatpro.hub.chatwoot.NewAttachment;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.providers.InboundMessage;
import com.whatpro.hub.providers.ProviderRejected;
import com.whatpro.hub.providers.ProviderUnavailable;
import com.whatpro.hub.providers.Providers;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The file of an inbound message's media, to attach to its Chatwoot message: from the URL the webhook gave while
 * that works, else downloaded through the provider by its media id, within {@link GatewaySettings#mediaMaxSize()}
 * and {@link GatewaySettings#mediaTimeout()}. A provider that is unavailable gets the first
 * {@link #PROVIDER_ATTEMPTS} attempts of the job; after them, or at once when the provider refuses or the file is too
 * large, there is no file and the message is posted with a label instead: it is never lost for its media.
 */
@Component
class InboundMedia {

    static final int PROVIDER_ATTEMPTS = 3;

    private static final Logger log = LoggerFactory.getLogger(InboundMedia.class);

    private final MediaFetcher fetcher;
    private final Providers providers;
    private final GatewaySettings settings;
    private final Semaphore downloadSlots;

    InboundMedia(MediaFetcher fetcher, Providers providers, GatewaySettings settings) {
        this.fetcher = fetcher;
        this.providers = providers;
        this.settings = settings;
        this.downloadSlots = new Semaphore(Math.max(1, settings.mediaDownloads()), true);
    }

    /**
     * Runs {@code work}, which fetches a file and posts it, in one of the node's
     * {@link GatewaySettings#mediaDownloads()} slots, so that the files held in memory at once stay few.
     *
     * @throws JobFailure.RetryLater when no slot frees up within {@link GatewaySettings#mediaTimeout()}
     */
    <T> T holdingADownloadSlot(Supplier<T> work) {
        try {
            if (!downloadSlots.tryAcquire(settings.mediaTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new JobFailure.RetryLater("every media download slot of this node is busy", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobFailure.RetryLater("interrupted while waiting for a media download slot", null);
        }
        try {
            return work.get();
        } finally {
            downloadSlots.release();
        }
    }

    /**
     * @param attempt the job's attempt, from 1
     * @throws JobFailure.RetryLater when the provider is unavailable and attempts remain
     */
    Optional<NewAttachment> file(AccountId account, UUID providerId, InboundMessage.Media media, int attempt) {
        if (media.url() != null) {
            var fetched = fetcher.fetch(media.url(), media.mimeType(), media.fileName());
            if (fetched.isPresent()) {
                return fetched;
            }
        }
        if (media.providerMediaId() == null) {
            return Optional.empty();
        }
        try {
            return providers.downloadMedia(account, providerId, media, settings.mediaMaxSize().toBytes(),
                            settings.mediaTimeout())
                    .map(file -> new NewAttachment(file.fileName(), file.mimeType(), file.content()));
        } catch (ProviderUnavailable unavailable) {
            if (attempt < Math.min(PROVIDER_ATTEMPTS, settings.worker().maxAttempts())) {
                throw new JobFailure.RetryLater("downloading the media: " + unavailable.getMessage(),
                        unavailable.retryAfter().orElse(null));
            }
            log.info("Posting inbound media as a label after {} attempts: {}", attempt, unavailable.getMessage());
            return Optional.empty();
        } catch (ProviderRejected rejected) {
            log.info("Posting inbound media as a label: {}", rejected.getMessage());
            return Optional.empty();
        }
    }
}
