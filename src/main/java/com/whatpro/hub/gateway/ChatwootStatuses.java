package com.whatpro.hub.gateway;

import com.whatpro.hub.chatwoot.ChatwootAccountClient;
import com.whatpro.hub.chatwoot.ChatwootMessageStatus;
import com.whatpro.hub.chatwoot.ChatwootRejected;
import com.whatpro.hub.platform.AccountId;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Shows on Chatwoot's copy of a message how its WhatsApp delivery went: agents' replies, messages the number sent
 * from the phone, and messages programs sent. Whenever a message in Chatwoot changes status, a job sets the status
 * of its Chatwoot message (delivered, read, failed with the provider's error as {@code external_error}).
 *
 * <p>The job reads the hub's status when it runs and compares it with what Chatwoot was last told; after Chatwoot
 * answered, it records the step under a lock on the message's rows, unless a step as far or further was recorded
 * meanwhile: Chatwoot is told each step once and never a step back, however late, doubled or out of order the jobs
 * run, and no transaction is open while Chatwoot answers. An agent's message sent as several WhatsApp messages (one
 * per attachment) shows its least advanced part, or failed when a part failed. A send that became a dead letter shows
 * failed for now, and sent again once a replay sends it.
 *
 * <p>Chatwoot takes statuses only in API-channel inboxes (elsewhere 403) and not from agent bots' tokens (401). A
 * conversation where it refused is remembered ({@link StatusRefusals}) and not asked again; there, a failure is told
 * as a private note instead, so agents always learn of it.
 */
@Component
class ChatwootStatuses {

    /** The statuses a message may have reached before Chatwoot had it, which it shows as sent. */
    private static final Set<String> MOVED_ON = Set.of("delivered", "read", "failed");

    private final Messages messages;
    private final StatusRefusals refusals;
    private final ChatwootConnections connections;
    private final Jobs jobs;
    private final TransactionTemplate transactions;

    ChatwootStatuses(Messages messages, StatusRefusals refusals, ChatwootConnections connections, Jobs jobs,
            PlatformTransactionManager transactions) {
        this.messages = messages;
        this.refusals = refusals;
        this.connections = connections;
        this.jobs = jobs;
        this.transactions = new TransactionTemplate(transactions);
    }

    /** The job that brings Chatwoot's copy of the message up to date; add it when the message's delivery changed. */
    static Jobs.NewJob job(UUID messageId, long chatwootMessageId) {
        return new Jobs.NewJob(JobKind.CHATWOOT_STATUS, null, "chatwoot:message:" + chatwootMessageId,
                new JobKind.ChatwootStatus(messageId));
    }

    /**
     * Records that the message reached Chatwoot, and catches up with a delivery that moved on while it was being
     * posted.
     */
    void bridged(AccountId account, UUID messageId, long conversationId, long chatwootMessageId) {
        transactions.executeWithoutResult(transaction -> {
            var status = messages.bridged(account, messageId, conversationId, chatwootMessageId);
            if (status.filter(MOVED_ON::contains).isPresent()) {
                jobs.enqueue(account, List.of(job(messageId, chatwootMessageId)));
            }
        });
    }

    /**
     * Tells Chatwoot where the message's delivery stands, if that moved on since Chatwoot was last told. What to tell
     * is decided and what came of it recorded in short transactions: none is open while Chatwoot answers.
     */
    void reflect(AccountId account, JobKind.ChatwootStatus job) {
        var link = connections.link(account);
        if (link.isEmpty()) {
            return;
        }
        var due = Objects.requireNonNull(transactions.execute(status -> due(account, job.messageId())));
        if (due.isEmpty()) {
            return;
        }
        var step = due.get();
        var answer = step.asked() ? tell(link.get().client(), step) : Answer.NOT_ASKED;
        if (answer == Answer.GONE) {
            return; // the message or its conversation was deleted in Chatwoot
        }
        transactions.executeWithoutResult(status -> record(account, job.messageId(), step, answer));
    }

    /** A step to tell Chatwoot; {@code asked}: false when Chatwoot refused statuses in the conversation before. */
    private record Step(Delivery delivery, long conversation, long chatwootMessage, boolean asked) {
    }

    /** What came of telling Chatwoot. */
    private enum Answer { TOLD, REFUSED_403, REFUSED_401, GONE, NOT_ASKED }

    private Optional<Step> due(AccountId account, UUID messageId) {
        var parts = messages.lockInChatwoot(account, messageId);
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        var target = Delivery.of(parts);
        if (target.isEmpty() || !Shown.of(parts.getFirst().told()).mayBecome(target.get().shown())) {
            return Optional.empty();
        }
        long conversation = parts.getFirst().conversationId();
        return Optional.of(new Step(target.get(), conversation, parts.getFirst().chatwootMessageId(),
                !refusals.refused(account, conversation)));
    }

