package com.whatpro.hub.chatwoot;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.whatpro.hub.chatwoot.ChatwootEvent.Contact;
import com.whatpro.hub.chatwoot.ChatwootEvent.ContactCreated;
import com.whatpro.hub.chatwoot.ChatwootEvent.Conversation;
import com.whatpro.hub.chatwoot.ChatwootEvent.ConversationCreated;
import com.whatpro.hub.chatwoot.ChatwootEvent.ConversationStatusChanged;
import com.whatpro.hub.chatwoot.ChatwootEvent.ConversationUpdated;
import com.whatpro.hub.chatwoot.ChatwootEvent.MessageCreated;
import com.whatpro.hub.chatwoot.ChatwootEvent.Sender;
import com.whatpro.hub.chatwoot.ChatwootEvent.Unhandled;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class ChatwootEventsTest {

    private static final String ACTIVE_STORAGE = "http://chatwoot.example.com/rails/active_storage/";

    private static final Conversation WHATSAPP_CONVERSATION = new Conversation(24, 1L, 17, "Channel::Whatsapp", "open",
            new Contact(89, "Alex Sample", "+5490000000002", null, null), "5490000000000", 3L, null, List.of());

    private static final Contact WIDGET_CONTACT = new Contact(715, "pat", null, "user5@example.com", null);

    /** What each captured sample must read as; a sample without an entry fails the test, so none is skipped. */
    private static final Map<String, Consumer<ChatwootEvent>> SAMPLES = Map.of(
            "contact_created.json", event -> assertThat(event).isEqualTo(
                    new ContactCreated(3L, new Contact(224, "Jo Demo", "+5590000000004", "user3@example.com", null))),
            "conversation_created.DERIVED.whatsapp.json", event -> assertThat(event).isEqualTo(
                    new ConversationCreated(WHATSAPP_CONVERSATION)),
            "conversation_status_changed.whatsapp.json", event -> assertThat(event).isEqualTo(
                    new ConversationStatusChanged(WHATSAPP_CONVERSATION, null)),
            "conversation_updated.webwidget.json", event -> assertThat(event).isEqualTo(new ConversationUpdated(
                    new Conversation(49, 5L, 36, "Channel::WebWidget", "open", WIDGET_CONTACT,
                            "92c0cfe2-a2fc-4165-bb49-c1143939baf5", 1L, null, List.of("test1")),
                    List.of("updated_at", "label_list"))),
            "message_created.incoming.webwidget.json", event -> assertThat(event).isEqualTo(new MessageCreated(
                    3748, 3, 6, 9, "Channel::WebWidget", ChatwootMessageType.INCOMING, "text", "teste receive", false,
                    null, new Sender(405, "restless-cloud-54", "contact", null, null, null),
                    new Contact(405, "restless-cloud-54", null, null, null), "b160de65-d8c0-4969-a6a8-6bb63127e19e",
                    List.of())),
            "message_created.incoming.whatsapp.json", event -> assertThat(event).isEqualTo(new MessageCreated(
                    17547, 1, 25, 17, "Channel::Whatsapp", ChatwootMessageType.INCOMING, "text", "hola", false,
                    "wamid.HBgNNTQ5MzUxMzA1NTYwORUCABIYFjNFQjA3NDk2RDIxN0E2OENCNTA1NjkA",
                    new Sender(89, "Alex Sample", "contact", null, "+5490000000002", null),
                    new Contact(89, "Alex Sample", "+5490000000002", null, null), "5490000000000", List.of())),
            "message_created.outgoing.api-channel.one-attachment.json", event -> assertThat(event).isEqualTo(
                    new MessageCreated(8633, 2, 9, 4, "Channel::Api", ChatwootMessageType.OUTGOING, "text", null, false,
                            null, new Sender(2, "Sam", "user", "user2@example.com", null, null),
                            new Contact(195, "Envio de msgs", null, "user1@example.com", null),
                            "639f12b2-8e5c-478d-8a83-33d99da07457",
                            List.of(new ChatwootAttachment(1222, "image", ACTIVE_STORAGE
                                    + "blobs/redirect/eyJfcmFpbHMiOnsibWVzc2FnZSI6IkJBaHBBaUkzIiwiZXhwIjpudWxsLCJwdXIiOiJibG9iX2lkIn19--327ba97b243962ce855b6d638d4690a4077501b3/Captura%20de%20Tela%20(18).png",
                                    ACTIVE_STORAGE
                                    + "representations/redirect/eyJfcmFpbHMiOnsibWVzc2FnZSI6IkJBaHBBaUkzIiwiZXhwIjpudWxsLCJwdXIiOiJibG9iX2lkIn19--327ba97b243962ce855b6d638d4690a4077501b3/eyJfcmFpbHMiOnsibWVzc2FnZSI6IkJBaDdCem9MWm05eWJXRjBTU0lJY0c1bkJqb0dSVlE2RTNKbGMybDZaVjkwYjE5bWFXeHNXd2RwQWZvdyIsImV4cCI6bnVsbCwicHVyIjoidmFyaWF0aW9uIn19--87aec6c89ddb8fb0db919201603f3410be9cad37/Captura%20de%20Tela%20(18).png",
                                    430766L)))),
            "message_created.outgoing.api-channel.three-attachments.json", event ->
                    assertThat(event).isInstanceOfSatisfying(MessageCreated.class, message -> {
                        assertThat(message.messageId()).isEqualTo(8637);
                        assertThat(message.content()).isEqualTo("Message with attachments");
                        assertThat(message.attachments()).extracting(ChatwootAttachment::id)
                                .containsExactly(1225L, 1226L, 1227L);
                        assertThat(message.attachments()).extracting(ChatwootAttachment::fileType)
                                .containsOnly("image");
                        assertThat(message.attachments()).extracting(ChatwootAttachment::dataUrl)
                                .allMatch(url -> url.startsWith(ACTIVE_STORAGE + "blobs/redirect/"))
                                .extracting(url -> url.substring(url.lastIndexOf('/') + 1))
                                .containsExactly("bob_esponja.png", "patrick.png", "lula.png");
                    }),
            "message_created.outgoing.webwidget.json", event -> assertThat(event).isEqualTo(new MessageCreated(
                    99523, 5, 49, 36, "Channel::WebWidget", ChatwootMessageType.OUTGOING, "text", "Teste2", false, null,
                    new Sender(95, "Pat Tester", "user", "user6@example.com", null, null), WIDGET_CONTACT,
                    "92c0cfe2-a2fc-4165-bb49-c1143939baf5", List.of())));

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ChatwootWebhooks webhooks = new ChatwootWebhooks(Clock.systemUTC());

    static Stream<String> everySample() throws IOException, URISyntaxException {
        var folder = Path.of(ChatwootEventsTest.class.getResource("/chatwoot/webhooks").toURI());
        try (var files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("everySample")
    void readsEveryCapturedSample(String sample) {
        assertThat(SAMPLES).as("the expected reading of " + sample).containsKey(sample);

        var event = webhooks.parse(ChatwootResources.webhook(sample));

        SAMPLES.get(sample).accept(event);
        assertThat(sample).startsWith(event.event());
    }

    @Test
    void coversEverySampleInTheSpecs() throws IOException, URISyntaxException {
        assertThat(everySample()).containsExactlyInAnyOrderElementsOf(SAMPLES.keySet());
    }

    @Test
    void readsAPrivateNote() {
        var note = sample("message_created.outgoing.webwidget.json");
        note.put("private", true);

        assertThat(parse(note)).isInstanceOfSatisfying(MessageCreated.class,
                message -> assertThat(message.privateNote()).isTrue());
    }

    @Test
    void readsAnActivityWithoutSender() {
        var activity = sample("message_created.incoming.whatsapp.json");
        activity.put("message_type", "activity");
        activity.put("content", "Conversation was marked resolved by Pat");
        activity.remove("sender");

        assertThat(parse(activity)).isInstanceOfSatisfying(MessageCreated.class, message -> {
            assertThat(message.messageType()).isEqualTo(ChatwootMessageType.ACTIVITY);
            assertThat(message.sender()).isNull();
        });
    }

    @Test
    void readsTheStatusAConversationLeft() {
        var resolved = sample("conversation_status_changed.whatsapp.json");
        resolved.put("status", "resolved");
        resolved.set("changed_attributes", JSON.readTree("""
                [{"status": {"previous_value": "open", "current_value": "resolved"}}]"""));

        assertThat(parse(resolved)).isEqualTo(new ConversationStatusChanged(
                new Conversation(24, 1L, 17, "Channel::Whatsapp", "resolved", WHATSAPP_CONVERSATION.contact(),
                        "5490000000000", 3L, null, List.of()),
                "open"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"message_updated", "webwidget_triggered", "conversation_typing_on", "contact_updated"})
    void leavesOtherEventsUnhandled(String name) {
        var other = sample("message_created.incoming.whatsapp.json");
        other.put("event", name);

        assertThat(parse(other)).isEqualTo(new Unhandled(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "{\"event\": \"message_created\"", "not json", "[]", "\"message_created\"",
            "{\"id\": 1}", "{\"event\": \"\"}", "{\"event\": \"message_created\", \"id\": 1}"})
    void refusesWhatIsNotAChatwootPayload(String body) {
        assertThatThrownBy(() -> webhooks.parse(body.getBytes(UTF_8))).isInstanceOf(MalformedChatwootWebhook.class);
    }

    @Test
    void refusesAMessageOfAnUnknownType() {
        var strange = sample("message_created.incoming.whatsapp.json");
        strange.put("message_type", "broadcast");

        assertThatThrownBy(() -> parse(strange))
                .isInstanceOf(MalformedChatwootWebhook.class)
                .hasMessageContaining("message_type");
    }

    @Test
    void refusesAConversationWithoutItsId() {
        var anonymous = sample("conversation_updated.webwidget.json");
        anonymous.remove("id");

        assertThatThrownBy(() -> parse(anonymous))
                .isInstanceOf(MalformedChatwootWebhook.class)
                .hasMessage("conversation_updated payload: no numeric 'id'");
    }

    private static ObjectNode sample(String name) {
        return (ObjectNode) JSON.readTree(ChatwootResources.webhook(name));
    }

    private ChatwootEvent parse(ObjectNode payload) {
        return webhooks.parse(JSON.writeValueAsBytes(payload));
    }
}
