package com.whatpro.hub.platform.database;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.whatpro.hub.platform.Backoff;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.modulith.events.CompletedEventPublications;
import org.springframework.modulith.events.EventPublication;
import org.springframework.modulith.events.EventPublication.Status;
import org.springframework.modulith.events.IncompleteEventPublications;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps the event publication registry (Spring Modulith's record of after-commit listeners still to run) working
 * and small. A listener that failed, with the database away for a moment say, runs again after 1, 2, 4… minutes, at
 * most an hour apart, {@value #ATTEMPTS} attempts in all (about 18 hours), rather than only when a node restarts;
 * one that a node left running when it died is marked failed by the registry's staleness check
 * ({@code spring.modulith.events.staleness}) and runs again the same way. Completed publications are deleted after
 * a week. Every node runs both chores: the registry hands a failed publication to one node at a time.
 */
@Component
class EventPublicationChores {

    private static final Logger log = LoggerFactory.getLogger(EventPublicationChores.class);
    private static final Duration KEPT = Duration.ofDays(7);
    private static final Duration FIRST_PAUSE = Duration.ofMinutes(1);
    private static final Duration LONGEST_PAUSE = Duration.ofHours(1);
    private static final int PER_ROUND = 200;
    private static final int ATTEMPTS = 24;

    private final IncompleteEventPublications incomplete;
    private final CompletedEventPublications completed;
    private final Clock clock;

    EventPublicationChores(IncompleteEventPublications incomplete, CompletedEventPublications completed, Clock clock) {
        this.incomplete = incomplete;
        this.completed = completed;
        this.clock = clock;
    }

    /**
     * Runs again the failed publications whose pause is over, oldest first, at most {@value #PER_ROUND}. The
     * registry's own batches (the oldest few failed ones, then filtered) would let publications still pausing hold
     * back those that are due.
     */
    @Scheduled(initialDelay = 1, fixedDelay = 1, timeUnit = TimeUnit.MINUTES)
    void retryFailed() {
        var taken = new AtomicInteger();
        try {
            incomplete.resubmitIncompletePublications(publication -> publication.getStatus() == Status.FAILED
                    && due(publication) && taken.incrementAndGet() <= PER_ROUND);
        } catch (RuntimeException e) {
            log.warn("Running failed event listeners again failed; will try again: {}", e.toString());
        }
    }

    @Scheduled(initialDelay = 30, fixedDelay = 60, timeUnit = TimeUnit.MINUTES)
    void purgeCompleted() {
        try {
            completed.deletePublicationsOlderThan(KEPT);
        } catch (RuntimeException e) {
            log.warn("Purging completed event publications failed; will try again: {}", e.toString());
        }
    }

    /**
     * Whether the publication has attempts left and the pause since its last one is over: a minute after the first,
     * doubled since.
     */
    private boolean due(EventPublication publication) {
        if (publication.getCompletionAttempts() >= ATTEMPTS) {
            return false;
        }
        var last = publication.getLastResubmissionDate() != null ? publication.getLastResubmissionDate()
                : publication.getPublicationDate();
        var pause = Backoff.capped(FIRST_PAUSE, LONGEST_PAUSE, publication.getCompletionAttempts());
        return !last.plus(pause).isAfter(clock.instant());
    }
}
