package com.whatpro.hub.providers.adapters;

import com.whatpro.hub.providers.ConnectionState;
import com.whatpro.hub.providers.DownloadedMedia;
import com.whatpro.hub.providers.InboundMessage;
import com.whatpro.hub.providers.MediaMessage;
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
import java.net.URLConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Evolution API v2.3: header {@code apikey}, instance name in the path. Request bodies follow the published Postman
 * collection ("Send Text", "Send Media URL", "Set Webhook").
 */
final class EvolutionAdapter implements ProviderAdapter {

    private static final ProviderType TYPE = ProviderType.EVOLUTION;
    /**
     * The events {@link EvolutionWebhookParser} reads: messages, their statuses, the connection, and the chat and
     * contact events that show the phone behind a LID. Any other event would only be received and dropped.
     */
    static final List<String> WEBHOOK_EVENTS = List.of("MESSAGES_UPSERT", "MESSAGES_UPDATE", "CONNECTION_UPDATE",
            "QRCODE_UPDATED", "CHATS_SET", "CHATS_UPSERT", "CHATS_UPDATE", "CONTACTS_SET", "CONTACTS_UPSERT", "CONTACTS_UPDATE");

    private final ProviderHttp http;
    private final EvolutionWebhookParser parser;
    private final Clock clock;

    EvolutionAdapter(ProviderHttp http, Clock clock) {
        this.http = http;
        this.parser = new EvolutionWebhookParser(clock);
        this.clock = clock;
    }

    @Override
    public ProviderType type() {
        return TYPE;
    }

    @Override
    public ConnectionState state(ProviderEndpoint endpoint) {
        JsonNode body = http.get(TYPE, endpoint.resolve("/instance/connectionState/" + instance(endpoint)),
                headers(endpoint), ERRORS);
        String state = Json.text(body.path("instance"), "state");
        if (state == null) {
            state = Json.text(body, "state");
        }
        return switch (state == null ? "" : state) {
            case "open" -> ConnectionState.connected("open");
            case "connecting" -> ConnectionState.connecting("connecting");
            case "close" -> ConnectionState.disconnected("close");
            case "refused" -> ConnectionState.refused("refused");
            default -> ConnectionState.error("unknown connection state '" + state + "'");
        };
    }

    /**
     * {@code POST /webhook/set/{instance}}, one URL for all events ({@code byEvents: false}), media not inlined
     * ({@code base64: false}). With a webhook token, Evolution is told to send it as header {@code x-webhook-token},
     * which {@link #verifyWebhook} accepts from every Evolution v2 release.
     */
    @Override
    public WebhookSetup registerWebhook(ProviderEndpoint endpoint, URI webhookUrl) {
        ObjectNode body = Json.object();
        ObjectNode webhook = body.putObject("webhook")
                .put("enabled", true)
                .put("url", webhookUrl.toString());
        if (endpoint.credentials() instanceof ProviderCredentials.Evolution credentials
                && credentials.webhookToken() != null) {
            webhook.putObject("headers").put(WebhookTokens.HEADER, credentials.webhookToken());
        }
        webhook.put("byEvents", false)
                .put("base64", false);
        WEBHOOK_EVENTS.forEach(webhook.putArray("events")::add);
        http.post(TYPE, endpoint.resolve("/webhook/set/" + instance(endpoint)), headers(endpoint), body, ERRORS);
        return new WebhookSetup.Registered(WEBHOOK_EVENTS);
    }

    /**
     * "Create Instance" with the server's global key and the webhook in the body, so it exists before the first QR
     * code. A name already in use (403) is adopted: its token is read with "Fetch Instances". The answer's
     * {@code hash} is the instance token (a string in 2.3, {@code {apikey}} before).
     */
    @Override
    public ProviderCredentials provision(Provisioning provisioning) {
        var admin = Map.of("apikey", provisioning.adminKey());
        ObjectNode body = Json.object()
                .put("instanceName", provisioning.instanceName())
                .put("qrcode", false)
                .put("integration", "WHATSAPP-BAILEYS");
        if (provisioning.webhookUrl() != null) {
            ObjectNode webhook = body.putObject("webhook")
                    .put("url", provisioning.webhookUrl().toString())
                    .put("byEvents", false)
                    .put("base64", false);
            if (provisioning.webhookToken() != null) {
                webhook.putObject("headers").put(WebhookTokens.HEADER, provisioning.webhookToken());
            }
            WEBHOOK_EVENTS.forEach(webhook.putArray("events")::add);
        }
        String token;
        try {
            JsonNode answer = succeeded(http.post(TYPE, resolve(provisioning.baseUrl(), "/instance/create"), admin, body,
                    ERRORS));
            JsonNode hash = answer.path("hash");
            token = hash.isObject() ? Json.text(hash, "apikey") : Json.text(hash);
        } catch (ProviderRejected e) {
            if (e.httpStatus() != 403 || e.providerMessage() == null || !e.providerMessage().contains("already in use")) {
                throw e;
            }
            token = null;
        }
        if (token == null) {
            token = adopt(provisioning, admin);
        }
        return new ProviderCredentials.Evolution(token, provisioning.webhookToken());
    }

