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
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** uazapiGO v2: header {@code token} names the instance; bodies per the uazapi OpenAPI document. */
final class UazapiAdapter implements ProviderAdapter {

    private static final ProviderType TYPE = ProviderType.UAZAPI;
    /**
     * The events {@link UazapiWebhookParser} reads: messages, their statuses, the connection, and the chat and contact
     * events that show the phone behind a LID. Any other event would only be received and dropped.
     */
    static final List<String> WEBHOOK_EVENTS = List.of("messages", "messages_update", "connection", "chats",
            "contacts");
    /**
     * Group messages, which the parser drops. Not {@code wasSentByApi}, which uazapi recommends against loops: the
     * hub needs the delivery receipts of its own sends (reported to be suppressed with it), and it recognises the
     * echo of a message it sent by the message id, so no loop can form.
     */
    static final List<String> EXCLUDED_MESSAGES = List.of("isGroupYes");

    private final ProviderHttp http;
    private final UazapiWebhookParser parser;

    UazapiAdapter(ProviderHttp http, Clock clock) {
        this.http = http;
        this.parser = new UazapiWebhookParser(clock);
    }

    @Override
    public ProviderType type() {
        return TYPE;
    }

    /** {@code GET /instance/status}: {@code {instance: {status, lastDisconnectReason…}, status: {connected, loggedIn}}}. */
    @Override
    public ConnectionState state(ProviderEndpoint endpoint) {
        JsonNode body = http.get(TYPE, endpoint.resolve("/instance/status"), headers(endpoint), ERRORS);
        JsonNode instance = body.path("instance");
        JsonNode status = body.path("status");
        String instanceStatus = Json.text(instance, "status");
        if (Json.flag(status.path("connected")) && Json.flag(status.path("loggedIn"))
                || "connected".equals(instanceStatus) && !status.has("connected")) {
            String profile = Json.firstText(instance, "profileName", "name");
            return ConnectionState.connected(profile, phone(status.path("jid"), instance), profile);
        }
        String reason = Json.text(instance, "lastDisconnectReason");
        return switch (instanceStatus == null ? "" : instanceStatus) {
            case "connecting" -> codes(instance);
            case "disconnected", "connected" -> ConnectionState.disconnected(reason != null ? reason : "disconnected");
            default -> ConnectionState.error("unknown instance status '" + instanceStatus + "'");
        };
    }

    /** {@code POST /webhook} in the simple mode (no {@code action}): creates or replaces the instance's one webhook. */
    @Override
    public WebhookSetup registerWebhook(ProviderEndpoint endpoint, URI webhookUrl) {
        ObjectNode body = Json.object()
                .put("enabled", true)
                .put("url", webhookUrl.toString());
        WEBHOOK_EVENTS.forEach(body.putArray("events")::add);
        EXCLUDED_MESSAGES.forEach(body.putArray("excludeMessages")::add);
        http.post(TYPE, endpoint.resolve("/webhook"), headers(endpoint), body, ERRORS);
        return new WebhookSetup.Registered(WEBHOOK_EVENTS);
    }

    /**
     * Adopts the instance of this name from {@code GET /instance/all} (names are not unique at uazapi, so the hub
     * looks before it creates), else {@code POST /instance/init}; both with the server's {@code admintoken}. The
     * webhook is then set with the instance's own token.
     */
    @Override
    public ProviderCredentials provision(Provisioning provisioning) {
        var admin = Map.of("admintoken", provisioning.adminKey());
        JsonNode all = http.get(TYPE, resolve(provisioning.baseUrl(), "/instance/all"), admin, ERRORS);
        String token = Json.elements(all).stream()
                .filter(item -> provisioning.instanceName().equals(Json.text(item, "name")))
                .map(item -> Json.text(item, "token"))
                .filter(java.util.Objects::nonNull)
                .findFirst().orElse(null);
        if (token == null) {
            JsonNode created = http.post(TYPE, resolve(provisioning.baseUrl(), "/instance/init"), admin,
                    Json.object().put("name", provisioning.instanceName()), ERRORS);
            token = Json.firstText(created, "token");
            if (token == null) {
                token = Json.text(created.path("instance"), "token");
            }
            if (token == null) {
                throw new ProviderRejected(TYPE, 200, null, "the answer to /instance/init carries no token");
            }
        }
        var credentials = new ProviderCredentials.Uazapi(token, provisioning.webhookToken());
        if (provisioning.webhookUrl() != null) {
            registerWebhook(new ProviderEndpoint(provisioning.baseUrl(), provisioning.instanceName(), credentials),
                    provisioning.webhookUrl());
        }
        return credentials;
    }

