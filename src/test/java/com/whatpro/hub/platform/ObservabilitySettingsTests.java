package com.whatpro.hub.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** Trace export and the management port's address apply only when the operator gives them. */
class ObservabilitySettingsTests {

    private static final Map.Entry<String, Object> NOT_SAMPLED = Map.entry(ObservabilitySettings.SAMPLING, "0.0");

    @Test
    void tracesAreExportedOnlyToAGivenEndpoint() {
        assertThat(ObservabilitySettings.properties("", "", "", "")).containsOnly(NOT_SAMPLED);
        assertThat(ObservabilitySettings.properties("  ", "", "", "")).containsOnly(NOT_SAMPLED);
        assertThat(ObservabilitySettings.properties(" http://collector:4318/v1/traces ", "", "", ""))
                .as("with an endpoint, Spring Boot's default sampling (every trace) applies")
                .isEqualTo(Map.of(ObservabilitySettings.OTLP_ENDPOINT, "http://collector:4318/v1/traces"));
    }

    @Test
    void aGivenSamplingShareWinsWithOrWithoutAnEndpoint() {
        assertThat(ObservabilitySettings.properties("", " 0.25 ", "", ""))
                .isEqualTo(Map.of(ObservabilitySettings.SAMPLING, "0.25"));
        assertThat(ObservabilitySettings.properties("http://collector:4318/v1/traces", "0.1", "", ""))
                .containsEntry(ObservabilitySettings.SAMPLING, "0.1");
    }

    @Test
    void aSeparateManagementPortListensOnLoopbackUnlessToldOtherwise() {
        assertThat(ObservabilitySettings.properties("", "", "9090", ""))
                .containsEntry(ObservabilitySettings.MANAGEMENT_ADDRESS, "127.0.0.1");
        assertThat(ObservabilitySettings.properties("", "", "9090", "0.0.0.0"))
                .containsEntry(ObservabilitySettings.MANAGEMENT_ADDRESS, "0.0.0.0");
        assertThat(ObservabilitySettings.properties("", "", "", "0.0.0.0")).as("no separate port, no address")
                .doesNotContainKey(ObservabilitySettings.MANAGEMENT_ADDRESS);
    }
}
