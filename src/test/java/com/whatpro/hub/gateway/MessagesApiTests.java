package com.whatpro.hub.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.TestInfrastructure;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Programs and agents send WhatsApp messages directly; sends wait under the number's limits instead of failing. */
class MessagesApiTests extends IntegrationTest {

    FakeProviders providers = FakeProviders.get();
    Fixtures fixtures;
    Fixtures.Tenant tenant;

    @BeforeEach
    void setUp() {
        providers.resetRequests();
        fixtures = new Fixtures(http());
        tenant = fixtures.tenant("Sender");
    }

    @AfterEach
    void everyRequestConformsToTheProvidersSpecs() {
        providers.assertEveryRequestConforms();
    }

    String messages() {
        return "/api/v1/accounts/" + tenant.id() + "/messages";
    }

    @Test
    void anApiKeyWithMessagesSendSendsTextThroughCloudApi() {
        var provider = Gateway.cloudApi(http(), tenant.admin().token(), tenant.id(), "s", "v", null);
        var key = fixtures.apiKey(tenant.admin().token(), tenant.id(), "messages:send");
        Gateway.openServiceWindow(tenant.id(), provider.id(), "+16315551181");

        var response = http().bearer(key).post(messages(), Map.of("provider_id", provider.id().toString(),
                "to", "+1 (631) 555-1181", "text", "Your order shipped: https://example.com/t/1"));

        assertThat(response.status()).as(response.body()).isEqualTo(202);
        assertThat(response.json().get("status").asString()).isEqualTo("pending");
        var sent = Eventually.value("Meta gets it", () -> providers.sent(provider.key()), list -> !list.isEmpty());
        assertThat(sent.getFirst().body().get("to").asString()).isEqualTo("16315551181");
        assertThat(sent.getFirst().body().get("text").get("preview_url").asBoolean()).isTrue();
        var message = Eventually.value("it is sent", () -> http().bearer(key)
                .get(messages() + "/" + response.json().get("id").asString()).json(),
                m -> m.get("status").asString().equals("sent"));
        assertThat(message.get("provider_message_id").asString()).isEqualTo(sent.getFirst().id());
        assertThat(message.get("direction").asString()).isEqualTo("outbound");
        assertThat(message.get("origin").asString()).isEqualTo("api");
    }

    @Test
    void sendsMediaByUrlThroughUazapi() {
        var provider = Gateway.uazapi(http(), tenant.admin().token(), tenant.id(), null, null);
        var media = new LinkedHashMap<String, Object>();
        media.put("kind", "document");
        media.put("url", "https://files.example.com/boleto.pdf");
        media.put("caption", "segue o boleto");
        media.put("file_name", "boleto.pdf");

        var response = http().bearer(tenant.admin().token()).post(messages(), Map.of(
                "provider_id", provider.id().toString(), "to", "5511999990009", "media", media));

        assertThat(response.status()).as(response.body()).isEqualTo(202);
        var sent = Eventually.value("uazapi gets it", () -> providers.sent(provider.key()), list -> !list.isEmpty());
        assertThat(sent.getFirst().path()).isEqualTo("/send/media");
        assertThat(sent.getFirst().body().get("type").asString()).isEqualTo("document");
        assertThat(sent.getFirst().body().get("file").asString()).isEqualTo("https://files.example.com/boleto.pdf");
        assertThat(sent.getFirst().body().get("docName").asString()).isEqualTo("boleto.pdf");
    }

    @Test
    void aProviderRefusalFailsTheMessageWithTheProvidersError() {
        var provider = Gateway.evolution(http(), tenant.admin().token(), tenant.id(), null, null);
        var refusal = providers.fail("POST", "/message/sendText/" + provider.key(), 400,
                "{\"status\":400,\"error\":\"Bad Request\",\"response\":{\"message\":[\"exists: false\"]}}");
        try {
            var id = http().bearer(tenant.admin().token()).post(messages(), Map.of("provider_id",
                    provider.id().toString(), "to", "+5511999990010", "text", "hello?")).json().get("id").asString();

            var message = Eventually.value("it failed", () -> http().bearer(tenant.admin().token())
                    .get(messages() + "/" + id).json(), m -> m.get("status").asString().equals("failed"));
            assertThat(message.get("error").get("message").asString()).contains("exists: false");
        } finally {
            providers.remove(refusal);
        }
    }

    @Test
    void refusesBadInputWithTheFieldNamed() {
        var provider = Gateway.evolution(http(), tenant.admin().token(), tenant.id(), null, null);
        var admin = http().bearer(tenant.admin().token());

        var badPhone = admin.post(messages(), Map.of("provider_id", provider.id().toString(), "to", "011 5555",
                "text", "x"));
        var nothing = admin.post(messages(), Map.of("provider_id", provider.id().toString(), "to", "+5511999990011"));
        var unknownProvider = admin.post(messages(), Map.of("provider_id", UUID.randomUUID().toString(),
                "to", "+5511999990011", "text", "x"));
        var badKind = admin.post(messages(), Map.of("provider_id", provider.id().toString(), "to", "+5511999990011",
                "media", Map.of("kind", "hologram", "url", "https://x.example.com/a")));

        assertThat(badPhone.status()).isEqualTo(422);
        assertThat(field(badPhone.json())).isEqualTo("to");
        assertThat(nothing.status()).isEqualTo(422);
        assertThat(unknownProvider.status()).isEqualTo(422);
        assertThat(field(unknownProvider.json())).isEqualTo("provider_id");
        assertThat(badKind.status()).isEqualTo(422);
        assertThat(field(badKind.json())).isEqualTo("media.kind");
    }

