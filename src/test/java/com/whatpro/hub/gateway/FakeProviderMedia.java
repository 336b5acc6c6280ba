package com.whatpro.hub.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.whatpro.hub.providers.adapters.PostmanCollection;
import com.whatpro.hub.providers.adapters.SpecValidator;
import java.net.URI;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The files {@link FakeProviders} hands out when the hub downloads an inbound message's media: Cloud API's
 * {@code GET /{Version}/{Media-ID}} (the file's URL) and {@code GET /{Version}/{Media-URL}} (the file, bearer token
 * required), Evolution's {@code POST /chat/getBase64FromMediaMessage/{instance}} and uazapi's
 * {@code POST /message/download}. A file is found by its media id (Cloud API) or its message id (Evolution, uazapi),
 * which tests keep unique; answers are shaped as each provider's spec or source has them.
 */
final class FakeProviderMedia {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CLOUD_FILE_PREFIX = "whatsapp-business-attachment-";
    private static final Pattern CLOUD = Pattern.compile("/(v\\d+\\.\\d+)/([^/]+)");
    private static final Pattern EVOLUTION = Pattern.compile("/chat/getBase64FromMediaMessage/([^/]+)");
    private static final String UAZAPI = "/message/download";

    private final PostmanCollection postman;
    private final SpecValidator uazapi;
    private final SpecValidator cloudApi;
    private final Map<String, File> files = new ConcurrentHashMap<>();
    private final Map<String, List<LoggedRequest>> requests = new ConcurrentHashMap<>();

    FakeProviderMedia(PostmanCollection postman, SpecValidator uazapi, SpecValidator cloudApi) {
        this.postman = postman;
        this.uazapi = uazapi;
        this.cloudApi = cloudApi;
    }

    /** A file the providers serve. */
    static final class File {

        private final String id;
        private final String mimeType;
        private final byte[] content;
        private final AtomicInteger unavailableFor = new AtomicInteger();
        private volatile long declaredSize;
        private volatile int delayMillis;

        private File(String id, String mimeType, byte[] content) {
            this.id = id;
            this.mimeType = mimeType;
            this.content = content.clone();
            this.declaredSize = content.length;
        }

        /** The provider answers its first {@code requests} for the file as temporarily unavailable. */
        File unavailableFor(int requests) {
            unavailableFor.set(requests);
            return this;
        }

        /** The provider takes this long to answer each request for the file (a slow provider or server). */
        File slow(java.time.Duration delay) {
            delayMillis = Math.toIntExact(delay.toMillis());
            return this;
        }

        /** The size Graph reports ({@code file_size}), when it should differ from the content's. */
        File declaring(long size) {
            declaredSize = size;
            return this;
        }

        private boolean unavailableNow() {
            return unavailableFor.getAndUpdate(left -> Math.max(0, left - 1)) > 0;
        }
    }

    File serve(String id, String mimeType, byte[] content) {
        var file = new File(id, mimeType, content);
        files.put(id, file);
        return file;
    }

    /** The download requests that named this media or message id, known or not, in the order they came. */
    List<LoggedRequest> requests(String id) {
        return List.copyOf(requests.getOrDefault(id, List.of()));
    }

