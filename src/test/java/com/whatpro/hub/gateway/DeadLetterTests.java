package com.whatpro.hub.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Work that keeps failing is retried with backoff, then kept as a dead letter an admin can list and replay. */
class DeadLetterTests extends GatewayTest {

    static final long INBOX = 71;

    @org.springframework.beans.factory.annotation.Autowired
    JobWorker worker;

    Gateway.Provider provider;

    DeadLetterTests() {
        super(INBOX);
    }

    @BeforeEach
    void anEvolutionNumber() {
        provider = evolutionNumber();
    }

    String deadLetters() {
        return "/api/v1/accounts/" + tenant.id() + "/gateway/dead-letters";
    }

    @Test
    void aFailingChatwootIsRetriedThenLeavesADeadLetterThatReplaysIntoOneMessage() {
        var failing = chatwoot.failMessagePosts(chatwootAccount, 503);
        var messageId = "3EB0DL" + InboundBridgeTests.suffix();
        try {
            Gateway.post(http(), provider.webhookPath(), Gateway.evolutionMessage(provider.key(), messageId,
                    "5511966660009@s.whatsapp.net", "Lu", "are you open today?", false), Map.of());

            var letters = Eventually.value("a dead letter appears", () -> http().bearer(tenant.admin().token())
                    .get(deadLetters()).json().get("items"), items -> items.size() == 1);
            var letter = letters.get(0);
            assertThat(letter.get("kind").asString()).isEqualTo("inbound");
            assertThat(letter.get("attempts").asInt()).isEqualTo(4);
            assertThat(letter.get("last_error").asString()).contains("gave up after 4 attempts").contains("503");
            assertThat(letter.get("payload").get("message").get("provider_message_id").asString()).isEqualTo(messageId);
            var posts = chatwoot.served(chatwootAccount).stream()
                    .filter(event -> event.getRequest().getMethod().getName().equals("POST")
                            && URI.create(event.getRequest().getUrl()).getPath().endsWith("/messages"))
                    .count();
            assertThat(posts).as("one post per attempt").isEqualTo(4);
            assertThat(chatwoot.messages(chatwootAccount)).isEmpty();
        } finally {
            chatwoot.remove(failing);
        }

        var letter = http().bearer(tenant.admin().token()).get(deadLetters()).json().get("items").get(0);
        var replay = http().bearer(tenant.admin().token())
                .post(deadLetters() + "/" + letter.get("id").asString() + "/replay", "");

        assertThat(replay.status()).as(replay.body()).isEqualTo(202);
        Eventually.until("the message reaches Chatwoot", () -> chatwoot.messages(chatwootAccount).size() == 1);
        assertThat(chatwoot.messages(chatwootAccount).getFirst().content()).isEqualTo("are you open today?");
        assertThat(http().bearer(tenant.admin().token()).get(deadLetters()).json().get("items")).isEmpty();
        Eventually.until("the replayed job is done", () -> Gateway.query("select status from gateway_jobs where id = '"
                + letter.get("id").asString() + "'").equals("done"));
        assertThat(chatwoot.messages(chatwootAccount)).hasSize(1);
    }

    @Test
    void aChatwootThatRefusesTheTokenMakesADeadLetterAtOnce() {
        var refusing = chatwoot.failMessagePosts(chatwootAccount, 401);
        try {
            Gateway.post(http(), provider.webhookPath(), Gateway.evolutionMessage(provider.key(),
                    "3EB0RF" + InboundBridgeTests.suffix(), "5511966660010@s.whatsapp.net", "Mia", "hello", false),
                    Map.of());

            var letter = Eventually.value("a dead letter appears", () -> http().bearer(tenant.admin().token())
                    .get(deadLetters()).json().get("items"), items -> items.size() == 1).get(0);
            assertThat(letter.get("attempts").asInt()).isEqualTo(1);
        } finally {
            chatwoot.remove(refusing);
        }
    }

    @Test
    void retriesBackOffExponentiallyWithJitterUpToTheCap() {
        // the test settings: base 100 ms, cap 1 s
        for (int attempt = 1; attempt <= 6; attempt++) {
            long full = Math.min(1000, 100L << (attempt - 1));
            var waits = new java.util.HashSet<Long>();
            for (int i = 0; i < 50; i++) {
                long wait = worker.backoff(attempt).toMillis();
                assertThat(wait).as("attempt %d", attempt).isBetween(full / 2, full);
                waits.add(wait);
            }
            assertThat(waits).as("jittered").hasSizeGreaterThan(1);
        }
    }

    @Test
    void onlyTheAccountsAdminsSeeAndReplayDeadLetters() {
        var agent = fixtures.member(tenant.admin().token(), tenant.id(), "agent");
        var stranger = fixtures.tenant("Other");

        assertThat(http().bearer(agent.token()).get(deadLetters()).status()).isEqualTo(403);
        assertThat(http().bearer(stranger.admin().token()).get(deadLetters()).status()).isEqualTo(404);
        assertThat(http().bearer(tenant.admin().token()).post(deadLetters() + "/" + UUID.randomUUID() + "/replay", "")
                .status()).isEqualTo(404);
        assertThat(http().bearer(agent.token()).post(deadLetters() + "/" + UUID.randomUUID() + "/replay", "")
                .status()).isEqualTo(403);
    }
}
