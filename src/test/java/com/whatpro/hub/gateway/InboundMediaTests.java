package com.whatpro.hub.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Inbound media whose webhook carries no usable URL reach Chatwoot as files downloaded through the provider: Graph's
 * media URL for the Cloud API, getBase64FromMediaMessage for Evolution, /message/download for uazapi. Every request
 * to the fake providers is checked against their contracts, and every request to Chatwoot against its spec.
 */
class InboundMediaTests extends GatewayTest {

    static final long INBOX = 52;
    static final String APP_SECRET = "media-app-secret";
    static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0, 1,
            1, 0, 0, 1, 0, 1, 0, 0, (byte) 0xFF, (byte) 0xD9};
    static final byte[] PDF = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
            .getBytes(StandardCharsets.US_ASCII);

    InboundMediaTests() {
        super(INBOX);
    }

    /** What one multipart message post carried to Chatwoot. */
    record Upload(@Nullable String content, String messageType, String fileName, String contentType, byte[] bytes) {
    }

    @Test
    void attachesACloudApiImageDownloadedThroughGraphWithTheBearerToken() {
        var provider = cloudApi();
        var mediaId = digits();
        providers.media().serve(mediaId, "image/jpeg", JPEG);

        postCloud(provider, Gateway.cloudExample("inbound.image-message.json", provider)
                .replace("1003383421387256", mediaId)
                .replace("wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=", "wamid." + suffix()));

        var upload = upload();
        assertThat(upload.content()).isEqualTo("Taj Mahal");
        assertThat(upload.messageType()).isEqualTo("incoming");
        assertThat(upload.contentType()).isEqualTo("image/jpeg");
        assertThat(upload.fileName()).isEqualTo(mediaId + ".jpg");
        assertThat(upload.bytes()).isEqualTo(JPEG);
        var requests = providers.media().requests(mediaId);
        assertThat(requests).hasSize(2).allSatisfy(request -> assertThat(request.getHeader("Authorization"))
                .isEqualTo("Bearer EAAG-" + provider.key()));
        assertThat(requests.getFirst().queryParameter("phone_number_id").firstValue()).isEqualTo(provider.key());
    }

    @Test
    void attachesACloudApiDocumentWithItsFileNameAndCaption() {
        var provider = cloudApi();
        var mediaId = digits();
        providers.media().serve(mediaId, "application/pdf", PDF);

        postCloud(provider, Gateway.cloudExample("inbound.pywa.document.json", provider)
                .replace("1234567890987654321", mediaId).replace("wamid.xyzxyz", "wamid." + suffix()));

        var upload = upload();
        assertThat(upload.content()).isEqualTo("caption");
        assertThat(upload.fileName()).isEqualTo("filename.pdf");
        assertThat(upload.contentType()).isEqualTo("application/pdf");
        assertThat(upload.bytes()).isEqualTo(PDF);
    }

    @Test
    void downloadsThroughGraphWhenTheWebhooksOwnUrlFailsAndSendsItNoToken() {
        var provider = cloudApi();
        var mediaId = digits();
        providers.media().serve(mediaId, "image/jpeg", JPEG);
        var webhookUrl = chatwoot.baseUrl() + "/media/expired-" + mediaId;

        postCloud(provider, Gateway.cloudExample("inbound.pywa.image.json", provider)
                .replace("\"id\": \"65463453\"", "\"id\": \"" + mediaId + "\", \"url\": \"" + webhookUrl + "\"")
                .replace("wamid.xyzxyz", "wamid." + suffix()));

        var upload = upload();
        assertThat(upload.bytes()).isEqualTo(JPEG);
        assertThat(upload.content()).isNull();
        var tried = chatwoot.server().getAllServeEvents().stream().map(ServeEvent::getRequest)
                .filter(request -> request.getUrl().equals("/media/expired-" + mediaId)).toList();
        assertThat(tried).singleElement().satisfies(request ->
                assertThat(request.containsHeader("Authorization")).isFalse());
    }

    @Test
    void aLabelNeverShowsMetasMediaUrlWhichOpensOnlyWithTheAccessToken() {
        var provider = cloudApi();
        var mediaId = digits();
        providers.media().serve(mediaId, "image/jpeg", JPEG).declaring(17L * 1024 * 1024);
        var webhookUrl = chatwoot.baseUrl() + "/media/token-only-" + mediaId;

        postCloud(provider, Gateway.cloudExample("inbound.pywa.image.json", provider)
                .replace("\"id\": \"65463453\"", "\"id\": \"" + mediaId + "\", \"url\": \"" + webhookUrl + "\"")
                .replace("wamid.xyzxyz", "wamid." + suffix()));

        var message = message();
        assertThat(message.attachments()).isZero();
        assertThat(message.content()).endsWith("[image]").doesNotContain(webhookUrl);
    }

    @Test
    void postsTheLabelAtOnceWhenGraphSaysTheFileIsLargerThanTheLimit() {
        var provider = cloudApi();
        var mediaId = digits();
        providers.media().serve(mediaId, "image/jpeg", JPEG).declaring(17L * 1024 * 1024);

        postCloud(provider, Gateway.cloudExample("inbound.image-message.json", provider)
                .replace("1003383421387256", mediaId)
                .replace("wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=", "wamid." + suffix()));

        var message = message();
        assertThat(message.content()).isEqualTo("Taj Mahal\n[image]");
        assertThat(message.attachments()).isZero();
        assertThat(providers.media().requests(mediaId)).hasSize(1);
    }

    @Test
    void attachesAnEvolutionImageFetchedByItsMessageId() {
        var provider = Gateway.evolution(http(), tenant.admin().token(), tenant.id(), null, null);
        var messageId = "3EB0" + suffix();
        providers.media().serve(messageId, "image/jpeg", JPEG);

        postEvolutionImage(provider, messageId, "olha a foto");

        var upload = upload();
        assertThat(upload.content()).isEqualTo("olha a foto");
        assertThat(upload.contentType()).isEqualTo("image/jpeg");
        assertThat(upload.fileName()).isEqualTo(messageId + ".jpg");
        assertThat(upload.bytes()).isEqualTo(JPEG);
        assertThat(providers.media().requests(messageId)).singleElement().satisfies(request ->
                assertThat(request.getHeader("apikey")).isEqualTo("evo-key-" + provider.key()));
    }

    @Test
    void retriesWhileEvolutionIsUnavailableAndThenAttaches() {
        var provider = Gateway.evolution(http(), tenant.admin().token(), tenant.id(), null, null);
        var messageId = "3EB0" + suffix();
        providers.media().serve(messageId, "image/jpeg", JPEG).unavailableFor(1);

        postEvolutionImage(provider, messageId, "second try");

        var upload = upload();
        assertThat(upload.bytes()).isEqualTo(JPEG);
        assertThat(upload.content()).isEqualTo("second try");
        assertThat(providers.media().requests(messageId)).hasSize(2);
        assertThat(chatwoot.messages(chatwootAccount)).hasSize(1);
    }

    @Test
    void postsTheLabelAtOnceWhenEvolutionRefuses() {
        var provider = Gateway.evolution(http(), tenant.admin().token(), tenant.id(), null, null);
        var messageId = "3EB0" + suffix(); // a message Evolution has not stored

        postEvolutionImage(provider, messageId, "gone");

        var message = message();
        assertThat(message.content()).isEqualTo("gone\n[image]");
        assertThat(message.attachments()).isZero();
        assertThat(providers.media().requests(messageId)).hasSize(1);
    }

    @Test
    void attachesAUazapiDocumentFetchedByItsMessageId() {
        var provider = Gateway.uazapi(http(), tenant.admin().token(), tenant.id(), null, null);
        var messageId = "3EB0" + suffix();
        providers.media().serve(messageId, "application/pdf", PDF);

        postUazapiDocument(provider, messageId);

        var upload = upload();
        assertThat(upload.content()).isEqualTo("segue o orçamento");
        assertThat(upload.fileName()).isEqualTo("orcamento.pdf");
        assertThat(upload.contentType()).isEqualTo("application/pdf");
        assertThat(upload.bytes()).isEqualTo(PDF);
        assertThat(providers.media().requests(messageId)).singleElement().satisfies(request ->
                assertThat(request.getHeader("token")).isEqualTo(provider.key()));
    }

    @Test
    void postsTheLabelWhenUazapiStaysUnavailableForTheFirstAttempts() {
        var provider = Gateway.uazapi(http(), tenant.admin().token(), tenant.id(), null, null);
        var messageId = "3EB0" + suffix();
        providers.media().serve(messageId, "application/pdf", PDF).unavailableFor(Integer.MAX_VALUE);

        postUazapiDocument(provider, messageId);

        var message = message();
        assertThat(message.content()).isEqualTo("segue o orçamento\n[document]");
        assertThat(message.attachments()).isZero();
        Eventually.until("the inbound job is done", () -> Gateway.query("select status from gateway_jobs where "
                + "account_id = " + tenant.id() + " and kind = 'inbound'").equals("done"));
        assertThat(providers.media().requests(messageId)).hasSize(InboundMedia.PROVIDER_ATTEMPTS);
        assertThat(chatwoot.messages(chatwootAccount)).hasSize(1);
        var listed = http().bearer(tenant.admin().token())
                .get("/api/v1/accounts/" + tenant.id() + "/messages?direction=inbound").json().get("items");
        assertThat(listed.get(0).get("chatwoot_message_id").asLong()).isEqualTo(message.id());
    }

    private Gateway.Provider cloudApi() {
        return Gateway.cloudApi(http(), tenant.admin().token(), tenant.id(), APP_SECRET, "verify", null);
    }

    private void postCloud(Gateway.Provider provider, String body) {
        var headers = Map.of("X-Hub-Signature-256", Gateway.metaSignature(APP_SECRET, body));
        assertThat(Gateway.post(http(), provider.webhookPath(), body, headers).status()).isEqualTo(200);
    }

    /** A {@code messages.upsert} with an image, as Evolution sends it: its {@code url} is WhatsApp's encrypted copy. */
    private void postEvolutionImage(Gateway.Provider provider, String messageId, String caption) {
        var data = Gateway.JSON.createObjectNode();
        data.putObject("key").put("remoteJid", "5511911112222@s.whatsapp.net").put("fromMe", false)
                .put("id", messageId);
        data.put("pushName", "Gil").put("status", "DELIVERY_ACK").put("messageType", "imageMessage")
                .put("messageTimestamp", 1_717_689_097L).put("instanceId", "a2c4e6f8-0000-4000-8000-000000000001")
                .put("source", "android");
        data.putObject("message").putObject("imageMessage")
                .put("url", "https://mmg.whatsapp.invalid/v/t62.7118-24/11734918_n.enc?ccb=11-4")
                .put("mimetype", "image/jpeg").put("caption", caption).put("fileLength", Integer.toString(JPEG.length))
                .put("height", 1).put("width", 1).put("mediaKey", "c2VjcmV0LW1lZGlhLWtleQ==");
        var body = Gateway.evolution(provider.key(), "messages.upsert", data);
        assertThat(Gateway.post(http(), provider.webhookPath(), body, Map.of()).status()).isEqualTo(200);
    }

    /** A document as uazapiGO v2 sends it: no {@code fileURL}, so the file must be downloaded. */
    private void postUazapiDocument(Gateway.Provider provider, String messageId) {
        var body = """
                {"BaseUrl": "https://free.uazapi.invalid", "EventType": "messages", "instanceName": "acme",
                 "owner": "5511888888888", "token": "%s", "chatSource": "updated",
                 "chat": {"wa_chatid": "5511933334444@s.whatsapp.net", "wa_contactName": "Maria",
                  "phone": "+55 11 93333-4444", "wa_isGroup": false},
                 "message": {"id": "5511888888888:%s", "messageid": "%s", "chatid": "5511933334444@s.whatsapp.net",
                  "sender": "5511933334444@s.whatsapp.net", "senderName": "Maria", "fromMe": false,
                  "isGroup": false, "messageType": "DocumentMessage", "messageTimestamp": 1706112000000,
                  "text": "", "fileURL": "",
                  "content": {"mimetype": "application/pdf", "fileName": "orcamento.pdf",
                   "caption": "segue o orçamento", "pageCount": 1}}}""".formatted(provider.key(), messageId, messageId);
        assertThat(Gateway.post(http(), provider.webhookPath(), body, Map.of()).status()).isEqualTo(200);
    }

    private FakeChatwoot.Message message() {
        return Eventually.value("the message reaches Chatwoot", () -> chatwoot.messages(chatwootAccount),
                list -> !list.isEmpty()).getFirst();
    }

    /** The one message posted to Chatwoot, which must have come as multipart with one file. */
    private Upload upload() {
        var message = message();
        assertThat(message.attachments()).as("files posted with the message").isEqualTo(1);
        // WireMock journals a request only after answering it, so the message can show before its request does
        LoggedRequest post = Eventually.value("the multipart post is in the fake's journal",
                () -> chatwoot.served(chatwootAccount).stream().map(ServeEvent::getRequest)
                        .filter(request -> request.getMethod().getName().equals("POST") && request.isMultipart()
                                && URI.create(request.getUrl()).getPath().endsWith("/messages"))
                        .findFirst(), Optional::isPresent).orElseThrow();
        String content = null;
        String type = null;
        for (var part : post.getParts()) {
            switch (part.getName()) {
                case "content" -> content = part.getBody().asString();
                case "message_type" -> type = part.getBody().asString();
                default -> {
                }
            }
        }
        var file = post.getParts().stream().filter(part -> "attachments[]".equals(part.getName())).findFirst()
                .orElseThrow();
        return new Upload(content, Objects.requireNonNull(type), Objects.requireNonNull(file.getFileName()),
                file.getHeader("Content-Type").firstValue(), file.getBody().asBytes());
    }

    private static String digits() {
        return Long.toString(ThreadLocalRandom.current().nextLong(1_000_000_000_000_000L, 9_000_000_000_000_000L));
    }

    private static String suffix() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase();
    }
}
