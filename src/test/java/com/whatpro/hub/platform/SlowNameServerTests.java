package com.whatpro.hub.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.SlowNames;

import org.junit.jupiter.api.Test;

/**
 * A URL a tenant gives (an outgoing webhook's, an automation's webhook action's) has its host resolved, to hold it
 * against the outbound policy, before any transaction begins: a tenant whose own name server answers slowly holds no
 * database connection meanwhile, so many such requests at once leave other accounts' calls prompt. The names resolve
 * through {@link SlowNames}, which answers after 3 s that they do not exist; nothing connects anywhere. The pool is
 * the tests' own (10 connections).
 */
class SlowNameServerTests extends IntegrationTest {

    private static final int REQUESTS = 24;
    private static final Duration PROMPT = Duration.ofSeconds(1);

    @Test
    void outgoingWebhooksWithSlowNamesLeaveOtherAccountsPrompt() throws Exception {
        var tenant = new Fixtures(http()).tenant("Slow names " + UUID.randomUUID());
        assertOthersStayPrompt(i -> http().bearer(tenant.admin().token()).post("/api/v1/accounts/" + tenant.id()
                + "/webhooks", Map.of("url", "https://hook-" + i + "-" + UUID.randomUUID() + SlowNames.DOMAIN + "/in",
                        "events", List.of("card.created"))).status());
    }

    @Test
    void automationsCallingSlowNamesLeaveOtherAccountsPrompt() throws Exception {
        var tenant = new Fixtures(http()).tenant("Slow rules " + UUID.randomUUID());
        assertOthersStayPrompt(i -> http().bearer(tenant.admin().token()).post("/api/v1/accounts/" + tenant.id()
                + "/automations", Map.of("name", "notify " + i, "enabled", false,
                        "trigger", Map.of("type", "card.created"), "actions", List.of(Map.of("type", "webhook",
                                "url", "https://rule-" + i + "-" + UUID.randomUUID() + SlowNames.DOMAIN + "/in"))))
                .status());
    }

    private interface Request {
        int send(int index) throws Exception;
    }

    private void assertOthersStayPrompt(Request slow) throws Exception {
        var bystander = new Fixtures(http()).tenant("Bystander " + UUID.randomUUID());
        var other = http().bearer(bystander.admin().token());
        var read = "/api/v1/accounts/" + bystander.id() + "/users";
        assertThat(other.get(read).status()).isEqualTo(200);
        var late = new ArrayList<String>();
        var statuses = new ArrayList<Integer>();
        var rounds = 0;
        try (var callers = Executors.newVirtualThreadPerTaskExecutor()) {
            var answers = new ArrayList<Future<Integer>>();
            for (int i = 0; i < REQUESTS; i++) {
                var index = i;
                answers.add(callers.submit(() -> slow.send(index)));
            }
            // the slow lookups take 3 s each: calls made within that time meet them all under way
            var end = System.nanoTime() + SlowNames.DELAY.toNanos() - TimeUnit.MILLISECONDS.toNanos(500);
            while (System.nanoTime() < end && answers.stream().noneMatch(Future::isDone)) {
                var started = System.nanoTime();
                var status = other.get(read).status();
                var took = Duration.ofNanos(System.nanoTime() - started);
                if (status != 200 || took.compareTo(PROMPT) > 0) {
                    late.add(status + " after " + took.toMillis() + " ms");
                }
                rounds++;
            }
            for (var answer : answers) {
                statuses.add(answer.get(60, TimeUnit.SECONDS));
            }
        }
        assertThat(rounds).as("reads made while the slow lookups were under way").isPositive();
        assertThat(late).as("another account's reads while %d requests waited on a slow name server", REQUESTS)
                .isEmpty();
        assertThat(statuses).as("a URL whose name does not resolve now is checked again when called; past the "
                + "plan's limit, 403").contains(201).isSubsetOf(201, 403);
    }
}
