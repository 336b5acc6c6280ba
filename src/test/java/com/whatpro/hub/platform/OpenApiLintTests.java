package com.whatpro.hub.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.whatpro.hub.IntegrationTest;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI document is the reference that client generators read: every operation has a human summary, a stable
 * operationId, a declared tag, and (under /api) its error answers as RFC 9457 problems. The document is also written to
 * target/openapi.json, where .ci/run lints it with Redocly CLI.
 */
class OpenApiLintTests extends IntegrationTest {

    static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    JsonNode document;

    @BeforeEach
    void load() throws Exception {
        var answer = http().get("/v3/api-docs");
        assertThat(answer.status()).isEqualTo(200);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "openapi.json"), answer.body());
        document = answer.json();
    }

    @Test
    void everyOperationHasASummaryAnOperationIdATagAndProblemAnswers() {
        var missing = new ArrayList<String>();
        var ids = new HashSet<String>();
        var declaredTags = new HashSet<String>();
        document.get("tags").forEach(tag -> declaredTags.add(tag.get("name").asString()));
        for (var path : document.get("paths").properties()) {
            for (var entry : path.getValue().properties()) {
                if (!METHODS.contains(entry.getKey())) {
                    continue;
                }
                var operation = entry.getValue();
                var name = entry.getKey().toUpperCase() + " " + path.getKey();
                if (text(operation, "summary").isBlank()) {
                    missing.add(name + ": no summary");
                }
                var id = text(operation, "operationId");
                if (id.isBlank() || id.matches(".*_\\d+$") || !ids.add(id)) {
                    missing.add(name + ": no stable, unique operationId (" + id + ")");
                }
                if (!operation.has("tags") || operation.get("tags").isEmpty()) {
                    missing.add(name + ": no tag");
                } else {
                    operation.get("tags").forEach(tag -> {
                        if (!declaredTags.contains(tag.asString())) {
                            missing.add(name + ": tag " + tag.asString() + " is not declared with a description");
                        }
                    });
                }
                var problems = problemAnswers(operation.get("responses"));
                if (path.getKey().startsWith("/api/") && problems.isEmpty()) {
                    missing.add(name + ": no 4xx answer as application/problem+json");
                }
            }
        }
        assertThat(missing).as("operations the OpenAPI document describes incompletely").isEmpty();
    }

    @Test
    void theDocumentNamesItsLicenseAndServer() {
        var info = document.get("info");
        assertThat(text(info.get("license"), "name")).isNotBlank();
        assertThat(document.get("servers")).isNotEmpty();
    }

    private static List<String> problemAnswers(JsonNode responses) {
        var found = new ArrayList<String>();
        if (responses == null) {
            return found;
        }
        for (var response : responses.properties()) {
            if (response.getKey().startsWith("4") && response.getValue().has("content")
                    && response.getValue().get("content").has("application/problem+json")) {
                found.add(response.getKey());
            }
        }
        return found;
    }

    private static String text(JsonNode node, String field) {
        return node != null && node.has(field) ? node.get(field).asString() : "";
    }
}
