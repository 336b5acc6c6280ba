package com.whatpro.hub.chatwoot;

import static com.atlassian.oai.validator.whitelist.rule.WhitelistRules.allOf;
import static com.atlassian.oai.validator.whitelist.rule.WhitelistRules.messageContainsSubstring;
import static com.atlassian.oai.validator.whitelist.rule.WhitelistRules.messageHasKey;
import static com.atlassian.oai.validator.whitelist.rule.WhitelistRules.methodIs;
import static com.atlassian.oai.validator.whitelist.rule.WhitelistRules.pathContainsSubstring;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.whitelist.ValidationErrorsWhitelist;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks the requests that reached a WireMock stand-in for Chatwoot against Chatwoot's published Application API
 * ({@code chatwoot/chatwoot-application.latest.openapi.json} in the test resources), merged with the routes the hub
 * uses that Chatwoot implements but does not publish, described from its source in
 * {@code chatwoot/chatwoot-application.*.DERIVED.openapi.json} (see the README there). A derived route that the
 * published spec documents itself stops the merge: the published description then wins and the derived one must go.
 *
 * <p>Stricter than the spec in one way: a request body may not carry fields the spec does not list, so that a
 * misspelt field fails here instead of being ignored by Chatwoot. The fields the hub knowingly sends beyond the
 * spec are listed, with the reason, in {@link #UNDOCUMENTED_BUT_READ}.
 *
 * <p>swagger-request-validator does not look into {@code multipart/form-data} bodies, so their parts are checked
 * here against the operation's form schema: names, enums, booleans, required parts, and files where files belong.
 */
public final class ChatwootContract {

    private static final String SPEC = "/chatwoot/chatwoot-application.latest.openapi.json";
    private static final List<String> DERIVED = List.of("/chatwoot/chatwoot-application.message-status.DERIVED.openapi.json");
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    private static final String ADDITIONAL_PROPERTIES = "validation.request.body.schema.additionalProperties";
    private static final Pattern MESSAGES = Pattern.compile(".*/api/v1/accounts/[0-9]+/conversations/[0-9]+/messages");

    /**
     * {@code source_id} on message create: Chatwoot's {@code Messages::MessageBuilder#message_params} stores
     * {@code params[:source_id]}, but neither the JSON nor the form schema of the spec lists it. The hub relies
     * on it to mark the origin of what it posts.
     */
    private static final Map<Pattern, List<String>> UNDOCUMENTED_BUT_READ = Map.of(MESSAGES, List.of("source_id"));

    private static final ChatwootContract APPLICATION_API = new ChatwootContract(readSpec());

    private final OpenApiInteractionValidator validator;
    private final OpenAPI api;

    private ChatwootContract(String spec) {
        this.validator = OpenApiInteractionValidator.createForInlineApiSpecification(spec)
                .withLevelResolver(LevelResolver.create().withLevel(ADDITIONAL_PROPERTIES, ValidationReport.Level.ERROR).build())
                .withWhitelist(ValidationErrorsWhitelist.create().withRule(
                        "source_id on message create is read by Chatwoot though the spec does not list it",
                        allOf(messageHasKey(ADDITIONAL_PROPERTIES),
                                methodIs(PathItem.HttpMethod.POST),
                                pathContainsSubstring("/conversations/{conversation_id}/messages"),
                                messageContainsSubstring("[\"source_id\"]"))))
                .build();
        var options = new ParseOptions();
        options.setResolve(true);
        options.setResolveFully(true);
        this.api = new OpenAPIV3Parser().readContents(spec, null, options).getOpenAPI();
    }

    /** Chatwoot's Application API. */
    public static ChatwootContract applicationApi() {
        return APPLICATION_API;
    }

    /** Asserts that the stand-in received at least one request and that each one is what Chatwoot expects. */
    public void assertEveryRequestConforms(WireMockServer chatwoot) {
        assertEveryRequestConforms(chatwoot.getAllServeEvents());
    }

    public void assertEveryRequestConforms(List<ServeEvent> served) {
        assertThat(served).as("requests sent to Chatwoot").isNotEmpty();
        var violations = new ArrayList<String>();
        for (var event : served) {
            var request = event.getRequest();
            violations(request).forEach(violation ->
                    violations.add(request.getMethod() + " " + request.getUrl() + ": " + violation));
        }
        assertThat(violations).as("violations of Chatwoot's Application API").isEmpty();
    }

    /** What is wrong with one request; nothing when it conforms. */
    public List<String> violations(LoggedRequest request) {
        var violations = new ArrayList<String>();
        validator.validateRequest(toValidatorRequest(request)).getMessages().stream()
                .filter(message -> message.getLevel() == ValidationReport.Level.ERROR)
                .forEach(message -> violations.add(message.getKey() + ": " + message.getMessage()));
        if (isMultipart(request)) {
            violations.addAll(multipartViolations(request));
        }
        return violations;
    }

    private static Request toValidatorRequest(LoggedRequest logged) {
        var uri = URI.create(logged.getUrl());
        var request = new SimpleRequest.Builder(logged.getMethod().getName(), uri.getRawPath());
        logged.getQueryParams().forEach((name, values) -> request.withQueryParam(name, values.values()));
        logged.getHeaders().all().forEach(header -> request.withHeader(header.key(), header.values()));
        if (logged.getBody() != null && logged.getBody().length > 0) {
            request.withBody(logged.getBody());
        }
        return request.build();
    }

    private static boolean isMultipart(LoggedRequest request) {
        var contentType = request.getHeader("Content-Type");
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
    }

    private List<String> multipartViolations(LoggedRequest request) {
        var path = URI.create(request.getUrl()).getRawPath();
        var schema = formSchema(request.getMethod().getName(), path);
        if (schema.isEmpty()) {
            return List.of("multipart/form-data is not a documented body here");
        }
        var properties = schema.get().getProperties() == null ? Map.<String, Schema>of() : schema.get().getProperties();
        var undocumented = UNDOCUMENTED_BUT_READ.entrySet().stream()
                .filter(entry -> entry.getKey().matcher(path).matches())
                .flatMap(entry -> entry.getValue().stream())
                .toList();
        var violations = new ArrayList<String>();
        var names = new ArrayList<String>();
        for (var part : request.getParts()) {
            var name = part.getName();
            names.add(name);
            Schema<?> property = properties.get(name);
            if (property == null) {
                if (!undocumented.contains(name)) {
                    violations.add("form part '" + name + "' is not in the spec");
                }
                continue;
            }
            var file = part.getFileName() != null;
            var fileExpected = "binary".equals(property.getFormat())
                    || property.getItems() != null && "binary".equals(property.getItems().getFormat());
            if (file != fileExpected) {
                violations.add("form part '" + name + "' must " + (fileExpected ? "" : "not ") + "be a file");
                continue;
            }
            if (file) {
                continue;
            }
            var value = new String(part.getBody().asBytes(), StandardCharsets.UTF_8);
            if (property.getEnum() != null && !property.getEnum().stream().map(String::valueOf).toList().contains(value)) {
                violations.add("form part '" + name + "' is '" + value + "', not one of " + property.getEnum());
            }
            if (typeOf(property).equals("boolean") && !value.equals("true") && !value.equals("false")) {
                violations.add("form part '" + name + "' is '" + value + "', not a boolean");
            }
        }
        if (schema.get().getRequired() != null) {
            schema.get().getRequired().stream()
                    .filter(required -> !names.contains(required))
                    .forEach(required -> violations.add("required form part '" + required + "' is missing"));
        }
        return violations;
    }

    private static String typeOf(Schema<?> schema) {
        if (schema.getType() != null) {
            return schema.getType();
        }
        return schema.getTypes() == null || schema.getTypes().isEmpty() ? "" : schema.getTypes().iterator().next();
    }

    private Optional<Schema<?>> formSchema(String method, String path) {
        for (var entry : api.getPaths().entrySet()) {
            var template = Pattern.compile(entry.getKey().replaceAll("\\{[^}]+}", "[^/]+"));
            if (!template.matcher(path).matches()) {
                continue;
            }
            Operation operation = entry.getValue().readOperationsMap().get(PathItem.HttpMethod.valueOf(method));
            if (operation == null || operation.getRequestBody() == null
                    || operation.getRequestBody().getContent() == null) {
                return Optional.empty();
            }
            var form = operation.getRequestBody().getContent().get("multipart/form-data");
            return form == null ? Optional.empty() : Optional.ofNullable(form.getSchema());
        }
        return Optional.empty();
    }

    private static String readSpec() {
        var json = JsonMapper.builder().build();
        var published = (ObjectNode) json.readTree(resource(SPEC));
        for (var derived : DERIVED) {
            merge(published, json.readTree(resource(derived)), derived);
        }
        dropChannelDiscriminators(published);
        return json.writeValueAsString(published);
    }

    /**
     * The inbox payloads choose their {@code channel} by a discriminator on {@code type}, which the validator's JSON
     * Schema engine refuses ("'discriminator' field 'type' must be defined as a string property") and then validates
     * nothing. Without it the {@code oneOf} still holds: each alternative's {@code type} is a one-value enum, so
     * exactly the named channel's schema must match.
     */
    private static void dropChannelDiscriminators(ObjectNode published) {
        var schemas = published.path("components").path("schemas");
        for (var name : List.of("inbox_create_payload", "inbox_update_payload")) {
            var channel = schemas.path(name).path("properties").path("channel");
            if (channel instanceof ObjectNode node && node.has("oneOf")) {
                node.remove("discriminator");
            }
        }
    }

    /** Adds the derived document's operations to the published one; a new path comes with its parameters. */
    static void merge(ObjectNode published, JsonNode derived, String name) {
        var paths = (ObjectNode) published.get("paths");
        for (var path : derived.get("paths").properties()) {
            var known = paths.get(path.getKey());
            if (known == null) {
                paths.set(path.getKey(), path.getValue());
                continue;
            }
            for (var operation : path.getValue().properties()) {
                if (!METHODS.contains(operation.getKey())) {
                    continue;
                }
                if (known.has(operation.getKey())) {
                    throw new IllegalStateException("Chatwoot's published spec now documents "
                            + operation.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey() + ": drop it from "
                            + name);
                }
                ((ObjectNode) known).set(operation.getKey(), operation.getValue());
            }
        }
    }

    private static String resource(String name) {
        try (var spec = ChatwootContract.class.getResourceAsStream(name)) {
            if (spec == null) {
                throw new IllegalStateException(name + " is missing from the test resources");
            }
            return new String(spec.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }
}
