package com.whatpro.hub.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.TestHttp;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stores the NUL character in no text and no JSON value: whatever a client sends with one, in any JSON
 * body or parameter, is a 422 naming the field, and nothing is written (it was a 500).
 */
class NulCharacterTests extends IntegrationTest {

    Fixtures fixtures;
    Fixtures.Tenant tenant;
    TestHttp admin;
    String base;

    @BeforeEach
    void setUp() {
        fixtures = new Fixtures(http());
        tenant = fixtures.tenant("Nul Co");
        admin = http().bearer(tenant.admin().token());
        base = "/api/v1/accounts/" + tenant.id();
    }

    @Test
    void namesAndSettingsWithANulCharacterAreRefused() {
        assertInvalid(admin.post(base + "/teams", Map.of("name", "Sa\u0000les")), "name");
        assertInvalid(admin.patch(base, Map.of("name", "Nul\u0000 Co")), "name");
        assertInvalid(admin.patch(base, Map.of("settings", Map.of("greeting", "o\u0000i"))), "settings.greeting");
        assertInvalid(admin.post(base + "/automations", Map.of("name", "rule\u0000", "enabled", true,
                "trigger", Map.of("type", "card.created"), "actions", java.util.List.of())), "name");

        assertThat(admin.get(base + "/teams").json().get("items")).isEmpty();
        assertThat(admin.get(base).json().get("name").asString()).isEqualTo("Nul Co");
    }

    @Test
    void theTextOfAnEscapeIsNoNulCharacter() {
        var created = admin.send("POST", base + "/teams", "application/json",
                java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\": \"Sales \\\\u0000\"}"));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("name").asString()).isEqualTo("Sales \\u0000");
    }

    @Test
    void aNulCharacterInABodyOfAnotherCharsetIsRefused() {
        assertInvalid(admin.send("POST", base + "/teams", "application/json; charset=UTF-16",
                java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\": \"Sa\\u0000les\"}",
                        java.nio.charset.StandardCharsets.UTF_16)), "name");
        assertThat(admin.get(base + "/teams").json().get("items")).isEmpty();
    }

    @Test
    void aSignInWithANulCharacterIsRefused() {
        assertInvalid(http().post("/api/v1/auth/login", Map.of("email", tenant.admin().email() + "\u0000",
                "password", Fixtures.PASSWORD)), "email");
    }

    @Test
    void aFilterParameterWithANulCharacterIsRefused() {
        assertInvalid(admin.get(base + "/audit-logs?action=team.%00created"), "action");
        assertInvalid(admin.get(base + "/audit-logs?resource_type=te%00am"), "resource_type");
    }

    @Test
    void aFormBodyWhoseFieldHasNoValueIsAProblemNotAnError() {
        var put = admin.send("PUT", base + "/chatwoot", "application/x-www-form-urlencoded",
                java.net.http.HttpRequest.BodyPublishers.ofString("{\"base_url\":\"x\"}"));
        var delete = admin.send("DELETE", base + "/webhooks/" + java.util.UUID.randomUUID(),
                "application/x-www-form-urlencoded", java.net.http.HttpRequest.BodyPublishers.ofString("alone"));

        assertThat(put.status()).as(put.body()).isBetween(400, 499);
        assertThat(delete.status()).as(delete.body()).isBetween(400, 499);
    }

    static void assertInvalid(TestHttp.Response response, String field) {
        assertThat(response.status()).as(response.body()).isEqualTo(422);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("errors").findValuesAsString("field")).as(response.body()).contains(field);
        assertThat(response.body()).doesNotContain("SQL").doesNotContain("0x00");
    }
}
