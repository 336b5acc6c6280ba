package com.whatpro.hub.platform.web;

import java.util.List;
import java.util.function.Function;

import com.whatpro.hub.platform.ApiProblem;

import org.jspecify.annotations.Nullable;

/** Lists as {@code {items, next_cursor}} with {@code limit} 1..200 (default 50). */
public final class Paging {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    private Paging() {
    }

    public record Page<T>(List<T> items, @Nullable String nextCursor) {
    }

    public static int limit(@Nullable Integer requested) {
        if (requested == null) {
            return DEFAULT_LIMIT;
        }
        if (requested < 1 || requested > MAX_LIMIT) {
            throw ApiProblem.invalid("limit", "must be between 1 and " + MAX_LIMIT);
        }
        return requested;
    }

    /** A cursor that is a row's sequence number (as {@link #of} was given it), or {@code absent} without one. */
    public static long sequenceCursor(@Nullable String cursor, long absent) {
        if (cursor == null || cursor.isBlank()) {
            return absent;
        }
        try {
            return Long.parseLong(cursor);
        } catch (NumberFormatException e) {
            throw ApiProblem.invalid("cursor", "is not a cursor this API issued");
        }
    }

    /** Call with one more row than the limit; the extra row only tells that a next page exists. */
    public static <T, V> Page<V> of(List<T> rows, int limit, Function<T, V> view, Function<T, String> cursor) {
        var more = rows.size() > limit;
        var items = more ? rows.subList(0, limit) : rows;
        return new Page<>(items.stream().map(view).toList(),
                more && !items.isEmpty() ? cursor.apply(items.getLast()) : null);
    }
}
