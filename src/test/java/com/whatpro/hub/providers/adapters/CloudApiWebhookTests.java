package com.whatpro.hub.providers.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatpro.hub.TestOutbound;
import com.whatpro.hub.providers.InboundMessage;
import com.whatpro.hub.providers.MalformedWebhook;
import com.whatpro.hub.providers.MessageStatus;
import com.whatpro.hub.providers.ProviderCredentials;
import com.whatpro.hub.providers.ProviderEndpoint;
import com.whatpro.hub.providers.ProviderEvent;
import com.whatpro.hub.providers.ProviderTimeouts;
import com.whatpro.hub.providers.StatusUpdate;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Every webhook example published with Meta's spec (and pywa's fixtures) is read into the right events. */
class CloudApiWebhookTests {

    private static final String EXAMPLES = "/specs/meta-cloud-api/webhook-examples/";
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final CloudApiAdapter adapter = new CloudApiAdapter(new ProviderHttp(ProviderTimeouts.DEFAULT, TestOutbound.LOOPBACK),
            Clock.systemUTC());

    /** What each example file must yield; a file without an entry fails, so new examples are not skipped. */
    private static final Map<String, Consumer<List<ProviderEvent>>> EXPECTED = Map.ofEntries(
            Map.entry("inbound.text-message.json", events -> {
                InboundMessage message = single(events);
                assertThat(message.providerMessageId())
                        .isEqualTo("wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=");
                assertThat(message.from()).isEqualTo("+16505551234");
                assertThat(message.senderName()).isEqualTo("Sheena Nelson");
                assertThat(message.text()).isEqualTo("Does it come in another color?");
                assertThat(message.media()).isNull();
                assertThat(message.timestamp()).isEqualTo(Instant.ofEpochSecond(1749416383));
                assertThat(message.fromMe()).isFalse();
            }),
            Map.entry("inbound.text-message-from-click-to-whatsapp-ad.json",
                    text("Hello! Can I get more info on this?")),
            Map.entry("inbound.text-message-with-context-product-inquiry.json", text("Is this still available?")),
            Map.entry("inbound.pywa.text.json", text("Body Text")),
            Map.entry("inbound.image-message.json",
                    media("1003383421387256", "image/jpeg", "Taj Mahal", null)),
            Map.entry("inbound.pywa.image.json", media("65463453", "image/jpeg", null, null)),
            Map.entry("inbound.pywa.video.json", media("765756756", "video/mp4", "caption", null)),
            Map.entry("inbound.pywa.audio.json", media("1234567890987654321", "audio/ogg; codecs=opus", null, null)),
            Map.entry("inbound.pywa.voice.json", media("1234567890987654321", "audio/ogg; codecs=opus", null, null)),
            Map.entry("inbound.pywa.document.json",
                    media("1234567890987654321", "application/pdf", "caption", "filename.pdf")),
            Map.entry("inbound.location-message.json", text(
                    "[location] 37.44221496582,-122.16165924072 Philz Coffee - 101 Forest Ave, Palo Alto, CA 94301")),
            Map.entry("inbound.contact-sharing-message.json", text("[contact] Lucía Gómez +1 (983) 555-2319")),
            Map.entry("inbound.reaction-message.json", text("[reaction] 👍")),
            Map.entry("inbound.button-message.json", text("[button] Unsubscribe")),
            Map.entry("inbound.interactive-button-reply-message.json", text("[button reply] Cancel")),
            Map.entry("inbound.interactive-list-reply-message.json",
                    text("[list reply] Priority Mail Express - Next Day to 2 Days")),
            Map.entry("inbound.order-message.json", text("[order] 2 x di9ozbzfi4 @ 30 USD; 1 x nqryix03ez @ 25 USD")),
            Map.entry("inbound.system-message.json", events -> {
                InboundMessage message = single(events);
                assertThat(message.text()).isEqualTo("[system] User Sheena Nelson changed from 16505551234 to 12195555358");
                assertThat(message.senderName()).isNull();
            }),
            Map.entry("inbound.unsupported-message.json",
                    text("[unsupported] Message type unknown - Message type is currently not supported.")),
            // group lifecycle webhooks are about groups the number manages, not messages to bridge
            Map.entry("inbound.group-create-message.json", events -> assertThat(events).isEmpty()),
            Map.entry("inbound.group-remove-participants.json", events -> assertThat(events).isEmpty()),
            Map.entry("inbound.group-settings-update.json", events -> assertThat(events).isEmpty()),
            Map.entry("status.sent.json", status(MessageStatus.SENT, 1698266945)),
            Map.entry("status.delivered.json", status(MessageStatus.DELIVERED, 1698266945)),
            Map.entry("status.read.json", status(MessageStatus.READ, 1689380458)),
            Map.entry("status.failed.json", events -> {
                StatusUpdate update = (StatusUpdate) events.getFirst();
                assertThat(events).hasSize(1);
                assertThat(update.status()).isEqualTo(MessageStatus.FAILED);
                assertThat(update.errorCode()).isEqualTo("130472");
                assertThat(update.errorMessage()).isEqualTo("User's number is part of an experiment - "
                        + "Failed to send message because this user's phone number is part of an experiment");
            }));

