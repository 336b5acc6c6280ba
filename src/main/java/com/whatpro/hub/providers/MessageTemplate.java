package com.whatpro.hub.providers;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A message template of a Cloud API number's WhatsApp Business Account, as Meta defines it.
 *
 * @param language Meta's language code, e.g. {@code en_US}
 * @param category {@code MARKETING}, {@code UTILITY} or {@code AUTHENTICATION}
 * @param status {@code APPROVED}, {@code PENDING}, {@code REJECTED}, …; only approved ones can be sent
 * @param components the definition's components (header, body, footer, buttons) exactly as Meta gives them
 */
public record MessageTemplate(String name, String language, @Nullable String category, @Nullable String status,
        JsonNode components) {
}
