package com.whatpro.hub.providers.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatpro.hub.TestOutbound;
import com.whatpro.hub.providers.ConnectionState;
import com.whatpro.hub.providers.ConnectionUpdate;
import com.whatpro.hub.providers.InboundMessage;
import com.whatpro.hub.providers.LidMapping;
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
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * uazapi webhooks. No captured payloads are published: the first group is built from the spec's schemas
 * ({@code WebhookEvent} envelope, {@code Message} and {@code Instance}; its {@code *EventData} schemas are empty
 * stubs), the second from the envelope uazapiGO v2 actually sends ({@code EventType}, {@code message},
 * {@code event}, {@code instance}) as reported by integrators, with the same {@code Message} fields.
 */
class UazapiWebhookTests {

    private final UazapiAdapter adapter = new UazapiAdapter(new ProviderHttp(ProviderTimeouts.DEFAULT, TestOutbound.LOOPBACK),
            Clock.systemUTC());

    private List<ProviderEvent> parse(String json) {
        return adapter.parseWebhook(TestResources.utf8(json));
    }

    private InboundMessage inbound(String json) {
        List<ProviderEvent> events = parse(json);
        assertThat(events).singleElement().isInstanceOf(InboundMessage.class);
        return (InboundMessage) events.getFirst();
    }

    @Nested
    class BuiltFromTheSpecSchemas {

        private static String event(String event, String data) {
            return "{\"event\": \"%s\", \"instance\": \"r183e2ef9597845\", \"data\": %s}".formatted(event, data);
        }

        @Test
        void readsATextMessage() {
            InboundMessage message = inbound(event("message", """
                    {"id": "r1a2b3c4", "messageid": "3EB0123456789ABCDEF", "chatid": "5511999999999@s.whatsapp.net",
                     "fromMe": false, "isGroup": false, "messageType": "text", "messageTimestamp": 1706112000000,
                     "sender": "5511999999999@s.whatsapp.net", "senderName": "João Silva", "source": "android",
                     "status": "delivered", "text": "Olá, gostaria de informações"}"""));

            assertThat(message).isEqualTo(new InboundMessage("3EB0123456789ABCDEF", "+5511999999999", "João Silva",
                    "Olá, gostaria de informações", null, Instant.ofEpochMilli(1706112000000L), false));
        }

        @Test
        void readsAnImageWithItsStoredFile() {
            InboundMessage message = inbound(event("message", """
                    {"messageid": "3EB0FFEE", "chatid": "5511999999999@s.whatsapp.net", "fromMe": false,
                     "messageType": "image", "messageTimestamp": 1706112000000, "senderName": "João",
                     "text": "", "fileURL": "https://free.uazapi.com/files/3EB0FFEE.jpg",
                     "content": "{\\"mimetype\\": \\"image/jpeg\\", \\"caption\\": \\"nossa loja\\"}"}"""));

            assertThat(message.text()).isNull();
            assertThat(message.media()).isEqualTo(new InboundMessage.Media(
                    URI.create("https://free.uazapi.com/files/3EB0FFEE.jpg"), "3EB0FFEE", "image/jpeg", "nossa loja",
                    null));
        }

        @Test
        void skipsGroupMessages() {
            assertThat(parse(event("message", """
                    {"messageid": "3EB0AA", "chatid": "120363025246125486@g.us", "isGroup": true,
                     "sender": "5511999999999@s.whatsapp.net", "messageType": "text", "text": "bom dia"}""")))
                    .isEmpty();
        }

        @Test
        void readsAStatus() {
            assertThat(parse(event("status", """
                    {"messageid": "3EB0538DA65A59F6D8A251", "chatid": "5511999999999@s.whatsapp.net",
                     "fromMe": true, "status": "read", "messageTimestamp": 1706112090000}""")))
                    .singleElement().isEqualTo(new StatusUpdate("3EB0538DA65A59F6D8A251", MessageStatus.READ, null,
                            null, Instant.ofEpochMilli(1706112090000L)));
        }

