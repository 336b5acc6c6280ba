package com.whatpro.hub.automations;

import java.math.BigDecimal;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

import com.whatpro.hub.kanban.AutomatedCards.CardFacts;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;

/** Whether a card meets a rule's conditions (all of them), and the texts a rule writes about it. */
final class Conditions {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([a-z_.]+)\\s*}}");

    private Conditions() {
    }

    /** All conditions hold; a rule without conditions always holds. Without a card, only {@code exists} can fail. */
    static boolean hold(List<Rule.Condition> conditions, @Nullable CardFacts card) {
        for (var condition : conditions) {
            if (!holds(condition, card == null ? List.of() : values(condition.field(), card))) {
                return false;
            }
        }
        return true;
    }

    /** The card's values of a field: none when unset, several for labels. */
    private static List<Object> values(String field, CardFacts card) {
        Object value = switch (field) {
            case "board_id" -> card.boardId().toString();
            case "stage_id" -> card.stageId().toString();
            case "priority" -> card.priority();
            case "amount_minor" -> card.amountMinor();
            case "assignee_id" -> card.assigneeId() == null ? null : card.assigneeId().toString();
            case "contact.phone" -> card.contactPhone();
            case "labels" -> card.labels();
            default -> field.startsWith("custom_fields.") ? card.customFields().get(field.substring(14)) : null;
        };
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            return new ArrayList<>(list.stream().filter(Objects::nonNull).map(Object.class::cast).toList());
        }
        return List.of(value);
    }

    private static boolean holds(Rule.Condition condition, List<Object> values) {
        var expected = condition.value();
        return switch (condition.op()) {
            case "exists" -> !values.isEmpty();
            case "eq" -> values.stream().anyMatch(value -> same(value, expected));
            case "ne" -> values.stream().noneMatch(value -> same(value, expected));
            case "in" -> expected != null && values.stream()
                    .anyMatch(value -> expected.valueStream().anyMatch(option -> same(value, option)));
            case "contains" -> expected != null && values.stream().anyMatch(value -> value instanceof String text
                    ? text.toLowerCase(Locale.ROOT).contains(expected.asString().toLowerCase(Locale.ROOT))
                    : same(value, expected));
            case "gt" -> values.stream().anyMatch(value -> compare(value, expected) > 0);
            case "lt" -> values.stream().anyMatch(value -> compare(value, expected) < 0);
            default -> false;
        };
    }

    private static boolean same(Object value, @Nullable JsonNode expected) {
        if (expected == null || expected.isNull()) {
            return false;
        }
        if (expected.isNumber() || value instanceof Number) {
            return compare(value, expected) == 0;
        }
        if (expected.isBoolean()) {
            return value instanceof Boolean flag && flag == expected.asBoolean();
        }
        return expected.asString().equals(String.valueOf(value));
    }

    /** Numbers by value; anything else, or what is not a number, compares as unordered (never gt or lt). */
    private static int compare(Object value, @Nullable JsonNode expected) {
        if (expected == null) {
            return Integer.MIN_VALUE;
        }
        try {
            var left = new BigDecimal(String.valueOf(value));
            var right = expected.isNumber() ? expected.decimalValue() : new BigDecimal(expected.asString());
            return left.compareTo(right);
        } catch (NumberFormatException e) {
            return Integer.MIN_VALUE;
        }
    }

    /**
     * Fills {@code {{contact.name}}}, {@code {{card.title}}}, {@code {{stage.name}}} and {@code {{card.amount}}};
     * a value that is missing, and a placeholder that is unknown, become empty.
     */
    static String fill(String text, @Nullable CardFacts card, @Nullable String contactName) {
        var matcher = PLACEHOLDER.matcher(text);
        var out = new StringBuilder();
        while (matcher.find()) {
            var value = switch (matcher.group(1)) {
                case "contact.name" -> card != null && card.contactName() != null ? card.contactName() : contactName;
                case "card.title" -> card == null ? null : card.title();
                case "stage.name" -> card == null ? null : card.stageName();
                case "card.amount" -> card == null ? null : amount(card.amountMinor(), card.currency());
                default -> null;
            };
            matcher.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(value == null ? "" : value));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** 123456 BRL as "R$ 1.234,56"; without a currency, the plain number with two decimals. */
    static @Nullable String amount(@Nullable Long minor, @Nullable String currency) {
        if (minor == null) {
            return null;
        }
        Currency unit;
        try {
            unit = currency == null ? null : Currency.getInstance(currency);
        } catch (IllegalArgumentException e) {
            unit = null;
        }
        var digits = unit == null || unit.getDefaultFractionDigits() < 0 ? 2 : unit.getDefaultFractionDigits();
        var value = BigDecimal.valueOf(minor, digits);
        if (unit == null) {
            return value.toPlainString();
        }
        var format = NumberFormat.getCurrencyInstance("BRL".equals(unit.getCurrencyCode())
                ? Locale.forLanguageTag("pt-BR") : Locale.US);
        format.setCurrency(unit);
        return format.format(value).replace('\u00a0', ' ');
    }
}
