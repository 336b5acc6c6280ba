package com.whatpro.hub.providers.adapters;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** The text that stands in for a kind of message a Chatwoot conversation cannot show as such. */
final class Descriptions {

    private Descriptions() {
    }

    /** {@code [kind] detail}, or {@code [kind]} without detail. */
    static String of(String kind, @Nullable String detail) {
        return detail == null || detail.isBlank() ? "[" + kind + "]" : "[" + kind + "] " + detail.strip();
    }

    /** {@code [location] lat,lng name - address}. */
    static String location(@Nullable String latitude, @Nullable String longitude, @Nullable String name,
            @Nullable String address) {
        String place = Stream.of(name, address).filter(Objects::nonNull).collect(Collectors.joining(" - "));
        String point = latitude == null || longitude == null ? null : latitude + "," + longitude;
        return of("location", Stream.of(point, place.isEmpty() ? null : place)
                .filter(Objects::nonNull).collect(Collectors.joining(" ")));
    }

    static String contacts(List<String> contacts) {
        return of("contact", String.join("; ", contacts));
    }

    static String reaction(@Nullable String emoji) {
        return emoji == null ? "[reaction removed]" : of("reaction", emoji);
    }
}
