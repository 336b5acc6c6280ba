package com.whatpro.hub.platform.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import com.whatpro.hub.platform.security.Public;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.tags.Tag;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;

/**
 * Completes the OpenAPI document for client generators and linters: every operation gets a stable operationId
 * ({@code <controller><Method>}, e.g. {@code boardsList}), its module's tag when its controller names none, and the
 * error answers it can give as RFC 9457 problems ({@code application/problem+json}), derived from what it takes:
 * credentials (401, 403), path ids (404), parameters or a body (400), a JSON body (413, 415, 422), If-Match (412)
 * and the rate limits of /api (429). Routes marked {@link Public} and those outside /api need no credential.
 */
@Component
class OpenApiProblems implements OperationCustomizer, OpenApiCustomizer {

    static final String PROBLEM = "application/problem+json";
    private static final String PROBLEM_REF = "#/components/schemas/Problem";

    /** The module tags, described; controllers may name finer tags of their own (described by their module's). */
    private static final Map<String, String> MODULES = Map.of(
            "accounts", "Accounts",
            "audit", "Audit",
            "chatwoot", "Chatwoot",
            "gateway", "Gateway",
            "identity", "Identity",
            "kanban", "Kanban",
            "platform", "Service",
            "providers", "Providers",
            "teams", "Teams",
            "webapp", "Web app");

    private static final Map<String, String> ERRORS = errors();

    private static Map<String, String> errors() {
        var errors = new LinkedHashMap<String, String>();
        errors.put("400", "The request does not parse: a parameter or the body has the wrong format");
        errors.put("401", "No valid credential: sign in, or send an API key");
        errors.put("403", "The credential may not do this (role, scope or account)");
        errors.put("404", "No such resource in this account (another tenant's ids answer the same)");
        errors.put("409", "The change conflicts with the current state");
        errors.put("412", "If-Match names an older version; reload and try again");
        errors.put("413", "The body is larger than WHATPRO_MAX_BODY_SIZE");
        errors.put("415", "The body is not JSON");
        errors.put("422", "The body has invalid fields; errors names each");
        errors.put("429", "A rate limit is used up; Retry-After says when to try again");
        return errors;
    }

    @Override
    public Operation customize(Operation operation, HandlerMethod handler) {
        var annotation = AnnotatedElementUtils.findMergedAnnotation(handler.getMethod(),
                io.swagger.v3.oas.annotations.Operation.class);
        if (annotation == null || annotation.operationId().isBlank()) {
            operation.setOperationId(operationId(handler));
        }
        var tags = operation.getTags();
        if (tags == null || tags.isEmpty() || tags.stream().allMatch(tag -> tag.endsWith("-controller"))) {
            operation.setTags(List.of(moduleTag(handler.getBeanType())));
        }
        if (AnnotatedElementUtils.hasAnnotation(handler.getMethod(), Public.class)
                || AnnotatedElementUtils.hasAnnotation(handler.getBeanType(), Public.class)) {
            operation.setSecurity(List.of());
        }
        return operation;
    }

    /** {@code BoardsController.list} → {@code boardsList}: unique while controller and method names are. */
    static String operationId(HandlerMethod handler) {
        var controller = handler.getBeanType().getSimpleName().replaceFirst("Controller$", "");
        var method = handler.getMethod().getName();
        return Character.toLowerCase(controller.charAt(0)) + controller.substring(1)
                + Character.toUpperCase(method.charAt(0)) + method.substring(1);
    }

    private static String moduleTag(Class<?> type) {
        var module = type.getPackageName().replaceFirst("^com\\.whatpro\\.hub\\.", "").split("\\.")[0];
        return MODULES.getOrDefault(module, "Service");
    }

