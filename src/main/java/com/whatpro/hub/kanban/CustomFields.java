package com.whatpro.hub.kanban;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.whatpro.hub.platform.ApiProblem;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;

/**
 * Custom fields of cards. Without definitions a board takes any JSON object (within a size
 * limit); with them, each key must be defined, each value must have the defined type, and
 * required fields must be present.
 */
final class CustomFields {

    static final List<String> TYPES = List.of("text", "number", "boolean", "date", "select");
    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_]{0,49}");
    private static final int MAX_TEXT = 2_000;
    static final int MAX_JSON = 16_384;

    private CustomFields() {
    }

    /** Checks a board's definitions; returns them as given. */
    static List<Boards.FieldDefinition> checkDefinitions(List<Boards.FieldDefinition> definitions) {
        var errors = new ArrayList<ApiProblem.FieldError>();
        var keys = new HashSet<String>();
        if (definitions.size() > 100) {
            errors.add(new ApiProblem.FieldError("field_definitions", "at most 100 fields"));
        }
        for (var i = 0; i < definitions.size(); i++) {
            var definition = definitions.get(i);
            var at = "field_definitions[" + i + "]";
            if (definition.key() == null || !KEY.matcher(definition.key()).matches()) {
                errors.add(new ApiProblem.FieldError(at + ".key", "must be lower_snake_case, 1 to 50 characters"));
            } else if (!keys.add(definition.key())) {
                errors.add(new ApiProblem.FieldError(at + ".key", "is defined twice"));
            }
            if (definition.type() == null || !TYPES.contains(definition.type())) {
                errors.add(new ApiProblem.FieldError(at + ".type", "must be one of " + TYPES));
            }
            if ("select".equals(definition.type()) && definition.options().isEmpty()) {
                errors.add(new ApiProblem.FieldError(at + ".options", "a select field needs options"));
            }
            if (definition.label() != null && definition.label().length() > 200) {
                errors.add(new ApiProblem.FieldError(at + ".label", "at most 200 characters"));
            }
        }
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
        return definitions;
    }

    /** Checks a card's complete custom fields against the board's definitions. */
    static void check(List<Boards.FieldDefinition> definitions, Map<String, @Nullable Object> values, int jsonLength) {
        var errors = new ArrayList<ApiProblem.FieldError>();
        if (jsonLength > MAX_JSON) {
            errors.add(new ApiProblem.FieldError("custom_fields", "at most " + MAX_JSON + " bytes of JSON"));
        }
        if (!definitions.isEmpty()) {
            var known = new HashSet<String>();
            for (var definition : definitions) {
                known.add(definition.key());
                var value = values.get(definition.key());
                var at = "custom_fields." + definition.key();
                if (value == null) {
                    if (definition.required()) {
                        errors.add(new ApiProblem.FieldError(at, "is required"));
                    }
                    continue;
                }
                var problem = typeProblem(definition, value);
                if (problem != null) {
                    errors.add(new ApiProblem.FieldError(at, problem));
                }
            }
            values.keySet().stream().filter(key -> !known.contains(key)).sorted()
                    .forEach(key -> errors.add(new ApiProblem.FieldError("custom_fields." + key,
                            "is not a field of this board")));
        }
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
    }

    private static @Nullable String typeProblem(Boards.FieldDefinition definition, Object value) {
        return switch (definition.type()) {
            case "text" -> value instanceof String text
                    ? (text.length() > MAX_TEXT ? "at most " + MAX_TEXT + " characters" : null) : "must be text";
            case "number" -> value instanceof Number ? null : "must be a number";
            case "boolean" -> value instanceof Boolean ? null : "must be true or false";
            case "date" -> value instanceof String text && isDate(text) ? null
                    : "must be a date (2026-11-23) or a date-time (2026-11-23T10:00:00Z)";
            case "select" -> value instanceof String text && definition.options().contains(text) ? null
                    : "must be one of " + definition.options();
            default -> "has an unknown type";
        };
    }

    private static boolean isDate(String text) {
        try {
            LocalDate.parse(text);
            return true;
        } catch (DateTimeParseException e) {
            try {
                OffsetDateTime.parse(text);
                return true;
            } catch (DateTimeParseException again) {
                return false;
            }
        }
    }

    private static ApiProblem invalid(List<ApiProblem.FieldError> errors) {
        return new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, "validation", "Invalid input",
                "The request has invalid fields.", errors, Map.of());
    }
}
