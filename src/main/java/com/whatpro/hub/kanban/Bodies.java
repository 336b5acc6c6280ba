package com.whatpro.hub.kanban;

import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.whatpro.hub.platform.ApiProblem;

import jakarta.validation.Validator;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a PATCH body as both a typed, validated record and the set of fields it names, so that
 * {@code "due_at": null} (clear it) differs from leaving {@code due_at} out (keep it).
 */
@Component
class Bodies {

    private final JsonMapper json;
    private final Validator validator;

    Bodies(JsonMapper json, Validator validator) {
        this.json = json;
        this.validator = validator;
    }

    record Parsed<T>(T value, Set<String> present) {
    }

    <T> Parsed<T> read(JsonNode body, Class<T> type) {
        if (body == null || !body.isObject()) {
            throw ApiProblem.badRequest("The request body must be a JSON object.");
        }
        T value;
        try {
            value = json.treeToValue(body, type);
        } catch (DatabindException e) {
            var field = new StringBuilder();
            for (var reference : e.getPath()) {
                if (reference.getPropertyName() != null) {
                    field.append(field.isEmpty() ? "" : ".").append(reference.getPropertyName());
                } else if (reference.getIndex() >= 0) {
                    field.append('[').append(reference.getIndex()).append(']');
                }
            }
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "validation", "Bad Request",
                    "The request body does not match the expected fields and types.",
                    field.isEmpty() ? java.util.List.of() : java.util.List.of(
                            new ApiProblem.FieldError(field.toString(), "has the wrong type or format")), Map.of());
        } catch (JacksonException e) {
            throw ApiProblem.badRequest("The request body does not match the expected fields and types.");
        }
        var violations = validator.validate(value);
        if (!violations.isEmpty()) {
            var errors = new ArrayList<ApiProblem.FieldError>();
            violations.stream()
                    .sorted(java.util.Comparator.comparing(v -> v.getPropertyPath().toString()))
                    .forEach(v -> errors.add(new ApiProblem.FieldError(snake(v.getPropertyPath().toString()), v.getMessage())));
            throw new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, "validation", "Invalid input",
                    "The request has invalid fields.", errors, Map.of());
        }
        var present = new TreeSet<String>();
        body.propertyNames().forEach(present::add);
        return new Parsed<>(value, Set.copyOf(present));
    }

    static String snake(String path) {
        var out = new StringBuilder(path.length() + 4);
        for (var i = 0; i < path.length(); i++) {
            var c = path.charAt(i);
            if (Character.isUpperCase(c)) {
                out.append('_').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
