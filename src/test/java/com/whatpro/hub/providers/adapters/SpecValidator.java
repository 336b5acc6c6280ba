package com.whatpro.hub.providers.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Checks requests the adapters sent (as logged by WireMock) against a provider's published OpenAPI document, using
 * swagger-request-validator. The spec files under {@code src/test/resources/specs/} are unmodified copies; where a
 * spec or the validator is at fault, the workaround is made on the loaded model and explained where it is made.
 */
public final class SpecValidator {

    private final OpenApiInteractionValidator validator;
    private final OpenAPI api;
    private final Function<OpenAPI, OpenApiInteractionValidator> build;
    private final Map<String, OpenApiInteractionValidator> byOperation = new ConcurrentHashMap<>();

    private SpecValidator(OpenAPI api, Function<OpenAPI, OpenApiInteractionValidator> build) {
        this.api = api;
        this.build = build;
        this.validator = build.apply(api);
    }

    /** uazapi's DERIVED document (uazapi.openapi.fixed.yaml). */
    public static SpecValidator uazapi() {
        // Known defect of the document: GET /sse declares no responses, which OpenAPI requires. It concerns an
        // endpoint we do not call; every other parse message would fail here.
        OpenAPI api = load("/specs/uazapi.openapi.fixed.yaml", Set.of("attribute paths.'/sse'(get).responses is missing"));
        // Defect: POST /instance/connect requires phone, while its own description says that without phone the
        // instance connects by QR code (with it, by pairing code). The hub asks for a QR code without phone.
        var connect = api.getPaths().get("/instance/connect").getPost().getRequestBody().getContent()
                .get("application/json").getSchema();
        connect.setRequired(null);
        return new SpecValidator(api, model -> OpenApiInteractionValidator.createFor(model).build());
    }

    /** Meta's business-messaging-api_v23.0.openapi.yaml. */
    public static SpecValidator cloudApi() {
        // Known defect: a non-standard top-level "components.parameterGroups" map; nothing refers to it.
        OpenAPI api = load("/specs/meta-cloud-api/business-messaging-api_v23.0.openapi.yaml",
                Set.of("attribute components.parameterGroups is unexpected"));
        // Defect: every message type is written allOf[BaseMessageProperties, {additionalProperties: false, ...}].
        // In JSON Schema the second part then forbids messaging_product, to and recipient_type, so no request can
        // pass, including Meta's own examples. Merging each allOf into one object schema (what the authors meant)
        // keeps additionalProperties: false meaningful for the merged set of properties.
        mergeAllOf(api);
        return new SpecValidator(api, model -> OpenApiInteractionValidator.createFor(model)
                // Defect: MediaObject declares only id and link, while Meta's own request examples (and its docs)
                // put caption and filename in it. The validator closes every schema that leaves
                // additionalProperties open; ignoring "validation.schema.additionalProperties" turns off only that
                // injection. Schemas that close themselves, like the merged message types, still reject unknown keys.
                .withLevelResolver(LevelResolver.create()
                        .withLevel("validation.schema.additionalProperties", ValidationReport.Level.IGNORE)
                        .build())
                .build());
    }

    ValidationReport validate(Request request) {
        return validator.validateRequest(request);
    }

    public void assertValid(LoggedRequest logged) {
        ValidationReport report = validate(toRequest(logged));
        assertThat(report.getMessages())
                .as("%s %s against the spec:%n%s", logged.getMethod(), logged.getUrl(), report)
                .filteredOn(message -> message.getLevel() == ValidationReport.Level.ERROR)
                .isEmpty();
    }

    /**
     * Checks the request against the operation it is meant for. Meta's document has many paths of one shape
     * ({@code /{Version}/{Business-ID}}, {@code /{Version}/{Media-ID}}, {@code /{Version}/{Media-URL}}…) and the
     * validator matches a request to the first declared; here it sees only the path of {@code operationId}.
     */
    public void assertValid(LoggedRequest logged, String operationId) {
        ValidationReport report = validate(toRequest(logged), operationId);
        assertThat(report.getMessages())
                .as("%s %s against %s in the spec:%n%s", logged.getMethod(), logged.getUrl(), operationId, report)
                .filteredOn(message -> message.getLevel() == ValidationReport.Level.ERROR)
                .isEmpty();
    }

    ValidationReport validate(Request request, String operationId) {
        return byOperation.computeIfAbsent(operationId, this::onlyOperation).validateRequest(request);
    }

    private OpenApiInteractionValidator onlyOperation(String operationId) {
        var path = api.getPaths().entrySet().stream()
                .filter(entry -> entry.getValue().readOperations().stream()
                        .anyMatch(operation -> operationId.equals(operation.getOperationId())))
                .findFirst().orElseThrow(() -> new AssertionError("no operation " + operationId + " in the spec"));
        var narrowed = new OpenAPI().openapi(api.getOpenapi()).info(api.getInfo()).servers(api.getServers())
                .components(api.getComponents()).security(api.getSecurity())
                .paths(new Paths().addPathItem(path.getKey(), path.getValue()));
        return build.apply(narrowed);
    }

