package com.whatpro.hub.providers.adapters;

import com.whatpro.hub.providers.AddressedEvents;
import com.whatpro.hub.providers.ConnectionState;
import com.whatpro.hub.providers.DownloadedMedia;
import com.whatpro.hub.providers.InboundMessage;
import com.whatpro.hub.providers.MediaMessage;
import com.whatpro.hub.providers.MessageTemplate;
import com.whatpro.hub.providers.TemplateMessage;
import com.whatpro.hub.providers.PhoneNumbers;
import com.whatpro.hub.providers.ProviderAdapter;
import com.whatpro.hub.providers.ProviderCredentials;
import com.whatpro.hub.providers.ProviderEndpoint;
import com.whatpro.hub.providers.ProviderEvent;
import com.whatpro.hub.providers.ProviderRejected;
import com.whatpro.hub.providers.ProviderType;
import com.whatpro.hub.providers.SendResult;
import com.whatpro.hub.providers.WebhookSetup;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Meta WhatsApp Cloud API (Graph API): {@code Authorization: Bearer}, messages sent from a phone number id. */
final class CloudApiAdapter implements ProviderAdapter {

    private static final ProviderType TYPE = ProviderType.CLOUD_API;
    private static final Pattern LINK = Pattern.compile("https?://\\S");

    /**
     * Graph API error codes that mean "later": 1 and 2 (temporary API errors), 4 and 80007 (app and account rate
     * limits), 130429 (throughput), 131056 (too many messages to one user), 131000 (something went wrong), 131016
     * (service unavailable), 133004 (server temporarily unavailable).
     */
    private static final Set<String> TEMPORARY = Set.of("1", "2", "4", "80007", "130429", "131056", "131000",
            "131016", "133004");

    private static final int TEMPLATE_PAGES = 20;

    // the answer describing a media file is a few hundred bytes
    private static final long DESCRIPTION_LIMIT = 64 * 1024;

    private final ProviderHttp http;
    private final CloudApiWebhookParser parser;

    CloudApiAdapter(ProviderHttp http, Clock clock) {
        this.http = http;
        this.parser = new CloudApiWebhookParser(clock);
    }

    @Override
    public ProviderType type() {
        return TYPE;
    }

    /** {@code GET /{version}/{phone-number-id}} answers 200 while the number is usable with this token. */
    @Override
    public ConnectionState state(ProviderEndpoint endpoint) {
        ProviderCredentials.CloudApi credentials = credentials(endpoint);
        JsonNode number = http.get(TYPE, numberUri(endpoint, credentials, ""), headers(credentials), ERRORS);
        String display = Json.text(number, "display_phone_number");
        String quality = Json.text(number, "quality_rating");
        return ConnectionState.connected(display == null ? null
                : quality == null ? display : display + " (quality " + quality + ")");
    }

    /**
     * Cloud API webhooks belong to the Meta app ({@code POST /{app-id}/subscriptions} with an app token), which a
     * phone number's access token cannot change.
     */
    @Override
    public WebhookSetup registerWebhook(ProviderEndpoint endpoint, URI webhookUrl) {
        return new WebhookSetup.Manual("Cloud API webhooks are configured per Meta app, which this number's access "
                + "token cannot do: in the App Dashboard (WhatsApp > Configuration), set the callback URL to this "
                + "provider's webhook_url and the verify token to the verify_token of its credentials, then "
                + "subscribe to the messages field.");
    }

    @Override
    public SendResult sendText(ProviderEndpoint endpoint, String toE164, String text) {
        ObjectNode body = message(toE164, "text");
        body.putObject("text")
                .put("body", text)
                .put("preview_url", LINK.matcher(text).find());
        return send(endpoint, body);
    }

    /** Media by {@code link}; captions go with image, video and document, file names with documents. */
    @Override
    public SendResult sendMedia(ProviderEndpoint endpoint, String toE164, MediaMessage media) {
        String kind = media.kind().jsonName();
        ObjectNode body = message(toE164, kind);
        ObjectNode object = body.putObject(kind).put("link", media.url().toString());
        if (media.caption() != null && media.kind() != MediaMessage.Kind.AUDIO) {
            object.put("caption", media.caption());
        }
        if (media.fileName() != null && media.kind() == MediaMessage.Kind.DOCUMENT) {
            object.put("filename", media.fileName());
        }
        return send(endpoint, body);
    }

