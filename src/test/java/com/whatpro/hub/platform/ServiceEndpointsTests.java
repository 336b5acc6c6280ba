package com.whatpro.hub.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatpro.hub.IntegrationTest;

import org.junit.jupiter.api.Test;

class ServiceEndpointsTests extends IntegrationTest {

    @Test
    void livenessAnswersUp() {
        var response = http().get("/health/live");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("status").asString()).isEqualTo("UP");
    }

    @Test
    void readinessChecksDatabaseAndRedis() {
        var response = http().get("/health/ready");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().get("status").asString()).isEqualTo("UP");
        assertThat(response.json().get("checks").get("db").asString()).isEqualTo("UP");
        assertThat(response.json().get("checks").get("redis").asString()).isEqualTo("UP");
    }

    @Test
    void openApiDocumentIsPublished() {
        var response = http().get("/v3/api-docs");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("openapi").asString()).startsWith("3.");
    }

    @Test
    void swaggerUiIsReachable() {
        var redirect = http().get("/swagger/index.html");
        var page = http().get("/swagger-ui/index.html");

        assertThat(redirect.status()).isEqualTo(302);
        assertThat(redirect.header("Location")).endsWith("/swagger-ui/index.html");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("swagger-ui");
    }
}