        @Test
        void readsAFailedStatus() {
            StatusUpdate update = (StatusUpdate) parse(event("status", """
                    {"messageid": "3EB0538DA65A59F6D8A251", "status": "failed", "error": "number not on WhatsApp"}"""))
                    .getFirst();

            assertThat(update.status()).isEqualTo(MessageStatus.FAILED);
            assertThat(update.errorMessage()).isEqualTo("number not on WhatsApp");
        }

        @Test
        void ignoresDeletedStatus() {
            assertThat(parse(event("status", "{\"messageid\": \"3EB0\", \"status\": \"deleted\"}"))).isEmpty();
        }

        @Test
        void readsAConnectionChange() {
            assertThat(parse(event("connection", """
                    {"id": "r183e2ef9597845", "name": "minha-instancia", "status": "disconnected",
                     "lastDisconnect": "2025-01-24T14:00:00Z", "lastDisconnectReason": "Network error"}""")))
                    .singleElement()
                    .isEqualTo(new ConnectionUpdate(ConnectionState.disconnected("Network error")));
        }

        @Test
        void ignoresPresenceAndGroupEvents() {
            assertThat(parse(event("presence", "{\"chatid\": \"5511999999999@s.whatsapp.net\"}"))).isEmpty();
            assertThat(parse(event("group", "{\"chatid\": \"120363025246125486@g.us\"}"))).isEmpty();
        }
    }

    @Nested
    class AsUazapiGoSendsThem {

        private static String messages(String message) {
            return """
                    {"BaseUrl": "https://free.uazapi.com", "EventType": "messages", "instanceName": "acme",
                     "owner": "5511888888888", "token": "instance-token", "chatSource": "updated",
                     "chat": {"wa_chatid": "5511999999999@s.whatsapp.net", "wa_contactName": "Maria",
                      "phone": "+55 11 99999-9999", "wa_isGroup": false},
                     "message": %s}""".formatted(message);
        }

        @Test
        void readsATextMessageFromALidSender() {
            InboundMessage message = inbound(messages("""
                    {"id": "5511888888888:3EB0ABC", "messageid": "3EB0ABC", "chatid": "5511999999999@s.whatsapp.net",
                     "sender": "141283218772012@lid", "sender_pn": "5511999999999@s.whatsapp.net",
                     "senderName": "Maria", "fromMe": false, "isGroup": false,
                     "messageType": "ExtendedTextMessage", "messageTimestamp": 1706112000000, "text": "oi",
                     "wasSentByApi": false}"""));

            assertThat(message).isEqualTo(new InboundMessage("3EB0ABC", "+5511999999999", "141283218772012@lid",
                    "Maria", "oi", null, Instant.ofEpochMilli(1706112000000L), false));
        }

        @Test
        void findsThePhoneWhenTheChatItselfIsALid() {
            String payload = messages("""
                    {"messageid": "3EB0ABD", "chatid": "141283218772012@lid", "sender": "141283218772012@lid",
                     "sender_pn": "5521988887777@s.whatsapp.net", "fromMe": false,
                     "messageType": "Conversation", "text": "oi"}""")
                    .replace("5511999999999@s.whatsapp.net", "141283218772012@lid")
                    .replace("+55 11 99999-9999", "");

            assertThat(inbound(payload).from()).isEqualTo("+5521988887777");
            assertThat(inbound(payload).lid()).isEqualTo("141283218772012@lid");
        }

        @Test
        void readsTheChatsLidBesideItsPhone() {
            String payload = messages("""
                    {"messageid": "3EB0ABE", "chatid": "5511999999999@s.whatsapp.net",
                     "chatlid": "141283218772012@lid", "sender": "141283218772012@lid", "fromMe": false,
                     "messageType": "Conversation", "text": "oi"}""");

            assertThat(inbound(payload).from()).isEqualTo("+5511999999999");
            assertThat(inbound(payload).lid()).isEqualTo("141283218772012@lid");
        }

