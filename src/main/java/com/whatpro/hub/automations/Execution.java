package com.whatpro.hub.automations;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import com.whatpro.hub.gateway.AutomatedMessages;
import com.whatpro.hub.kanban.AutomatedCards;
import com.whatpro.hub.kanban.AutomatedCards.CardFacts;
import com.whatpro.hub.kanban.AttachedCard;
import com.whatpro.hub.kanban.ContactRef;
import com.whatpro.hub.kanban.ConversationCards;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.Automated;
import com.whatpro.hub.platform.Tenancy;
import com.whatpro.hub.platform.crypto.StandardWebhooks;
import com.whatpro.hub.platform.outbound.OutboundException;
import com.whatpro.hub.platform.outbound.OutboundHttp;
import com.whatpro.hub.platform.outbound.OutboundPolicy;
import com.whatpro.hub.teams.Teams;

import jakarta.annotation.PreDestroy;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Works one claimed run: its conditions when they could not be checked when it was triggered, then each action not
 * yet done, in order. An action on the hub's own data, a WhatsApp message and a Chatwoot note (both handed to the
 * gateway's durable queue) commit together with their recorded outcome, so each happens exactly once however often
 * the run is resumed. A webhook call is marked started before it goes out: a run resumed after its node died during
 * the call does not repeat it (the receiver may have it) but records it as failed. A refusal (a WIP limit, a
 * checklist rule) is recorded as the action's outcome, never thrown; trouble worth retrying lets the run wait with
 * growing backoff.
 */
@Component
class Execution {

    private static final Logger log = LoggerFactory.getLogger(Execution.class);

    private final Automations automations;
    private final Runs runs;
    private final AutomatedCards cards;
    private final ConversationCards conversations;
    private final AutomatedMessages messages;
    private final Teams teams;
    private final JsonMapper json;
    private final AutomationSettings settings;
    private final TransactionTemplate transactions;
    private final OutboundHttp http;
    private volatile boolean stopping;

    Execution(Automations automations, Runs runs, AutomatedCards cards, ConversationCards conversations,
            AutomatedMessages messages, Teams teams, JsonMapper json, AutomationSettings settings,
            PlatformTransactionManager transactionManager, OutboundPolicy policy) {
        this.automations = automations;
        this.runs = runs;
        this.cards = cards;
        this.conversations = conversations;
        this.messages = messages;
        this.teams = teams;
        this.json = json;
        this.settings = settings;
        this.transactions = new TransactionTemplate(transactionManager);
        this.http = new OutboundHttp(policy, settings.webhookTimeout(), settings.webhookTimeout(), "automation");
    }

    /** This node no longer holds the run: another took it over. */
    private static final class Lost extends RuntimeException {
        Lost() {
            super("the run's lease was lost", null, false, false);
        }
    }

    /** What the run knows of its card and conversation. */
    private record Subject(@Nullable CardFacts card, @Nullable Long conversationId, @Nullable String contactName) {
    }

    void run(Runs.Run run) {
        var account = run.account();
        var automation = inAccount(account, () -> automations.find(account, run.automationId()));
        if (automation.isEmpty()) {
            return; // deleted since: its runs went with it
        }
        var rule = automation.get().rule();
        var subject = subject(run);
        Automated.callAs(new Automated.Run(run.automationId(), run.id(), run.depth(), run.chainId()), () -> {
            try {
                work(run, rule, subject);
            } catch (Lost lost) {
                log.info("automation run {} was taken over by another node", run.id());
            }
            return null;
        });
    }

