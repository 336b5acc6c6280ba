package com.whatpro.hub.providers;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The kinds of WhatsApp provider the hub talks to. */
public enum ProviderType {

    EVOLUTION("evolution"),
    UAZAPI("uazapi"),
    CLOUD_API("cloud_api");

    private final String jsonName;

    ProviderType(String jsonName) {
        this.jsonName = jsonName;
    }

    /** The name in JSON and in URLs: {@code evolution}, {@code uazapi} or {@code cloud_api}. */
    @JsonValue
    public String jsonName() {
        return jsonName;
    }

    /** @throws IllegalArgumentException naming the valid values when {@code name} is none of them */
    @JsonCreator
    public static ProviderType fromJson(String name) {
        return Arrays.stream(values())
                .filter(type -> type.jsonName.equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown provider type '" + name + "', expected one of "
                        + Arrays.stream(values()).map(ProviderType::jsonName).collect(Collectors.joining(", "))));
    }
}