        @Test
        void reportsALidChatWhosePhoneIsUnknownByItsLid() {
            String payload = messages("""
                    {"messageid": "3EB0ABF", "chatid": "141283218772012@lid", "sender": "141283218772012@lid",
                     "senderName": "Maria", "fromMe": false, "messageType": "Conversation", "text": "oi",
                     "messageTimestamp": 1706112000000}""")
                    .replace("5511999999999@s.whatsapp.net", "141283218772012@lid")
                    .replace("+55 11 99999-9999", "141283218772012");

            assertThat(inbound(payload)).as("the chat's phone being only the LID's digits is no phone")
                    .isEqualTo(new InboundMessage("3EB0ABF", null, "141283218772012@lid", "Maria", "oi", null,
                            Instant.ofEpochMilli(1706112000000L), false));
        }

        @Test
        void doesNotTakeTheNumbersOwnPhoneForTheContactsWhenTheNumberWroteToALid() {
            String payload = messages("""
                    {"messageid": "3EB0ME2", "chatid": "141283218772012@lid",
                     "sender": "5511888888888@s.whatsapp.net", "sender_pn": "5511888888888@s.whatsapp.net",
                     "fromMe": true, "messageType": "Conversation", "text": "oi"}""")
                    .replace("5511999999999@s.whatsapp.net", "141283218772012@lid")
                    .replace("+55 11 99999-9999", "");

            assertThat(inbound(payload).from()).isNull();
            assertThat(inbound(payload).lid()).isEqualTo("141283218772012@lid");
        }

        @Test
        void readsThePhoneBehindAChatsLid() {
            List<ProviderEvent> events = parse("""
                    {"EventType": "chats", "instanceName": "acme", "owner": "5511888888888", "token": "instance-token",
                     "chat": {"wa_chatid": "5511999999999@s.whatsapp.net", "wa_chatlid": "141283218772012@lid",
                      "wa_isGroup": false, "phone": "5511999999999"}}""");

            assertThat(events).singleElement().isInstanceOfSatisfying(LidMapping.class, mapping -> {
                assertThat(mapping.lid()).isEqualTo("141283218772012@lid");
                assertThat(mapping.phone()).isEqualTo("+5511999999999");
            });
        }

        @Test
        void readsAnImageWhoseFileMustBeDownloaded() {
            InboundMessage message = inbound(messages("""
                    {"messageid": "3EB0IMG", "chatid": "5511999999999@s.whatsapp.net", "fromMe": false,
                     "messageType": "ImageMessage", "mediaType": "image", "text": "foto", "fileURL": "",
                     "content": {"URL": "https://mmg.whatsapp.net/v/t62.7118-24/abc.enc", "mimetype": "image/jpeg",
                      "caption": "foto", "JPEGThumbnail": "/9j/4AAQ"}}"""));

            assertThat(message.media()).isEqualTo(
                    new InboundMessage.Media(null, "3EB0IMG", "image/jpeg", "foto", null));
        }

        @Test
        void readsADocumentWithItsName() {
            InboundMessage message = inbound(messages("""
                    {"messageid": "3EB0DOC", "chatid": "5511999999999@s.whatsapp.net", "fromMe": false,
                     "messageType": "DocumentMessage", "text": "",
                     "content": {"mimetype": "application/pdf", "fileName": "orcamento.pdf", "pageCount": 2}}"""));

            assertThat(message.media()).isEqualTo(
                    new InboundMessage.Media(null, "3EB0DOC", "application/pdf", null, "orcamento.pdf"));
        }

        @Test
        void marksMessagesTheNumberSentFromThePhone() {
            InboundMessage message = inbound(messages("""
                    {"messageid": "3EB0ME", "chatid": "5511999999999@s.whatsapp.net",
                     "sender": "5511888888888@s.whatsapp.net", "senderName": "Acme", "fromMe": true,
                     "messageType": "Conversation", "text": "já envio"}"""));

            assertThat(message.fromMe()).isTrue();
            assertThat(message.from()).isEqualTo("+5511999999999");
            assertThat(message.senderName()).isNull();
        }

