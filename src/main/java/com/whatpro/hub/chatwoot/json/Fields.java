package com.whatpro.hub.chatwoot.json;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/** Reads fields of Chatwoot's JSON; absent, null and empty values all read as absent. */
public final class Fields {

    private Fields() {
    }

    public static long requiredLong(JsonNode node, String field) {
        var value = optionalLong(node, field);
        if (value == null) {
            throw new UnexpectedJson("no numeric '" + field + "'");
        }
        return value;
    }

    public static @Nullable Long optionalLong(JsonNode node, String field) {
        var value = node.get(field);
        if (value == null) {
            return null;
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        if (value.isString() && value.stringValue().matches("-?[0-9]{1,18}")) {
            return Long.parseLong(value.stringValue());
        }
        return null;
    }

    public static String requiredText(JsonNode node, String field) {
        var value = optionalText(node, field);
        if (value == null) {
            throw new UnexpectedJson("no text '" + field + "'");
        }
        return value;
    }

    /** A scalar as text; NUL characters are dropped, since PostgreSQL can store them in no text or JSON value. */
    public static @Nullable String optionalText(JsonNode node, String field) {
        var value = node.get(field);
        if (value == null || !value.isValueNode() || value.isNull()) {
            return null;
        }
        var text = value.asString();
        if (text.indexOf(0) >= 0) {
            text = text.replace("\0", "");
        }
        return text.isBlank() ? null : text;
    }

    /** {@code true} or {@code "true"}; anything else (an object or array too) is false. */
    public static boolean flag(JsonNode node, String field) {
        var value = node.get(field);
        return value != null && (value.isBoolean() ? value.booleanValue()
                : value.isString() && "true".equals(value.stringValue()));
    }

    /** The object under the field, or a missing node that reads as empty. */
    public static JsonNode object(JsonNode node, String field) {
        var value = node.path(field);
        return value.isObject() ? value : MissingNode.getInstance();
    }

    /** The elements of the array under the field; none when it is absent or not an array. */
    public static List<JsonNode> elements(JsonNode node, String field) {
        var value = node.get(field);
        var elements = new ArrayList<JsonNode>();
        if (value != null && value.isArray()) {
            value.forEach(elements::add);
        }
        return elements;
    }

    public static List<String> texts(JsonNode node, String field) {
        return elements(node, field).stream()
                .filter(JsonNode::isString)
                .map(text -> text.stringValue().replace("\0", ""))
                .toList();
    }
}
