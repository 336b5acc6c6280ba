package com.whatpro.hub.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.yaml.snakeyaml.Yaml;

/**
 * docs/configuration.md and the settings the code binds stay in step: every property of every
 * {@code @ConfigurationProperties} record, and every variable application.yaml reads, has a row in the table
 * (named by the variable application.yaml maps it from, else by Spring's relaxed binding: {@code whatpro.gateway
 * .worker.poll-interval} is {@code WHATPRO_GATEWAY_WORKER_POLL_INTERVAL}), and the table names nothing else.
 */
class ConfigurationDocTests {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(WHATPRO_[A-Z0-9_]+)");
    private static final Pattern DOCUMENTED = Pattern.compile("^\\| `(WHATPRO_[A-Z0-9_]+)` \\|");

    @Test
    void everySettingIsDocumentedAndEveryDocumentedSettingExists() throws Exception {
        var yaml = flatten("", new Yaml().load(Files.readString(Path.of("src/main/resources/application.yaml"))));
        var expected = new TreeMap<String, String>();
        for (var property : properties()) {
            if (yaml.keySet().stream().anyMatch(key -> key.startsWith(property + "."))) {
                continue; // a map (the plans' rates) whose entries application.yaml maps one by one
            }
            var value = yaml.get(property);
            var mapped = value == null ? null : VARIABLE.matcher(value);
            var variable = mapped != null && mapped.find() ? mapped.group(1)
                    : property.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
            expected.put(variable, property);
        }
        yaml.forEach((property, value) -> {
            var mapped = VARIABLE.matcher(value);
            while (mapped.find()) {
                expected.putIfAbsent(mapped.group(1), property);
            }
        });
        var documented = new TreeSet<String>();
        for (var line : Files.readAllLines(Path.of("docs/configuration.md"))) {
            var row = DOCUMENTED.matcher(line);
            if (row.find()) {
                assertThat(documented.add(row.group(1))).as("documented twice: " + row.group(1)).isTrue();
            }
        }

        assertThat(new TreeSet<>(expected.keySet())).as("settings the code reads but docs/configuration.md lacks")
                .isSubsetOf(documented);
        assertThat(documented).as("settings docs/configuration.md names but nothing reads")
                .isSubsetOf(expected.keySet());
    }

    /** Every property path, e.g. whatpro.gateway.worker.poll-interval, of the records bound to settings. */
    private static TreeSet<String> properties() throws ClassNotFoundException {
        var scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        var properties = new TreeSet<String>();
        for (var candidate : scanner.findCandidateComponents("com.whatpro.hub")) {
            var type = Class.forName(candidate.getBeanClassName());
            var annotation = type.getAnnotation(ConfigurationProperties.class);
            if (annotation == null || !type.isRecord()) {
                continue;
            }
            var prefix = annotation.value().isEmpty() ? annotation.prefix() : annotation.value();
            collect(prefix, type, properties);
        }
        return properties;
    }

    private static void collect(String prefix, Class<?> type, TreeSet<String> into) {
        for (RecordComponent component : type.getRecordComponents()) {
            var name = prefix + "." + kebab(component.getName());
            var componentType = component.getType();
            if (componentType.isRecord() && componentType.getEnclosingClass() != null
                    && componentType.getName().startsWith("com.whatpro.hub")) {
                collect(name, componentType, into);
            } else if (Map.class.isAssignableFrom(componentType)
                    && component.getGenericType() instanceof ParameterizedType map
                    && map.getActualTypeArguments()[1] instanceof Class<?> value && value.isRecord()) {
                collect(name + ".*", value, into);
            } else {
                into.add(name);
            }
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> flatten(String prefix, Object node) {
        var flat = new LinkedHashMap<String, String>();
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> flat.putAll(flatten(prefix.isEmpty() ? key.toString() : prefix + "." + key,
                    value)));
        } else if (node != null) {
            flat.put(prefix, node.toString());
        }
        return flat;
    }

}
