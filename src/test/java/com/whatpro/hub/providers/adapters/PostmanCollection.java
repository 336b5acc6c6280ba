package com.whatpro.hub.providers.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.StreamSupport;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/**
 * Evolution API publishes no OpenAPI document; its Postman collection (v2.3) is the contract. A request the adapter
 * sent must match one of the collection's requests: method, path (with {@code {{instance}}} filled in), the
 * collection-wide {@code apikey} header, and JSON keys taken from the collection's body (whose {@code //} and
 * {@code /* *&#47;} comments Postman allows and JSON does not).
 */
public final class PostmanCollection {

    /** @param body the example body, comments dropped; a missing node when the request has none */
    record Entry(String name, String method, String pathTemplate, Set<String> bodyKeys, JsonNode body,
            String rawBody) {

        /** The keys the example body shows, commented out ones ("(Optional)") included, at any depth. */
        Set<String> documentedKeys() {
            var keys = new LinkedHashSet<String>(bodyKeys);
            var matcher = java.util.regex.Pattern.compile("\"(\\w+)\"\\s*:").matcher(rawBody);
            while (matcher.find()) {
                keys.add(matcher.group(1));
            }
            return keys;
        }

        /** The upper-case names the example body lists (event names, commented out ones included). */
        Set<String> documentedNames() {
            var names = new LinkedHashSet<String>();
            var matcher = java.util.regex.Pattern.compile("\"([A-Z][A-Z_]+)\"").matcher(rawBody);
            while (matcher.find()) {
                names.add(matcher.group(1));
            }
            return names;
        }
    }

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final List<Entry> entries;
    private final String authHeader;

    private PostmanCollection(List<Entry> entries, String authHeader) {
        this.entries = entries;
        this.authHeader = authHeader;
    }

    public static PostmanCollection evolution() {
        try (InputStream in = Objects.requireNonNull(
                PostmanCollection.class.getResourceAsStream("/specs/evolution-api-v2.3.postman_collection.json"))) {
            JsonNode root = MAPPER.readTree(in);
            String header = StreamSupport.stream(root.path("auth").path("apikey").spliterator(), false)
                    .filter(item -> item.path("key").asString().equals("key"))
                    .map(item -> item.path("value").asString())
                    .findFirst().orElseThrow();
            var entries = new java.util.ArrayList<Entry>();
            collect(root.path("item"), entries);
            return new PostmanCollection(List.copyOf(entries), header);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The collection-wide authentication header name ({@code apikey}). */
    String authHeader() {
        return authHeader;
    }

    Entry entry(String name) {
        return entries.stream().filter(entry -> entry.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no request named '" + name + "' in the collection"));
    }

    /**
     * Asserts the logged request is the collection's request {@code name}: same method and path, the auth header,
     * only keys the collection's body has, and all of {@code requiredKeys}.
     */
    public void assertConforms(LoggedRequest request, String name, String instance, Set<String> requiredKeys) {
        Entry entry = entry(name);
        assertThat(request.getMethod().getName()).as("method of %s", name).isEqualTo(entry.method());
        assertThat(URI.create(request.getUrl()).getRawPath()).as("path of %s", name)
                .isEqualTo(entry.pathTemplate().replace("{{instance}}", instance));
        assertThat(request.containsHeader(authHeader)).as("%s carries header %s", name, authHeader).isTrue();
        if (!entry.bodyKeys().isEmpty()) {
            Set<String> sent = new LinkedHashSet<>(MAPPER.readTree(request.getBodyAsString()).propertyNames());
            assertThat(entry.bodyKeys()).as("keys the collection shows for %s", name).containsAll(sent);
            assertThat(sent).as("keys sent for %s", name).containsAll(requiredKeys);
        }
    }

    /**
     * Asserts the logged request is "Create Instance": method, path and header as {@link #assertConforms} checks
     * them, and only keys the collection's example shows, counting those it shows commented out as optional; the
     * webhook's events among the names it lists.
     */
    public void assertCreateInstanceConforms(LoggedRequest request) {
        Entry entry = entry("Create Instance");
        assertThat(request.getMethod().getName()).isEqualTo(entry.method());
        assertThat(URI.create(request.getUrl()).getRawPath()).isEqualTo(entry.pathTemplate());
        assertThat(request.containsHeader(authHeader)).as("Create Instance carries header %s", authHeader).isTrue();
        JsonNode sent = MAPPER.readTree(request.getBodyAsString());
        assertThat(entry.documentedKeys()).as("keys the collection shows for Create Instance")
                .containsAll(sent.propertyNames());
        assertThat(sent.propertyNames()).contains("instanceName", "integration");
        JsonNode webhook = sent.path("webhook");
        if (!webhook.isMissingNode()) {
            assertThat(entry.documentedKeys()).containsAll(webhook.propertyNames());
            assertThat(webhook.path("url").isString()).isTrue();
            webhook.path("events").forEach(event -> assertThat(entry.documentedNames()).contains(event.asString()));
            webhook.path("headers").forEach(value -> assertThat(value.isString()).isTrue());
        }
    }

    private static void collect(JsonNode items, List<Entry> into) {
        for (JsonNode item : items) {
            if (item.has("item")) {
                collect(item.path("item"), into);
                continue;
            }
            JsonNode request = item.path("request");
            String raw = request.path("url").isString() ? request.path("url").asString()
                    : request.path("url").path("raw").asString();
            String path = raw.replace("{{baseUrl}}", "");
            int query = path.indexOf('?');
            if (query >= 0) {
                path = path.substring(0, query);
            }
            Set<String> keys = new LinkedHashSet<>();
            JsonNode example = MissingNode.getInstance();
            String rawBody = request.path("body").path("raw").asString("");
            if ("raw".equals(request.path("body").path("mode").asString(""))) {
                String body = withoutComments(request.path("body").path("raw").asString());
                if (!body.isBlank()) {
                    JsonNode json = MAPPER.readTree(body);
                    if (json.isObject()) {
                        keys.addAll(json.propertyNames());
                        example = json;
                    }
                }
            }
            into.add(new Entry(item.path("name").asString(), request.path("method").asString(), path, keys, example,
                    rawBody));
        }
    }

    /** Drops {@code //} line and {@code /* *&#47;} block comments outside strings (URLs in strings keep their //). */
    static String withoutComments(String text) {
        var out = new StringBuilder();
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                out.append(c);
                if (c == '\\' && i + 1 < text.length()) {
                    out.append(text.charAt(++i));
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
                out.append(c);
            } else if (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '/') {
                while (i < text.length() && text.charAt(i) != '\n') {
                    i++;
                }
                out.append('\n');
            } else if (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '*') {
                int end = text.indexOf("*/", i + 2);
                i = end < 0 ? text.length() : end + 1;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
