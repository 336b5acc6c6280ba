package com.whatpro.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The REST API from its own OpenAPI document ({@code GET /v3/api-docs}): every route, with bad ids (no UUID, huge
 * numbers, another tenant's), bad query parameters (wrong types, negative and huge limits, malformed cursors and
 * dates) and bad bodies (the documented schema's example, mutated), as an account admin and as nobody. The answer is
 * a 2xx where the input was in fact valid, and one the document lists for that route, otherwise a 4xx problem
 * ({@code application/problem+json}), never a 5xx.
 * Event streams are answered with their status only and then closed.
 * <p>
 * Cases: {@code jqwik.tries.default} per property (src/test/resources/junit-platform.properties), with a fixed seed.
 */
class ApiFuzzTests extends IntegrationTest {

    private static final String SEED = "20261203";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private static final Pattern PARAMETER = Pattern.compile("\\{([^}]+)}");
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");
    /** The webhook routes have a fuzz test of their own (WebhookFuzzTests), with valid secrets. */
    private static final String WEBHOOKS = "/api/v1/webhooks/";
    /** The test suite's own probe routes (ProbeController), one of which fails on purpose. */
    private static final String PROBES = "/api/v1/probe";
    /** A third party the route calls (Chatwoot for SSO, a provider) is down: its fault, not the input's. */
    private static final Pattern UPSTREAM_DOWN = Pattern.compile("\"type\":\"urn:whatpro:problem:[a-z-]*unavailable\"");
    /** Routes that would end the fuzzing admin's own session: the fuzz would go on as nobody. */
    private static final Set<String> OWN_SESSION_ENDERS = Set.of("POST /api/v1/auth/logout",
            "DELETE /api/v1/auth/sessions");

    /** What the running service documents, and the tenants the requests are made for, once per JVM. */
    private static @Nullable Setting setting;

    private record Operation(String method, String path, List<JsonNode> parameters, @Nullable JsonNode body,
            boolean stream, Set<String> documentedStatuses) {

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /** Ids of real resources, by path parameter name, of the fuzzing admin's account and of another one. */
    private record Setting(JsonNode api, List<Operation> operations, Fixtures.Tenant tenant,
            Map<String, String> own, Map<String, String> others) {
    }

    final Map<String, AtomicInteger> answers = new TreeMap<>();

    @BeforeProperty
    void setUp() {
        SpringInjection.inject(this);
        synchronized (ApiFuzzTests.class) {
            if (setting == null) {
                setting = prepare();
            }
        }
    }

    @AfterProperty
    void report() {
        System.out.printf("API fuzz: answers by status %s%n", answers);
    }

    /** What a property varies most. */
    enum Focus {
        /** Path ids and query parameters; bodies as documented. */
        IDS_AND_PARAMETERS,
        /** Bodies, for the admin's own resources. */
        BODIES,
        /** The ids of another tenant's resources. */
        OTHER_TENANT,
        /** All of it. */
        ANY
    }

    @Property(seed = SEED, afterFailure = AfterFailureMode.SAMPLE_FIRST)
    void badIdsAndParametersAreProblemsNeverServerErrors(@ForAll("badIdsAndParameters") Request request) {
        assertNoServerError(request, send(request, setting.tenant().admin().token()));
    }

    @Property(seed = SEED, afterFailure = AfterFailureMode.SAMPLE_FIRST)
    void badBodiesAreProblemsNeverServerErrors(@ForAll("badBodies") Request request) {
        assertNoServerError(request, send(request, setting.tenant().admin().token()));
    }

    @Property(seed = SEED, afterFailure = AfterFailureMode.SAMPLE_FIRST)
    void anotherTenantsIdsAreProblemsNeverServerErrors(@ForAll("anotherTenantsIds") Request request) {
        assertNoServerError(request, send(request, setting.tenant().admin().token()));
    }

    @Property(seed = SEED, afterFailure = AfterFailureMode.SAMPLE_FIRST)
    void anonymousRequestsAreProblemsNeverServerErrors(@ForAll("anything") Request request) {
        assertNoServerError(request, send(request, null));
    }

    private void assertNoServerError(Request request, Answer response) {
        answers.computeIfAbsent(response.status() / 100 + "xx", key -> new AtomicInteger()).incrementAndGet();
        if ((response.status() == 502 || response.status() == 503) && UPSTREAM_DOWN.matcher(response.body()).find()) {
            return;
        }
        assertThat(response.status()).as("%s answered %s", request, response).isBetween(200, 499);
        if (response.status() < 300) {
            assertThat(request.operation().documentedStatuses()).as("the statuses /v3/api-docs gives %s, which answered %s",
                    request.operation(), response).contains(String.valueOf(response.status()));
        }
        if (response.status() >= 400) {
            assertThat(response.contentType()).as("%s answered %s", request, response)
                    .startsWith("application/problem+json");
        }
    }

    // --- requests

    /** One request: an operation with its path filled in, a query and maybe a body. */
    record Request(Operation operation, String path, String query, Optional<byte[]> body, String contentType) {

        @Override
        public String toString() {
            var text = body.map(bytes -> new String(bytes, StandardCharsets.UTF_8)).orElse("");
            return operation.method() + " " + path + (query.isEmpty() ? "" : "?" + query) + " ["
                    + contentType + "] " + (text.length() > 1500 ? text.substring(0, 1500) + "…" : text);
        }
    }

    @Provide
    Arbitrary<Request> badIdsAndParameters() {
        return requests(Focus.IDS_AND_PARAMETERS);
    }

    @Provide
    Arbitrary<Request> badBodies() {
        return requests(Focus.BODIES);
    }

    @Provide
    Arbitrary<Request> anotherTenantsIds() {
        return requests(Focus.OTHER_TENANT);
    }

    @Provide
    Arbitrary<Request> anything() {
        return requests(Focus.ANY);
    }

    private Arbitrary<Request> requests(Focus focus) {
        return Arbitraries.lazy(() -> Arbitraries.of(setting.operations()).flatMap(operation -> Combinators.combine(
                pathOf(operation, focus), queryOf(operation, focus), bodyOf(operation, focus),
                Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.just("application/json")),
                        Tuple.of(1, Arbitraries.of("text/plain", "application/x-www-form-urlencoded", "",
                                "application/json; charset=UTF-16", "multipart/form-data; boundary=x"))))
                .as((path, query, body, type) -> new Request(operation, path, query, body, type))));
    }

    private Arbitrary<String> pathOf(Operation operation, Focus focus) {
        var names = PARAMETER.matcher(operation.path()).results().map(match -> match.group(1)).toList();
        if (names.isEmpty()) {
            return Arbitraries.just(operation.path());
        }
        var values = names.stream().map(name -> pathValue(name, focus)).toList();
        return Combinators.combine(values).as(chosen -> {
            var path = operation.path();
            for (int i = 0; i < names.size(); i++) {
                path = path.replace("{" + names.get(i) + "}", chosen.get(i));
            }
            return path;
        });
    }

    /** A path parameter: the real one, another tenant's, or anything but. */
    private Arbitrary<String> pathValue(String name, Focus focus) {
        var own = setting.own().get(name);
        var other = setting.others().get(name);
        if (focus == Focus.BODIES) {
            return Arbitraries.just(own != null ? own : UUID.randomUUID().toString());
        }
        if (focus == Focus.OTHER_TENANT && (other != null || own != null)) {
            return name.equals("accountId") || other == null
                    ? Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just(own != null ? own : other)),
                            Tuple.of(1, Arbitraries.just(other != null ? other : own)))
                    : Arbitraries.just(other);
        }
        var choices = new ArrayList<Tuple.Tuple2<Integer, Arbitrary<? extends String>>>();
        if (own != null) {
            choices.add(Tuple.of(name.equals("accountId") ? 30 : 8, Arbitraries.just(own)));
        }
        if (other != null) {
            choices.add(Tuple.of(3, Arbitraries.just(other)));
        }
        choices.add(Tuple.of(2, Arbitraries.of(setting.own().values().stream().toList())));
        choices.add(Tuple.of(6, Arbitraries.of("abc", "0", "-1", "1", "9223372036854775807", "9223372036854775808",
                "99999999999999999999999", "00000000-0000-0000-0000-000000000000", UUID.randomUUID().toString(),
                "01a23d40-7985-7400-94fe-0e9b944e16ea", "1.5", "1e5", "null", "true", "..", "%2e%2e", "%2F", "%00",
                "%20", "x".repeat(5_000), "%F0%9F%98%80", "'", "%22%3E%3Cscript%3E", "0x10", "+1")));
        choices.add(Tuple.of(2, HostileJson.hostileStrings().map(ApiFuzzTests::encode)));
        @SuppressWarnings({"unchecked", "rawtypes"})
        Tuple.Tuple2<Integer, Arbitrary<? extends String>>[] array = choices.toArray(new Tuple.Tuple2[0]);
        return Arbitraries.frequencyOf(array);
    }

    private Arbitrary<String> queryOf(Operation operation, Focus focus) {
        if (focus == Focus.BODIES || focus == Focus.OTHER_TENANT) {
            return Arbitraries.just("");
        }
        var declared = operation.parameters().stream().filter(p -> "query".equals(p.path("in").asString("")))
                .map(p -> p.path("name").asString("")).filter(name -> !name.isEmpty()).toList();
        var names = new ArrayList<>(declared);
        names.addAll(List.of("limit", "cursor", "before", "after", "since", "from", "to", "page", "sort", "q"));
        var pair = Combinators.combine(Arbitraries.of(names), queryValue())
                .as((name, value) -> encode(name) + "=" + value);
        return pair.list().ofMaxSize(4).map(pairs -> String.join("&", pairs));
    }

    private static Arbitrary<String> queryValue() {
        return Arbitraries.oneOf(
                Arbitraries.of("-1", "0", "1", "50", "200", "201", "1000000", "9223372036854775808",
                        "99999999999999999999", "1.5", "abc", "", "true", "null", "%00", "!!!", "eyJ", "eyJhIjoxfQ",
                        "AAAA====", "2024-13-45", "2024-02-30T25:61:00Z", "not-a-date", "+999999999-12-31T23:59:59Z",
                        "1970-01-01T00:00:00Z", "2026-12-03", "-999999999-01-01T00:00:00Z",
                        UUID.randomUUID().toString(), "inbound", "outbound", "open", "won", "lost", "%2C%2C",
                        "a,b,c", "x".repeat(3_000)),
                HostileJson.hostileStrings().map(ApiFuzzTests::encode));
    }

    private Arbitrary<Optional<byte[]>> bodyOf(Operation operation, Focus focus) {
        if (operation.body() != null && (focus == Focus.IDS_AND_PARAMETERS || focus == Focus.OTHER_TENANT)) {
            return Arbitraries.just(Optional.of(HostileJson.JSON.writeValueAsBytes(
                    HostileJson.loopbackOnly(example(operation.body(), 0)))));
        }
        if (operation.body() == null) {
            return Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just(Optional.<byte[]>empty())),
                    Tuple.of(1, HostileJson.hostileValues().map(value ->
                            Optional.of(HostileJson.JSON.writeValueAsBytes(HostileJson.loopbackOnly(value))))));
        }
        var example = HostileJson.loopbackOnly(example(operation.body(), 0));
        return HostileJson.mutations().list().ofMaxSize(3)
                .map(mutations -> Optional.of(mutations.isEmpty() ? HostileJson.JSON.writeValueAsBytes(example)
                        : HostileJson.mutate(example, mutations)));
    }

    // --- sending

    private record Answer(int status, String contentType, String body) {

        @Override
        public String toString() {
            return status + " [" + contentType + "] " + (body.length() > 1_000 ? body.substring(0, 1_000) : body);
        }
    }

    private Answer send(Request request, @Nullable String token) {
        var uri = URI.create("http://127.0.0.1:" + port + request.path()
                + (request.query().isEmpty() ? "" : "?" + request.query()));
        var builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json, application/problem+json");
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        if (!request.contentType().isEmpty() && request.body().isPresent()) {
            builder.header("Content-Type", request.contentType());
        }
        var publisher = request.body().map(HttpRequest.BodyPublishers::ofByteArray)
                .orElseGet(HttpRequest.BodyPublishers::noBody);
        builder.method(request.operation().method(), publisher);
        try {
            var response = CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
            var type = response.headers().firstValue("Content-Type").orElse("");
            try (InputStream body = response.body()) {
                // an event stream that opened is valid input: its status tells; its body never ends
                var text = type.startsWith("text/event-stream") ? ""
                        : new String(body.readNBytes(64 * 1024), StandardCharsets.UTF_8);
                return new Answer(response.statusCode(), type, text);
            }
        } catch (IOException e) {
            throw new IllegalStateException(request + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    // --- the setting: the OpenAPI document and two tenants with one of each resource

    private Setting prepare() {
        var http = http();
        var api = http.get("/v3/api-docs").json();
        var operations = new ArrayList<Operation>();
        for (var path : api.get("paths").propertyNames()) {
            if (path.startsWith(WEBHOOKS) || path.startsWith(PROBES)) {
                continue;
            }
            var item = api.get("paths").get(path);
            for (var method : item.propertyNames()) {
                if (!METHODS.contains(method)) {
                    continue;
                }
                var operation = item.get(method);
                var verb = method.toUpperCase(java.util.Locale.ROOT);
                if (OWN_SESSION_ENDERS.contains(verb + " " + path)) {
                    continue;
                }
                var parameters = new ArrayList<JsonNode>();
                operation.path("parameters").forEach(parameters::add);
                var body = operation.path("requestBody").path("content").path("application/json").path("schema");
                var stream = operation.path("responses").toString().contains("text/event-stream");
                operations.add(new Operation(verb, path, parameters, body.isMissingNode() ? null : body, stream,
                        Set.copyOf(operation.path("responses").propertyNames())));
            }
        }
        var fixtures = new Fixtures(http);
        var tenant = fixtures.tenant("Fuzz");
        var other = fixtures.tenant("Fuzz other");
        System.out.printf("API fuzz: %d operations of the OpenAPI document%n", operations.size());
        return new Setting(api, List.copyOf(operations), tenant, resources(http, fixtures, tenant),
                resources(http, fixtures, other));
    }

    /** One of each resource the routes name, as far as the account's plan allows; by path parameter name. */
    private static Map<String, String> resources(TestHttp http, Fixtures fixtures, Fixtures.Tenant tenant) {
        var ids = new HashMap<String, String>();
        var api = http.bearer(tenant.admin().token());
        var base = "/api/v1/accounts/" + tenant.id();
        ids.put("accountId", Long.toString(tenant.id()));
        ids.put("userId", fixtures.member(tenant.admin().token(), tenant.id(), "agent").id().toString());
        created(api.post(base + "/teams", Map.of("name", "Fuzz team")), "id").ifPresent(id -> ids.put("teamId", id));
        created(api.post(base + "/api-keys", Map.of("name", "fuzz", "scopes", List.of("kanban:read"))), "id")
                .ifPresent(id -> ids.put("keyId", id));
        var board = api.post(base + "/boards", Map.of("name", "Fuzz board",
                "stages", List.of(Map.of("name", "A"), Map.of("name", "B"))));
        if (board.status() == 201) {
            var boardId = board.json().get("id").asString();
            var stageId = board.json().get("stages").get(0).get("id").asString();
            ids.put("boardId", boardId);
            ids.put("stageId", stageId);
            created(api.post(base + "/boards/" + boardId + "/cards", Map.of("stage_id", stageId, "title", "Fuzz")),
                    "id").ifPresent(card -> {
                        ids.put("cardId", card);
                        created(api.post(base + "/cards/" + card + "/checklist", Map.of("text", "item")), "id")
                                .ifPresent(item -> ids.put("itemId", item));
                    });
        }
        var provider = new LinkedHashMap<String, Object>();
        provider.put("name", "fuzz");
        provider.put("type", "evolution");
        provider.put("base_url", HostileJson.CLOSED);
        provider.put("instance_name", "fuzz-" + UUID.randomUUID().toString().substring(0, 8));
        provider.put("credentials", Map.of("api_key", "fuzz-key"));
        created(api.post(base + "/providers", provider), "id").ifPresent(id -> ids.put("providerId", id));
        return Map.copyOf(ids);
    }

    private static java.util.Optional<String> created(TestHttp.Response response, String field) {
        return response.status() / 100 == 2 && response.json().has(field)
                ? java.util.Optional.of(response.json().get(field).asString()) : java.util.Optional.empty();
    }

    /** An example of a schema of the OpenAPI document: its example, enum, or a plausible value of its type. */
    private static JsonNode example(JsonNode schema, int depth) {
        var api = setting.api();
        if (schema.has("$ref")) {
            var name = schema.get("$ref").asString().substring("#/components/schemas/".length());
            return depth > 6 ? NODES.nullNode() : example(api.path("components").path("schemas").path(name), depth + 1);
        }
        for (var combined : List.of("allOf", "oneOf", "anyOf")) {
            if (schema.path(combined).isArray() && !schema.path(combined).isEmpty()) {
                return example(schema.path(combined).get(0), depth + 1);
            }
        }
        if (schema.has("example")) {
            return schema.get("example");
        }
        if (schema.path("enum").isArray() && !schema.path("enum").isEmpty()) {
            return schema.path("enum").get(0);
        }
        var type = schema.path("type").isArray() ? schema.path("type").get(0).asString("string")
                : schema.path("type").asString(schema.has("properties") ? "object" : "string");
        return switch (type) {
            case "object" -> {
                var object = NODES.objectNode();
                if (depth <= 6) {
                    for (var name : schema.path("properties").propertyNames()) {
                        object.set(name, example(schema.path("properties").get(name), depth + 1));
                    }
                }
                yield object;
            }
            case "array" -> depth > 6 ? NODES.arrayNode()
                    : NODES.arrayNode().add(example(schema.path("items"), depth + 1));
            case "integer" -> NODES.numberNode(1);
            case "number" -> NODES.numberNode(1.5);
            case "boolean" -> NODES.booleanNode(true);
            default -> NODES.stringNode(switch (schema.path("format").asString("")) {
                case "uuid" -> setting.own().getOrDefault("userId", UUID.randomUUID().toString());
                case "date-time" -> "2026-12-03T12:00:00Z";
                case "date" -> "2026-12-03";
                case "email" -> Fixtures.uniqueEmail("fuzz");
                case "uri", "url" -> HostileJson.CLOSED;
                default -> "fuzz";
            });
        };
    }
}
