package com.whatpro.hub.platform;

import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Settings of metrics and traces that only apply when given, since Spring Boot treats a property that exists, even
 * blank, as set:
 * <ul>
 * <li>traces are exported by OTLP/HTTP only when {@code WHATPRO_OTLP_ENDPOINT} is set (a collector's traces URL, such
 * as {@code http://collector:4318/v1/traces}); without it spans still exist in the process (their trace ids are in
 * the log lines) and nothing leaves it;</li>
 * <li>a separate management port ({@code WHATPRO_MANAGEMENT_PORT}, which serves {@code /actuator/prometheus} to
 * anyone who reaches it) listens on {@code WHATPRO_MANAGEMENT_ADDRESS}, loopback unless told otherwise.</li>
 * </ul>
 */
final class ObservabilitySettings implements EnvironmentPostProcessor {

    static final String OTLP_SETTING = "whatpro.otlp-endpoint";
    static final String OTLP_ENDPOINT = "management.opentelemetry.tracing.export.otlp.endpoint";
    static final String MANAGEMENT_ADDRESS_SETTING = "whatpro.management-address";
    static final String MANAGEMENT_PORT = "management.server.port";
    static final String MANAGEMENT_ADDRESS = "management.server.address";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        var properties = properties(environment.getProperty(OTLP_SETTING, ""),
                environment.getProperty(MANAGEMENT_PORT, ""),
                environment.getProperty(MANAGEMENT_ADDRESS_SETTING, ""));
        if (!properties.isEmpty()) {
            environment.getPropertySources().addFirst(new MapPropertySource("whatpro-observability", properties));
        }
    }

    static Map<String, Object> properties(String otlpEndpoint, String managementPort, String managementAddress) {
        var properties = new HashMap<String, Object>();
        if (!otlpEndpoint.isBlank()) {
            properties.put(OTLP_ENDPOINT, otlpEndpoint.strip());
        }
        if (!managementPort.isBlank()) {
            properties.put(MANAGEMENT_ADDRESS, managementAddress.isBlank() ? "127.0.0.1" : managementAddress.strip());
        }
        return properties;
    }
}
