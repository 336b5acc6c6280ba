package com.whatpro.hub.providers.adapters;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.whatpro.hub.TestOutbound;
import com.whatpro.hub.providers.ProviderCredentials;
import com.whatpro.hub.providers.ProviderEndpoint;
import com.whatpro.hub.providers.ProviderRejected;
import com.whatpro.hub.providers.ProviderTimeouts;
import com.whatpro.hub.providers.ProviderUnavailable;
import com.whatpro.hub.providers.WebhookSetup;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Registering the hub's webhook at each provider: the request as the provider's published contract has it, the
 * events exactly those the provider's webhook parser reads, refusals and outages as the other calls report them.
 */
class WebhookRegistrationAdapterTests {

    @RegisterExtension
    static WireMockExtension provider = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final URI WEBHOOK_URL = URI.create(
            "https://hub.example.test/api/v1/webhooks/providers/0190b3c4-0000-7000-8000-000000000001/S3CRET");
    private static final String API_KEY = "B6D711FCDE4D4FD5936544120E713976";
    private static final String TOKEN = "5c1f7e2a-instance-token";

    private final ProviderHttp http = new ProviderHttp(new ProviderTimeouts(Duration.ofSeconds(2), Duration.ofMillis(500)), TestOutbound.LOOPBACK);
    private final EvolutionAdapter evolution = new EvolutionAdapter(http, Clock.systemUTC());
    private final UazapiAdapter uazapi = new UazapiAdapter(http, Clock.systemUTC());
    private final CloudApiAdapter cloudApi = new CloudApiAdapter(http, Clock.systemUTC());

    private static ProviderEndpoint evolutionAt(URI base, String webhookToken) {
        return new ProviderEndpoint(base, "acme sales", new ProviderCredentials.Evolution(API_KEY, webhookToken));
    }

    private static ProviderEndpoint uazapiAt(URI base) {
        return new ProviderEndpoint(base, null, new ProviderCredentials.Uazapi(TOKEN, null));
    }

    @AfterEach
    void everyRequestFollowsTheProvidersContract() {
        for (var event : provider.getAllServeEvents()) {
            var request = event.getRequest();
            if (request.getUrl().startsWith("/webhook/set/")) {
                WebhookSetContracts.assertEvolutionConforms(request, "acme%20sales");
            } else {
                WebhookSetContracts.assertUazapiConforms(request);
            }
        }
    }

    @Test
    void setsTheEvolutionInstancesWebhookToTheHubsUrl() {
        provider.stubFor(post("/webhook/set/acme%20sales").willReturn(okJson("""
                {"webhook": {"instanceName": "acme sales", "webhook": {"url": "https://hub.example.test/…",
                 "events": ["MESSAGES_UPSERT"], "enabled": true}}}""").withStatus(201)));

        var setup = evolution.registerWebhook(evolutionAt(URI.create(provider.baseUrl()), null), WEBHOOK_URL);

        assertThat(setup).isEqualTo(new WebhookSetup.Registered(List.of("MESSAGES_UPSERT", "MESSAGES_UPDATE",
                "CONNECTION_UPDATE", "QRCODE_UPDATED", "CHATS_SET", "CHATS_UPSERT", "CHATS_UPDATE", "CONTACTS_SET", "CONTACTS_UPSERT",
                "CONTACTS_UPDATE")));
        provider.verify(postRequestedFor(urlPathEqualTo("/webhook/set/acme%20sales"))
                .withHeader("apikey", equalTo(API_KEY))
                .withRequestBody(equalToJson("""
                        {"webhook": {"enabled": true, "url": "%s", "byEvents": false, "base64": false,
                         "events": ["MESSAGES_UPSERT", "MESSAGES_UPDATE", "CONNECTION_UPDATE", "QRCODE_UPDATED", "CHATS_SET",
                                    "CHATS_UPSERT", "CHATS_UPDATE", "CONTACTS_SET", "CONTACTS_UPSERT",
                                    "CONTACTS_UPDATE"]}}"""
                        .formatted(WEBHOOK_URL))));
    }