    private String adopt(Provisioning provisioning, Map<String, String> admin) {
        JsonNode instances = http.get(TYPE, resolve(provisioning.baseUrl(), "/instance/fetchInstances?instanceName="
                + Paths.segment(provisioning.instanceName())), admin, ERRORS);
        return Json.elements(instances).stream()
                .map(item -> item.has("instance") ? item.path("instance") : item)
                .filter(item -> provisioning.instanceName().equals(Json.firstText(item, "name", "instanceName")))
                .map(item -> Json.firstText(item, "token", "apikey"))
                .filter(Objects::nonNull)
                .findFirst()
                .orElseThrow(() -> new ProviderRejected(TYPE, 200, null, "the instance '" + provisioning.instanceName()
                        + "' exists but its token cannot be read with this key"));
    }

    /**
     * "Instance Connect": from {@code close} a new QR code (and with {@code number} a pairing code); while
     * {@code connecting} the current ones, the number ignored; {@code open} when linked. Failures come as HTTP 200
     * {@code {error: true}}.
     */
    @Override
    public ConnectionState connect(ProviderEndpoint endpoint, @Nullable String phoneE164) {
        String query = phoneE164 == null ? "" : "?number=" + PhoneNumbers.toProviderNumber(TYPE, phoneE164);
        JsonNode answer = succeeded(http.get(TYPE, endpoint.resolve("/instance/connect/" + instance(endpoint) + query),
                headers(endpoint), ERRORS));
        if ("open".equals(Json.text(answer.path("instance"), "state"))) {
            return ConnectionState.connected("open");
        }
        return qrCode(answer);
    }

    /** {@code {pairingCode, code, base64, count}}, as "Instance Connect" and {@code qrcode.updated} carry it. */
    static ConnectionState qrCode(JsonNode qrcode) {
        String image = Json.text(qrcode, "base64");
        String qr = image != null && image.startsWith("data:image/png;base64,") ? image : Json.text(qrcode, "code");
        String pairingCode = Json.text(qrcode, "pairingCode");
        if (qr == null && pairingCode == null) {
            return ConnectionState.connecting("connecting; the QR code follows by webhook");
        }
        return ConnectionState.pairing(qr, pairingCode);
    }

    @Override
    public Duration codeLifetime(boolean pairingCode) {
        return Duration.ofSeconds(45);
    }

    /** "Logout Instance": answers before the logout is done; 400 when the number is not connected (done). */
    @Override
    public void logout(ProviderEndpoint endpoint) {
        try {
            succeeded(http.delete(TYPE, endpoint.resolve("/instance/logout/" + instance(endpoint)), headers(endpoint),
                    ERRORS));
        } catch (ProviderRejected e) {
            if (e.httpStatus() != 400) {
                throw e;
            }
        }
    }

    /** "Restart Instance": only while open or connecting; from close Evolution answers 200 {@code {error: true}}. */
    @Override
    public void restart(ProviderEndpoint endpoint) {
        succeeded(http.post(TYPE, endpoint.resolve("/instance/restart/" + instance(endpoint)), headers(endpoint),
                ERRORS));
    }

    /** "Delete Instance" (logs out first); an instance that no longer exists (404) is done. */
    @Override
    public void deleteInstance(ProviderEndpoint endpoint) {
        try {
            succeeded(http.delete(TYPE, endpoint.resolve("/instance/delete/" + instance(endpoint)), headers(endpoint),
                    ERRORS));
        } catch (ProviderRejected e) {
            if (e.httpStatus() != 404) {
                throw e;
            }
        }
    }

    /** Evolution reports some failures as HTTP 200 with {@code error: true}. */
    private static JsonNode succeeded(JsonNode answer) {
        if (Json.flag(answer.path("error"))) {
            ErrorReply reply = ERRORS.read(answer);
            throw new ProviderRejected(TYPE, 200, null, reply.message() == null ? "error: true" : reply.message());
        }
        return answer;
    }

    private static URI resolve(URI baseUrl, String path) {
        String base = baseUrl.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
    }

    @Override
    public SendResult sendText(ProviderEndpoint endpoint, String toE164, String text) {
        ObjectNode body = Json.object()
                .put("number", PhoneNumbers.toProviderNumber(TYPE, toE164))
                .put("text", text);
        return sent(http.post(TYPE, endpoint.resolve("/message/sendText/" + instance(endpoint)),
                headers(endpoint), body, ERRORS));
    }

