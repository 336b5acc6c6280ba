package com.whatpro.hub.kanban;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A card search ({@code q=}): its words (runs of letters and digits, lower-cased, eight at most), each of which must
 * start a word of the card's title, contact name or phone, or else its digits (four or more, all of the search's
 * digits in order) being part of the contact's phone. PostgreSQL turns the words into lexemes
 * ({@code to_tsvector('simple')}), for the search as for the terms of the cards (migration
 * {@code kanban_search_terms}), so both sides read words alike; accents are kept, as written.
 */
record SearchTerms(List<String> words, String digits) {

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
    private static final int MAX_WORDS = 8;

    /** The search of {@code q}, or none when {@code q} has no word (then the cards are not filtered). */
    static Optional<SearchTerms> of(@Nullable String q) {
        if (q == null) {
            return Optional.empty();
        }
        var words = WORD.matcher(q).results().map(m -> m.group().toLowerCase()).limit(MAX_WORDS).toList();
        return words.isEmpty() ? Optional.empty() : Optional.of(new SearchTerms(words, q.replaceAll("\\D", "")));
    }

    boolean byPhone() {
        return digits.length() >= 4;
    }

    /** Whether card {@code c} matches: the exact condition, whatever found the card. */
    String condition() {
        return byPhone()
                ? "(c.search @@ to_tsquery('simple', :tsquery)"
                        + " or regexp_replace(coalesce(c.contact_phone, ''), '\\D', '', 'g') like :digits)"
                : "c.search @@ to_tsquery('simple', :tsquery)";
    }

    Map<String, Object> parameters() {
        var tsquery = String.join(" & ", words.stream().map(word -> word + ":*").toList());
        return byPhone() ? Map.of("tsquery", tsquery, "digits", "%" + digits + "%") : Map.of("tsquery", tsquery);
    }
}