    static Stream<String> exampleFiles() throws URISyntaxException, IOException {
        Path directory = Path.of(Objects.requireNonNull(CloudApiWebhookTests.class.getResource(EXAMPLES)).toURI());
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(Files::isRegularFile).map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".json")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("exampleFiles")
    void readsEveryPublishedExample(String file) {
        assertThat(EXPECTED).as("an expectation for %s", file).containsKey(file);

        EXPECTED.get(file).accept(adapter.parseWebhook(TestResources.bytes(EXAMPLES + file)));
    }

    @Test
    void readsEveryPywaMessageFixtureAsOneInboundMessage() {
        JsonNode fixtures = fixtures("pywa/message.json");
        for (String name : fixtures.propertyNames()) {
            List<ProviderEvent> events = adapter.parseWebhook(MAPPER.writeValueAsBytes(fixtures.path(name)));
            assertThat(events).as(name).singleElement().isInstanceOf(InboundMessage.class);
            InboundMessage message = (InboundMessage) events.getFirst();
            assertThat(message.text() != null || message.media() != null).as("%s has content", name).isTrue();
        }
    }

    @Test
    void describesTheKindsOfMessageThatCannotBeBridged() {
        JsonNode fixtures = fixtures("pywa/message.json");
        assertThat(textOf(fixtures, "unreaction_empty")).isEqualTo("[reaction removed]");
        assertThat(textOf(fixtures, "unreaction_no_emoji")).isEqualTo("[reaction removed]");
        assertThat(textOf(fixtures, "current_location")).isEqualTo("[location] 12.25089,43.90539");
        assertThat(textOf(fixtures, "interactive_message_with_err")).isEqualTo("[interactive]");
        assertThat(textOf(fixtures, "unsupported_with_type"))
                .isEqualTo("[unsupported] pool: Message type unknown - Message type is currently not supported.");
        assertThat(textOf(fixtures, "contacts")).isEqualTo(
                "[contact] Chandler Bing +1 555-555-5555; Monica +1 666-666-6666; Rachel Green +1 777-777-7777");
    }

    @Test
    void namesTheNumberEachChangeIsFor() {
        var root = (ObjectNode) MAPPER.readTree(TestResources.bytes(EXAMPLES + "inbound.text-message.json"));
        var changes = (ArrayNode) root.path("entry").path(0).path("changes");
        var second = changes.get(0).deepCopy();
        ((ObjectNode) second.path("value").path("metadata")).put("phone_number_id", "222");
        ((ObjectNode) second.path("value").path("messages").path(0))
                .put("id", "wamid.second");
        changes.add(second);
        var statusOnly = MAPPER.readTree(TestResources.bytes(EXAMPLES + "status.sent.json"));
        root.withArray("entry").add(statusOnly.path("entry").path(0));

        var addressed = adapter.parseAddressedWebhook(MAPPER.writeValueAsBytes(root));

        assertThat(addressed).extracting(group -> group.phoneNumberId() + " " + group.events().size())
                .containsExactly("106540352242922 1", "222 1", "1122334455667 1");
        assertThat(((InboundMessage) addressed.get(1).events().getFirst()).providerMessageId())
                .isEqualTo("wamid.second");
        assertThat(adapter.parseWebhook(MAPPER.writeValueAsBytes(root))).hasSize(3);
    }

    @Test
    void keepsTheDirectUrlOfMediaWhenMetaSendsOne() {
        InboundMessage message = (InboundMessage) adapter.parseWebhook(
                MAPPER.writeValueAsBytes(fixtures("pywa/message.json").path("media_with_url"))).getFirst();

        assertThat(message.media()).isNotNull();
        assertThat(message.media().url()).hasHost("lookaside.fbsbx.com");
        assertThat(message.media().providerMediaId()).isEqualTo("65463453");
    }