    @Override
    public void customise(OpenAPI openApi) {
        // no licence file grants any rights to this code yet
        openApi.getInfo().license(new License().name("Proprietary"));
        openApi.getComponents().addSchemas("Problem", problemSchema());
        var used = new TreeSet<String>();
        if (openApi.getPaths() != null) {
            openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
                if (!path.startsWith("/api/")) {
                    operation.setSecurity(List.of());
                }
                addProblems(path, operation);
                if (operation.getTags() != null) {
                    used.addAll(operation.getTags());
                }
            }));
        }
        var declared = new TreeSet<String>();
        if (openApi.getTags() != null) {
            openApi.getTags().forEach(tag -> declared.add(tag.getName()));
        }
        for (var name : used) {
            if (!declared.contains(name)) {
                openApi.addTagsItem(new Tag().name(name).description(describe(name)));
            }
        }
    }

    private static String describe(String tag) {
        return switch (tag) {
            case "Accounts" -> "Tenants: accounts, their plans, limits and features";
            case "Audit" -> "The account's audit log";
            case "Chatwoot" -> "The account's Chatwoot connection and sync";
            case "Gateway" -> "The message queue between WhatsApp and Chatwoot: dead letters";
            case "Messages" -> "WhatsApp messages sent and received";
            case "Webhooks" -> "Where providers and Chatwoot deliver their events";
            case "Identity", "Auth" -> "Sign-in, sessions and the signed-in user";
            case "Users" -> "An account's members and their roles";
            case "API keys" -> "An account's API keys";
            case "Kanban", "Kanban boards" -> "Boards, stages and their live events";
            case "Kanban cards" -> "Cards, their moves, history and checklists";
            case "Providers" -> "WhatsApp numbers (Evolution API, uazapi, Cloud API)";
            case "Teams" -> "An account's teams";
            case "Service" -> "Health of this node";
            default -> tag;
        };
    }

    private static void addProblems(String path, Operation operation) {
        var responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        var secured = operation.getSecurity() == null || !operation.getSecurity().isEmpty();
        var parameters = operation.getParameters() == null ? List.<io.swagger.v3.oas.models.parameters.Parameter>of()
                : operation.getParameters();
        var hasBody = operation.getRequestBody() != null;
        var codes = new TreeSet<String>();
        if (hasBody || !parameters.isEmpty()) {
            codes.add("400");
        }
        if (secured) {
            codes.add("401");
            codes.add("403");
        }
        if (path.contains("{")) {
            codes.add("404");
        }
        if (hasBody) {
            codes.addAll(List.of("413", "415", "422"));
        }
        if (parameters.stream().anyMatch(parameter -> "If-Match".equalsIgnoreCase(parameter.getName()))) {
            codes.add("412");
        }
        if (path.startsWith("/api/")) {
            codes.add("429");
        }
        for (var code : codes) {
            var existing = responses.get(code);
            if (existing == null) {
                responses.addApiResponse(code, new ApiResponse().description(ERRORS.get(code)).content(problem()));
            } else if (existing.getContent() == null || !existing.getContent().containsKey(PROBLEM)) {
                existing.content(problem());
            }
        }
        responses.forEach((code, response) -> {
            if (code.startsWith("4") && (response.getContent() == null || !response.getContent().containsKey(PROBLEM))) {
                response.content(problem());
            }
        });
        operation.setResponses(responses);
    }

    private static Content problem() {
        return new Content().addMediaType(PROBLEM, new MediaType().schema(new Schema<>().$ref(PROBLEM_REF)));
    }

    @SuppressWarnings("rawtypes")
    private static Schema problemSchema() {
        return new ObjectSchema()
                .description("An RFC 9457 problem: what went wrong, for people (title, detail) and programs (type, "
                        + "status); a 422 adds errors, one per invalid field")
                .addProperty("type", new StringSchema().format("uri"))
                .addProperty("title", new StringSchema())
                .addProperty("status", new IntegerSchema())
                .addProperty("detail", new StringSchema())
                .addProperty("instance", new StringSchema())
                .addProperty("errors", new io.swagger.v3.oas.models.media.ArraySchema().items(new ObjectSchema()
                        .addProperty("field", new StringSchema()).addProperty("message", new StringSchema())))
                .additionalProperties(true);
    }
}
