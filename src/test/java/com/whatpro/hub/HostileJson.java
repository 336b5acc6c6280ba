package com.whatpro.hub;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Pattern;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a hostile or broken sender puts into JSON, for the fuzz tests: values of the wrong type, nulls, huge and odd
 * strings, deep nesting, malformed URLs, numbers and timestamps, and mutations of a well-formed document (fields
 * removed, replaced, duplicated, wrapped; ids renewed; the text truncated or no JSON at all).
 * <p>
 * Every URL it writes names a loopback address or no host at all, and {@link #loopbackOnly(JsonNode)} rewrites the
 * ones a sample brought along, so that nothing the service may fetch from a fuzzed payload leaves this machine.
 */
public final class HostileJson {

    public static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern KEY = Pattern.compile("\"([^\"\\\\]{1,60})\"\\s*:");
    private static final Pattern ID_FIELD = Pattern.compile("(?i)^(id|messageid|keyid|message_id|wamid)$");
    /** A loopback port nothing listens on: a fetch fails at once. */
    public static final String CLOSED = "http://127.0.0.1:9/";

    private HostileJson() {
    }

    /** Malformed or odd URLs, all of them naming loopback or no host. */
    public static Arbitrary<String> malformedUrls() {
        return Arbitraries.of(
                "", " ", "not a url", "http://", "https://", "http:///", "http://:80/", "http://[::1",
                "http://[::1]:99999/x", "http://127.0.0.1:99999999999/x", "http://127.0.0.1:-1/x",
                "ht tp://127.0.0.1/x", "http://127.0.0.1/a b c", "http://127.0.0.1/%zz", "http://127.0.0.1/%",
                "http://127.0.0.1/\u0000", "http://127.0.0.1:9/\n", "http://127.0.0.1\\@127.0.0.1/",
                "http://user:pa ss@127.0.0.1:9/", "javascript:alert(1)", "data:text/html,<script>", "file:///etc/passwd",
                "ftp://127.0.0.1:9/x", "//127.0.0.1:9/x", "/relative/path.jpg", "?q=1", "#frag", "mailto:a@b",
                "http:\\\\127.0.0.1\\x", "https://127.0.0.1:9/" + "a".repeat(10_000), "http://[::1]:9/x.jpg",
                "HTTP://127.0.0.1:9/X.JPG", CLOSED + "file.jpg?x=<>\"{}|^`", "http://127.0.0.1:9/\uD83D\uDE00.png",
                "http://127.0.0.1:9/\uD800.png", "http://127.0.0.1:9/%00%0d%0a", "http://127.0.0.1:9/" + "../".repeat(50));
    }

    /** Timestamps that are no timestamp, or one far outside any plausible range. */
    public static Arbitrary<JsonNode> badTimestamps() {
        return Arbitraries.of(
                NODES.numberNode(-1L), NODES.numberNode(Long.MIN_VALUE), NODES.numberNode(Long.MAX_VALUE),
                NODES.numberNode(new BigInteger("99999999999999999999999999")), NODES.numberNode(1e300),
                NODES.numberNode(-62_167_219_201L), NODES.numberNode(253_402_300_800L), NODES.numberNode(0),
                NODES.stringNode("99999999999999999999"), NODES.stringNode("9223372036854775807"),
                NODES.stringNode("-1"), NODES.stringNode("2024-13-45T99:99:99Z"), NODES.stringNode("+999999999-12-31T23:59:59Z"),
                NODES.stringNode("-999999999-01-01T00:00:00Z"), NODES.stringNode("0000-00-00"), NODES.stringNode("yesterday"),
                NODES.stringNode("1e10"), NODES.stringNode("٣٣٣٣٣٣٣٣٣٣"), timestampObject(Long.MAX_VALUE, Long.MAX_VALUE),
                timestampObject(-1, -1), timestampObject(0, Integer.MIN_VALUE), timestampObjectOf("x", "{}"),
                (JsonNode) NODES.objectNode().put("low", 1).set("high", NODES.objectNode()),
                (JsonNode) NODES.objectNode().set("low", NODES.numberNode(new BigInteger("1" + "0".repeat(30)))));
    }

    private static JsonNode timestampObject(long low, long high) {
        return NODES.objectNode().put("low", low).put("high", high).put("unsigned", false);
    }

    private static JsonNode timestampObjectOf(String low, String high) {
        return NODES.objectNode().put("low", low).put("high", high);
    }

    /** Strings that break naive code: huge, control characters, odd Unicode, markup, injections, digits galore. */
    public static Arbitrary<String> hostileStrings() {
        return Arbitraries.oneOf(
                Arbitraries.of("", " ", "\u0000", "a\u0000b", "\uD800", "\uDFFF\uD800", "\uFEFF", "\u202Eevil", "\r\n\t",
                        "null", "true", "0", "-0", "NaN", "Infinity", "1e999", "0x1F", "' OR 1=1 --", "\"; drop table x;",
                        "<script>alert(1)</script>", "${jndi:ldap://127.0.0.1:9/a}", "%s%s%n", "../../../../etc/passwd",
                        "{", "[", "{\"a\":", "\\", "@lid", "@s.whatsapp.net", "+", "++5511999999999",
                        "5511999999999@s.whatsapp.net@lid", "123@lid", "9".repeat(40) + "@s.whatsapp.net",
                        "9".repeat(400) + "@lid", "+" + "9".repeat(300), "\uD83D\uDE00".repeat(1000), "ü".repeat(3000),
                        "x".repeat(3_000), "x".repeat(100_000), "1".repeat(5_000), "a:b:c:", ":", "@g.us"),
                Arbitraries.strings().all().ofMaxLength(64),
                Arbitraries.strings().withCharRange('\u0000', '\u001F').ofMinLength(1).ofMaxLength(8));
    }

    /** Any value of any type a field might get instead of what it should hold. */
    public static Arbitrary<JsonNode> hostileValues() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just(NODES.nullNode())),
                net.jqwik.api.Tuple.of(2, Arbitraries.of(true, false).map(NODES::booleanNode)),
                net.jqwik.api.Tuple.of(4, numbers()),
                net.jqwik.api.Tuple.of(8, hostileStrings().map(NODES::stringNode)),
                net.jqwik.api.Tuple.of(4, malformedUrls().map(NODES::stringNode)),
                net.jqwik.api.Tuple.of(4, badTimestamps()),
                net.jqwik.api.Tuple.of(2, Arbitraries.of(0, 1, 3).map(HostileJson::emptyish)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(2, 480).map(HostileJson::deeplyNested)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1, 2_000).map(HostileJson::wideArray)));
    }

    private static Arbitrary<JsonNode> numbers() {
        return Arbitraries.oneOf(
                Arbitraries.of(0L, -1L, 1L, Long.MIN_VALUE, Long.MAX_VALUE, (long) Integer.MAX_VALUE + 1,
                        (long) Integer.MIN_VALUE - 1).map(n -> (JsonNode) NODES.numberNode(n)),
                Arbitraries.of(0.5, -0.0, 1e308, -1e308, 4.9e-324, 1e300 * 10).map(n -> (JsonNode) NODES.numberNode(n)),
                Arbitraries.of("1" + "0".repeat(40), "-" + "9".repeat(100))
                        .map(n -> (JsonNode) NODES.numberNode(new BigInteger(n))),
                Arbitraries.longs().map(n -> (JsonNode) NODES.numberNode(n)));
    }

    private static JsonNode emptyish(int kind) {
        return switch (kind) {
            case 0 -> NODES.objectNode();
            case 1 -> NODES.arrayNode();
            default -> NODES.arrayNode().add(NODES.nullNode()).add(NODES.objectNode()).add(NODES.arrayNode());
        };
    }

    /** Arrays and objects nested {@code depth} deep (Jackson reads up to 500 levels; more are refused as a whole). */
    public static JsonNode deeplyNested(int depth) {
        JsonNode node = NODES.stringNode("bottom");
        for (int i = 0; i < depth; i++) {
            node = i % 2 == 0 ? NODES.arrayNode().add(node) : NODES.objectNode().set("message", node);
        }
        return node;
    }

    private static JsonNode wideArray(int size) {
        var array = NODES.arrayNode();
        for (int i = 0; i < size; i++) {
            array.add(i % 3 == 0 ? NODES.objectNode() : NODES.stringNode("x" + i));
        }
        return array;
    }

    /** One change to a document. */
    public enum Change {
        REPLACE, REMOVE, ADD_KNOWN_FIELD, DUPLICATE_KEY, WRAP_IN_ARRAY, STRINGIFY, RENEW_IDS, TRUNCATE,
        INVALID_UTF8, NOT_JSON
    }

    /** A change and the hostile value it may put in. */
    public record Mutation(Change change, JsonNode value, int where) {
    }

    public static Arbitrary<Mutation> mutations() {
        return Combinators.combine(
                Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(30, Arbitraries.just(Change.REPLACE)),
                        net.jqwik.api.Tuple.of(10, Arbitraries.just(Change.REMOVE)),
                        net.jqwik.api.Tuple.of(8, Arbitraries.just(Change.ADD_KNOWN_FIELD)),
                        net.jqwik.api.Tuple.of(6, Arbitraries.just(Change.DUPLICATE_KEY)),
                        net.jqwik.api.Tuple.of(5, Arbitraries.just(Change.WRAP_IN_ARRAY)),
                        net.jqwik.api.Tuple.of(5, Arbitraries.just(Change.STRINGIFY)),
                        net.jqwik.api.Tuple.of(12, Arbitraries.just(Change.RENEW_IDS)),
                        net.jqwik.api.Tuple.of(2, Arbitraries.just(Change.TRUNCATE)),
                        net.jqwik.api.Tuple.of(2, Arbitraries.just(Change.INVALID_UTF8)),
                        net.jqwik.api.Tuple.of(2, Arbitraries.just(Change.NOT_JSON))),
                hostileValues(),
                Arbitraries.integers().between(0, Integer.MAX_VALUE)).as(Mutation::new);
    }

    /** Bodies that are no JSON object at all. */
    private static final List<String> NOT_OBJECTS = List.of("", " ", "null", "[]", "[{}]", "42", "\"text\"", "true",
            "{", "}", "{\"a\":1}{\"b\":2}", "{\"a\":1} trailing", "<xml/>", "a=1&b=2", "\uFEFF{}",
            "{'single':'quotes'}",
            "{\"a\":NaN}", "{\"a\":01}", "{\"a\":.5}", "{a:1}", "[" .repeat(600) + "]".repeat(600));

    /**
     * Applies the mutations in order to a copy of the sample and writes it as the raw body a sender would post.
     * Each mutation's {@code where} seeds the choice of place; the result names loopback in every URL it carries.
     */
    public static byte[] mutate(JsonNode sample, List<Mutation> mutations) {
        JsonNode root = loopbackOnly(sample.deepCopy());
        var textChanges = new ArrayList<Mutation>();
        for (var mutation : mutations) {
            var random = new Random(mutation.where());
            switch (mutation.change()) {
                case REPLACE -> root = replace(root, random, loopbackOnly(mutation.value()));
                case REMOVE -> remove(root, random);
                case ADD_KNOWN_FIELD -> addKnownField(root, random, loopbackOnly(mutation.value()));
                case WRAP_IN_ARRAY -> root = replace(root, random, null);
                case STRINGIFY -> stringify(root, random);
                case RENEW_IDS -> renewIds(root, random);
                default -> textChanges.add(mutation);
            }
        }
        var text = JSON.writeValueAsString(root);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (var mutation : textChanges) {
            var random = new Random(mutation.where());
            switch (mutation.change()) {
                case DUPLICATE_KEY -> bytes = duplicateKey(new String(bytes, StandardCharsets.UTF_8), random,
                        loopbackOnly(mutation.value()));
                case TRUNCATE -> bytes = java.util.Arrays.copyOf(bytes, random.nextInt(Math.max(1, bytes.length)));
                case INVALID_UTF8 -> bytes = invalidUtf8(bytes, random);
                case NOT_JSON -> bytes = NOT_OBJECTS.get(random.nextInt(NOT_OBJECTS.size()))
                        .getBytes(StandardCharsets.UTF_8);
                default -> throw new IllegalStateException(mutation.change().name());
            }
        }
        return bytes;
    }

    private record Slot(@Nullable JsonNode parent, @Nullable String field, int index, JsonNode node) {
    }

    private static List<Slot> slots(JsonNode root) {
        var slots = new ArrayList<Slot>();
        collect(null, null, -1, root, slots, 0);
        return slots;
    }

    private static void collect(@Nullable JsonNode parent, @Nullable String field, int index, JsonNode node,
            List<Slot> slots, int depth) {
        slots.add(new Slot(parent, field, index, node));
        if (depth > 40) {
            return;
        }
        if (node instanceof ObjectNode object) {
            for (var name : List.copyOf(object.propertyNames())) {
                collect(object, name, -1, object.get(name), slots, depth + 1);
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < Math.min(array.size(), 50); i++) {
                collect(array, null, i, array.get(i), slots, depth + 1);
            }
        }
    }

    /** Puts {@code value} (or, when null, the node itself wrapped in an array) where a random node was. */
    private static JsonNode replace(JsonNode root, Random random, @Nullable JsonNode value) {
        var all = slots(root);
        var slot = all.get(random.nextInt(all.size()));
        var replacement = value != null ? value.deepCopy() : NODES.arrayNode().add(slot.node());
        if (slot.parent() == null) {
            return replacement;
        }
        set(slot, replacement);
        return root;
    }

    private static void set(Slot slot, JsonNode value) {
        if (slot.parent() instanceof ObjectNode object) {
            object.set(slot.field(), value);
        } else if (slot.parent() instanceof ArrayNode array) {
            array.set(slot.index(), value);
        }
    }

    private static void remove(JsonNode root, Random random) {
        var fields = slots(root).stream().filter(slot -> slot.parent() != null).toList();
        if (fields.isEmpty()) {
            return;
        }
        var slot = fields.get(random.nextInt(fields.size()));
        if (slot.parent() instanceof ObjectNode object) {
            object.remove(slot.field());
        } else if (slot.parent() instanceof ArrayNode array) {
            array.remove(slot.index());
        }
    }

    /** A field name the document uses somewhere, added to another object of it. */
    private static void addKnownField(JsonNode root, Random random, JsonNode value) {
        var all = slots(root);
        var names = all.stream().map(Slot::field).filter(java.util.Objects::nonNull).distinct().toList();
        var objects = all.stream().map(Slot::node).filter(JsonNode::isObject).toList();
        if (names.isEmpty() || objects.isEmpty()) {
            return;
        }
        ((ObjectNode) objects.get(random.nextInt(objects.size()))).set(names.get(random.nextInt(names.size())),
                value.deepCopy());
    }

    /** A value as the string of its JSON, or a number as a string ("123" for 123), or back. */
    private static void stringify(JsonNode root, Random random) {
        var fields = slots(root).stream().filter(slot -> slot.parent() != null).toList();
        if (fields.isEmpty()) {
            return;
        }
        var slot = fields.get(random.nextInt(fields.size()));
        var node = slot.node();
        JsonNode changed;
        if (node.isString() && node.stringValue().matches("-?\\d{1,30}")) {
            changed = NODES.numberNode(new BigInteger(node.stringValue()));
        } else if (node.isValueNode()) {
            changed = NODES.stringNode(node.isNull() ? "null" : node.asString());
        } else {
            changed = NODES.stringNode(JSON.writeValueAsString(node));
        }
        set(slot, changed);
    }

    /** New ids where the document has ids, so that the service takes it as new work rather than a duplicate. */
    private static void renewIds(JsonNode root, Random random) {
        for (var slot : slots(root)) {
            if (slot.field() != null && ID_FIELD.matcher(slot.field()).matches() && slot.node().isString()) {
                set(slot, NODES.stringNode("FZ" + new UUID(random.nextLong(), random.nextLong()).toString()
                        .replace("-", "").toUpperCase(java.util.Locale.ROOT)));
            }
        }
    }

    private static byte[] duplicateKey(String text, Random random, JsonNode value) {
        var keys = KEY.matcher(text).results().toList();
        if (keys.isEmpty()) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        var key = keys.get(random.nextInt(keys.size()));
        var duplicate = "\"" + key.group(1) + "\":" + JSON.writeValueAsString(value) + ",";
        var where = random.nextBoolean() ? key.start() : text.indexOf(',', key.end()) + 1;
        if (where <= 0) {
            where = key.start();
        }
        return (text.substring(0, where) + duplicate + text.substring(where)).getBytes(StandardCharsets.UTF_8);
    }

    /** Bytes that are no UTF-8, inside a string of the document. */
    private static byte[] invalidUtf8(byte[] bytes, Random random) {
        var text = new String(bytes, StandardCharsets.UTF_8);
        int quote = text.indexOf('"', random.nextInt(Math.max(1, text.length())));
        if (quote < 0) {
            quote = text.indexOf('"');
        }
        var prefix = (quote < 0 ? text : text.substring(0, quote + 1)).getBytes(StandardCharsets.UTF_8);
        var suffix = (quote < 0 ? "" : text.substring(quote + 1)).getBytes(StandardCharsets.UTF_8);
        byte[][] junk = {{(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82},
                {(byte) 0xC0, (byte) 0xAF}};
        var bad = junk[random.nextInt(junk.length)];
        var out = new byte[prefix.length + bad.length + suffix.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(bad, 0, out, prefix.length, bad.length);
        System.arraycopy(suffix, 0, out, prefix.length + bad.length, suffix.length);
        return out;
    }

    /**
     * The document with every string that could name a host rewritten to a closed loopback port (the samples carry
     * real vendors' URLs), so that no fuzzed payload makes the service connect anywhere but this machine.
     */
    public static JsonNode loopbackOnly(JsonNode node) {
        if (node.isString()) {
            return namesAHost(node.stringValue()) ? NODES.stringNode(CLOSED + "media.jpg") : node;
        }
        if (node instanceof ObjectNode object) {
            for (var name : List.copyOf(object.propertyNames())) {
                object.set(name, loopbackOnly(object.get(name)));
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, loopbackOnly(array.get(i)));
            }
        }
        return node;
    }

    private static final java.util.Set<String> SAFE_URLS = new java.util.HashSet<>(malformedUrlList());

    private static List<String> malformedUrlList() {
        var list = new ArrayList<String>();
        malformedUrls().allValues().ifPresent(values -> values.forEach(list::add));
        return list;
    }

    /** Anything with an authority part ({@code //}) that is not one of the loopback spellings above. */
    static boolean namesAHost(String text) {
        return (text.contains("//") || text.contains("\\\\") || text.contains(":\\")) && !SAFE_URLS.contains(text)
                && !text.startsWith(CLOSED) && !text.startsWith("http://127.0.0.1:9/");
    }
}
