package com.whatpro.hub.gateway;

import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** Hands each claimed job to the part of the gateway that does that kind of work. */
@Component
class JobHandlers {

    private final JsonMapper json;
    private final InboundBridge inbound;
    private final OutboundBridge outbound;
    private final Sender sender;
    private final StatusUpdates statuses;
    private final ChatwootNotes notes;
    private final ChatwootStatuses chatwootStatuses;
    private final ChatwootCopies copies;
    private final com.whatpro.hub.providers.Providers providers;
    private final WhatsAppContacts contacts;
    private final Jobs jobs;

    JobHandlers(JsonMapper json, InboundBridge inbound, OutboundBridge outbound, Sender sender,
            StatusUpdates statuses, ChatwootNotes notes, ChatwootStatuses chatwootStatuses, ChatwootCopies copies,
            com.whatpro.hub.providers.Providers providers, WhatsAppContacts contacts, Jobs jobs) {
        this.jobs = jobs;
        this.json = json;
        this.inbound = inbound;
        this.outbound = outbound;
        this.sender = sender;
        this.statuses = statuses;
        this.notes = notes;
        this.chatwootStatuses = chatwootStatuses;
        this.copies = copies;
        this.providers = providers;
        this.contacts = contacts;
    }

    /** Does the job; returning means done, a {@link JobFailure} or another exception means not. */
    void handle(Jobs.Claimed job) {
        var account = job.account();
        Lease lease = () -> jobs.ensureHeld(job);
        switch (payload(job)) {
            case JobKind.Inbound message -> inbound.bridge(account, message, job.attempts(), lease);
            case JobKind.Status status -> statuses.apply(account, status, job.attempts());
            case JobKind.Connection connection ->
                    providers.recordState(account, connection.providerId(), connection.state());
            case JobKind.Lid lid -> contacts.learn(account, lid.providerId(), lid.mapping());
            case JobKind.ChatwootMessage message -> outbound.bridge(account, message);
            case JobKind.Send send -> sender.send(account, send, lease);
            case JobKind.ChatwootNote note -> notes.post(account, note, job.attempts(), lease);
            case JobKind.ChatwootStatus status -> chatwootStatuses.reflect(account, status);
            case JobKind.ChatwootCopy copy -> copies.post(account, copy, lease);
            default -> throw new JobFailure.GiveUp("no handler for " + job.kind().key());
        }
    }

    /** The job became a dead letter: tell whoever waits for its outcome. */
    void buried(Jobs.Claimed job, String reason) {
        if (job.kind().payloadType() == JobKind.Send.class && payload(job) instanceof JobKind.Send send) {
            sender.gaveUp(job.account(), send, reason);
        }
    }

    /** The job's payload; one that cannot be read never will be, so the job becomes a dead letter at once. */
    private Object payload(Jobs.Claimed job) {
        try {
            return json.readValue(job.payload(), job.kind().payloadType());
        } catch (JacksonException unreadable) {
            throw new JobFailure.GiveUp("the job's payload cannot be read as " + job.kind().key() + " ("
                    + unreadable.getClass().getSimpleName() + ")");
        }
    }
}