    @Override
    public SendResult sendMedia(ProviderEndpoint endpoint, String toE164, MediaMessage media) {
        ObjectNode body = Json.object()
                .put("number", PhoneNumbers.toProviderNumber(TYPE, toE164))
                .put("mediatype", media.kind().jsonName());
        String fileName = media.fileName() != null ? media.fileName() : lastSegment(media);
        String mimeType = media.mimeType() != null ? media.mimeType() : guessMimeType(fileName);
        if (mimeType != null) {
            body.put("mimetype", mimeType);
        }
        if (media.caption() != null && media.kind() != MediaMessage.Kind.AUDIO) {
            body.put("caption", media.caption());
        }
        body.put("media", media.url().toString());
        if (fileName != null) {
            body.put("fileName", fileName);
        }
        return sent(http.post(TYPE, endpoint.resolve("/message/sendMedia/" + instance(endpoint)),
                headers(endpoint), body, ERRORS));
    }

    /**
     * "Get Base64 From Media Message": Evolution fetches the file from WhatsApp by the message id, decrypts it, and
     * answers {@code {base64, mimetype, fileName?, mediaType, size}}; a message it has not stored is refused (400).
     */
    @Override
    public DownloadedMedia downloadMedia(ProviderEndpoint endpoint, InboundMessage.Media media, long maxBytes,
            Duration timeout) {
        String messageId = MediaFiles.id(media);
        ObjectNode body = Json.object();
        body.putObject("message").putObject("key").put("id", messageId);
        body.put("convertToMp4", false);
        JsonNode answer = http.fetchJson(TYPE, "POST",
                endpoint.resolve("/chat/getBase64FromMediaMessage/" + instance(endpoint)), headers(endpoint), body,
                ERRORS, ProviderHttp.Budget.of(maxBytes, timeout).inBase64());
        byte[] file = MediaFiles.decode(TYPE, Json.text(answer, "base64"), "base64", maxBytes);
        String type = MediaFiles.type(Json.text(answer, "mimetype"), media.mimeType());
        return new DownloadedMedia(MediaFiles.name(messageId, type, media.fileName(), Json.text(answer, "fileName")),
                type, file);
    }

    @Override
    public List<ProviderEvent> parseWebhook(byte[] rawBody) {
        return parser.parse(rawBody);
    }

    /**
     * With a webhook token configured, it must come in a header or as the envelope's {@code apikey}, or sign the
     * JWT Evolution sends as {@code Authorization: Bearer} when the webhook's headers hold {@code jwt_key}.
     */
    @Override
    public boolean verifyWebhook(ProviderEndpoint endpoint, Map<String, String> headers, byte[] rawBody) {
        if (!(endpoint.credentials() instanceof ProviderCredentials.Evolution credentials)) {
            return false;
        }
        if (credentials.webhookToken() == null) {
            return true;
        }
        String bodyToken = Json.text(Json.lenient(rawBody), "apikey");
        boolean token = WebhookTokens.carried(credentials.webhookToken(), headers, bodyToken);
        boolean jwt = WebhookJwt.carried(credentials.webhookToken(), headers, clock);
        return token | jwt;
    }

    private static SendResult sent(JsonNode answer) {
        String id = Json.text(answer.path("key"), "id");
        if (id == null) {
            // the message may have gone out: report it as not retryable so it is not sent twice
            throw new ProviderRejected(TYPE, 200, null, "the answer carries no message id (key.id)");
        }
        return new SendResult(id);
    }

    private static String instance(ProviderEndpoint endpoint) {
        return Paths.segment(Objects.requireNonNull(endpoint.instanceName()));
    }

    private static Map<String, String> headers(ProviderEndpoint endpoint) {
        if (!(endpoint.credentials() instanceof ProviderCredentials.Evolution credentials)) {
            throw new IllegalArgumentException("not an Evolution API endpoint: " + endpoint.type().jsonName());
        }
        return Map.of("apikey", credentials.apiKey());
    }

    private static @Nullable String lastSegment(MediaMessage media) {
        if (media.kind() != MediaMessage.Kind.DOCUMENT) {
            return null;
        }
        String path = media.url().getPath();
        String last = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
        return last.isBlank() ? null : last;
    }

    private static @Nullable String guessMimeType(@Nullable String fileName) {
        return fileName == null ? null : URLConnection.guessContentTypeFromName(fileName);
    }

    /** {@code {status, error, response: {message}}}; the message is a string or a list (e.g. numbers not found). */
    private static final ProviderHttp.ErrorReader ERRORS = body -> {
        JsonNode message = body.path("response").path("message");
        String text = message.isArray()
                ? StreamSupport.stream(message.spliterator(), false)
                        .map(item -> item.isValueNode() ? item.asString() : item.toString())
                        .collect(Collectors.joining("; "))
                : Json.text(message);
        if (text == null) {
            text = Json.text(body, "message");
        }
        return new ErrorReply(Json.text(body, "error"), text);
    };
}
