package com.whatpro.hub.providers.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatpro.hub.providers.InboundMessage;
import com.whatpro.hub.providers.Lids;
import com.whatpro.hub.providers.ProviderEvent;
import com.whatpro.hub.providers.StatusUpdate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fields of provider webhooks that the fuzz tests (WebhookFuzzTests) found making the parsers throw, which
 * answered the provider 500 and made it deliver the same body again forever: each is now read as absent (or its
 * message posted as a label) and the rest of the webhook is kept.
 */
class HostileWebhookFieldsTest {

    static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    InboundMessage evolution(String data) {
        List<ProviderEvent> events = new EvolutionWebhookParser(clock).parse(TestResources.utf8("""
                {"event": "messages.upsert", "instance": "acme", "data": %s}""".formatted(data)));
        assertThat(events).singleElement().isInstanceOf(InboundMessage.class);
        return (InboundMessage) events.getFirst();
    }

    InboundMessage cloud(String message) {
        List<ProviderEvent> events = new CloudApiWebhookParser(clock).parse(TestResources.utf8("""
                {"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages",
                 "value": {"messages": [%s]}}]}]}""".formatted(message)));
        assertThat(events).singleElement().isInstanceOf(InboundMessage.class);
        return (InboundMessage) events.getFirst();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://[::1", "ht tp://files.example.com/a.jpg", "https://files.example.com/%zz",
            "javascript:alert(1)", "/relative.jpg"})
    void aMalformedMediaUrlIsNoUrlAndTheFileComesThroughTheProvider(String url) {
        var message = evolution("""
                {"key": {"remoteJid": "5511999999999@s.whatsapp.net", "fromMe": false, "id": "3EB0AA"},
                 "message": {"imageMessage": {"mimetype": "image/jpeg"}, "mediaUrl": %s}}"""
                .formatted(Json.MAPPER.writeValueAsString(url)));

        assertThat(message.media()).isNotNull();
        assertThat(message.media().url()).isNull();
        assertThat(message.media().providerMediaId()).isEqualTo("3EB0AA");

        List<ProviderEvent> uazapi = new UazapiWebhookParser(clock).parse(TestResources.utf8("""
                {"event": "message", "data": {"messageid": "3EB0BB", "chatid": "5511999999999@s.whatsapp.net",
                 "messageType": "image", "fileURL": %s}}""".formatted(Json.MAPPER.writeValueAsString(url))));
        assertThat(((InboundMessage) uazapi.getFirst()).media().url()).isNull();

        var fromMeta = cloud("""
                {"from": "5511999999999", "id": "wamid.CC", "type": "image", "image": {"id": "9001", "url": %s}}"""
                .formatted(Json.MAPPER.writeValueAsString(url)));
        assertThat(fromMeta.media().url()).isNull();
        assertThat(fromMeta.media().providerMediaId()).isEqualTo("9001");
    }

    @Test
    void mediaWithNeitherAUsableUrlNorAnIdIsPostedAsItsLabel() {
        var message = cloud("""
                {"from": "5511999999999", "id": "wamid.DD", "type": "audio",
                 "audio": {"id": null, "url": "not a url", "caption": "voice"}}""");

        assertThat(message.media()).isNull();
        assertThat(message.text()).contains("audio");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "\"99999999999999999999\"", "9223372036854775807", "\"+999999999-12-31T23:59:59Z\"",
            "{\"low\": \"x\", \"high\": {}}", "{\"low\": -1, \"high\": -1}", "{\"low\": 1, \"high\": 2147483647}",
            "{\"low\": 100000000000000000000000, \"high\": 0}", "{\"low\": 1.5, \"high\": 0}",
            "1e300"})
    void anImpossibleTimestampIsNone(String timestamp) {
        var message = evolution("""
                {"key": {"remoteJid": "5511999999999@s.whatsapp.net", "fromMe": false, "id": "3EB0EE"},
                 "messageTimestamp": %s, "message": {"conversation": "hi"}}""".formatted(timestamp));

        assertThat(message.timestamp()).isEqualTo(NOW);
    }

    @Test
    void nulCharactersAreDroppedSincePostgresCannotStoreThem() {
        var message = evolution("""
                {"key": {"remoteJid": "5511999999999@s.whatsapp.net", "fromMe": false, "id": "3EB0\\u0000FF"},
                 "pushName": "Bi\\u0000a", "message": {"conversation": "o\\u0000i"}}""");

        assertThat(message.providerMessageId()).isEqualTo("3EB0FF");
        assertThat(message.senderName()).isEqualTo("Bia");
        assertThat(message.text()).isEqualTo("oi");
    }

    @Test
    void anIdTooLongToBeOneDropsItsEventOnly() {
        var huge = "A".repeat(Json.MAX_ID_LENGTH + 1);
        List<ProviderEvent> events = new CloudApiWebhookParser(clock).parse(TestResources.utf8("""
                {"entry": [{"changes": [{"field": "messages", "value": {
                  "messages": [{"from": "5511999999999", "id": "%s", "type": "text", "text": {"body": "x"}},
                               {"from": "5511999999999", "id": "wamid.OK", "type": "text", "text": {"body": "y"}}],
                  "statuses": [{"id": "%s", "status": "read", "timestamp": "1700000000"}]}}]}]}"""
                .formatted(huge, huge)));

        assertThat(events).singleElement().isInstanceOf(InboundMessage.class)
                .extracting(event -> ((InboundMessage) event).providerMessageId()).isEqualTo("wamid.OK");
        assertThat(events).noneMatch(StatusUpdate.class::isInstance);
    }

    @Test
    void aLidOfMoreDigitsThanWhatsAppUsesIsNone() {
        assertThat(Lids.fromJid("123456789012345@lid")).contains("123456789012345@lid");
        assertThat(Lids.fromJid("9".repeat(33) + "@lid")).isEmpty();
    }
}
