package com.whatpro.hub.gateway;

import org.springframework.stereotype.Component;
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
    private final com.whatpro.hub.providers.Providers providers;
    private final WhatsAppContacts contacts;

    JobHandlers(JsonMapper json, InboundBridge inbound, OutboundBridge outbound, Sender sender,
            StatusUpdates statuses, ChatwootNotes notes, com.whatpro.hub.providers.Providers providers,
            WhatsAppContacts contacts) {
        this.json = json;
        this.inbound = inbound;
        this.outbound = outbound;
        this.sender = sender;
        this.statuses = statuses;
        this.notes = notes;
        this.providers = providers;
        this.contacts = contacts;
    }

    /** Does the job; returning means done, a {@link JobFailure} or another exception means not. */
    void handle(Jobs.Claimed job) {
        var account = job.account();
        switch (payload(job)) {
            case JobKind.Inbound message -> inbound.bridge(account, message, job.attempts());
            case JobKind.Status status -> statuses.apply(account, status, job.attempts());
            case JobKind.Connection connection ->
                    providers.recordState(account, connection.providerId(), connection.state());
            case JobKind.Lid lid -> contacts.learn(account, lid.providerId(), lid.mapping());
            case JobKind.ChatwootMessage message -> outbound.bridge(account, message);
            case JobKind.Send send -> sender.send(account, send);
            case JobKind.ChatwootNote note -> notes.post(account, note, job.attempts());
            default -> throw new JobFailure.GiveUp("no handler for " + job.kind().key());
        }
    }

    /** The job became a dead letter: tell whoever waits for its outcome. */
    void buried(Jobs.Claimed job, String reason) {
        if (payload(job) instanceof JobKind.Send send) {
            sender.gaveUp(job.account(), send, reason);
        }
    }

    private Object payload(Jobs.Claimed job) {
        return json.readValue(job.payload(), job.kind().payloadType());
    }
}
