package com.whatpro.hub.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class LogFormatTests {

    @Test
    void plainTextInDevelopmentAndJsonInProduction() {
        assertThat(consoleFormatFor(Map.of())).isEmpty();
        assertThat(consoleFormatFor(Map.of("whatpro.mode", "development"))).isEmpty();
        assertThat(consoleFormatFor(Map.of("whatpro.mode", "production"))).isEqualTo("logstash");
        assertThat(consoleFormatFor(Map.of("whatpro.mode", "PRODUCTION"))).isEqualTo("logstash");
    }

    @Test
    void whatproLogFormatWinsOverTheMode() {
        assertThat(consoleFormatFor(Map.of("whatpro.mode", "production", "whatpro.log-format", "plain"))).isEmpty();
        assertThat(consoleFormatFor(Map.of("whatpro.log-format", "json"))).isEqualTo("logstash");
        assertThat(consoleFormatFor(Map.of("whatpro.log-format", "JSON"))).isEqualTo("logstash");
        assertThat(consoleFormatFor(Map.of("whatpro.log-format", "ecs"))).isEqualTo("ecs");
        assertThat(consoleFormatFor(Map.of("whatpro.mode", "production", "whatpro.log-format", " ")))
                .isEqualTo("logstash");
    }

    private static String consoleFormatFor(Map<String, Object> settings) {
        var environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("settings", settings));
        environment.getPropertySources().addFirst(new MapPropertySource("a-stale-format",
                Map.of(LogFormat.CONSOLE_FORMAT, "gelf")));
        new LogFormat().postProcessEnvironment(environment, new SpringApplication());
        return environment.getProperty(LogFormat.CONSOLE_FORMAT);
    }
}