    @Test
    void tellsEvolutionToSendTheWebhookTokenInAHeaderTheHubAccepts() {
        provider.stubFor(post("/webhook/set/acme%20sales").willReturn(okJson("{}").withStatus(201)));
        var endpoint = evolutionAt(URI.create(provider.baseUrl()), "HOOK-TOKEN");

        evolution.registerWebhook(endpoint, WEBHOOK_URL);

        provider.verify(postRequestedFor(urlPathEqualTo("/webhook/set/acme%20sales")).withRequestBody(equalToJson(
                "{\"webhook\": {\"headers\": {\"x-webhook-token\": \"HOOK-TOKEN\"}}}", false, true)));
        assertThat(evolution.verifyWebhook(endpoint, Map.of("x-webhook-token", "HOOK-TOKEN"),
                TestResources.utf8("{\"event\": \"messages.upsert\"}"))).isTrue();
    }

    @Test
    void reportsEvolutionsRefusal() {
        provider.stubFor(post("/webhook/set/acme%20sales").willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"status\": 404, \"error\": \"Not Found\", "
                        + "\"response\": {\"message\": [\"The \\\"acme sales\\\" instance does not exist\"]}}")));

        var refused = catchThrowableOfType(ProviderRejected.class,
                () -> evolution.registerWebhook(evolutionAt(URI.create(provider.baseUrl()), null), WEBHOOK_URL));

        assertThat(refused.httpStatus()).isEqualTo(404);
        assertThat(refused.getMessage()).contains("instance does not exist").doesNotContain(API_KEY);
    }

    @Test
    void reportsAnEvolutionThatIsDown() {
        var down = catchThrowableOfType(ProviderUnavailable.class,
                () -> evolution.registerWebhook(evolutionAt(ClosedPort.url(), null), WEBHOOK_URL));

        assertThat(down.getMessage()).contains("connection refused").doesNotContain("S3CRET");
    }

    @Test
    void setsTheUazapiInstancesOneWebhookToTheHubsUrl() {
        provider.stubFor(post("/webhook").willReturn(okJson("""
                [{"id": "123e4567-e89b-12d3-a456-426614174000", "enabled": true, "url": "https://hub.example.test/…",
                  "events": ["messages", "messages_update", "connection"], "excludeMessages": ["isGroupYes"],
                  "addUrlEvents": false, "addUrlTypesMessages": false}]""")));

        var setup = uazapi.registerWebhook(uazapiAt(URI.create(provider.baseUrl())), WEBHOOK_URL);

        assertThat(setup).isEqualTo(new WebhookSetup.Registered(
                List.of("messages", "messages_update", "connection", "chats", "contacts")));
        provider.verify(postRequestedFor(urlPathEqualTo("/webhook"))
                .withHeader("token", equalTo(TOKEN))
                .withRequestBody(equalToJson("""
                        {"enabled": true, "url": "%s",
                         "events": ["messages", "messages_update", "connection", "chats", "contacts"],
                         "excludeMessages": ["isGroupYes"]}""".formatted(WEBHOOK_URL))));
    }

    @Test
    void reportsUazapisRefusal() {
        provider.stubFor(post("/webhook").willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withBody("{\"error\": \"Invalid token\"}")));

        var refused = catchThrowableOfType(ProviderRejected.class,
                () -> uazapi.registerWebhook(uazapiAt(URI.create(provider.baseUrl())), WEBHOOK_URL));

        assertThat(refused.getMessage()).isEqualTo("uazapi rejected the request (HTTP 401): Invalid token");
    }

    @Test
    void leavesCloudApiWebhooksToTheMetaAppAndCallsNothing() {
        var endpoint = new ProviderEndpoint(URI.create(provider.baseUrl()), null,
                new ProviderCredentials.CloudApi("ACCESS", "APP-SECRET", "VERIFY-ME", "1234567890"));

        var setup = cloudApi.registerWebhook(endpoint, WEBHOOK_URL);

        assertThat(setup).isInstanceOf(WebhookSetup.Manual.class);
        assertThat(((WebhookSetup.Manual) setup).instructions()).contains("callback URL", "webhook_url",
                "verify_token", "messages").doesNotContain("S3CRET", "VERIFY-ME", WEBHOOK_URL.toString());
        assertThat(provider.getAllServeEvents()).isEmpty();
    }

    /** Every event of the collection, with data every reader could use: only the subscribed ones may yield events. */
    @Test
    void subscribesEvolutionToExactlyTheEventsItsParserReads() {
        var parser = new EvolutionWebhookParser(Clock.systemUTC());
        var read = new LinkedHashSet<String>();
        for (String event : WebhookSetContracts.texts(
                PostmanCollection.evolution().entry("Set Webhook").body().path("webhook").path("events"))) {
            var body = """
                    {"event": "%s", "instance": "acme", "date_time": "2026-01-01T00:00:00.000Z",
                     "data": {"key": {"remoteJid": "5511999999999@s.whatsapp.net", "fromMe": false, "id": "ABC"},
                              "pushName": "Ana", "message": {"conversation": "hi"}, "messageType": "conversation",
                              "messageTimestamp": 1767225600, "keyId": "ABC", "messageId": "m1",
                              "remoteJid": "5511999999999@s.whatsapp.net", "fromMe": true, "status": "READ",
                              "remoteLid": "123456789012345@lid", "lid": "123456789012345@lid",
                              "instance": "acme", "state": "open", "statusReason": 200}}""".formatted(event);
            if (!parser.parse(TestResources.utf8(body)).isEmpty()) {
                read.add(event);
            }
        }

        assertThat(read).containsExactlyInAnyOrderElementsOf(EvolutionAdapter.WEBHOOK_EVENTS);
    }

    /** The events uazapi's spec lists for {@code POST /webhook}, in the envelope uazapiGO sends. */
    @Test
    void subscribesUazapiToExactlyTheEventsItsParserReads() {
        var parser = new UazapiWebhookParser(Clock.systemUTC());
        var read = new LinkedHashSet<String>();
        for (String event : List.of("connection", "history", "messages", "messages_update", "call", "contacts",
                "presence", "groups", "labels", "chats", "chat_labels", "blocks", "leads")) {
            var body = """
                    {"EventType": "%s", "owner": "5511888888888", "token": "t", "state": "Read",
                     "message": {"messageid": "ABC", "chatid": "5511999999999@s.whatsapp.net", "fromMe": false,
                                 "isGroup": false, "messageType": "Conversation", "text": "hi",
                                 "messageTimestamp": 1767225600000, "senderName": "Ana"},
                     "chat": {"wa_chatid": "5511999999999@s.whatsapp.net", "wa_chatlid": "123456789012345@lid"},
                     "event": {"MessageIDs": ["ABC"], "Type": "read", "Timestamp": "2026-01-01T00:00:00Z"},
                     "instance": {"status": "connected"}}""".formatted(event);
            if (!parser.parse(TestResources.utf8(body)).isEmpty()) {
                read.add(event);
            }
        }

        assertThat(read).containsExactlyInAnyOrderElementsOf(UazapiAdapter.WEBHOOK_EVENTS);
    }

    @Test
    void excludesOnlyUazapiMessagesItsParserDrops() {
        var group = """
                {"EventType": "messages", "owner": "5511888888888", "token": "t",
                 "message": {"messageid": "ABC", "chatid": "120363000000000000@g.us", "fromMe": false,
                             "isGroup": true, "messageType": "Conversation", "text": "hi",
                             "messageTimestamp": 1767225600000},
                 "chat": {"wa_chatid": "120363000000000000@g.us", "wa_isGroup": true}}""";

        assertThat(UazapiAdapter.EXCLUDED_MESSAGES).containsExactly("isGroupYes");
        assertThat(new UazapiWebhookParser(Clock.systemUTC()).parse(TestResources.utf8(group))).isEmpty();
    }
}
