package com.whatpro.hub.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatpro.hub.IntegrationTest;

import org.junit.jupiter.api.Test;

class OpenApiDocumentTests extends IntegrationTest {

    @Test
    void schemasUseTheSnakeCaseNamesTheApiSpeaks() {
        var token = document().get("components").get("schemas").get("TokenResponse").get("properties");

        assertThat(token.has("access_token")).isTrue();
        assertThat(token.has("accessToken")).isFalse();
    }

    @Test
    void documentsTheContractRoutesAndNotTheInternalOnes() {
        var paths = document().get("paths");

        assertThat(paths.has("/api/v1/auth/login")).isTrue();
        assertThat(paths.has("/api/v1/auth/chatwoot-link")).isTrue();
        assertThat(paths.has("/api/v1/accounts/{accountId}/api-keys")).isTrue();
        assertThat(paths.has("/health/ready")).isTrue();
        assertThat(paths.has("/error")).isFalse();
        assertThat(document().get("components").get("securitySchemes").has("bearer")).isTrue();
    }

    private tools.jackson.databind.JsonNode document() {
        return http().get("/v3/api-docs").json();
    }
}
