package com.whatpro.hub.gateway;

import com.whatpro.hub.chatwoot.ChatwootMessageStatus;
import com.whatpro.hub.chatwoot.ChatwootRejected;
import com.whatpro.hub.platform.AccountId;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
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
 * <p>The job reads the hub's status when it runs, under a lock on the message's rows, and compares it with what
 * Chatwoot was last told: Chatwoot is told each step once and never a step back, however late, doubled or out of
 * order the jobs run. An agent's message sent as several WhatsApp messages (one per attachment) shows its least
 * advanced part, or failed when a part failed. A send that became a dead letter shows failed for now, and sent again
 * once a replay sends it.
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

    void reflect(AccountId account, JobKind.ChatwootStatus job) {
        var link = connections.link(account);
        if (link.isEmpty()) {
            return;
        }
        var chatwoot = link.get().client();
        transactions.executeWithoutResult(status -> {
            var parts = messages.lockInChatwoot(account, job.messageId());
            if (parts.isEmpty()) {
                return;
            }
            var target = Delivery.of(parts);
            var told = Shown.of(parts.getFirst().told());
            if (target.isEmpty() || !told.mayBecome(target.get().shown())) {
                return;
            }
            var delivery = target.get();
            long conversation = parts.getFirst().conversationId();
            long chatwootMessage = parts.getFirst().chatwootMessageId();
            if (!refusals.refused(account, conversation)) {
                try {
                    if (chatwoot.updateMessageStatus(conversation, chatwootMessage, delivery.shown().chatwoot(),
                            delivery.externalError())) {
                        messages.toldChatwoot(account, chatwootMessage, delivery.shown().stored());
                        return;
                    }
                    refusals.remember(account, conversation, 403);
                } catch (ChatwootRejected rejected) {
                    if (rejected.status() == 404) {
                        return; // the message or its conversation was deleted in Chatwoot
                    }
                    if (rejected.status() != 401) {
                        throw rejected;
                    }
                    refusals.remember(account, conversation, 401);
                }
            }
            delivery.note().ifPresent(note -> {
                jobs.enqueue(account, List.of(ChatwootNotes.job(conversation, note)));
                messages.toldChatwoot(account, chatwootMessage, delivery.shown().stored());
            });
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