    static Request toRequest(LoggedRequest logged) {
        URI uri = URI.create(logged.getUrl());
        var request = new SimpleRequest.Builder(logged.getMethod().getName(), uri.getRawPath());
        logged.getHeaders().all().forEach(header -> request.withHeader(header.key(), header.values()));
        logged.getQueryParams().forEach((name, parameter) -> request.withQueryParam(name, parameter.values()));
        if (logged.getBody() != null && logged.getBody().length > 0) {
            request.withBody(logged.getBodyAsString());
        }
        return request.build();
    }

    private static OpenAPI load(String resource, Set<String> knownParseMessages) {
        var options = new ParseOptions();
        options.setResolve(true);
        var result = new OpenAPIV3Parser().readLocation(
                Objects.requireNonNull(SpecValidator.class.getResource(resource)).toString(), null, options);
        List<String> messages = result.getMessages() == null ? List.of() : result.getMessages();
        assertThat(messages).as("parse messages of %s", resource).containsExactlyInAnyOrderElementsOf(knownParseMessages);
        OpenAPI api = Objects.requireNonNull(result.getOpenAPI());
        adaptOpenApi31(api);
        return api;
    }

    /**
     * Both documents are OpenAPI 3.1, which swagger-request-validator 2.46 only half supports: it validates types
     * from {@code type}, which the 3.1 parser leaves empty (it fills {@code types}), and it applies only
     * operation-level {@code security}, not the document-wide default. Without this, wrong types and missing
     * credentials would pass unnoticed. Nothing in the specs changes meaning.
     */
    private static void adaptOpenApi31(OpenAPI api) {
        Set<Schema<?>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        if (api.getComponents() != null && api.getComponents().getSchemas() != null) {
            api.getComponents().getSchemas().values().forEach(schema -> typeFromTypes(schema, seen));
        }
        api.getPaths().values().forEach(path -> {
            if (path.getParameters() != null) {
                path.getParameters().forEach(parameter -> typeFromTypes(parameter.getSchema(), seen));
            }
            path.readOperations().forEach(operation -> {
                if (operation.getSecurity() == null && api.getSecurity() != null) {
                    operation.setSecurity(api.getSecurity());
                }
                if (operation.getParameters() != null) {
                    operation.getParameters().forEach(parameter -> typeFromTypes(parameter.getSchema(), seen));
                }
                if (operation.getRequestBody() != null && operation.getRequestBody().getContent() != null) {
                    operation.getRequestBody().getContent().values()
                            .forEach(media -> typeFromTypes(media.getSchema(), seen));
                }
            });
        });
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void typeFromTypes(Schema schema, Set<Schema<?>> seen) {
        if (schema == null || !seen.add(schema)) {
            return;
        }
        if (schema.getType() == null && schema.getTypes() != null) {
            Set<String> types = new LinkedHashSet<>(schema.getTypes());
            if (types.remove("null")) {
                schema.setNullable(true);
            }
            if (types.size() == 1) {
                schema.setType(types.iterator().next());
            }
        }
        if (schema.getProperties() != null) {
            ((Map<String, Schema>) schema.getProperties()).values().forEach(property -> typeFromTypes(property, seen));
        }
        typeFromTypes(schema.getItems(), seen);
        typeFromTypes(schema.getNot(), seen);
        if (schema.getAdditionalProperties() instanceof Schema additional) {
            typeFromTypes(additional, seen);
        }
        for (List<Schema> parts : List.of(nonNull(schema.getAllOf()), nonNull(schema.getAnyOf()),
                nonNull(schema.getOneOf()))) {
            parts.forEach(part -> typeFromTypes(part, seen));
        }
    }

    /** Replaces each component schema {@code allOf[object, object, …]} by one object schema with all their properties. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void mergeAllOf(OpenAPI api) {
        Map<String, Schema> schemas = api.getComponents().getSchemas();
        for (Map.Entry<String, Schema> entry : new ArrayList<>(schemas.entrySet())) {
            Schema schema = entry.getValue();
            if (schema.getAllOf() == null || schema.getOneOf() != null || schema.getAnyOf() != null) {
                continue;
            }
            var properties = new LinkedHashMap<String, Schema>();
            var required = new LinkedHashSet<String>();
            boolean closed = false;
            for (Schema part : (List<Schema>) schema.getAllOf()) {
                Schema resolved = part.get$ref() == null ? part
                        : schemas.get(part.get$ref().substring(part.get$ref().lastIndexOf('/') + 1));
                if (resolved == null || resolved.getProperties() == null) {
                    continue;
                }
                properties.putAll(resolved.getProperties());
                if (resolved.getRequired() != null) {
                    required.addAll(resolved.getRequired());
                }
                closed |= Boolean.FALSE.equals(resolved.getAdditionalProperties());
            }
            Schema merged = new ObjectSchema();
            merged.setProperties(properties);
            merged.setRequired(new ArrayList<>(required));
            merged.setDescription(schema.getDescription());
            if (closed) {
                merged.setAdditionalProperties(false);
            }
            schemas.put(entry.getKey(), merged);
        }
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
