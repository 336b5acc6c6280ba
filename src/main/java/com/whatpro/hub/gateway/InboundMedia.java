package com.whatpro.hub.gateway;

import com.whatpro.hub.chatwoot.NewAttachment;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.providers.InboundMessage;
import com.whatpro.hub.providers.ProviderRejected;
import com.whatpro.hub.providers.ProviderUnavailable;
import com.whatpro.hub.providers.Providers;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
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
 *
 * <p>A file is fetched in one of the node's {@link GatewaySettings#mediaDownloads()} slots, of which one account holds
 * at most {@link GatewaySettings#mediaDownloadSlotsPerAccount()}, so that one account's slow media URLs or provider
 * never keep the others' media waiting. A job that finds no slot is postponed ({@link JobFailure.NotYet}): waiting
 * for a slot is not a failure and uses up none of the job's attempts.
 */
@Component
class InboundMedia {

    static final int PROVIDER_ATTEMPTS = 3;
    /** How long a job waits for one of the node's slots before it gives its turn up. */
    static final Duration SLOT_WAIT = Duration.ofSeconds(1);
    /** How soon a job that found no slot comes due again; up to as much again is added, to spread such jobs out. */
    static final Duration SLOT_RETRY = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(InboundMedia.class);

    private final MediaFetcher fetcher;
    private final Providers providers;
    private final GatewaySettings settings;
    private final Clock clock;
    private final Semaphore downloadSlots;
    private final int slotsPerAccount;
    /** The slots each account's jobs hold on this node, or are waiting for; accounts holding none are not kept. */
    private final Map<AccountId, Integer> heldByAccount = new ConcurrentHashMap<>();

    InboundMedia(MediaFetcher fetcher, Providers providers, GatewaySettings settings, Clock clock) {
        this.fetcher = fetcher;
        this.providers = providers;
        this.settings = settings;
        this.clock = clock;
        this.downloadSlots = new Semaphore(settings.mediaDownloadSlots(), true);
        this.slotsPerAccount = settings.mediaDownloadSlotsPerAccount();
    }

    /**
     * Runs {@code work}, which fetches a file, in one of the node's download slots, so that few files are fetched at
     * once and one account never holds more than its share of them.
     *
     * @throws JobFailure.NotYet when the account holds its share already, or no slot frees up within
     *         {@link #SLOT_WAIT}: the job comes due again shortly, its attempt not counted
     */
    <T> T holdingADownloadSlot(AccountId account, Supplier<T> work) {
        if (!takeAccountsShare(account)) {
            throw postponed(account, "the account holds its share of the media download slots");
        }
        try {
            boolean free;
            try {
                free = downloadSlots.tryAcquire(Math.min(SLOT_WAIT.toMillis(), settings.mediaTimeout().toMillis()),
                        TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw postponed(account, "interrupted while waiting for a media download slot");
            }
            if (!free) {
                throw postponed(account, "every media download slot of this node is busy");
            }
            try {
                return work.get();
            } finally {
                downloadSlots.release();
            }
        } finally {
            heldByAccount.computeIfPresent(account, (key, held) -> held <= 1 ? null : held - 1);
        }
    }

    private boolean takeAccountsShare(AccountId account) {
        var taken = new boolean[1];
        heldByAccount.compute(account, (key, held) -> {
            int holding = held == null ? 0 : held;
            if (holding >= slotsPerAccount) {
                return held;
            }
            taken[0] = true;
            return holding + 1;
        });
        return taken[0];
    }

    private JobFailure.NotYet postponed(AccountId account, String why) {
        var retry = SLOT_RETRY.plusMillis(ThreadLocalRandom.current().nextLong(SLOT_RETRY.toMillis() + 1));
        log.debug("Inbound media of account {} waits {}: {}", account.value(), retry, why);
        return new JobFailure.NotYet(clock.instant().plus(retry));
    }

    /**
     * The file, fetched holding a download slot ({@link #holdingADownloadSlot}); the slot is free again when this
     * returns, before the file is posted.
     *
     * @param attempt the job's attempt, from 1
     * @throws JobFailure.RetryLater when the provider is unavailable and attempts remain
     * @throws JobFailure.NotYet when no download slot is free for the account
     */
    Optional<NewAttachment> file(AccountId account, UUID providerId, InboundMessage.Media media, int attempt) {
        return holdingADownloadSlot(account, () -> fetch(account, providerId, media, attempt));
    }

    private Optional<NewAttachment> fetch(AccountId account, UUID providerId, InboundMessage.Media media,
            int attempt) {
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