    /** {@code type: template} with Meta's {@code template: {name, language: {code}, components}}. */
    @Override
    public SendResult sendTemplate(ProviderEndpoint endpoint, String toE164, TemplateMessage template) {
        ObjectNode body = message(toE164, "template");
        ObjectNode object = body.putObject("template").put("name", template.name());
        object.putObject("language").put("policy", "deterministic").put("code", template.language());
        if (template.components() != null && !template.components().isEmpty()) {
            object.set("components", template.components());
        }
        return send(endpoint, body);
    }

    /**
     * {@code GET /{version}/{waba-id}/message_templates}, following the {@code after} cursor while Meta gives a next
     * page (at most {@value #TEMPLATE_PAGES} pages).
     */
    @Override
    public List<MessageTemplate> templates(ProviderEndpoint endpoint) {
        ProviderCredentials.CloudApi credentials = credentials(endpoint);
        if (credentials.wabaId() == null) {
            throw new ProviderRejected(TYPE, 0, null, "credentials.waba_id is not set: the WhatsApp Business Account "
                    + "id is needed to list its message templates");
        }
        var found = new ArrayList<MessageTemplate>();
        String after = null;
        for (int page = 0; page < TEMPLATE_PAGES; page++) {
            URI uri = endpoint.resolve("/" + credentials.apiVersion() + "/" + credentials.wabaId()
                    + "/message_templates" + (after == null ? "" : "?after=" + Paths.segment(after)));
            JsonNode answer = http.get(TYPE, uri, headers(credentials), ERRORS);
            for (JsonNode item : answer.path("data")) {
                String name = Json.text(item, "name");
                String language = Json.text(item, "language");
                if (name != null && language != null) {
                    found.add(new MessageTemplate(name, language, Json.text(item, "category"),
                            Json.text(item, "status"), item.path("components").isArray() ? item.get("components")
                                    : Json.MAPPER.createArrayNode()));
                }
            }
            after = Json.text(answer.path("paging").path("cursors"), "after");
            if (after == null || Json.text(answer.path("paging"), "next") == null) {
                break;
            }
        }
        return found;
    }

    /**
     * {@code GET /{version}/{media-id}?phone_number_id=} answers the file's URL (valid for 5 minutes), type and
     * size; the file itself is fetched from that URL with the same bearer token, which goes to no other URL.
     */
    @Override
    public DownloadedMedia downloadMedia(ProviderEndpoint endpoint, InboundMessage.Media media, long maxBytes,
            Duration timeout) {
        ProviderCredentials.CloudApi credentials = credentials(endpoint);
        String mediaId = MediaFiles.id(media);
        var budget = ProviderHttp.Budget.of(maxBytes, timeout);
        URI described = endpoint.resolve("/" + credentials.apiVersion() + "/" + Paths.segment(mediaId)
                + "?phone_number_id=" + Paths.segment(credentials.phoneNumberId()));
        JsonNode found = http.fetchJson(TYPE, "GET", described, headers(credentials), null, ERRORS,
                budget.withMaxBytes(DESCRIPTION_LIMIT));
        if (fileSize(found) > maxBytes) {
            throw new ProviderRejected(TYPE, 200, null, "the file is larger than the limit of " + maxBytes + " bytes");
        }
        ProviderHttp.Body file = http.fetch(TYPE, "GET", fileUrl(endpoint, Json.text(found, "url")), "*/*",
                headers(credentials), null, ERRORS, budget);
        String type = MediaFiles.type(Json.text(found, "mime_type"), file.contentType(), media.mimeType());
        return new DownloadedMedia(MediaFiles.name(mediaId, type, media.fileName()), type,
                MediaFiles.nonEmpty(TYPE, file.bytes()));
    }