        @Test
        void describesALocation() {
            assertThat(inbound(messages("""
                    {"messageid": "3EB0LOC", "chatid": "5511999999999@s.whatsapp.net", "fromMe": false,
                     "messageType": "LocationMessage", "text": "",
                     "content": {"degreesLatitude": -23.5613, "degreesLongitude": -46.6565}}""")).text())
                    .isEqualTo("[location] -23.5613,-46.6565");
        }

        @Test
        void readsEveryMessageIdOfAReceipt() {
            List<ProviderEvent> events = parse("""
                    {"EventType": "messages_update", "type": "ReadReceipt", "state": "Delivered",
                     "token": "instance-token", "owner": "5511888888888", "instanceName": "acme",
                     "event": {"MessageIDs": ["3EB0A", "3EB0B"], "Chat": "5511999999999@s.whatsapp.net",
                      "Sender": "5511999999999@s.whatsapp.net", "IsFromMe": "False", "IsGroup": "False",
                      "Timestamp": "1706112060", "Type": "Delivered"}}""");

            Instant at = Instant.ofEpochSecond(1706112060);
            assertThat(events).containsExactly(
                    new StatusUpdate("3EB0A", MessageStatus.DELIVERED, null, null, at),
                    new StatusUpdate("3EB0B", MessageStatus.DELIVERED, null, null, at));
        }

        @Test
        void ignoresReceiptsOfTheNumberReadingItsOwnChats() {
            assertThat(parse("""
                    {"EventType": "messages_update", "type": "ReadReceipt", "state": "ReadSelf",
                     "event": {"MessageIDs": ["3EB0C"], "IsFromMe": true, "Type": "ReadSelf"}}""")).isEmpty();
        }

        @Test
        void readsAConnection() {
            assertThat(parse("""
                    {"EventType": "connection", "token": "instance-token",
                     "instance": {"id": "r183e2ef9597845", "name": "acme", "status": "connected",
                      "profileName": "Acme Loja"}}""")).singleElement()
                    .isEqualTo(new ConnectionUpdate(ConnectionState.connected("Acme Loja", null, "Acme Loja")));
        }

        @Test
        void ignoresEventsTheHubDoesNotUse() {
            assertThat(parse("{\"EventType\": \"presence\", \"event\": {}}")).isEmpty();
            assertThat(parse("{\"EventType\": \"chats\", \"chat\": {}}")).isEmpty();
        }
    }

    @Test
    void acceptsAnyWebhookWhenNoTokenIsConfigured() {
        assertThat(adapter.verifyWebhook(endpoint(null), Map.of(), TestResources.utf8("{}"))).isTrue();
    }

    @Test
    void acceptsTheConfiguredTokenInThePayloadOrAHeader() {
        assertThat(adapter.verifyWebhook(endpoint("instance-token"), Map.of(),
                TestResources.utf8("{\"EventType\": \"messages\", \"token\": \"instance-token\"}"))).isTrue();
        assertThat(adapter.verifyWebhook(endpoint("hook-token"), Map.of("x-webhook-token", "hook-token"),
                TestResources.utf8("{}"))).isTrue();
    }

    @Test
    void refusesAWebhookWithAnotherToken() {
        assertThat(adapter.verifyWebhook(endpoint("instance-token"), Map.of(),
                TestResources.utf8("{\"EventType\": \"messages\", \"token\": \"someone-else\"}"))).isFalse();
        assertThat(adapter.verifyWebhook(endpoint("instance-token"), Map.of(), TestResources.utf8("not json")))
                .isFalse();
    }

    private static ProviderEndpoint endpoint(@Nullable String webhookToken) {
        return new ProviderEndpoint(URI.create("https://free.uazapi.com"), null,
                new ProviderCredentials.Uazapi("instance-token", webhookToken));
    }
}
