package com.whatpro.hub.automations;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.whatpro.hub.platform.ApiProblem;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a rule is made of, read from its JSON ({@code trigger}, {@code conditions}, {@code actions}) with every
 * shape error named by its field. Whether the stages, users, teams and fields it names exist is checked by
 * {@link RuleCheck} against the account.
 */
record Rule(Trigger trigger, List<Condition> conditions, List<Action> actions) {

    static final Set<String> TRIGGERS = Set.of("card.created", "card.entered_stage", "card.sla_breached", "card.idle",
            "conversation.opened", "message.received");
    static final Set<String> FIELDS = Set.of("board_id", "stage_id", "labels", "priority", "amount_minor",
            "assignee_id", "contact.phone");
    static final Set<String> OPS = Set.of("eq", "ne", "in", "contains", "gt", "lt", "exists");
    static final Set<String> ACTIONS = Set.of("move_card", "assign", "add_label", "remove_label", "set_field",
            "send_whatsapp", "chatwoot_note", "add_checklist", "webhook");
    static final int MAX_CONDITIONS = 20;
    static final int MAX_ACTIONS = 20;
    static final int MAX_TEXT = 4_096;

    record Trigger(String type, @Nullable UUID stageId, @Nullable Double hours, @Nullable String contains) {
    }

    record Condition(String field, String op, @Nullable JsonNode value) {
    }

    /** One action; which parameters it has depends on its type. */
    record Action(String type, @Nullable UUID stageId, @Nullable UUID userId, @Nullable UUID teamId,
            @Nullable String label, @Nullable String field, @Nullable JsonNode value, @Nullable String text,
            @Nullable Template template, List<String> items, @Nullable URI url) {

        /** Actions that only change the hub's own data, or hand work to a durable queue in the same transaction. */
        boolean local() {
            return !"webhook".equals(type);
        }
    }

    /**
     * A Cloud API template to send: Meta's {@code name}, {@code language} and {@code components}, whose text
     * parameters may hold placeholders.
     */
    record Template(String name, String language, @Nullable JsonNode components) {
    }

    static Rule read(@Nullable JsonNode trigger, @Nullable JsonNode conditions, @Nullable JsonNode actions) {
        return new Rule(trigger(trigger), conditions(conditions), actions(actions));
    }

    private static Trigger trigger(@Nullable JsonNode node) {
        if (node == null || !node.isObject()) {
            throw ApiProblem.invalid("trigger", "must be an object with a type");
        }
        var type = text(node, "type", "trigger.type");
        if (type == null || !TRIGGERS.contains(type)) {
            throw ApiProblem.invalid("trigger.type", "must be one of " + sorted(TRIGGERS));
        }
        var stage = uuid(node, "stage_id", "trigger.stage_id");
        if ("card.entered_stage".equals(type) && stage == null) {
            throw ApiProblem.invalid("trigger.stage_id", "is required for card.entered_stage");
        }
        Double hours = null;
        if ("card.idle".equals(type)) {
            var value = node.get("hours");
            if (value == null || !value.isNumber() || value.asDouble() <= 0 || value.asDouble() > 24 * 365) {
                throw ApiProblem.invalid("trigger.hours", "must be a number of hours above 0");
            }
            hours = value.asDouble();
        }
        var contains = text(node, "contains", "trigger.contains");
        return new Trigger(type, stage, hours, contains);
    }

