package com.whatpro.hub.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.HostileJson;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.SpringInjection;
import com.whatpro.hub.TestHttp;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Hostile webhooks through real HTTP: every sample payload, mutated (wrong types, nulls, huge strings, deep nesting,
 * malformed URLs, numbers and timestamps, fields removed or duplicated, no JSON at all), posted with valid secrets and
 * signatures to the webhook routes of all three provider types and of Chatwoot. None may be answered 5xx; afterwards
 * the work they left ends (done or dead-lettered, never retried forever) and a well-formed message still goes through.
 * <p>
 * Cases: {@code jqwik.tries.default} per property (src/test/resources/junit-platform.properties), with a fixed seed.
 */
class WebhookFuzzTests extends IntegrationTest {

    static final long INBOX = 61;
    private static final String SEED = "20261203";
    private static final String TOKEN = "fuzz-webhook-token";
    private static final String APP_SECRET = "fuzz-app-secret";
    private static final String CHATWOOT_SECRET = "fuzz-chatwoot-secret";
    private static final String INSTANCE = "fuzz-instance";

    final FakeChatwoot chatwoot = FakeChatwoot.get();
    final FakeProviders providers = FakeProviders.get();
    final Map<Integer, AtomicInteger> answers = new TreeMap<>();

    Fixtures.Tenant tenant;
    long chatwootAccount;
    Gateway.@Nullable Provider provider;
    @Nullable String chatwootWebhook;

    @BeforeProperty
    void setUp() {
        SpringInjection.inject(this);
        tenant = new Fixtures(http()).tenant("Fuzz");
        chatwootAccount = chatwoot.newAccount();
    }

    // --- the properties: one per webhook route

    @Property(seed = SEED, afterFailure = AfterFailureMode.SAMPLE_FIRST)
    void evolutionWebhooksNeverFail(@ForAll("evolutionSamples") JsonNode sample,
            @ForAll("mutations") List<HostileJson.Mutation> mutations, @ForAll("contentTypes") String contentType) {
        if (provider == null) {
            connect(null);
            provider = Gateway.evolution(http(), tenant.admin().token(), tenant.id(), TOKEN, null);
        }
        var body = HostileJson.mutate(sample, mutations);
        assertAccepted(post(provider.webhookPath(), body, contentType, Map.of("x-webhook-token", TOKEN)),
                body, contentType);
    }

    @Property(seed = SEED, afterFailure = AfterFailureMode.SAMPLE_FIRST)
    void uazapiWebhooksNeverFail(@ForAll("uazapiSamples") JsonNode sample,
            @ForAll("mutations") List<HostileJson.Mutation> mutations, @ForAll("contentTypes") String contentType) {
        if (provider == null) {
            connect(null);
            provider = Gateway.uazapi(http(), tenant.admin().token(), tenant.id(), TOKEN, null);
        }
        var body = HostileJson.mutate(sample, mutations);
        assertAccepted(post(provider.webhookPath(), body, contentType, Map.of("x-webhook-token", TOKEN)),
                body, contentType);
    }

    @Property(seed = SEED, afterFailure = AfterFailureMode.SAMPLE_FIRST)
    void cloudApiWebhooksNeverFail(@ForAll("cloudApiSamples") JsonNode sample,
            @ForAll("mutations") List<HostileJson.Mutation> mutations, @ForAll("contentTypes") String contentType) {
        if (provider == null) {
            connect(null);
            provider = Gateway.cloudApi(http(), tenant.admin().token(), tenant.id(), APP_SECRET, "verify", null);
        }
        var body = HostileJson.mutate(sample, mutations);
        assertAccepted(post(provider.webhookPath(), body, contentType,
                Map.of("X-Hub-Signature-256", "sha256=" + hmac(APP_SECRET, body))), body, contentType);
    }

