package com.whatpro.hub.gateway;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.providers.MessageTemplate;
import com.whatpro.hub.providers.Provider;
import com.whatpro.hub.providers.ProviderTemplates;
import com.whatpro.hub.providers.ProviderType;
import com.whatpro.hub.providers.TemplateMessage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Checks a template send against the number's synced templates and describes it in words (its body with the
 * parameters filled in) for the message list and Chatwoot.
 */
@Component
class TemplateSends {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_]+)\\s*}}");

    private final ProviderTemplates templates;

    TemplateSends(ProviderTemplates templates) {
        this.templates = templates;
    }

    /**
     * @throws ApiProblem 422 when the number is not a Cloud API number, the template is unknown or not approved, or
     *         the components are not a list of objects with a type
     */
    Outbox.Outgoing outgoing(AccountId account, Provider provider, MessagesController.TemplateRequest request) {
        if (provider.type() != ProviderType.CLOUD_API) {
            throw ApiProblem.invalid("template", "only Cloud API numbers send message templates");
        }
        var components = request.components();
        if (components != null && !components.isNull()) {
            if (!components.isArray()) {
                throw ApiProblem.invalid("template.components", "must be a list of components");
            }
            for (var component : components) {
                if (!component.isObject() || !component.path("type").isString()) {
                    throw ApiProblem.invalid("template.components", "each component needs a type (body, header, "
                            + "button)");
                }
            }
        } else {
            components = null;
        }
        var name = request.name().strip();
        var language = request.language().strip();
        var template = templates.find(account, provider.id(), name, language).orElseThrow(() -> ApiProblem.invalid(
                "template.name", "this number has no template '" + name + "' in language '" + language
                        + "' (sync the templates with POST …/providers/{id}/templates/sync)"));
        if (template.status() != null && !"APPROVED".equalsIgnoreCase(template.status())) {
            throw ApiProblem.invalid("template.name", "the template is " + template.status()
                    + "; only approved templates can be sent");
        }
        return new Outbox.Outgoing(describe(template, components), null,
                new TemplateMessage(name, language, components));
    }

    /** The template's body with the given parameters in place of its {@code {{1}}} or {@code {{name}}}. */
    static String describe(MessageTemplate template, @Nullable JsonNode components) {
        String body = null;
        for (var component : template.components()) {
            if ("BODY".equalsIgnoreCase(component.path("type").asString(""))) {
                body = component.path("text").asString(null);
            }
        }
        if (body == null) {
            return "[template " + template.name() + "]";
        }
        JsonNode parameters = null;
        if (components != null) {
            for (var component : components) {
                if ("body".equalsIgnoreCase(component.path("type").asString(""))) {
                    parameters = component.path("parameters");
                }
            }
        }
        var values = parameters;
        Matcher placeholders = PLACEHOLDER.matcher(body);
        return placeholders.replaceAll(found -> Matcher.quoteReplacement(value(values, found.group(1))
                .orElse(found.group())));
    }

    private static java.util.Optional<String> value(@Nullable JsonNode parameters, String key) {
        if (parameters == null || !parameters.isArray()) {
            return java.util.Optional.empty();
        }
        if (key.chars().allMatch(Character::isDigit)) {
            int index = Integer.parseInt(key) - 1;
            return index >= 0 && index < parameters.size() ? text(parameters.get(index)) : java.util.Optional.empty();
        }
        for (var parameter : parameters) {
            if (key.equals(parameter.path("parameter_name").asString(null))) {
                return text(parameter);
            }
        }
        return java.util.Optional.empty();
    }

    private static java.util.Optional<String> text(JsonNode parameter) {
        var text = parameter.path("text").asString(null);
        if (text == null) {
            text = parameter.path(parameter.path("type").asString("")).path("fallback_value").asString(null);
        }
        return java.util.Optional.ofNullable(text);
    }
}
