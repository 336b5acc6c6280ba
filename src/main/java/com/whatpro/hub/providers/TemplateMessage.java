package com.whatpro.hub.providers;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A template message to send.
 *
 * @param language the template's language code, e.g. {@code pt_BR}
 * @param components the parameters in Meta's send format: {@code [{type: body, parameters: [{type: text, text}]}]},
 *        each parameter of a template with named parameters also carrying {@code parameter_name}; null for a
 *        template without parameters
 */
public record TemplateMessage(String name, String language, @Nullable JsonNode components) {
}