    @Test
    void readsEveryPywaStatusFixture() {
        JsonNode fixtures = fixtures("pywa/message_status.json");
        Map<String, MessageStatus> expected = Map.of("sent", MessageStatus.SENT, "delivered", MessageStatus.DELIVERED,
                "read", MessageStatus.READ, "played", MessageStatus.READ, "failed", MessageStatus.FAILED,
                "with_tracker", MessageStatus.SENT, "group", MessageStatus.READ);
        assertThat(fixtures.propertyNames()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((name, status) -> assertThat(adapter.parseWebhook(
                MAPPER.writeValueAsBytes(fixtures.path(name))))
                .as(name).singleElement().isInstanceOf(StatusUpdate.class)
                .extracting(event -> ((StatusUpdate) event).status()).isEqualTo(status));
    }

    @Test
    void rejectsABodyThatIsNotJson() {
        assertThatThrownBy(() -> adapter.parseWebhook(TestResources.utf8("hub.challenge=1")))
                .isInstanceOf(MalformedWebhook.class);
    }

    @Test
    void acceptsTheSignatureMetaComputesOverTheRawBody() {
        byte[] body = TestResources.bytes(EXAMPLES + "inbound.text-message.json");

        assertThat(adapter.verifyWebhook(endpoint("app-secret"),
                Map.of("x-hub-signature-256", CloudApiSignature.sign("app-secret", body)), body)).isTrue();
    }

    @Test
    void acceptsAKnownSignature() {
        String signature = "sha256=" + hmacOfEmptyObject();

        assertThat(adapter.verifyWebhook(endpoint("app-secret"), Map.of("x-hub-signature-256", signature),
                TestResources.utf8("{}"))).isTrue();
    }

    @Test
    void refusesAnAlteredBody() {
        byte[] body = TestResources.bytes(EXAMPLES + "inbound.text-message.json");
        String signature = CloudApiSignature.sign("app-secret", body);
        byte[] altered = new String(body, java.nio.charset.StandardCharsets.UTF_8)
                .replace("another color", "a discount").getBytes(java.nio.charset.StandardCharsets.UTF_8);

        assertThat(adapter.verifyWebhook(endpoint("app-secret"), Map.of("x-hub-signature-256", signature), altered))
                .isFalse();
    }

    @Test
    void refusesASignatureMadeWithAnotherSecret() {
        byte[] body = TestResources.utf8("{}");

        assertThat(adapter.verifyWebhook(endpoint("app-secret"),
                Map.of("x-hub-signature-256", CloudApiSignature.sign("other-secret", body)), body)).isFalse();
    }

    @Test
    void refusesAMissingOrMalformedSignature() {
        byte[] body = TestResources.utf8("{}");

        assertThat(adapter.verifyWebhook(endpoint("app-secret"), Map.of(), body)).isFalse();
        assertThat(adapter.verifyWebhook(endpoint("app-secret"), Map.of("x-hub-signature-256", "sha256=zz"), body))
                .isFalse();
        assertThat(adapter.verifyWebhook(endpoint("app-secret"),
                Map.of("x-hub-signature-256", hmacOfEmptyObject()), body)).as("without the sha256= prefix").isFalse();
    }

    /** HMAC-SHA256("app-secret", "{}") in hex, computed outside Java: {@code printf '{}' | openssl dgst -sha256 -hmac app-secret}. */
    private static String hmacOfEmptyObject() {
        return "bd9549eb87a414d3df28b5a60ea86d4a11e2f1c6258edbd18f56d3c23c0f908d";
    }

    private static ProviderEndpoint endpoint(String appSecret) {
        return new ProviderEndpoint(URI.create("https://graph.facebook.com"), null,
                new ProviderCredentials.CloudApi("token", appSecret, "verify", "106540352242922"));
    }

    private String textOf(JsonNode fixtures, String name) {
        return ((InboundMessage) adapter.parseWebhook(MAPPER.writeValueAsBytes(fixtures.path(name))).getFirst()).text();
    }

    private static JsonNode fixtures(String file) {
        return MAPPER.readTree(TestResources.bytes(EXAMPLES + file));
    }

    private static InboundMessage single(List<ProviderEvent> events) {
        assertThat(events).singleElement().isInstanceOf(InboundMessage.class);
        return (InboundMessage) events.getFirst();
    }

    private static Consumer<List<ProviderEvent>> text(String expected) {
        return events -> {
            InboundMessage message = single(events);
            assertThat(message.text()).isEqualTo(expected);
            assertThat(message.media()).isNull();
            assertThat(message.from()).startsWith("+");
        };
    }

    private static Consumer<List<ProviderEvent>> media(String id, String mimeType, String caption, String fileName) {
        return events -> {
            InboundMessage message = single(events);
            assertThat(message.text()).isNull();
            assertThat(message.media()).isEqualTo(new InboundMessage.Media(null, id, mimeType, caption, fileName));
        };
    }

    private static Consumer<List<ProviderEvent>> status(MessageStatus status, long epochSecond) {
        return events -> assertThat(events).singleElement().isEqualTo(
                new StatusUpdate("wamid.xyzxyz", status, null, null, Instant.ofEpochSecond(epochSecond)));
    }
}
