package com.whatpro.hub.chatwoot.json;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Chatwoot's JSON: read as trees, so that the many fields the hub does not use never get in the way. */
public final class ChatwootJson {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private ChatwootJson() {
    }

    /** @throws JacksonException when the bytes are not one JSON document */
    public static JsonNode read(byte[] json) {
        return MAPPER.readTree(json);
    }

    public static byte[] write(Object value) {
        return MAPPER.writeValueAsBytes(value);
    }

    /** A JSON object from key-value pairs, leaving out the null values, in the order given. */
    public static Map<String, Object> object(@Nullable Object... keysAndValues) {
        var object = new LinkedHashMap<String, Object>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            var value = keysAndValues[i + 1];
            if (value != null) {
                object.put((String) keysAndValues[i], value);
            }
        }
        return object;
    }
}
