package com.whatpro.hub.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.whatpro.hub.IntegrationTest;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

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

    @Test
    void givesTheSuccessStatusEachRouteAnswers() {
        var paths = document().get("paths");

        assertThat(successes(paths, "/api/v1/accounts", "post")).containsExactly("201");
        assertThat(successes(paths, "/api/v1/accounts/{accountId}", "delete")).containsExactly("204");
        assertThat(successes(paths, "/api/v1/accounts/{accountId}/boards/{boardId}/cards", "post"))
                .containsExactly("201");
        assertThat(successes(paths, "/api/v1/accounts/{accountId}/messages", "post")).containsExactly("202");
        assertThat(successes(paths, "/api/v1/accounts/{accountId}/gateway/dead-letters/{deadLetterId}/replay", "post"))
                .containsExactly("202");
        assertThat(successes(paths, "/api/v1/auth/logout", "post")).containsExactly("204");
        assertThat(successes(paths, "/api/v1/accounts/{accountId}/boards/{boardId}", "get")).containsExactly("200");
    }

    private static List<String> successes(JsonNode paths, String path, String method) {
        return paths.get(path).get(method).get("responses").propertyNames().stream()
                .filter(code -> code.startsWith("2")).toList();
    }

    private JsonNode document() {
        return http().get("/v3/api-docs").json();
    }
}
