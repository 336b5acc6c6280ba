package com.whatpro.hub.platform.logging;

import java.util.List;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Masks what must never be written to a log: the secret segment of webhook URLs
 * ({@code /api/v1/webhooks/providers/{id}/{secret}}, {@code /api/v1/webhooks/chatwoot/{account}/{secret}}), the values
 * of secret-named query parameters, fields and JSON members ({@code token}, {@code secret}, {@code password},
 * {@code api_key}, {@code hub.verify_token}, {@code signature}, ..., in any case), passwords in URLs
 * ({@code scheme://user:password@host}), bearer tokens and the hub's API keys. Each becomes {@value #MASK}.
 */
public final class SecretMasking {

    public static final String MASK = "***";

    private static final String SECRET_NAME = "[\\w.\\-\\[\\]]*?(?:token|secret|key|passw(?:or)?d|pwd|signature|sig"
            + "|credential|auth)[\\w.\\-\\[\\]]*";

    private record Rule(Pattern pattern, String replacement) {
    }

    private static final List<Rule> RULES = List.of(
            new Rule(Pattern.compile("(/webhooks/(?:providers|chatwoot)/[^/\\s?#\"'<>]+/)[^/\\s?#&\"'<>]+"), "$1" + MASK),
            new Rule(Pattern.compile("(?i)\\b(bearer|basic)\\s+[A-Za-z0-9._~+/\\-]+=*"), "$1 " + MASK),
            new Rule(Pattern.compile("(?i)(\"" + SECRET_NAME + "\"\\s*:\\s*\")(?:[^\"\\\\]|\\\\.)*(\")"),
                    "$1" + MASK + "$2"),
            // a query parameter: its value ends where the parameter does
            new Rule(Pattern.compile("(?i)([?&;]" + SECRET_NAME + "=)[^&\\s#\"'<>]*"), "$1" + MASK),
            // a field as records, maps and free text write it: its value may hold spaces, and runs to the next
            // field (", name="), the closing bracket or the end of the line
            new Rule(Pattern.compile("(?i)(?<![\\w.\\-\\[\\]?&;])(" + SECRET_NAME + "=)(?:(?!,\\s*[\\w.\\-]+=)[^\\]}\\r\\n&])*"),
                    "$1" + MASK),
            new Rule(Pattern.compile("(?i)(\\b[a-z][a-z0-9+.\\-]*://)[^/@\\s\"'<>]*@"), "$1" + MASK + "@"),
            new Rule(Pattern.compile("\\bwph_[a-z0-9]{12}_[A-Za-z0-9_-]+"), "wph_" + MASK));

    private SecretMasking() {
    }

    /** The text with every secret in it masked; the same instance when there is nothing to mask. */
    public static @Nullable String mask(@Nullable String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        var masked = text;
        for (var rule : RULES) {
            var matcher = rule.pattern().matcher(masked);
            if (matcher.find()) {
                masked = matcher.replaceAll(rule.replacement());
            }
        }
        return masked.equals(text) ? text : masked;
    }
}