    @Override
    public List<ProviderEvent> parseWebhook(byte[] rawBody) {
        return parser.parse(rawBody);
    }

    /** Each change's events, for the number it names ({@code value.metadata.phone_number_id}). */
    @Override
    public List<AddressedEvents> parseAddressedWebhook(byte[] rawBody) {
        return parser.parseAddressed(rawBody);
    }

    /** {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>}. */
    @Override
    public boolean verifyWebhook(ProviderEndpoint endpoint, Map<String, String> headers, byte[] rawBody) {
        if (!(endpoint.credentials() instanceof ProviderCredentials.CloudApi credentials)) {
            return false;
        }
        return CloudApiSignature.matches(credentials.appSecret(), headers.get(CloudApiSignature.HEADER), rawBody);
    }

    private SendResult send(ProviderEndpoint endpoint, ObjectNode body) {
        ProviderCredentials.CloudApi credentials = credentials(endpoint);
        JsonNode answer = http.post(TYPE, numberUri(endpoint, credentials, "/messages"), headers(credentials), body,
                ERRORS);
        String id = Json.text(answer.path("messages").path(0), "id");
        if (id == null) {
            // the message may have gone out: report it as not retryable so it is not sent twice
            throw new ProviderRejected(TYPE, 200, null, "the answer carries no message id (messages[0].id)");
        }
        return new SendResult(id);
    }

    /** The {@code file_size} Graph gives (a string in the spec, a number at times); -1 when absent. */
    private static long fileSize(JsonNode found) {
        String size = Json.text(found, "file_size");
        if (size == null || !size.matches("\\d+")) {
            return -1;
        }
        return size.length() > 18 ? Long.MAX_VALUE : Long.parseLong(size);
    }

    /** Graph's file URL, fit to carry the token: absolute, and https unless Graph itself is reached over http. */
    static URI fileUrl(ProviderEndpoint endpoint, @Nullable String text) {
        URI url = MediaFiles.url(text);
        if (url == null || (!url.getScheme().equalsIgnoreCase("https")
                && !endpoint.baseUrl().getScheme().equalsIgnoreCase("http"))) {
            throw new ProviderRejected(TYPE, 200, null, "the answer carries no usable file URL (url)");
        }
        return url;
    }

    private static ObjectNode message(String toE164, String type) {
        return Json.object()
                .put("messaging_product", "whatsapp")
                .put("recipient_type", "individual")
                .put("to", PhoneNumbers.toProviderNumber(TYPE, toE164))
                .put("type", type);
    }

    private static URI numberUri(ProviderEndpoint endpoint, ProviderCredentials.CloudApi credentials, String rest) {
        return endpoint.resolve("/" + credentials.apiVersion() + "/" + credentials.phoneNumberId() + rest);
    }

    private static ProviderCredentials.CloudApi credentials(ProviderEndpoint endpoint) {
        if (!(endpoint.credentials() instanceof ProviderCredentials.CloudApi credentials)) {
            throw new IllegalArgumentException("not a Cloud API endpoint: " + endpoint.type().jsonName());
        }
        return credentials;
    }

    private static Map<String, String> headers(ProviderCredentials.CloudApi credentials) {
        return Map.of("Authorization", "Bearer " + credentials.accessToken());
    }

    /** {@code {error: {message, type, code, error_subcode, error_data: {details}, fbtrace_id}}}. */
    private static final ProviderHttp.ErrorReader ERRORS = new ProviderHttp.ErrorReader() {

        @Override
        public ErrorReply read(JsonNode body) {
            JsonNode error = body.path("error");
            if (!error.isObject()) {
                return ErrorReply.NONE;
            }
            String message = Json.text(error, "message");
            String details = Json.text(error.path("error_data"), "details");
            if (details != null && !details.equals(message)) {
                message = message == null ? details : message + " - " + details;
            }
            return new ErrorReply(Json.text(error, "code"), message);
        }

        @Override
        public boolean retryable(ErrorReply reply) {
            return reply.code() != null && TEMPORARY.contains(reply.code());
        }
    };
}