    private void work(Runs.Run run, Rule rule, Subject first) {
        var account = run.account();
        var subject = first;
        if (run.context().path("check_conditions").asBoolean(false)
                && !Conditions.hold(rule.conditions(), first.card())) {
            finish(run, "skipped");
            return;
        }
        var failed = false;
        for (int i = 0; i < rule.actions().size() && i < run.actions().size(); i++) {
            var status = run.actions().get(i).path("status").asString();
            if ("started".equals(status)) {
                record(run, i, "failed", "the node running this call stopped during it; not repeated, as the "
                        + "receiver may have it");
                failed = true;
                continue;
            }
            if (!Runs.PENDING.equals(status)) {
                failed |= "failed".equals(status);
                continue;
            }
            var action = rule.actions().get(i);
            var outcome = action.local() ? local(run, i, action, subject) : webhook(run, i, action, subject);
            if (outcome == Outcome.WAIT) {
                return;
            }
            failed |= outcome == Outcome.FAILED;
            var card = subject.card();
            if (card != null) {
                subject = new Subject(inAccount(account, () -> cards.card(account, card.id())).orElse(card),
                        subject.conversationId(), subject.contactName());
            }
        }
        finish(run, failed ? "failed" : "done");
    }

    private enum Outcome { DONE, FAILED, WAIT }

    private Subject subject(Runs.Run run) {
        var account = run.account();
        var context = run.context();
        Long conversation = context.hasNonNull("conversation_id") ? context.get("conversation_id").asLong() : null;
        var contactName = context.hasNonNull("contact_name") ? context.get("contact_name").asString() : null;
        var cardId = run.cardId();
        if (cardId == null && conversation != null) {
            Optional<AttachedCard> attached = "conversation.opened".equals(run.triggerEvent())
                    ? Optional.of(conversations.attach(account, new ContactRef(contactName,
                            context.hasNonNull("contact_phone") ? context.get("contact_phone").asString() : null,
                            context.hasNonNull("chatwoot_contact_id") ? context.get("chatwoot_contact_id").asLong()
                                    : null), conversation))
                    : conversations.cardOf(account, conversation);
            cardId = attached.map(AttachedCard::cardId).orElse(null);
            if (cardId != null) {
                var found = cardId;
                inAccount(account, () -> {
                    runs.card(run, found);
                    return null;
                });
            }
        }
        var id = cardId;
        var card = id == null ? null : inAccount(account, () -> cards.card(account, id)).orElse(null);
        if (conversation == null && card != null && !card.conversationIds().isEmpty()) {
            conversation = card.conversationIds().getLast();
        }
        return new Subject(card, conversation, contactName);
    }

    private Outcome local(Runs.Run run, int index, Rule.Action action, Subject subject) {
        try {
            inAccount(run.account(), () -> {
                var detail = apply(run.account(), run.automationId(), action, subject);
                if (!runs.recordAction(run, index, "done", detail, settings.lease())) {
                    throw new Lost();
                }
                return null;
            });
            return Outcome.DONE;
        } catch (ApiProblem refused) {
            record(run, index, "failed", describe(refused));
            return Outcome.FAILED;
        } catch (Lost lost) {
            throw lost;
        } catch (RuntimeException trouble) {
            log.warn("automation run {} action {} failed: {}", run.id(), action.type(), trouble.toString());
            return retryOrFail(run, index, trouble.getClass().getSimpleName());
        }
    }

    /** Does one action in the current transaction; returns what to log about it. */
    private @Nullable String apply(AccountId account, UUID automation, Rule.Action action, Subject subject) {
        var card = subject.card();
        if (!"send_whatsapp".equals(action.type()) && !"chatwoot_note".equals(action.type()) && card == null) {
            throw ApiProblem.conflict("no-card", "There is no card to act on.");
        }
        return switch (action.type()) {
            case "move_card" -> {
                cards.move(account, card.id(), action.stageId(), automation);
                yield null;
            }
            case "assign" -> {
                var user = action.userId() != null ? action.userId() : roundRobin(account, action.teamId());
                cards.assign(account, card.id(), user, automation);
                yield "assigned to " + user;
            }
            case "add_label", "remove_label" -> {
                cards.label(account, card.id(), action.label(), "add_label".equals(action.type()), automation);
                yield null;
            }
            case "set_field" -> {
                var value = action.value() == null || action.value().isNull() ? null
                        : json.treeToValue(action.value(), Object.class);
                cards.setField(account, card.id(), action.field(), value, automation);
                yield null;
            }
            case "add_checklist" -> {
                cards.addChecklist(account, card.id(), action.items(), automation);
                yield null;
            }
            case "send_whatsapp" -> {
                var template = action.template();
                var message = template == null
                        ? messages.sendText(account, conversation(subject),
                                Conditions.fill(action.text(), card, subject.contactName()))
                        : messages.sendTemplate(account, conversation(subject), template.name(), template.language(),
                                filled(template.components(), card, subject.contactName()));
                yield "message " + message;
            }
            case "chatwoot_note" -> {
                messages.note(account, conversation(subject), Conditions.fill(action.text(), card, subject.contactName()));
                yield null;
            }
            default -> throw new IllegalStateException(action.type());
        };
    }