    /** {@code POST /instance/connect}: a QR code, or with {@code phone} a pairing code. */
    @Override
    public ConnectionState connect(ProviderEndpoint endpoint, @Nullable String phoneE164) {
        ObjectNode body = Json.object();
        if (phoneE164 != null) {
            body.put("phone", PhoneNumbers.toProviderNumber(TYPE, phoneE164));
        }
        JsonNode answer = http.post(TYPE, endpoint.resolve("/instance/connect"), headers(endpoint), body, ERRORS);
        JsonNode instance = answer.path("instance");
        if (Json.flag(answer.path("connected")) && Json.flag(answer.path("loggedIn"))) {
            String profile = Json.firstText(instance, "profileName", "name");
            return ConnectionState.connected(profile, phone(answer.path("jid"), instance), profile);
        }
        return codes(instance);
    }

    @Override
    public Duration codeLifetime(boolean pairingCode) {
        return pairingCode ? Duration.ofMinutes(5) : Duration.ofMinutes(2);
    }

    /** {@code POST /instance/disconnect}: the session ends, the instance stays. */
    @Override
    public void logout(ProviderEndpoint endpoint) {
        http.post(TYPE, endpoint.resolve("/instance/disconnect"), headers(endpoint), ERRORS);
    }

    /** {@code DELETE /instance}; one that no longer exists (404) is done. */
    @Override
    public void deleteInstance(ProviderEndpoint endpoint) {
        try {
            http.delete(TYPE, endpoint.resolve("/instance"), headers(endpoint), ERRORS);
        } catch (ProviderRejected e) {
            if (e.httpStatus() != 404) {
                throw e;
            }
        }
    }

    /** An {@code Instance} while connecting: {@code qrcode} (a data URL) and {@code paircode}. */
    static ConnectionState codes(JsonNode instance) {
        String qr = Json.text(instance, "qrcode");
        String pairingCode = Json.text(instance, "paircode");
        return qr == null && pairingCode == null ? ConnectionState.connecting("connecting")
                : ConnectionState.pairing(qr, pairingCode);
    }

    /** The linked phone in E.164, from {@code jid.user}, an {@code owner} or a JID string. */
    static @Nullable String phone(JsonNode jid, JsonNode instance) {
        String user = jid.isObject() ? Json.text(jid, "user") : Json.text(jid);
        if (user == null) {
            user = Json.text(instance, "owner");
        }
        if (user == null) {
            return null;
        }
        String digits = user.contains("@") ? user.substring(0, user.indexOf('@')) : user;
        digits = digits.contains(":") ? digits.substring(0, digits.indexOf(':')) : digits;
        return digits.matches("\\d{8,15}") ? "+" + digits : null;
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
        return sent(http.post(TYPE, endpoint.resolve("/send/text"), headers(endpoint), body, ERRORS));
    }