    private static List<Condition> conditions(@Nullable JsonNode node) {
        var list = new ArrayList<Condition>();
        if (node == null || node.isNull()) {
            return list;
        }
        if (!node.isArray() || node.size() > MAX_CONDITIONS) {
            throw ApiProblem.invalid("conditions", "must be a list of at most " + MAX_CONDITIONS + " conditions");
        }
        for (int i = 0; i < node.size(); i++) {
            var path = "conditions[" + i + "]";
            var item = node.get(i);
            if (!item.isObject()) {
                throw ApiProblem.invalid(path, "must be an object {field, op, value}");
            }
            var field = text(item, "field", path + ".field");
            if (field == null || !(FIELDS.contains(field) || field.matches("custom_fields\\.[a-z][a-z0-9_]{0,49}"))) {
                throw ApiProblem.invalid(path + ".field", "unknown field " + field + "; one of " + sorted(FIELDS)
                        + " or custom_fields.<key>");
            }
            var op = text(item, "op", path + ".op");
            if (op == null || !OPS.contains(op)) {
                throw ApiProblem.invalid(path + ".op", "must be one of " + sorted(OPS));
            }
            var value = item.get("value");
            if (!"exists".equals(op) && (value == null || value.isNull())) {
                throw ApiProblem.invalid(path + ".value", "is required for " + op);
            }
            if ("in".equals(op) && !value.isArray()) {
                throw ApiProblem.invalid(path + ".value", "must be a list for in");
            }
            list.add(new Condition(field, op, value));
        }
        return list;
    }

