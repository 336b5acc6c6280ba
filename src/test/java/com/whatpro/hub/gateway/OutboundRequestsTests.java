package com.whatpro.hub.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.TestHttp;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The outbound policy as a hostile tenant meets it. Here loopback is not open: only the fake Chatwoot and the fake
 * providers are, each by {@code localhost:port} ({@code WHATPRO_OUTBOUND_ALLOWED}'s host:port form). A third server,
 * {@link #INTERNAL}, stands for what lives inside the operator's network (cloud metadata, an admin port): it serves
 * bytes to whoever asks, and its journal shows that nobody ever does.
 */
class OutboundRequestsTests extends IntegrationTest {

    static final long INBOX = 57;
    static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 1, 2, 3, (byte) 0xFF, (byte) 0xD9};
    static final WireMockServer INTERNAL = internal();

    FakeChatwoot chatwoot = FakeChatwoot.get();
    Fixtures.Tenant tenant;
    long chatwootAccount;

    @DynamicPropertySource
    static void onlyTheFakesAreOpen(DynamicPropertyRegistry registry) {
        registry.add("whatpro.test.outbound-allowed", () -> "localhost:" + FakeChatwoot.get().server().port()
                + ", localhost:" + URI.create(FakeProviders.get().baseUrl()).getPort());
        registry.add("whatpro.gateway.media-timeout", () -> "2s");
    }

    private static WireMockServer internal() {
        var server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        return server;
    }

    @BeforeEach
    void setUp() {
        INTERNAL.resetAll();
        INTERNAL.stubFor(get(urlPathEqualTo("/latest/meta-data/photo.jpg")).willReturn(aResponse()
                .withHeader("Content-Type", "image/jpeg").withBody(JPEG)));
        tenant = new Fixtures(http()).tenant("Outbound");
        chatwootAccount = chatwoot.newAccount();
        Gateway.connectChatwoot(http(), tenant.admin().token(), tenant.id(), chatwootAccount, INBOX, null);
    }

    @Test
    void refusesProviderBaseUrlsOnLoopbackInEverySpellingNamingTheField() {
        int port = INTERNAL.port();
        for (var baseUrl : new String[] {"http://127.0.0.1:" + port, "http://[::1]:" + port,
                "http://localhost:" + port, "http://2130706433/", "http://0x7f.1/", "http://017700000001/",
                "http://169.254.169.254/latest", "http://10.0.0.1:8080"}) {
            var answer = admin().post(providers(), evolution(baseUrl));

            assertThat(answer.status()).as(baseUrl).isEqualTo(422);
            assertThat(answer.json().get("errors").get(0).get("field").asString()).as(baseUrl).isEqualTo("base_url");
        }
        var loopback = admin().post(providers(), evolution("http://127.0.0.1:" + port)).json();
        assertThat(loopback.get("errors").get(0).get("message").asString()).contains("loopback");
        assertThat(INTERNAL.getAllServeEvents()).isEmpty();
    }

    @Test
    void refusesMovingAnAllowedProviderOntoLoopback() {
        var provider = Gateway.evolution(http(), tenant.admin().token(), tenant.id(), null, null);

        var answer = admin().patch(providers() + "/" + provider.id(),
                Map.of("base_url", "http://localhost:" + INTERNAL.port()));

        assertThat(answer.status()).isEqualTo(422);
        assertThat(answer.json().get("errors").get(0).get("field").asString()).isEqualTo("base_url");
        assertThat(admin().get(providers() + "/" + provider.id()).json().get("base_url").asString())
                .isEqualTo(FakeProviders.get().baseUrl());
    }

    @Test
    void refusesAnAccountChatwootOnLoopbackNamingTheField() {
        for (var baseUrl : new String[] {"http://127.0.0.1:" + INTERNAL.port(), "http://[::1]:" + INTERNAL.port(),
                "http://localhost:" + INTERNAL.port(), "http://2130706433:" + INTERNAL.port()}) {
            var body = new LinkedHashMap<String, Object>();
            body.put("base_url", baseUrl);
            body.put("chatwoot_account_id", chatwootAccount);
            body.put("api_token", "cw-token");

            var answer = admin().put("/api/v1/accounts/" + tenant.id() + "/chatwoot", body);

            assertThat(answer.status()).as(baseUrl).isEqualTo(422);
            assertThat(answer.json().get("errors").get(0).get("field").asString()).isEqualTo("base_url");
        }
        assertThat(INTERNAL.getAllServeEvents()).isEmpty();
    }

    @Test
    void neverFetchesAWebhooksMediaUrlOnLoopbackAndPostsTheMessageWithItsLabel() {
        var provider = Gateway.evolution(http(), tenant.admin().token(), tenant.id(), null, INBOX);

        postImage(provider, "http://127.0.0.1:" + INTERNAL.port() + "/latest/meta-data/photo.jpg");

        var message = Eventually.value("the message reaches Chatwoot", () -> chatwoot.messages(chatwootAccount),
                list -> !list.isEmpty()).getFirst();
        assertThat(message.attachments()).isZero();
        assertThat(message.content()).startsWith("look\n[image]");
        assertThat(INTERNAL.getAllServeEvents()).isEmpty();
    }

    @Test
    void doesNotFollowARedirectFromAnAllowedHostToARefusedOne() {
        var provider = Gateway.evolution(http(), tenant.admin().token(), tenant.id(), null, INBOX);
        var path = "/media/" + UUID.randomUUID() + "/photo.jpg";
        chatwoot.server().stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "http://127.0.0.1:" + INTERNAL.port() + "/latest/meta-data/photo.jpg")));

        postImage(provider, chatwoot.baseUrl() + path);

        var message = Eventually.value("the message reaches Chatwoot", () -> chatwoot.messages(chatwootAccount),
                list -> !list.isEmpty()).getFirst();
        assertThat(message.attachments()).isZero();
        assertThat(message.content()).startsWith("look\n[image]");
        assertThat(chatwoot.server().getAllServeEvents().stream().map(ServeEvent::getRequest)
                .filter(request -> request.getUrl().equals(path))).hasSize(1);
        assertThat(INTERNAL.getAllServeEvents()).isEmpty();
    }

    @Test
    void fetchesMediaFromAHostPortTheOperatorAllowed() {
        var provider = Gateway.evolution(http(), tenant.admin().token(), tenant.id(), null, INBOX);
        var path = "/media/" + UUID.randomUUID() + "/photo.jpg";
        chatwoot.server().stubFor(get(urlPathEqualTo(path)).willReturn(aResponse()
                .withHeader("Content-Type", "image/jpeg").withBody(JPEG)));

        postImage(provider, chatwoot.baseUrl() + path);

        var message = Eventually.value("the message reaches Chatwoot", () -> chatwoot.messages(chatwootAccount),
                list -> !list.isEmpty()).getFirst();
        assertThat(message.attachments()).isEqualTo(1);
        assertThat(message.content()).isEqualTo("look");
    }

    @Test
    void givesUpOnAMediaDownloadThatDribblesPastItsDeadline() {
        var provider = Gateway.evolution(http(), tenant.admin().token(), tenant.id(), null, INBOX);
        var path = "/media/" + UUID.randomUUID() + "/slow.jpg";
        // 20 chunks over 30 s, each well within the read timeout: only the 2 s deadline of the whole download stops it
        chatwoot.server().stubFor(get(urlPathEqualTo(path)).willReturn(aResponse()
                .withHeader("Content-Type", "image/jpeg").withBody(new byte[20_000]).withChunkedDribbleDelay(20, 30_000)));
        long started = System.nanoTime();

        postImage(provider, chatwoot.baseUrl() + path);

        var message = Eventually.value("the message reaches Chatwoot", () -> chatwoot.messages(chatwootAccount),
                list -> !list.isEmpty()).getFirst();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        assertThat(message.attachments()).isZero();
        assertThat(message.content()).startsWith("look\n[image]");
    }

    @Test
    void failsASyncCleanlyWhenChatwootAnswersMoreThanTheCap() {
        // 5 MB of JSON (an empty list padded with spaces) against the 4 MB default cap
        var huge = " ".repeat(5 * 1024 * 1024) + "[]";
        chatwoot.server().stubFor(get(urlPathEqualTo("/api/v1/accounts/" + chatwootAccount + "/agents")).atPriority(1)
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(huge)));

        var answer = admin().post("/api/v1/accounts/" + tenant.id() + "/chatwoot/sync", Map.of());

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.json().get("type").asString()).endsWith("chatwoot-unavailable");
    }

    private void postImage(Gateway.Provider provider, String mediaUrl) {
        var data = Gateway.JSON.createObjectNode();
        data.putObject("key").put("remoteJid", "5511911110002@s.whatsapp.net").put("fromMe", false)
                .put("id", "3EB0OUT" + UUID.randomUUID().toString().substring(0, 8).toUpperCase());
        data.put("pushName", "Gil").put("messageType", "imageMessage").put("messageTimestamp", 1_717_689_097L);
        data.putObject("message").put("mediaUrl", mediaUrl).putObject("imageMessage")
                .put("mimetype", "image/jpeg").put("caption", "look");
        assertThat(Gateway.post(http(), provider.webhookPath(),
                Gateway.evolution(provider.key(), "messages.upsert", data), Map.of()).status()).isEqualTo(200);
    }

    private TestHttp admin() {
        return http().bearer(tenant.admin().token());
    }

    private String providers() {
        return "/api/v1/accounts/" + tenant.id() + "/providers";
    }

    private static Map<String, Object> evolution(String baseUrl) {
        var body = new LinkedHashMap<String, Object>();
        body.put("name", Gateway.unique("evo "));
        body.put("type", "evolution");
        body.put("base_url", baseUrl);
        body.put("instance_name", Gateway.unique("acme-"));
        body.put("credentials", Map.of("api_key", "evo-key"));
        return body;
    }
}