    /** {@code type} image, video, audio or document; {@code text} is the caption, {@code docName} the file name. */
    @Override
    public SendResult sendMedia(ProviderEndpoint endpoint, String toE164, MediaMessage media) {
        ObjectNode body = Json.object()
                .put("number", PhoneNumbers.toProviderNumber(TYPE, toE164))
                .put("type", media.kind().jsonName())
                .put("file", media.url().toString());
        if (media.caption() != null && media.kind() != MediaMessage.Kind.AUDIO) {
            body.put("text", media.caption());
        }
        if (media.fileName() != null && media.kind() == MediaMessage.Kind.DOCUMENT) {
            body.put("docName", media.fileName());
        }
        return sent(http.post(TYPE, endpoint.resolve("/send/media"), headers(endpoint), body, ERRORS));
    }

    /**
     * {@code POST /message/download} with the message id, asking for the file in base64 without a stored copy
     * ({@code return_link: false}) and audio as WhatsApp sent it ({@code generate_mp3: false}). An answer with only a
     * {@code fileURL} is downloaded from there.
     */
    @Override
    public DownloadedMedia downloadMedia(ProviderEndpoint endpoint, InboundMessage.Media media, long maxBytes,
            Duration timeout) {
        String messageId = MediaFiles.id(media);
        ObjectNode body = Json.object()
                .put("id", messageId)
                .put("return_base64", true)
                .put("return_link", false)
                .put("generate_mp3", false);
        var budget = ProviderHttp.Budget.of(maxBytes, timeout);
        JsonNode answer = http.fetchJson(TYPE, "POST", endpoint.resolve("/message/download"), headers(endpoint), body,
                ERRORS, budget.inBase64());
        String base64 = Json.text(answer, "base64Data");
        URI fileUrl = MediaFiles.url(Json.text(answer, "fileURL"));
        @Nullable String served = null;
        byte[] file;
        if (base64 == null && fileUrl != null) {
            ProviderHttp.Body download = http.fetch(TYPE, "GET", fileUrl, "*/*", Map.of(), null, ERRORS, budget);
            file = MediaFiles.nonEmpty(TYPE, download.bytes());
            served = download.contentType();
        } else {
            file = MediaFiles.decode(TYPE, base64, "base64Data", maxBytes);
        }
        String type = MediaFiles.type(Json.text(answer, "mimetype"), served, media.mimeType());
        return new DownloadedMedia(MediaFiles.name(messageId, type, media.fileName()), type, file);
    }

    @Override
    public List<ProviderEvent> parseWebhook(byte[] rawBody) {
        return parser.parse(rawBody);
    }

    /** With a webhook token configured, it must come in a header or as the payload's {@code token}. */
    @Override
    public boolean verifyWebhook(ProviderEndpoint endpoint, Map<String, String> headers, byte[] rawBody) {
        if (!(endpoint.credentials() instanceof ProviderCredentials.Uazapi credentials)) {
            return false;
        }
        if (credentials.webhookToken() == null) {
            return true;
        }
        return WebhookTokens.carried(credentials.webhookToken(), headers, Json.text(Json.lenient(rawBody), "token"));
    }

    /** The answer is the stored message; {@code messageid} is the WhatsApp id later status events refer to. */
    private static SendResult sent(JsonNode answer) {
        String id = Json.text(answer, "messageid");
        if (id == null) {
            String internal = Json.text(answer, "id");
            id = internal == null ? null : internal.substring(internal.indexOf(':') + 1);
        }
        if (id == null) {
            // the message may have gone out: report it as not retryable so it is not sent twice
            throw new ProviderRejected(TYPE, 200, null, "the answer carries no message id (messageid)");
        }
        return new SendResult(id);
    }

    private static Map<String, String> headers(ProviderEndpoint endpoint) {
        if (!(endpoint.credentials() instanceof ProviderCredentials.Uazapi credentials)) {
            throw new IllegalArgumentException("not a uazapi endpoint: " + endpoint.type().jsonName());
        }
        return Map.of("token", credentials.token());
    }

    /** {@code {"error": "..."}}. */
    private static final ProviderHttp.ErrorReader ERRORS =
            body -> new ErrorReply(null, Json.firstText(body, "error", "message"));
}
