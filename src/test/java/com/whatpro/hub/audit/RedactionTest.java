package com.whatpro.hub.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void secretFieldsAreRedactedAtAnyDepth() {
        var changes = new LinkedHashMap<String, Object>();
        changes.put("password", "hunter2hunter2");
        changes.put("api_token", "abc");
        changes.put("webhookSecret", "s3cr3t");
        changes.put("credentials", Map.of("api_key", "k", "instance", "main"));
        changes.put("settings", Map.of("nested", Map.of("refresh_token", "r", "color", "blue")));
        changes.put("list", List.of(Map.of("private_key", "pk", "name", "n")));
        changes.put("apiKey", "x");
        changes.put("key", "x");

        var redacted = Redaction.redact(changes);

        assertThat(redacted.get("password")).isEqualTo(Redaction.REDACTED);
        assertThat(redacted.get("api_token")).isEqualTo(Redaction.REDACTED);
        assertThat(redacted.get("webhookSecret")).isEqualTo(Redaction.REDACTED);
        assertThat(redacted.get("credentials")).isEqualTo(Redaction.REDACTED);
        assertThat(redacted.get("settings")).isEqualTo(Map.of("nested", Map.of("refresh_token", Redaction.REDACTED, "color", "blue")));
        assertThat(redacted.get("list")).isEqualTo(List.of(Map.of("private_key", Redaction.REDACTED, "name", "n")));
        assertThat(redacted.get("apiKey")).isEqualTo(Redaction.REDACTED);
        assertThat(redacted.get("key")).isEqualTo(Redaction.REDACTED);
        assertThat(redacted.toString()).doesNotContain("hunter2", "s3cr3t", "pk");
    }

    @Test
    void identifiersAndFeatureNamesStayReadable() {
        var redacted = Redaction.redact(Map.of("key_id", "abc123", "prefix", "wph_abc", "api_keys", true,
                "token_id", "t-1", "scopes", List.of("users:read"), "name", "CI"));

        assertThat(redacted).containsEntry("key_id", "abc123").containsEntry("prefix", "wph_abc")
                .containsEntry("api_keys", true).containsEntry("token_id", "t-1").containsEntry("name", "CI");
    }

    @Test
    void valuesThatAreCredentialsAreRedactedWhateverTheirField() {
        var redacted = Redaction.redact(Map.of(
                "note", "wph_abcdefghijkl_0123456789012345678901234567890123456789abc",
                "header", "Bearer abc.def",
                "jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl",
                "plain", "hello"));

        assertThat(redacted).containsEntry("note", Redaction.REDACTED).containsEntry("header", Redaction.REDACTED)
                .containsEntry("jwt", Redaction.REDACTED).containsEntry("plain", "hello");
    }
}