    @Property(seed = SEED, afterFailure = AfterFailureMode.SAMPLE_FIRST)
    void chatwootWebhooksNeverFail(@ForAll("chatwootSamples") JsonNode sample,
            @ForAll("mutations") List<HostileJson.Mutation> mutations, @ForAll("contentTypes") String contentType) {
        if (chatwootWebhook == null) {
            chatwootWebhook = connect(CHATWOOT_SECRET);
            provider = Gateway.evolution(http(), tenant.admin().token(), tenant.id(), null, null);
        }
        var body = HostileJson.mutate(retarget(sample), mutations);
        var timestamp = Long.toString(System.currentTimeMillis() / 1000);
        var signed = new LinkedHashMap<String, String>();
        signed.put("X-Chatwoot-Delivery", UUID.randomUUID().toString());
        signed.put("X-Chatwoot-Timestamp", timestamp);
        signed.put("X-Chatwoot-Signature", "sha256=" + hmac(CHATWOOT_SECRET,
                concat((timestamp + ".").getBytes(StandardCharsets.UTF_8), body)));
        assertAccepted(post(chatwootWebhook, body, contentType, signed), body, contentType);
    }

    // --- what must hold after each property's bodies

    @AfterProperty
    void theWorkEndsAndAWellFormedMessageStillGoesThrough() {
        if (provider == null) {
            return;
        }
        long started = System.nanoTime();
        allJobsEnd();
        System.out.printf("webhook fuzz, account %d: answers by status %s; the work ended %d ms after the last one%n",
                tenant.id(), answers, (System.nanoTime() - started) / 1_000_000);
        if (chatwootWebhook != null) {
            aReplyStillReachesTheContact();
        } else {
            aMessageStillReachesChatwoot();
        }
    }

    /** No job of the account stays pending (each is done or a dead letter), and none died of an unexpected error. */
    private void allJobsEnd() {
        Eventually.until("every job of the fuzzed account has ended", Duration.ofSeconds(90),
                () -> Long.parseLong(Gateway.query("select count(*) from gateway_jobs where account_id = "
                        + tenant.id() + " and status = 'pending'")) == 0);
        var crashed = Gateway.query("""
                select coalesce(string_agg(distinct left(last_error, 300), ' | '), '') from gateway_jobs
                where account_id = %d and status = 'dead' and last_error like '%%unexpected error%%'"""
                .formatted(tenant.id()));
        assertThat(crashed).as("jobs that died of an unexpected error instead of being labelled or dropped")
                .isEmpty();
    }

    private void aMessageStillReachesChatwoot() {
        var id = "3EB0WELL" + UUID.randomUUID().toString().substring(0, 8).toUpperCase(java.util.Locale.ROOT);
        var text = "still works " + id;
        var type = provider.created().get("type").asString();
        String body;
        Map<String, String> headers;
        switch (type) {
            case "evolution" -> {
                body = Gateway.evolutionMessage(INSTANCE, id, "5511966665555@s.whatsapp.net", "Well", text, false);
                headers = Map.of("x-webhook-token", TOKEN);
            }
            case "uazapi" -> {
                body = """
                        {"EventType": "messages", "message": {"messageid": "%s", "chatid": "5511966665555@s.whatsapp.net",
                         "fromMe": false, "isGroup": false, "messageType": "text", "text": "%s",
                         "messageTimestamp": %d, "senderName": "Well"}}""".formatted(id, text, System.currentTimeMillis());
                headers = Map.of("x-webhook-token", TOKEN);
            }
            default -> {
                body = Gateway.cloudExample("inbound.text-message.json", provider)
                        .replace("Does it come in another color?", text)
                        .replaceFirst("\"id\": \"wamid[^\"]*\"", "\"id\": \"wamid." + id + "\"");
                headers = Map.of("X-Hub-Signature-256", Gateway.metaSignature(APP_SECRET, body));
            }
        }
        assertThat(Gateway.post(http(), provider.webhookPath(), body, headers).status()).isEqualTo(200);
        Eventually.until("the well-formed message reaches Chatwoot", Duration.ofSeconds(30),
                () -> chatwoot.messages(chatwootAccount).stream().anyMatch(m -> text.equals(m.content())));
    }

