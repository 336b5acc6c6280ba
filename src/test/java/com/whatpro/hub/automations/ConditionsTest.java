package com.whatpro.hub.automations;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.kanban.AutomatedCards.CardFacts;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.json.JsonMapper;

class ConditionsTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    static CardFacts card(Long amount, String currency, List<String> labels) {
        return new CardFacts(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), "In progress", "ACME renewal",
                null, "+5511955550000", List.of(7L), amount, currency, "high", null, labels,
                Map.of("source", "fair", "seats", 12), false);
    }

    static Rule.Condition condition(String field, String op, Object value) {
        return new Rule.Condition(field, op, value == null ? null : JSON.valueToTree(value));
    }

    @Test
    void textsFillWhatTheCardHasAndLeaveTheRestEmpty() {
        var text = "Olá {{contact.name}}, {{card.title}} is in {{stage.name}} at {{card.amount}}{{card.secret}}.";

        assertThat(Conditions.fill(text, card(123_456L, "BRL", List.of()), null))
                .isEqualTo("Olá , ACME renewal is in In progress at R$ 1.234,56.");
        assertThat(Conditions.fill(text, null, "Maria")).isEqualTo("Olá Maria,  is in  at .");
        assertThat(Conditions.fill("{{card.amount}}", card(99_00L, "USD", List.of()), null)).isEqualTo("$99.00");
        assertThat(Conditions.fill("{{card.amount}}", card(500L, null, List.of()), null)).isEqualTo("5.00");
        assertThat(Conditions.fill("$1 {{contact.name}}", null, "a$b\\c")).isEqualTo("$1 a$b\\c");
    }

    @Test
    void everyConditionMustHold() {
        var card = card(250_000L, "BRL", List.of("vip", "inbound"));

        assertThat(Conditions.hold(List.of(condition("amount_minor", "gt", 100_000),
                condition("labels", "contains", "vip"), condition("priority", "in", List.of("high", "urgent")),
                condition("custom_fields.seats", "eq", 12), condition("contact.phone", "exists", null),
                condition("assignee_id", "ne", UUID.randomUUID().toString())), card)).isTrue();
        assertThat(Conditions.hold(List.of(condition("amount_minor", "lt", 100_000)), card)).isFalse();
        assertThat(Conditions.hold(List.of(condition("assignee_id", "exists", null)), card)).isFalse();
        assertThat(Conditions.hold(List.of(condition("custom_fields.source", "contains", "FAI")), card)).isTrue();
        assertThat(Conditions.hold(List.of(condition("amount_minor", "gt", "not a number")), card)).isFalse();
        assertThat(Conditions.hold(List.of(), null)).isTrue();
    }
}
