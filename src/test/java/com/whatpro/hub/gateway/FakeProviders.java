package com.whatpro.hub.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.whatpro.hub.providers.adapters.PostmanCollection;
import com.whatpro.hub.providers.adapters.SpecValidator;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Evolution API, uazapi and Meta's Cloud API in one WireMock server for the test JVM. Sends are answered with a
 * fresh message id, as each provider shapes its answer, and recorded per instance (Evolution), token (uazapi) or
 * phone number id (Cloud API), so tests do not see each other's. {@link #assertEveryRequestConforms()} checks what
 * reached it against each provider's published contract: the Evolution Postman collection, the uazapi and Cloud API
 * OpenAPI documents. Inbound media files are served by {@link FakeProviderMedia}.
 */
final class FakeProviders implements ResponseDefinitionTransformerV2 {

    private static final String NAME = "fake-providers";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern EVOLUTION = Pattern.compile("/(instance/connectionState|message/sendText|message/sendMedia)/(.+)");
    private static final Pattern CLOUD = Pattern.compile("/(v\\d+\\.\\d+)/(\\d+)(/messages|/message_templates)?");
    private static final PostmanCollection POSTMAN = PostmanCollection.evolution();
    private static final SpecValidator UAZAPI = SpecValidator.uazapi();
    private static final SpecValidator CLOUD_API = SpecValidator.cloudApi();
    private static FakeProviders instance;

    private final WireMockServer server;
    private final Map<String, List<Sent>> sent = new ConcurrentHashMap<>();
    private final Map<String, String> states = new ConcurrentHashMap<>();
    private final Map<String, JsonNode> templates = new ConcurrentHashMap<>();
    private final FakeProviderMedia media = new FakeProviderMedia(POSTMAN, UAZAPI, CLOUD_API);

    /** A message a provider accepted: who it was for (the key), the body, and the id it was given. */
    record Sent(String key, String path, JsonNode body, String id) {
    }

    private FakeProviders() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
                .extensions(this));
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        server.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().withTransformers(NAME)));
    }

    static synchronized FakeProviders get() {
        if (instance == null) {
            instance = new FakeProviders();
        }
        return instance;
    }

    String baseUrl() {
        return server.baseUrl();
    }

    List<Sent> sent(String key) {
        return List.copyOf(sent.getOrDefault(key, List.of()));
    }

    /** The files served when the hub downloads inbound media. */
    FakeProviderMedia media() {
        return media;
    }

    /** What the connection state answer says for this key: Evolution's state or uazapi's status. */
    void state(String key, String state) {
        states.put(key, state);
    }

    /** What {@code GET /{version}/{wabaId}/message_templates} answers: Meta's {@code data} list. */
    void templates(String wabaId, JsonNode data) {
        templates.put(wabaId, data);
    }

    /** Every request to paths matching {@code pathRegex} is answered with this status and body until removed. */
    StubMapping fail(String method, String pathRegex, int status, String body) {
        return server.stubFor(WireMock.request(method, WireMock.urlPathMatching(pathRegex)).atPriority(1)
                .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body)));
    }

    void remove(StubMapping stub) {
        server.removeStub(stub);
    }

    void resetRequests() {
        server.resetRequests();
    }

    void assertEveryRequestConforms() {
        for (var event : server.getAllServeEvents()) {
            var request = event.getRequest();
            var path = URI.create(request.getUrl()).getRawPath();
            if (media.assertConforms(request)) {
                continue;
            }
            var evolution = EVOLUTION.matcher(path);
            if (evolution.matches()) {
                var name = switch (evolution.group(1)) {
                    case "message/sendText" -> "Send Text";
                    case "message/sendMedia" -> "Send Media URL";
                    default -> "Connection Status";
                };
                var required = switch (name) {
                    case "Send Text" -> Set.of("number", "text");
                    case "Send Media URL" -> Set.of("number", "mediatype", "media");
                    default -> Set.<String>of();
                };
                POSTMAN.assertConforms(request, name, evolution.group(2), required);
            } else if (CLOUD.matcher(path).matches()) {
                CLOUD_API.assertValid(request);
            } else {
                assertThat(path).as("a uazapi path").matches("/(instance/status|send/text|send/media)");
                UAZAPI.assertValid(request);
            }
        }
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        var request = event.getRequest();
        var path = URI.create(request.getUrl()).getRawPath();
        var download = media.answer(event);
        if (download != null) {
            return download;
        }
        var evolution = EVOLUTION.matcher(path);
        if (evolution.matches()) {
            var instanceName = evolution.group(2);
            if (evolution.group(1).equals("instance/connectionState")) {
                var body = JSON.createObjectNode();
                body.putObject("instance").put("instanceName", instanceName)
                        .put("state", states.getOrDefault(instanceName, "open"));
                return respond(event, 200, body);
            }
            var id = record(instanceName, path, request, "3EB0" + hex());
            var body = JSON.createObjectNode().put("status", "PENDING");
            body.putObject("key").put("remoteJid", "x@s.whatsapp.net").put("fromMe", true).put("id", id);
            return respond(event, 201, body);
        }
        var cloud = CLOUD.matcher(path);
        if (cloud.matches()) {
            var phoneNumberId = cloud.group(2);
            if ("/message_templates".equals(cloud.group(3))) {
                var body = JSON.createObjectNode();
                body.set("data", templates.getOrDefault(phoneNumberId, JSON.createArrayNode()));
                body.putObject("paging").putObject("cursors").put("before", "MAZDZD").put("after", "MjQZD");
                return respond(event, 200, body);
            }
            if (cloud.group(3) == null) {
                return respond(event, 200, JSON.createObjectNode().put("id", phoneNumberId)
                        .put("display_phone_number", "+1 555-0100").put("quality_rating", "GREEN"));
            }
            var id = record(phoneNumberId, path, request, "wamid." + hex());
            var body = JSON.createObjectNode().put("messaging_product", "whatsapp");
            body.putArray("messages").addObject().put("id", id);
            return respond(event, 200, body);
        }
        var token = request.getHeader("token");
        if (path.equals("/instance/status")) {
            var status = states.getOrDefault(token, "connected");
            var body = JSON.createObjectNode();
            body.putObject("instance").put("status", status);
            body.putObject("status").put("connected", status.equals("connected")).put("loggedIn", status.equals("connected"));
            return respond(event, 200, body);
        }
        if (path.startsWith("/send/")) {
            var id = record(token, path, request, "3EB0" + hex());
            return respond(event, 200, JSON.createObjectNode().put("id", "owner:" + id).put("messageid", id));
        }
        return respond(event, 404, JSON.createObjectNode().put("error", "not found"));
    }

    private String record(String key, String path, LoggedRequest request, String id) {
        sent.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>())
                .add(new Sent(key, path, JSON.readTree(request.getBodyAsString()), id));
        return id;
    }

    private static String hex() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase();
    }

    private static ResponseDefinition respond(ServeEvent event, int status, JsonNode body) {
        return ResponseDefinitionBuilder.like(event.getResponseDefinition()).but().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(JSON.writeValueAsString(body)).build();
    }
}
