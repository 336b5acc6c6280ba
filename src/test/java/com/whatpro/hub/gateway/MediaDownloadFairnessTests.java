package com.whatpro.hub.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * A node's media download slots are shared fairly: one account's slow media hold no more than its share of them, so
 * another account's media message goes through meanwhile; a job that finds no slot free waits for a later turn
 * without using up an attempt, so waiting never turns a message into a dead letter. In a context of its own, with two
 * slots (one per account).
 */
@TestPropertySource(properties = "whatpro.gateway.media-downloads=2")
class MediaDownloadFairnessTests extends IntegrationTest {

    static final long INBOX = 53;
    static final Duration SLOW = Duration.ofSeconds(5);

    FakeChatwoot chatwoot = FakeChatwoot.get();
    FakeProviders providers = FakeProviders.get();

    @AfterEach
    void everyRequestConformsToItsSpec() {
        providers.assertEveryRequestConforms();
    }

    @Test
    void oneAccountsSlowMediaLeaveASlotForAnotherAccountAndWaitingForASlotUsesNoAttempt() {
        var fixtures = new Fixtures(http());
        var slow = fixtures.tenant("Slow media");
        var other = fixtures.tenant("Other media");
        var slowChatwoot = chatwoot.newAccount();
        var otherChatwoot = chatwoot.newAccount();
        Gateway.connectChatwoot(http(), slow.admin().token(), slow.id(), slowChatwoot, INBOX, null);
        Gateway.connectChatwoot(http(), other.admin().token(), other.id(), otherChatwoot, INBOX, null);
        var slowNumber = Gateway.evolution(http(), slow.admin().token(), slow.id(), null, null);
        var otherNumber = Gateway.evolution(http(), other.admin().token(), other.id(), null, null);
        var slowIds = new ArrayList<String>();
        for (int i = 0; i < 3; i++) {
            var messageId = "3EB0" + suffix();
            providers.media().serve(messageId, "image/jpeg", InboundMediaTests.JPEG).slow(SLOW);
            slowIds.add(messageId);
            postEvolutionImage(slowNumber, messageId, "55119111100" + i + "0@s.whatsapp.net");
        }
        Eventually.until("the slow account downloads", () -> slowIds.stream()
                .anyMatch(id -> !providers.media().requests(id).isEmpty()));

        var otherId = "3EB0" + suffix();
        providers.media().serve(otherId, "image/jpeg", InboundMediaTests.JPEG);
        var started = System.nanoTime();
        postEvolutionImage(otherNumber, otherId, "5511922220000@s.whatsapp.net");

        var posted = Eventually.value("the other account's media reach Chatwoot", () -> chatwoot.messages(otherChatwoot),
                list -> !list.isEmpty());
        var waited = Duration.ofNanos(System.nanoTime() - started);
        assertThat(posted).singleElement().satisfies(message -> assertThat(message.attachments()).isEqualTo(1));
        assertThat(waited).as("in before the slow account's first file is downloaded").isLessThan(SLOW.minusSeconds(2));

        Eventually.until("the slow account's media reach Chatwoot", Duration.ofSeconds(60),
                () -> chatwoot.messages(slowChatwoot).size() == 3);
        Eventually.settled(slow.id());
        Eventually.settled(other.id());
        assertThat(chatwoot.messages(slowChatwoot)).allSatisfy(message ->
                assertThat(message.attachments()).as("posted with its file").isEqualTo(1));
        assertThat(Gateway.query("select string_agg(status || ' ' || attempts, ',') from gateway_jobs where kind = "
                + "'inbound' and account_id in (" + slow.id() + ", " + other.id() + ")"))
                .as("every job done at its first attempt, however long it waited for a slot")
                .isEqualTo("done 1,done 1,done 1,done 1");
    }

    /** An image in a {@code messages.upsert}, which Evolution serves through getBase64FromMediaMessage. */
    private void postEvolutionImage(Gateway.Provider provider, String messageId, String jid) {
        var data = Gateway.JSON.createObjectNode();
        data.putObject("key").put("remoteJid", jid).put("fromMe", false).put("id", messageId);
        data.put("pushName", "Ana").put("status", "DELIVERY_ACK").put("messageType", "imageMessage")
                .put("messageTimestamp", 1_717_689_097L).put("instanceId", "a2c4e6f8-0000-4000-8000-000000000002")
                .put("source", "android");
        data.putObject("message").putObject("imageMessage")
                .put("url", "https://mmg.whatsapp.invalid/v/t62.7118-24/11734918_n.enc?ccb=11-4")
                .put("mimetype", "image/jpeg").put("fileLength", Integer.toString(InboundMediaTests.JPEG.length))
                .put("height", 1).put("width", 1).put("mediaKey", "c2VjcmV0LW1lZGlhLWtleQ==");
        var body = Gateway.evolution(provider.key(), "messages.upsert", data);
        assertThat(Gateway.post(http(), provider.webhookPath(), body, Map.of()).status()).isEqualTo(200);
    }

    private static String suffix() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase();
    }
}
