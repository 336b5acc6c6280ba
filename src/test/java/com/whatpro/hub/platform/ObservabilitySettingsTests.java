package com.whatpro.hub.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** Trace export and the management port's address apply only when the operator gives them. */
class ObservabilitySettingsTests {

    @Test
    void tracesAreExportedOnlyToAGivenEndpoint() {
        assertThat(ObservabilitySettings.properties("", "", "")).isEmpty();
        assertThat(ObservabilitySettings.properties("  ", "", "")).isEmpty();
        assertThat(ObservabilitySettings.properties(" http://collector:4318/v1/traces ", "", ""))
                .isEqualTo(Map.of(ObservabilitySettings.OTLP_ENDPOINT, "http://collector:4318/v1/traces"));
    }

    @Test
    void aSeparateManagementPortListensOnLoopbackUnlessToldOtherwise() {
        assertThat(ObservabilitySettings.properties("", "9090", ""))
                .isEqualTo(Map.of(ObservabilitySettings.MANAGEMENT_ADDRESS, "127.0.0.1"));
        assertThat(ObservabilitySettings.properties("", "9090", "0.0.0.0"))
                .isEqualTo(Map.of(ObservabilitySettings.MANAGEMENT_ADDRESS, "0.0.0.0"));
        assertThat(ObservabilitySettings.properties("", "", "0.0.0.0")).as("no separate port, no address").isEmpty();
    }
}