    /** The answer to a media download request; null when the request is not one. */
    @Nullable ResponseDefinition answer(ServeEvent event) {
        var request = event.getRequest();
        var path = URI.create(request.getUrl()).getRawPath();
        var cloud = CLOUD.matcher(path);
        if (cloud.matches() && cloud.group(2).startsWith(CLOUD_FILE_PREFIX)) {
            var file = file(cloud.group(2).substring(CLOUD_FILE_PREFIX.length()), request);
            if (file == null) {
                return json(event, 404, cloudError("Media not found", 100));
            }
            if (!request.containsHeader("Authorization")
                    || !request.getHeader("Authorization").startsWith("Bearer ")) {
                return json(event, 401, cloudError("An active access token must be used", 190));
            }
            return ResponseDefinitionBuilder.like(event.getResponseDefinition()).but().withStatus(200)
                    .withHeader("Content-Type", file.mimeType).withBody(file.content).build();
        }
        if (cloud.matches() && files.containsKey(cloud.group(2))) {
            var file = Objects.requireNonNull(file(cloud.group(2), request));
            if (file.unavailableNow()) {
                return json(event, 503, cloudError("Service temporarily unavailable", 2));
            }
            var base = URI.create(request.getAbsoluteUrl()).resolve("/").toString();
            return json(event, 200, JSON.createObjectNode().put("messaging_product", "whatsapp")
                    .put("url", base + cloud.group(1) + "/" + CLOUD_FILE_PREFIX + file.id)
                    .put("mime_type", file.mimeType).put("sha256", "SfInY0gGKTsJlUWbwxC1k+FAD0FZHvzwfpvO0zX0GUI=")
                    .put("file_size", Long.toString(file.declaredSize)).put("id", file.id));
        }
        if (EVOLUTION.matcher(path).matches()) {
            var file = file(JSON.readTree(request.getBodyAsString()).path("message").path("key").path("id")
                    .asString(""), request);
            if (file == null) {
                return json(event, 400, evolutionError(400, "Bad Request", "Message not found"));
            }
            if (file.unavailableNow()) {
                return json(event, 503, evolutionError(503, "Service Unavailable", "Connection Closed"));
            }
            var body = JSON.createObjectNode().put("mediaType", evolutionMediaType(file.mimeType));
            body.putObject("size").put("fileLength", Integer.toString(file.content.length));
            body.put("mimetype", file.mimeType).put("base64", Base64.getEncoder().encodeToString(file.content))
                    .putNull("buffer");
            return delayed(json(event, 201, body), file);
        }
        if (path.equals(UAZAPI)) {
            var file = file(JSON.readTree(request.getBodyAsString()).path("id").asString(""), request);
            if (file == null) {
                return json(event, 404, JSON.createObjectNode().put("error", "Message not found"));
            }
            if (file.unavailableNow()) {
                return json(event, 500, JSON.createObjectNode().put("error", "Failed to download media"));
            }
            return delayed(json(event, 200, JSON.createObjectNode().put("mimetype", file.mimeType)
                    .put("base64Data", Base64.getEncoder().encodeToString(file.content))), file);
        }
        return null;
    }

    /** Checks a media download request against its provider's contract; false when the request is not one. */
    boolean assertConforms(LoggedRequest request) {
        var path = URI.create(request.getUrl()).getRawPath();
        var cloud = CLOUD.matcher(path);
        if (cloud.matches() && cloud.group(2).startsWith(CLOUD_FILE_PREFIX)) {
            cloudApi.assertValid(request, "downloadMedia");
            return true;
        }
        if (cloud.matches() && files.containsKey(cloud.group(2))) {
            cloudApi.assertValid(request, "retrieveMediaUrl");
            return true;
        }
        var evolution = EVOLUTION.matcher(path);
        if (evolution.matches()) {
            postman.assertConforms(request, "Get Base64 From Media Message", evolution.group(1), Set.of("message"));
            assertThat(JSON.readTree(request.getBodyAsString()).path("message").path("key").path("id").isString())
                    .as("the message id in message.key.id").isTrue();
            return true;
        }
        if (path.equals(UAZAPI)) {
            uazapi.assertValid(request);
            return true;
        }
        return false;
    }

    private @Nullable File file(String id, LoggedRequest request) {
        requests.computeIfAbsent(id, key -> new CopyOnWriteArrayList<>()).add(request);
        return files.get(id);
    }

    private static String evolutionMediaType(String mimeType) {
        for (var kind : List.of("image", "video", "audio")) {
            if (mimeType.startsWith(kind + "/")) {
                return kind + "Message";
            }
        }
        return "documentMessage";
    }

    private static JsonNode cloudError(String message, int code) {
        var body = JSON.createObjectNode();
        body.putObject("error").put("message", message).put("type", "OAuthException").put("code", code)
                .put("fbtrace_id", "AbCdEf123");
        return body;
    }

    private static JsonNode evolutionError(int status, String error, String message) {
        var body = JSON.createObjectNode().put("status", status).put("error", error);
        body.putObject("response").putArray("message").add(message);
        return body;
    }

    private static ResponseDefinition delayed(ResponseDefinition answer, File file) {
        return file.delayMillis == 0 ? answer
                : ResponseDefinitionBuilder.like(answer).but().withFixedDelay(file.delayMillis).build();
    }

    private static ResponseDefinition json(ServeEvent event, int status, JsonNode body) {
        return ResponseDefinitionBuilder.like(event.getResponseDefinition()).but().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(JSON.writeValueAsString(body)).build();
    }
}