    private static Answer tell(ChatwootAccountClient chatwoot, Step step) {
        try {
            return chatwoot.updateMessageStatus(step.conversation(), step.chatwootMessage(),
                    step.delivery().shown().chatwoot(), step.delivery().externalError())
                    ? Answer.TOLD : Answer.REFUSED_403;
        } catch (ChatwootRejected rejected) {
            return switch (rejected.status()) {
                case 404 -> Answer.GONE;
                case 401 -> Answer.REFUSED_401;
                default -> throw rejected;
            };
        }
    }

    /**
     * Records what came of the step, unless another run of the job recorded it or a later step meanwhile: Chatwoot's
     * copy is never recorded a step back.
     */
    private void record(AccountId account, UUID messageId, Step step, Answer answer) {
        var parts = messages.lockInChatwoot(account, messageId);
        var delivery = step.delivery();
        if (parts.isEmpty() || !Shown.of(parts.getFirst().told()).mayBecome(delivery.shown())) {
            return;
        }
        switch (answer) {
            case TOLD -> {
                messages.toldChatwoot(account, step.chatwootMessage(), delivery.shown().stored());
                return;
            }
            case REFUSED_403 -> refusals.remember(account, step.conversation(), 403);
            case REFUSED_401 -> refusals.remember(account, step.conversation(), 401);
            default -> {
                // asked before and refused then: a note says it instead
            }
        }
        delivery.note().ifPresent(note -> {
            jobs.enqueue(account, List.of(ChatwootNotes.job(step.conversation(), note)));
            messages.toldChatwoot(account, step.chatwootMessage(), delivery.shown().stored());
        });
    }

    /** What Chatwoot shows of a delivery. Sent and undelivered rank alike: a replayed dead letter goes back to sent. */
    enum Shown {

        SENT(0, ChatwootMessageStatus.SENT),
        UNDELIVERED(0, ChatwootMessageStatus.FAILED),
        DELIVERED(1, ChatwootMessageStatus.DELIVERED),
        READ(2, ChatwootMessageStatus.READ),
        FAILED(3, ChatwootMessageStatus.FAILED);

        private final int rank;
        private final ChatwootMessageStatus chatwoot;

        Shown(int rank, ChatwootMessageStatus chatwoot) {
            this.rank = rank;
            this.chatwoot = chatwoot;
        }

        /** What Chatwoot was told, as stored; null: nothing since the message was posted, so it shows sent. */
        static Shown of(@Nullable String stored) {
            return stored == null ? SENT : valueOf(stored.toUpperCase(Locale.ROOT));
        }

        boolean mayBecome(Shown next) {
            return next != this && this != READ && this != FAILED && next.rank >= rank;
        }

        ChatwootMessageStatus chatwoot() {
            return chatwoot;
        }

        String stored() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Where the delivery of a Chatwoot message stands, by the hub's messages behind it. */
    record Delivery(Shown shown, @Nullable String reason) {

        static Optional<Delivery> of(List<Messages.InChatwoot> parts) {
            var failed = parts.stream().filter(part -> "failed".equals(part.status())).findFirst();
            if (failed.isPresent()) {
                return Optional.of(new Delivery(Shown.FAILED, reason(failed.get())));
            }
            var undelivered = parts.stream().filter(part -> "pending".equals(part.status())
                    && Sender.UNDELIVERED.equals(part.errorCode())).findFirst();
            if (undelivered.isPresent()) {
                return Optional.of(new Delivery(Shown.UNDELIVERED, reason(undelivered.get())));
            }
            if (parts.stream().anyMatch(part -> !List.of("sent", "delivered", "read").contains(part.status()))) {
                return Optional.empty(); // not out yet, or not an outgoing message
            }
            var least = parts.stream().map(part -> Shown.valueOf(part.status().toUpperCase(Locale.ROOT)))
                    .min(Comparator.comparingInt(shown -> shown.rank)).orElseThrow();
            return Optional.of(new Delivery(least, null));
        }

        @Nullable String externalError() {
            return switch (shown) {
                case FAILED -> reason;
                case UNDELIVERED -> "Not sent yet: " + reason;
                default -> null;
            };
        }

        /** The private note that tells agents of a failure where Chatwoot takes no status. */
        Optional<String> note() {
            return switch (shown) {
                case FAILED -> Optional.of("This message was not delivered on WhatsApp: " + reason);
                case UNDELIVERED -> Optional.of("This message has not reached WhatsApp yet: " + reason);
                default -> Optional.empty();
            };
        }

        private static String reason(Messages.InChatwoot part) {
            return part.errorMessage() != null ? part.errorMessage()
                    : part.errorCode() != null ? "error " + part.errorCode() : "no reason given";
        }
    }
}
