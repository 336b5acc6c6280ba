package com.whatpro.hub.audit;

import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Keeps secrets out of the audit log: a field whose name speaks of a password, token, secret,
 * key or credentials is written as {@value #REDACTED}, whatever it holds, at any depth; so is any
 * value that looks like one of our credentials (an API key, a JWT). Identifiers of such things
 * ({@code key_id}, {@code token_id}, {@code prefix}) and plain feature names ({@code api_keys})
 * stay readable.
 */
final class Redaction {

    static final String REDACTED = "[redacted]";
    private static final Pattern WORDS = Pattern.compile("[_\\-.\\s]+|(?<=[a-z0-9])(?=[A-Z])");
    private static final Set<String> SECRET_WORDS = Set.of("password", "passwd", "passphrase", "token", "secret",
            "credential", "credentials", "authorization", "cookie", "key", "apikey", "privatekey", "signature", "otp");
    private static final Set<String> IDENTIFIER_ENDINGS = Set.of("id", "ids", "prefix", "type", "count", "expires",
            "at", "name", "hint");
    private static final Pattern SECRET_VALUE = Pattern.compile(
            "(?s)(wph_[a-z0-9]{12}_.+|eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\..*|Bearer\\s+.+)");
    private static final int MAX_DEPTH = 8;

    private Redaction() {
    }

    /** A JSON-ready copy of the changes with every secret replaced. */
    static Map<String, Object> redact(Map<String, ?> changes) {
        var copy = new LinkedHashMap<String, Object>();
        changes.forEach((key, value) -> copy.put(key, secretName(key) ? REDACTED : value(value, 0)));
        return copy;
    }

    static boolean secretName(String name) {
        var words = WORDS.split(name.strip());
        if (words.length == 0) {
            return false;
        }
        var last = words[words.length - 1].toLowerCase(Locale.ROOT);
        if (words.length > 1 && IDENTIFIER_ENDINGS.contains(last)) {
            return false;
        }
        for (var word : words) {
            var lower = word.toLowerCase(Locale.ROOT);
            if (SECRET_WORDS.contains(lower) || lower.contains("password") || lower.contains("secret")
                    || lower.contains("token") || lower.contains("credential")) {
                return true;
            }
        }
        return false;
    }

    private static @Nullable Object value(@Nullable Object value, int depth) {
        if (depth > MAX_DEPTH) {
            return REDACTED;
        }
        return switch (value) {
            case null -> null;
            case Map<?, ?> map -> {
                var copy = new LinkedHashMap<String, Object>();
                map.forEach((key, nested) -> {
                    var name = String.valueOf(key);
                    copy.put(name, secretName(name) ? REDACTED : value(nested, depth + 1));
                });
                yield copy;
            }
            case Collection<?> list -> {
                var copy = new ArrayList<@Nullable Object>(list.size());
                list.forEach(item -> copy.add(value(item, depth + 1)));
                yield copy;
            }
            case Object[] array -> {
                var copy = new ArrayList<@Nullable Object>(array.length);
                for (var item : array) {
                    copy.add(value(item, depth + 1));
                }
                yield copy;
            }
            case CharSequence text -> SECRET_VALUE.matcher(text).matches() ? REDACTED : text.toString();
            case Number number -> number;
            case Boolean flag -> flag;
            case Enum<?> constant -> constant.name().toLowerCase(Locale.ROOT);
            case TemporalAccessor time -> time.toString();
            case byte[] bytes -> REDACTED;
            default -> value.toString();
        };
    }
}