    private static List<Action> actions(@Nullable JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty() || node.size() > MAX_ACTIONS) {
            throw ApiProblem.invalid("actions", "must be a list of 1 to " + MAX_ACTIONS + " actions");
        }
        var list = new ArrayList<Action>();
        for (int i = 0; i < node.size(); i++) {
            var path = "actions[" + i + "]";
            var item = node.get(i);
            if (!item.isObject()) {
                throw ApiProblem.invalid(path, "must be an object with a type");
            }
            var type = text(item, "type", path + ".type");
            if (type == null || !ACTIONS.contains(type)) {
                throw ApiProblem.invalid(path + ".type", "must be one of " + sorted(ACTIONS));
            }
            var stage = uuid(item, "stage_id", path + ".stage_id");
            var user = uuid(item, "user_id", path + ".user_id");
            var team = uuid(item, "team_id", path + ".team_id");
            var label = text(item, "label", path + ".label");
            var field = text(item, "field", path + ".field");
            var text = text(item, "text", path + ".text");
            var template = template(item.get("template"), path + ".template");
            var items = new ArrayList<String>();
            URI url = null;
            switch (type) {
                case "move_card" -> require(stage, path + ".stage_id");
                case "assign" -> {
                    if ((user == null) == (team == null)) {
                        throw ApiProblem.invalid(path, "names either user_id or team_id");
                    }
                }
                case "add_label", "remove_label" -> {
                    if (label == null || label.isBlank() || label.length() > 100) {
                        throw ApiProblem.invalid(path + ".label", "must be 1 to 100 characters");
                    }
                }
                case "set_field" -> require(field, path + ".field");
                case "send_whatsapp" -> {
                    if ((text == null) == (template == null)) {
                        throw ApiProblem.invalid(path, "names either text or template");
                    }
                    if (text != null) {
                        requireText(text, path + ".text");
                    }
                }
                case "chatwoot_note" -> requireText(text, path + ".text");
                case "add_checklist" -> {
                    var entries = item.get("items");
                    if (entries == null || !entries.isArray() || entries.isEmpty() || entries.size() > 50) {
                        throw ApiProblem.invalid(path + ".items", "must be a list of 1 to 50 texts");
                    }
                    for (var entry : entries) {
                        if (!entry.isString() || entry.asString().isBlank() || entry.asString().length() > 500) {
                            throw ApiProblem.invalid(path + ".items", "each item is a text of 1 to 500 characters");
                        }
                        items.add(entry.asString().strip());
                    }
                }
                case "webhook" -> {
                    var raw = text(item, "url", path + ".url");
                    try {
                        url = raw == null ? null : new URI(raw);
                    } catch (java.net.URISyntaxException e) {
                        url = null;
                    }
                    if (url == null || !("https".equals(url.getScheme()) || "http".equals(url.getScheme()))
                            || url.getHost() == null || url.getUserInfo() != null || raw.length() > 2_000) {
                        throw ApiProblem.invalid(path + ".url", "must be an absolute http(s) URL without credentials");
                    }
                }
                default -> throw new IllegalStateException(type);
            }
            list.add(new Action(type, stage, user, team, label == null ? null : label.strip(), field, item.get("value"),
                    text, template, List.copyOf(items), url));
        }
        return list;
    }

    /** Whether any action calls a webhook. */
    boolean callsWebhooks() {
        return actions.stream().anyMatch(action -> action.url() != null);
    }

    /** The rule as stored and shown: the same fields a client sends. */
    ObjectNode json() {
        var factory = JsonNodeFactory.instance;
        var root = factory.objectNode();
        var trigger = root.putObject("trigger");
        trigger.put("type", this.trigger.type());
        if (this.trigger.stageId() != null) {
            trigger.put("stage_id", this.trigger.stageId().toString());
        }
        if (this.trigger.hours() != null) {
            trigger.put("hours", this.trigger.hours());
        }
        if (this.trigger.contains() != null) {
            trigger.put("contains", this.trigger.contains());
        }
        var conditions = root.putArray("conditions");
        for (var condition : this.conditions) {
            var node = conditions.addObject().put("field", condition.field()).put("op", condition.op());
            if (condition.value() != null) {
                node.set("value", condition.value());
            }
        }
        var actions = root.putArray("actions");
        for (var action : this.actions) {
            var node = actions.addObject().put("type", action.type());
            putIfSet(node, "stage_id", action.stageId());
            putIfSet(node, "user_id", action.userId());
            putIfSet(node, "team_id", action.teamId());
            putIfSet(node, "label", action.label());
            putIfSet(node, "field", action.field());
            if ("set_field".equals(action.type())) {
                node.set("value", action.value() == null ? factory.nullNode() : action.value());
            }
            putIfSet(node, "text", action.text());
            if (action.template() != null) {
                var template = node.putObject("template").put("name", action.template().name())
                        .put("language", action.template().language());
                if (action.template().components() != null) {
                    template.set("components", action.template().components());
                }
            }
            if ("add_checklist".equals(action.type())) {
                var items = node.putArray("items");
                action.items().forEach(items::add);
            }
            putIfSet(node, "url", action.url());
        }
        return root;
    }

    static Rule of(JsonNode stored) {
        return read(stored.get("trigger"), stored.get("conditions"), stored.get("actions"));
    }

    private static @Nullable Template template(@Nullable JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw ApiProblem.invalid(field, "must be an object {name, language, components?}");
        }
        var name = text(node, "name", field + ".name");
        if (name == null || name.isBlank() || name.length() > 512) {
            throw ApiProblem.invalid(field + ".name", "must be 1 to 512 characters");
        }
        var language = text(node, "language", field + ".language");
        if (language == null || language.isBlank() || language.length() > 20) {
            throw ApiProblem.invalid(field + ".language", "must be 1 to 20 characters, e.g. pt_BR");
        }
        var components = node.get("components");
        if (components != null && !components.isNull()) {
            if (!components.isArray() || components.size() > 20) {
                throw ApiProblem.invalid(field + ".components", "must be a list of components");
            }
            for (var component : components) {
                if (!component.isObject() || !component.path("type").isString()) {
                    throw ApiProblem.invalid(field + ".components", "each component needs a type (body, header, "
                            + "button)");
                }
            }
            if (components.toString().length() > MAX_TEXT) {
                throw ApiProblem.invalid(field + ".components", "must be at most " + MAX_TEXT + " characters");
            }
        } else {
            components = null;
        }
        return new Template(name.strip(), language.strip(), components);
    }

    private static void putIfSet(ObjectNode node, String name, @Nullable Object value) {
        if (value != null) {
            node.put(name, value.toString());
        }
    }

    private static void require(@Nullable Object value, String field) {
        if (value == null) {
            throw ApiProblem.invalid(field, "is required");
        }
    }

    private static void requireText(@Nullable String text, String field) {
        if (text == null || text.isBlank() || text.length() > MAX_TEXT) {
            throw ApiProblem.invalid(field, "must be 1 to " + MAX_TEXT + " characters");
        }
    }

    private static @Nullable String text(JsonNode node, String name, String field) {
        var value = node.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw ApiProblem.invalid(field, "must be a text");
        }
        return value.asString();
    }

    private static @Nullable UUID uuid(JsonNode node, String name, String field) {
        var value = text(node, name, field);
        if (value == null) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalid(field, "must be an id");
        }
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }
}
