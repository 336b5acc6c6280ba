package com.whatpro.hub.platform;

import java.util.Locale;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Chooses the console log format before logging starts: plain text in development, JSON (Logstash's layout) in
 * production. {@code WHATPRO_LOG_FORMAT} overrides it: {@code plain}, {@code json}, or one of Spring Boot's structured
 * formats ({@code logstash}, {@code ecs}, {@code gelf}).
 */
final class LogFormat implements EnvironmentPostProcessor {

    static final String SETTING = "whatpro.log-format";
    static final String CONSOLE_FORMAT = "logging.structured.format.console";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String format = consoleFormat(environment.getProperty(SETTING, ""),
                environment.getProperty("whatpro.mode", "development"));
        environment.getPropertySources()
                .addFirst(new MapPropertySource("whatpro-log-format", Map.of(CONSOLE_FORMAT, format)));
    }

    /** Spring Boot's structured format for the console; empty for plain text. */
    static String consoleFormat(String requested, String mode) {
        String format = requested.strip();
        return switch (format.toLowerCase(Locale.ROOT)) {
            case "" -> "production".equalsIgnoreCase(mode.strip()) ? "logstash" : "";
            case "plain" -> "";
            case "json" -> "logstash";
            default -> format;
        };
    }
}