    @Test
    void needsTheMessagesSendScopeAndKeepsOtherAccountsOut() {
        var provider = Gateway.evolution(http(), tenant.admin().token(), tenant.id(), null, null);
        var readOnlyKey = fixtures.apiKey(tenant.admin().token(), tenant.id(), "users:read");
        var agent = fixtures.member(tenant.admin().token(), tenant.id(), "agent");
        var stranger = fixtures.tenant("Stranger");
        var body = Map.of("provider_id", provider.id().toString(), "to", "+5511999990012", "text", "x");

        assertThat(http().bearer(readOnlyKey).post(messages(), body).status()).isEqualTo(403);
        assertThat(http().bearer(readOnlyKey).get(messages()).status()).isEqualTo(403);
        assertThat(http().bearer(agent.token()).post(messages(), body).status()).isEqualTo(202);
        assertThat(http().bearer(stranger.admin().token()).post(messages(), body).status()).isEqualTo(404);
        assertThat(http().post(messages(), body).status()).isEqualTo(401);
        var theirs = http().bearer(stranger.admin().token()).post("/api/v1/accounts/" + stranger.id() + "/messages",
                body);
        assertThat(theirs.status()).as("another account's provider is unknown there").isEqualTo(422);
    }

    @Test
    void theMonthlyMessageLimitHolds() {
        var provider = Gateway.evolution(http(), tenant.admin().token(), tenant.id(), null, null);
        Gateway.sql("update accounts set limit_overrides = '{\"max_monthly_messages\": 2}' where id = " + tenant.id());
        var body = Map.of("provider_id", provider.id().toString(), "to", "+5511999990013", "text", "x");
        var admin = http().bearer(tenant.admin().token());

        assertThat(admin.post(messages(), body).status()).isEqualTo(202);
        assertThat(admin.post(messages(), body).status()).isEqualTo(202);
        var third = admin.post(messages(), body);

        assertThat(third.status()).isEqualTo(403);
        assertThat(third.json().get("limit").asString()).isEqualTo("max_monthly_messages");
    }

    @Test
    void cloudApiSendsToOneRecipientWaitSixSecondsApartInsteadOfFailing() throws Exception {
        var provider = Gateway.cloudApi(http(), tenant.admin().token(), tenant.id(), "s", "v", null);
        var admin = http().bearer(tenant.admin().token());
        Gateway.openServiceWindow(tenant.id(), provider.id(), "+16315550001");
        Gateway.openServiceWindow(tenant.id(), provider.id(), "+16315550002");
        var ids = new java.util.ArrayList<String>();
        for (var text : List.of("one", "two", "three")) {
            ids.add(admin.post(messages(), Map.of("provider_id", provider.id().toString(), "to", "+16315550001",
                    "text", text)).json().get("id").asString());
        }
        var other = admin.post(messages(), Map.of("provider_id", provider.id().toString(), "to", "+16315550002",
                "text", "someone else")).json().get("id").asString();

        Eventually.until("the first and the other recipient's are sent", () -> status(ids.getFirst()).equals("sent")
                && status(other).equals("sent"));
        assertThat(status(ids.get(1))).isEqualTo("pending");
        var first = job(ids.get(0));
        var second = job(ids.get(1));
        var third = job(ids.get(2));
        assertThat(second.attempts()).isZero();
        assertThat(Duration.between(first.createdAt(), second.nextAttemptAt())).isEqualTo(Duration.ofSeconds(6));
        assertThat(Duration.between(second.nextAttemptAt(), third.nextAttemptAt())).isEqualTo(Duration.ofSeconds(6));
    }

    String status(String id) {
        return http().bearer(tenant.admin().token()).get(messages() + "/" + id).json().get("status").asString();
    }

    static String field(JsonNode problem) {
        return problem.get("errors").get(0).get("field").asString();
    }

    record Job(java.time.Instant createdAt, java.time.Instant nextAttemptAt, int attempts) {
    }

    /** The send job of a message: when it was queued, when it is due (its pacing slot while unclaimed). */
    static Job job(String messageId) throws Exception {
        var owner = TestInfrastructure.owner();
        try (var connection = DriverManager.getConnection(owner.url(), owner.username(), owner.password());
                var query = connection.prepareStatement(
                        "select created_at, next_attempt_at, attempts from gateway_jobs where dedup_key = ?")) {
            query.setString(1, "send:" + messageId);
            try (var rs = query.executeQuery()) {
                rs.next();
                return new Job(rs.getTimestamp(1).toInstant(), rs.getTimestamp(2).toInstant(), rs.getInt(3));
            }
        }
    }
}
