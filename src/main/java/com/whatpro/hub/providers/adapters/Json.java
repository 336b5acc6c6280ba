package com.whatpro.hub.providers.adapters;

import com.whatpro.hub.providers.MalformedWebhook;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;
import tools.jackson.databind.node.ObjectNode;

/** Reading the loosely typed JSON providers send: absent, null and blank all mean "not given". */
final class Json {

    static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final JsonMapper LARGE = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
            .build()).build();

    // below this an epoch number is in seconds (year 5138), above in milliseconds
    private static final long SECONDS_LIMIT = 100_000_000_000L;
    // what a provider's timestamp may be; outside, it is no timestamp (and PostgreSQL could not store it anyway)
    private static final Instant EARLIEST = Instant.EPOCH;
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");
    // longer is no WhatsApp id (they are tens of characters), and too long to index
    static final int MAX_ID_LENGTH = 256;

    private Json() {
    }

    static JsonNode webhook(byte[] body) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw new MalformedWebhook("the webhook body is not JSON", e);
        }
        if (root == null || !root.isObject()) {
            throw new MalformedWebhook("the webhook body is not a JSON object");
        }
        return root;
    }

    /** The body of a provider's answer; a missing node when it is empty or not JSON (an HTML error page). */
    static JsonNode lenient(byte[] body) {
        if (body.length == 0) {
            return MissingNode.getInstance();
        }
        try {
            JsonNode node = MAPPER.readTree(body);
            return node == null ? MissingNode.getInstance() : node;
        } catch (JacksonException e) {
            return MissingNode.getInstance();
        }
    }

    /**
     * {@link #lenient} for an answer whose size the caller already bounded, which may hold strings longer than
     * Jackson's default limit (a file in base64).
     */
    static JsonNode large(byte[] body) {
        if (body.length == 0) {
            return MissingNode.getInstance();
        }
        try {
            JsonNode node = LARGE.readTree(body);
            return node == null ? MissingNode.getInstance() : node;
        } catch (JacksonException e) {
            return MissingNode.getInstance();
        }
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static byte[] bytes(JsonNode node) {
        return MAPPER.writeValueAsBytes(node);
    }

    /**
     * A scalar as text; null when absent, null, blank, or an object or array. NUL characters are dropped: no text
     * column or JSON value in PostgreSQL can hold them.
     */
    static @Nullable String text(JsonNode node) {
        if (!node.isValueNode() || node.isNull()) {
            return null;
        }
        String value = node.asString();
        if (value.indexOf(0) >= 0) {
            value = value.replace("\0", "");
        }
        return value.isBlank() ? null : value;
    }

    /** An id (of a message, a media file): {@link #text}, and null when it is too long to be one. */
    static @Nullable String id(JsonNode value) {
        String id = text(value);
        return id == null || id.length() > MAX_ID_LENGTH ? null : id;
    }

    static @Nullable String id(JsonNode node, String field) {
        return id(node.path(field));
    }

    static @Nullable String text(JsonNode node, String field) {
        return text(node.path(field));
    }

    /** The first of {@code fields} with a text value. */
    static @Nullable String firstText(JsonNode node, String... fields) {
        for (String field : fields) {
            String value = text(node, field);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /** {@code true}, {@code "true"} and {@code "True"} (uazapi sends booleans as strings at times). */
    static boolean flag(JsonNode node) {
        return node.isBoolean() ? node.asBoolean() : "true".equalsIgnoreCase(text(node));
    }

    /** An array's elements, an object as the only element, nothing otherwise. */
    static List<JsonNode> elements(JsonNode node) {
        if (node.isArray()) {
            return StreamSupport.stream(node.spliterator(), false).toList();
        }
        return node.isObject() ? List.of(node) : List.of();
    }

    /**
     * A point in time from an epoch number in seconds or milliseconds (as number, numeric string, or protobuf
     * {@code {low, high}}), or an ISO-8601 timestamp; {@code fallback} when absent or unreadable.
     */
    static Instant instant(JsonNode node, Instant fallback) {
        if (node.isObject() && node.has("low")) {
            JsonNode low = node.path("low");
            JsonNode high = node.path("high");
            if (!wholeLong(low) || !(high.isMissingNode() || wholeLong(high))) {
                return fallback;
            }
            return plausible(epoch(low.longValue() & 0xFFFFFFFFL | (high.isMissingNode() ? 0 : high.longValue()) << 32),
                    fallback);
        }
        String value = text(node);
        if (value == null) {
            return fallback;
        }
        if (value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            try {
                return plausible(epoch(Long.parseLong(value)), fallback);
            } catch (NumberFormatException e) {
                return fallback;
            }
        }
        try {
            return plausible(OffsetDateTime.parse(value).toInstant(), fallback);
        } catch (DateTimeParseException | ArithmeticException e) {
            return fallback;
        }
    }

    private static boolean wholeLong(JsonNode number) {
        return number.isIntegralNumber() && number.canConvertToLong();
    }

    private static Instant epoch(long value) {
        if (value < 0) {
            return Instant.MIN; // before any plausible time
        }
        return value < SECONDS_LIMIT ? Instant.ofEpochSecond(value) : Instant.ofEpochMilli(value);
    }

    private static Instant plausible(Instant instant, Instant fallback) {
        return instant.isBefore(EARLIEST) || instant.isAfter(LATEST) ? fallback : instant;
    }
}