    /** The template's components with the placeholders of each text parameter filled in. */
    private static @Nullable JsonNode filled(@Nullable JsonNode components, @Nullable CardFacts card,
            @Nullable String contactName) {
        if (components == null) {
            return null;
        }
        var copy = components.deepCopy();
        for (var component : copy) {
            for (var parameter : component.path("parameters")) {
                if (parameter instanceof ObjectNode object && object.path("text").isString()) {
                    object.put("text", Conditions.fill(object.get("text").asString(), card, contactName));
                }
            }
        }
        return copy;
    }

    private static long conversation(Subject subject) {
        if (subject.conversationId() == null) {
            throw ApiProblem.conflict("no-conversation", "The card has no Chatwoot conversation to write in.");
        }
        return subject.conversationId();
    }

    /** The team member with the fewest open cards; among equals, the one first in the team's order. */
    private UUID roundRobin(AccountId account, @Nullable UUID team) {
        var members = teams.members(account, java.util.Objects.requireNonNull(team));
        if (members.isEmpty()) {
            throw ApiProblem.conflict("team-empty", "The team has no members to assign to.");
        }
        var counts = cards.openCards(account, members.stream().map(Teams.TeamMember::userId).toList());
        return members.stream().map(Teams.TeamMember::userId)
                .min(Comparator.comparingLong((UUID user) -> counts.getOrDefault(user, 0L))).orElseThrow();
    }

    private Outcome webhook(Runs.Run run, int index, Rule.Action action, Subject subject) {
        record(run, index, "started", null);
        var body = new LinkedHashMap<String, Object>();
        body.put("type", "automation." + run.triggerEvent());
        body.put("timestamp", Instant.now().toString());
        var data = new LinkedHashMap<String, @Nullable Object>();
        data.put("automation_id", run.automationId());
        data.put("run_id", run.id());
        data.put("trigger_event", run.triggerEvent());
        data.put("card", subject.card());
        data.put("conversation_id", subject.conversationId());
        body.put("data", data);
        var text = json.writeValueAsString(body);
        var bytes = text.getBytes(StandardCharsets.UTF_8);
        var headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        var id = "run_" + run.id() + "_" + index;
        var timestamp = Instant.now().getEpochSecond();
        headers.set("webhook-id", id);
        headers.set("webhook-timestamp", Long.toString(timestamp));
        inAccount(run.account(), () -> automations.webhookSecret(run.account(), run.automationId()))
                .ifPresent(secret -> headers.set("webhook-signature",
                        StandardWebhooks.sign(secret, id, timestamp, text)));
        headers.set("User-Agent", "WhatPro-Hub-Automations");
        try {
            var response = http.send("POST", URI.create(action.url().toString()), headers, bytes,
                    OutboundHttp.Limits.of(settings.webhookTimeout(), 64 * 1024));
            if (response.successful()) {
                record(run, index, "done", "HTTP " + response.status());
                return Outcome.DONE;
            }
            return retryOrFail(run, index, "HTTP " + response.status());
        } catch (OutboundException e) {
            if (stopping) {
                throw new Lost(); // this node is going down: the call stays marked started
            }
            return switch (e.kind()) {
                case UNREACHABLE -> neverDelivered(e) ? retryOrFail(run, index, "unreachable: " + e.getMessage())
                        : failed(run, index, e.getMessage() + "; not repeated, as the receiver may have it");
                case REFUSED -> {
                    record(run, index, "failed", "refused by the outbound policy: " + e.getMessage());
                    yield Outcome.FAILED;
                }
                default -> {
                    // the receiver may have taken it: never repeated
                    record(run, index, "failed", e.kind().name().toLowerCase() + ": " + e.getMessage());
                    yield Outcome.FAILED;
                }
            };
        }
    }

