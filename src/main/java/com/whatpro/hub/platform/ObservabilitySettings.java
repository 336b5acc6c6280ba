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
 * <li>without an endpoint, and unless {@code WHATPRO_TRACING_SAMPLING} says otherwise, new traces are not sampled:
 * spans still carry trace ids (into log lines and queued jobs) but are not recorded, since a recorded span that is
 * never exported costs every request for nothing;</li>
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
    static final String SAMPLING_SETTING = "whatpro.tracing-sampling";
    static final String SAMPLING = "management.tracing.sampling.probability";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        var properties = properties(environment.getProperty(OTLP_SETTING, ""),
                environment.getProperty(SAMPLING_SETTING, ""),
                environment.getProperty(MANAGEMENT_PORT, ""),
                environment.getProperty(MANAGEMENT_ADDRESS_SETTING, ""));
        if (!properties.isEmpty()) {
            environment.getPropertySources().addFirst(new MapPropertySource("whatpro-observability", properties));
        }
    }

    static Map<String, Object> properties(String otlpEndpoint, String sampling, String managementPort,
            String managementAddress) {
        var properties = new HashMap<String, Object>();
        if (!otlpEndpoint.isBlank()) {
            properties.put(OTLP_ENDPOINT, otlpEndpoint.strip());
        }
        if (!sampling.isBlank()) {
            properties.put(SAMPLING, sampling.strip());
        } else if (otlpEndpoint.isBlank()) {
            properties.put(SAMPLING, "0.0");
        }
        if (!managementPort.isBlank()) {
            properties.put(MANAGEMENT_ADDRESS, managementAddress.isBlank() ? "127.0.0.1" : managementAddress.strip());
        }
        return properties;
    }
}
