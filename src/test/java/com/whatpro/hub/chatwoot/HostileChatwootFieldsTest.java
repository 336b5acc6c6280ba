package com.whatpro.hub.chatwoot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fields of Chatwoot's {@code message_created} that the fuzz tests (WebhookFuzzTests) found escaping as an unexpected
 * exception (a 500 that Chatwoot retries): a wrong type is now read as absent or reported as a malformed webhook (a
 * 400), and text loses the NUL characters PostgreSQL cannot store.
 */
class HostileChatwootFieldsTest {

    final ChatwootWebhooks webhooks = new ChatwootWebhooks(Clock.systemUTC());
    final JsonMapper json = JsonMapper.builder().build();

    ObjectNode reply() {
        return (ObjectNode) json.readTree(ChatwootResources.webhook("message_created.outgoing.webwidget.json"));
    }

    ChatwootEvent.MessageCreated read(ObjectNode payload) {
        return (ChatwootEvent.MessageCreated) webhooks.parse(json.writeValueAsBytes(payload));
    }

    @Test
    void aPrivateFlagThatIsAnObjectOrArrayIsNotSet() {
        assertThat(read((ObjectNode) reply().set("private", json.createObjectNode())).privateNote()).isFalse();
        assertThat(read((ObjectNode) reply().set("private", json.createArrayNode().add(true))).privateNote()).isFalse();
        assertThat(read(reply().put("private", "true")).privateNote()).isTrue();
    }

    @Test
    void aMessageTypeBeyondAnyIntIsAMalformedWebhook() {
        var payload = reply();
        payload.set("message_type", json.getNodeFactory().numberNode(new java.math.BigInteger("99999999999999999999")));

        assertThatThrownBy(() -> webhooks.parse(json.writeValueAsBytes(payload)))
                .isInstanceOf(MalformedChatwootWebhook.class);
    }

    @Test
    void nulCharactersAreDroppedFromText() {
        var body = new String(json.writeValueAsBytes(reply().put("content", "ok")), StandardCharsets.UTF_8)
                .replace("\"ok\"", "\"o\\u0000k\"");

        assertThat(((ChatwootEvent.MessageCreated) webhooks.parse(body.getBytes(StandardCharsets.UTF_8))).content())
                .isEqualTo("ok");
    }
}