    /** The request cannot have reached the receiver: no connection was made. */
    private static boolean neverDelivered(OutboundException e) {
        return e.getCause() instanceof java.net.ConnectException
                || e.getCause() instanceof org.apache.hc.client5.http.ConnectTimeoutException
                || e.getCause() instanceof java.net.UnknownHostException;
    }

    private Outcome failed(Runs.Run run, int index, String detail) {
        record(run, index, "failed", detail);
        return Outcome.FAILED;
    }

    /**
     * A run that failed outside its actions (its rule or card could not be read) is tried again later like a failed
     * action, and given up as failed after the most attempts, instead of coming back at every lease forever.
     */
    void stoppedUnexpectedly(Runs.Run run, RuntimeException trouble) {
        try {
            inAccount(run.account(), () -> run.attempts() >= settings.maxAttempts()
                    ? runs.giveUp(run, "not done: the run could not be worked (" + trouble.getClass().getSimpleName()
                            + "); gave up after " + run.attempts() + " attempts")
                    : runs.later(run, backoff(run)));
        } catch (RuntimeException e) {
            log.warn("automation run {} comes due again when its lease runs out: {}", run.id(), e.toString());
        }
    }

    private static Duration backoff(Runs.Run run) {
        return Duration.ofSeconds(Math.min(3_600, (long) Math.pow(4, run.attempts() - 1) * 5));
    }

    private Outcome retryOrFail(Runs.Run run, int index, String detail) {
        if (stopping) {
            throw new Lost();
        }
        if (run.attempts() >= settings.maxAttempts()) {
            record(run, index, "failed", detail + "; gave up after " + run.attempts() + " attempts");
            return Outcome.FAILED;
        }
        var wait = backoff(run);
        inAccount(run.account(), () -> {
            if (!runs.recordAction(run, index, Runs.PENDING, detail + "; retrying in " + wait.toSeconds() + "s",
                    settings.lease()) || !runs.later(run, wait)) {
                throw new Lost();
            }
            return null;
        });
        return Outcome.WAIT;
    }

    private void record(Runs.Run run, int index, String status, @Nullable String detail) {
        if (stopping) {
            throw new Lost();
        }
        inAccount(run.account(), () -> {
            if (!runs.recordAction(run, index, status, detail, settings.lease())) {
                throw new Lost();
            }
            return null;
        });
    }

    private void finish(Runs.Run run, String status) {
        inAccount(run.account(), () -> runs.finish(run, status));
    }

    private static String describe(ApiProblem problem) {
        var fields = problem.errors().stream().map(error -> error.field() + " " + error.message()).toList();
        return problem.status().value() + " " + (fields.isEmpty() ? problem.getMessage() : String.join("; ", fields));
    }

    private <T> T inAccount(AccountId account, Supplier<T> work) {
        return Tenancy.callAs(account, () -> transactions.execute(status -> work.get()));
    }

    /** The node is stopping: what is in flight is left for another node, as after a crash. */
    void stop() {
        stopping = true;
    }

    /** The node works again after a stop (a restarted lifecycle, a resumed test context). */
    void resume() {
        stopping = false;
    }

    @PreDestroy
    void close() {
        stopping = true;
        http.close();
    }
}