    private void aReplyStillReachesTheContact() {
        var id = "3EB0WELL" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(Gateway.post(http(), provider.webhookPath(), Gateway.evolutionMessage(provider.key(), id,
                "5511966664444@s.whatsapp.net", "Well", "hello", false), Map.of()).status()).isEqualTo(200);
        var conversation = Eventually.value("the contact's message opens a conversation",
                () -> chatwoot.messages(chatwootAccount).stream().filter(m -> "hello".equals(m.content())).toList(),
                list -> !list.isEmpty()).getFirst().conversationId();
        var reply = Gateway.JSON.writeValueAsString(Gateway.chatwootReply(chatwootAccount, INBOX, conversation,
                987_654_321L, "still works", ""));
        assertThat(Gateway.post(http(), chatwootWebhook, reply, Gateway.chatwootHeaders(CHATWOOT_SECRET,
                UUID.randomUUID().toString(), reply)).status()).isEqualTo(200);
        Eventually.until("the well-formed reply reaches the provider", Duration.ofSeconds(30),
                () -> providers.sent(provider.key()).stream()
                        .anyMatch(sent -> "still works".equals(sent.body().path("text").asString(""))));
    }

    // --- generators

    @Provide
    Arbitrary<JsonNode> evolutionSamples() {
        return Arbitraries.of(WebhookSamples.evolution(INSTANCE));
    }

    @Provide
    Arbitrary<JsonNode> uazapiSamples() {
        return Arbitraries.of(WebhookSamples.uazapi());
    }

    @Provide
    Arbitrary<JsonNode> cloudApiSamples() {
        return Arbitraries.of(WebhookSamples.cloudApi());
    }

    /** With a placeholder Chatwoot account, set to the property's own before each post ({@link #retarget}). */
    @Provide
    Arbitrary<JsonNode> chatwootSamples() {
        return Arbitraries.of(WebhookSamples.chatwoot(PLACEHOLDER_ACCOUNT, INBOX));
    }

    private static final long PLACEHOLDER_ACCOUNT = 424_242_424L;

    private JsonNode retarget(JsonNode sample) {
        var copy = sample.deepCopy();
        if (copy.path("account") instanceof tools.jackson.databind.node.ObjectNode account
                && account.path("id").asLong(0) == PLACEHOLDER_ACCOUNT) {
            account.put("id", chatwootAccount);
        }
        return copy;
    }

    @Provide
    Arbitrary<List<HostileJson.Mutation>> mutations() {
        return HostileJson.mutations().list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<String> contentTypes() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(20, Arbitraries.just("application/json")),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("application/json; charset=ISO-8859-1", "text/plain",
                        "application/x-www-form-urlencoded", "application/octet-stream", "multipart/form-data",
                        "application/xml", "")));
    }

    // --- plumbing

    private String connect(@Nullable String secret) {
        return Gateway.connectChatwoot(http(), tenant.admin().token(), tenant.id(), chatwootAccount, INBOX, secret);
    }

    private TestHttp.Response post(String path, byte[] body, String contentType, Map<String, String> headers) {
        var request = http().request(path).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (!contentType.isEmpty()) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        return http().send(request);
    }

    /**
     * Stored (2xx) or refused as bad input (4xx), never a server error; and never refused for its credentials, except
     * that a form-encoded body reaches the route as its parsed parameters, no longer the bytes that were signed.
     */
    private void assertAccepted(TestHttp.Response response, byte[] body, String contentType) {
        answers.computeIfAbsent(response.status(), status -> new AtomicInteger()).incrementAndGet();
        assertThat(response.status()).as("answer %s to the body %s", response, preview(body)).isBetween(200, 499);
        if (!contentType.startsWith("application/x-www-form-urlencoded")) {
            assertThat(response.status()).as("answer %s to the body %s", response, preview(body))
                    .isNotIn(401, 403, 404);
        }
    }

    private static String preview(byte[] body) {
        var text = new String(body, StandardCharsets.UTF_8);
        return text.length() <= 2_000 ? text : text.substring(0, 2_000) + "… (" + body.length + " bytes)";
    }

    private static byte[] concat(byte[] first, byte[] second) {
        var all = new byte[first.length + second.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }

    static String hmac(String secret, byte[] body) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
