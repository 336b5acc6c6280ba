package com.whatpro.hub.providers.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatpro.hub.TestOutbound;
import com.whatpro.hub.providers.ConnectionState;
import com.whatpro.hub.providers.ConnectionUpdate;
import com.whatpro.hub.providers.InboundMessage;
import com.whatpro.hub.providers.LidMapping;
import com.whatpro.hub.providers.MalformedWebhook;
import com.whatpro.hub.providers.MessageStatus;
import com.whatpro.hub.providers.ProviderCredentials;
import com.whatpro.hub.providers.ProviderEndpoint;
import com.whatpro.hub.providers.ProviderEvent;
import com.whatpro.hub.providers.ProviderTimeouts;
import com.whatpro.hub.providers.StatusUpdate;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Evolution API webhooks. Evolution publishes no webhook examples: these payloads are built from the envelope and
 * data shapes in specs/README.md (taken from EvolutionAPI's source) and Baileys' message fields, not captured from
 * a running server.
 */
class EvolutionWebhookTests {

    private final EvolutionAdapter adapter = new EvolutionAdapter(new ProviderHttp(ProviderTimeouts.DEFAULT, TestOutbound.LOOPBACK),
            Clock.systemUTC());

    private static String upsert(String data) {
        return envelope("messages.upsert", data);
    }

    private static String envelope(String event, String data) {
        return """
                {"event": "%s", "instance": "acme", "data": %s,
                 "destination": "https://hub.example.com/webhooks/providers/0191/s3cr3t",
                 "date_time": "2024-06-06T12:51:37.123Z", "sender": "5511888888888@s.whatsapp.net",
                 "server_url": "https://evolution.example.com", "apikey": "B6D711FCDE4D4FD5936544120E713976"}"""
                .formatted(event, data);
    }

    private static String message(String remoteJid, boolean fromMe, String message, String extraKey) {
        return """
                {"key": {"remoteJid": "%s", "fromMe": %s, "id": "3EB0A0C1D2E3F4A5B6"%s},
                 "pushName": "Maria Silva", "status": "DELIVERY_ACK", "message": %s,
                 "messageType": "conversation", "messageTimestamp": 1717689097,
                 "instanceId": "a2c4e6f8-0000-4000-8000-000000000001", "source": "android"}"""
                .formatted(remoteJid, fromMe, extraKey, message);
    }

    private List<ProviderEvent> parse(String json) {
        return adapter.parseWebhook(TestResources.utf8(json));
    }

    private InboundMessage inbound(String json) {
        List<ProviderEvent> events = parse(json);
        assertThat(events).singleElement().isInstanceOf(InboundMessage.class);
        return (InboundMessage) events.getFirst();
    }

    @Test
    void readsATextMessage() {
        InboundMessage message = inbound(upsert(message("5511999999999@s.whatsapp.net", false,
                "{\"conversation\": \"Oi, tudo bem?\"}", "")));

        assertThat(message).isEqualTo(new InboundMessage("3EB0A0C1D2E3F4A5B6", "+5511999999999", "Maria Silva",
                "Oi, tudo bem?", null, Instant.ofEpochSecond(1717689097), false));
    }

    @Test
    void readsAnExtendedTextMessage() {
        assertThat(inbound(upsert(message("5511999999999@s.whatsapp.net", false,
                "{\"extendedTextMessage\": {\"text\": \"veja https://example.com\"}}", ""))).text())
                .isEqualTo("veja https://example.com");
    }

    @Test
    void readsAnImageAsMediaFetchedByMessageId() {
        InboundMessage message = inbound(upsert(message("5511999999999@s.whatsapp.net", false, """
                {"imageMessage": {"url": "https://mmg.whatsapp.net/o1/v/t62.7118-24/f1/m232/abc.enc",
                 "mimetype": "image/jpeg", "caption": "Olha isso", "fileLength": "51234",
                 "mediaKey": "bWVkaWFrZXk=", "jpegThumbnail": "/9j/4AAQ"}}""", "")));

        assertThat(message.text()).isNull();
        assertThat(message.media()).isEqualTo(
                new InboundMessage.Media(null, "3EB0A0C1D2E3F4A5B6", "image/jpeg", "Olha isso", null));
    }

    @Test
    void readsADocumentWithCaptionInsideItsWrapper() {
        InboundMessage message = inbound(upsert(message("5511999999999@s.whatsapp.net", false, """
                {"documentWithCaptionMessage": {"message": {"documentMessage": {
                 "mimetype": "application/pdf", "fileName": "boleto.pdf", "caption": "segue o boleto"}}}}""", "")));

        assertThat(message.media()).isEqualTo(new InboundMessage.Media(null, "3EB0A0C1D2E3F4A5B6",
                "application/pdf", "segue o boleto", "boleto.pdf"));
    }

    @Test
    void usesTheStoredMediaUrlWhenEvolutionKeepsFilesInS3() {
        InboundMessage message = inbound(upsert(message("5511999999999@s.whatsapp.net", false, """
                {"audioMessage": {"mimetype": "audio/ogg; codecs=opus", "seconds": 7, "ptt": true},
                 "mediaUrl": "https://s3.example.com/evolution/acme/3EB0A0C1D2E3F4A5B6.oga"}""", "")));

        assertThat(message.media()).isNotNull();
        assertThat(message.media().url()).isEqualTo(URI.create("https://s3.example.com/evolution/acme/3EB0A0C1D2E3F4A5B6.oga"));
        assertThat(message.media().mimeType()).isEqualTo("audio/ogg; codecs=opus");
    }

    @Test
    void takesThePhoneFromRemoteJidAltWhenTheChatIsALid() {
        InboundMessage message = inbound(upsert(message("141283218772012@lid", false,
                "{\"conversation\": \"oi\"}", ", \"remoteJidAlt\": \"5521988887777@s.whatsapp.net\"")));

        assertThat(message.from()).isEqualTo("+5521988887777");
        assertThat(message.lid()).as("the phone behind the LID, to be learnt").isEqualTo("141283218772012@lid");
    }

    @Test
    void readsBothWhenEvolutionPutsThePhoneFirstAndTheLidInRemoteJidAlt() {
        // later Evolution versions swap them before sending the webhook (addressingMode "pn")
        InboundMessage message = inbound(upsert(message("5521988887777@s.whatsapp.net", false,
                "{\"conversation\": \"oi\"}",
                ", \"remoteJidAlt\": \"141283218772012@lid\", \"addressingMode\": \"pn\"")));

        assertThat(message.from()).isEqualTo("+5521988887777");
        assertThat(message.lid()).isEqualTo("141283218772012@lid");
    }

    @Test
    void takesTheSendersPhoneAndLidBaileysGivesOnTheKey() {
        InboundMessage message = inbound(upsert(message("141283218772012:7@lid", false,
                "{\"conversation\": \"oi\"}", ", \"senderPn\": \"5521988887777@s.whatsapp.net\"")));

        assertThat(message.from()).isEqualTo("+5521988887777");
        assertThat(message.lid()).as("without the device").isEqualTo("141283218772012@lid");
    }

    @Test
    void reportsALidChatWhosePhoneIsUnknownByItsLid() {
        InboundMessage message = inbound(upsert(message("141283218772012@lid", false,
                "{\"conversation\": \"oi\"}", "")));

        assertThat(message).isEqualTo(new InboundMessage("3EB0A0C1D2E3F4A5B6", null, "141283218772012@lid",
                "Maria Silva", "oi", null, Instant.ofEpochSecond(1717689097), false));
    }

    @Test
    void doesNotTakeTheNumbersOwnPhoneForTheContactsWhenTheNumberWroteToALid() {
        InboundMessage message = inbound(upsert(message("141283218772012@lid", true,
                "{\"conversation\": \"oi\"}", ", \"senderPn\": \"5511888888888@s.whatsapp.net\"")));

        assertThat(message.from()).isNull();
        assertThat(message.lid()).isEqualTo("141283218772012@lid");
    }

    @Test
    void readsThePhonesBehindLidsInAChatList() {
        List<ProviderEvent> events = parse(envelope("chats.set", """
                [{"remoteJid": "5521988887777@s.whatsapp.net", "remoteLid": "141283218772012@lid",
                  "instanceId": "a2c4e6f8-0000-4000-8000-000000000001", "name": "Maria"},
                 {"remoteJid": "5511999999999@s.whatsapp.net", "remoteLid": null,
                  "instanceId": "a2c4e6f8-0000-4000-8000-000000000001"},
                 {"remoteJid": "120363025246125486@g.us", "remoteLid": null}]"""));

        assertThat(events).singleElement().isEqualTo(new LidMapping("141283218772012@lid", "+5521988887777",
                Instant.parse("2024-06-06T12:51:37.123Z")));
    }

    @Test
    void readsAContactOnlyWhenItNamesBothItsLidAndItsPhone() {
        assertThat(parse(envelope("contacts.upsert", """
                [{"remoteJid": "141283218772012@lid", "pushName": "Maria", "profilePicUrl": null,
                  "instanceId": "a2c4e6f8-0000-4000-8000-000000000001"}]"""))).isEmpty();
        assertThat(parse(envelope("contacts.update", """
                {"id": "141283218772012@lid", "phoneNumber": "5521988887777@s.whatsapp.net"}""")))
                .singleElement().isEqualTo(new LidMapping("141283218772012@lid", "+5521988887777",
                        Instant.parse("2024-06-06T12:51:37.123Z")));
    }

    @Test
    void skipsGroupMessages() {
        assertThat(parse(upsert(message("120363025246125486@g.us", false, "{\"conversation\": \"bom dia grupo\"}",
                ", \"participant\": \"5511999999999@s.whatsapp.net\"")))).isEmpty();
    }

    @Test
    void skipsStatusBroadcasts() {
        assertThat(parse(upsert(message("status@broadcast", false, "{\"conversation\": \"story\"}", "")))).isEmpty();
    }

    @Test
    void marksMessagesTheNumberSentFromThePhone() {
        InboundMessage message = inbound(upsert(message("5511999999999@s.whatsapp.net", true,
                "{\"conversation\": \"respondi pelo celular\"}", "")));

        assertThat(message.fromMe()).isTrue();
        assertThat(message.from()).as("the contact written to").isEqualTo("+5511999999999");
        assertThat(message.senderName()).as("pushName is the number's own name").isNull();
    }

    @Test
    void describesALocation() {
        assertThat(inbound(upsert(message("5511999999999@s.whatsapp.net", false, """
                {"locationMessage": {"degreesLatitude": -23.5613, "degreesLongitude": -46.6565,
                 "name": "MASP", "address": "Av. Paulista, 1578"}}""", ""))).text())
                .isEqualTo("[location] -23.5613,-46.6565 MASP - Av. Paulista, 1578");
    }

    @Test
    void describesAReactionAndAContact() {
        assertThat(inbound(upsert(message("5511999999999@s.whatsapp.net", false,
                "{\"reactionMessage\": {\"key\": {\"id\": \"BAE5\"}, \"text\": \"❤️\"}}", ""))).text())
                .isEqualTo("[reaction] ❤️");
        assertThat(inbound(upsert(message("5511999999999@s.whatsapp.net", false,
                "{\"contactMessage\": {\"displayName\": \"João\", \"vcard\": \"BEGIN:VCARD\\nEND:VCARD\"}}", "")))
                .text()).isEqualTo("[contact] João");
    }

    @Test
    void skipsProtocolMessagesSuchAsDeletions() {
        assertThat(parse(upsert(message("5511999999999@s.whatsapp.net", false,
                "{\"protocolMessage\": {\"key\": {\"id\": \"BAE5\"}, \"type\": \"REVOKE\"}}", "")
                .replace("\"conversation\"", "\"protocolMessage\"")))).isEmpty();
    }

    @Test
    void acceptsTheUpperCaseEventName() {
        assertThat(parse(envelope("MESSAGES_UPSERT", message("5511999999999@s.whatsapp.net", false,
                "{\"conversation\": \"oi\"}", "")))).hasSize(1);
    }

    @ParameterizedTest
    @CsvSource(nullValues = "none", value = {"ERROR, FAILED", "PENDING, PENDING", "SERVER_ACK, SENT",
            "DELIVERY_ACK, DELIVERED", "READ, READ", "PLAYED, READ", "DELETED, none"})
    void mapsMessageStatuses(String evolutionStatus, @Nullable MessageStatus expected) {
        List<ProviderEvent> events = parse(envelope("messages.update", """
                {"keyId": "BAE594145F4C59B4", "remoteJid": "5511999999999@s.whatsapp.net", "fromMe": true,
                 "participant": "5511999999999@s.whatsapp.net", "status": "%s",
                 "messageId": "cm0f6x1a20001", "instanceId": "a2c4e6f8-0000-4000-8000-000000000001"}"""
                .formatted(evolutionStatus)));

        if (expected == null) {
            assertThat(events).isEmpty();
        } else {
            assertThat(events).singleElement().isEqualTo(new StatusUpdate("BAE594145F4C59B4", expected,
                    expected == MessageStatus.FAILED ? "ERROR" : null, null,
                    Instant.parse("2024-06-06T12:51:37.123Z")));
        }
    }

    @Test
    void ignoresStatusesOfMessagesTheNumberReceived() {
        assertThat(parse(envelope("messages.update", """
                {"keyId": "3EB0A0C1D2E3F4A5B6", "remoteJid": "5511999999999@s.whatsapp.net", "fromMe": false,
                 "status": "READ"}"""))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"connecting, CONNECTING", "close, DISCONNECTED", "refused, REFUSED"})
    void mapsConnectionUpdates(String state, ConnectionState.Status expected) {
        List<ProviderEvent> events = parse(envelope("connection.update", """
                {"instance": "acme", "wuid": "5511888888888@s.whatsapp.net", "profileName": "Acme",
                 "state": "%s", "statusReason": 200}""".formatted(state)));

        assertThat(events).singleElement().isEqualTo(
                new ConnectionUpdate(new ConnectionState(expected, state + " (status reason 200)")));
    }

    @Test
    void anOpenConnectionNamesTheLinkedPhoneAndProfile() {
        List<ProviderEvent> events = parse(envelope("connection.update", """
                {"instance": "acme", "wuid": "5511888888888@s.whatsapp.net", "profileName": "Acme",
                 "profilePictureUrl": null, "state": "open", "statusReason": 200}"""));

        assertThat(events).singleElement().isEqualTo(new ConnectionUpdate(ConnectionState.connected(
                "open (status reason 200)", "+5511888888888", "Acme")));
    }

    @Test
    void readsANewQrCodeAndTheEndOfTheQrCodes() {
        assertThat(parse(envelope("qrcode.updated", """
                {"qrcode": {"instance": "acme", "pairingCode": "WZYEH1YY", "code": "2@abc",
                 "base64": "data:image/png;base64,iVBOR"}}"""))).singleElement()
                .isEqualTo(new ConnectionUpdate(ConnectionState.pairing("data:image/png;base64,iVBOR", "WZYEH1YY")));
        assertThat(parse(envelope("qrcode.updated", "{\"qrcode\": {\"code\": \"2@abc\"}}"))).singleElement()
                .isEqualTo(new ConnectionUpdate(ConnectionState.pairing("2@abc", null)));
        assertThat(parse(envelope("qrcode.updated",
                "{\"message\": \"QR code limit reached, please login again\", \"statusCode\": 500}"))).singleElement()
                .isEqualTo(new ConnectionUpdate(ConnectionState.refused("QR code limit reached, please login again")));
    }

    @Test
    void ignoresEventsTheHubDoesNotUse() {
        assertThat(parse(envelope("presence.update",
                "{\"id\": \"5511999999999@s.whatsapp.net\", \"presences\": {}}"))).isEmpty();
    }

    @Test
    void rejectsABodyThatIsNotJson() {
        assertThatThrownBy(() -> parse("<html>")).isInstanceOf(MalformedWebhook.class);
    }

    @Test
    void acceptsAnyWebhookWhenNoTokenIsConfigured() {
        assertThat(adapter.verifyWebhook(endpoint(null), Map.of(), TestResources.utf8("{}"))).isTrue();
    }

    @Test
    void acceptsTheConfiguredTokenInAHeaderOrAsTheEnvelopesApikey() {
        byte[] body = TestResources.utf8(envelope("messages.upsert", "{}"));
        byte[] noKey = TestResources.utf8("{\"event\": \"messages.upsert\"}");

        assertThat(adapter.verifyWebhook(endpoint("B6D711FCDE4D4FD5936544120E713976"), Map.of(), body)).isTrue();
        assertThat(adapter.verifyWebhook(endpoint("hook-token"), Map.of("x-webhook-token", "hook-token"), noKey))
                .isTrue();
        assertThat(adapter.verifyWebhook(endpoint("hook-token"), Map.of("authorization", "Bearer hook-token"), noKey))
                .isTrue();
    }

    @Test
    void refusesAWebhookWithoutTheConfiguredToken() {
        byte[] body = TestResources.utf8(envelope("messages.upsert", "{}"));

        assertThat(adapter.verifyWebhook(endpoint("hook-token"), Map.of(), body)).isFalse();
        assertThat(adapter.verifyWebhook(endpoint("hook-token"), Map.of("x-webhook-token", "hook-tokem"), body))
                .isFalse();
    }

    private static ProviderEndpoint endpoint(@Nullable String webhookToken) {
        return new ProviderEndpoint(URI.create("https://evolution.example.com"), "acme",
                new ProviderCredentials.Evolution("instance-api-key", webhookToken));
    }
}
