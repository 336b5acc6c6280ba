package com.whatpro.hub.providers;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.whatpro.hub.DrainedPool;
import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.TestInfrastructure;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.KeyMaterial;
import com.whatpro.hub.platform.crypto.CredentialCipher;
import com.whatpro.hub.platform.crypto.KeyRing;
import com.whatpro.hub.providers.adapters.PostmanCollection;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** The providers of an account: settings, credentials that never come back out, limits, access, health. */
class ProvidersTests extends IntegrationTest {

    @RegisterExtension
    static WireMockExtension evolution = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final PostmanCollection COLLECTION = PostmanCollection.evolution();

    @Autowired
    Providers providers;
    @Autowired
    KeyMaterial keys;
    @Autowired
    ProviderHealth health;
    @Autowired
    javax.sql.DataSource dataSource;

    Fixtures fixtures;
    Fixtures.Tenant tenant;

    @BeforeEach
    void setUp() {
        fixtures = new Fixtures(http());
        tenant = fixtures.tenant("Providers");
    }

    @AfterEach
    void everyRequestMatchesThePostmanCollection() {
        for (var event : evolution.getAllServeEvents()) {
            var path = URI.create(event.getRequest().getUrl()).getRawPath();
            COLLECTION.assertConforms(event.getRequest(), "Connection Status",
                    path.substring(path.lastIndexOf('/') + 1), Set.of());
        }
    }

    String providers() {
        return "/api/v1/accounts/" + tenant.id() + "/providers";
    }

    static Map<String, Object> evolutionProvider(String name, String instance, String baseUrl, String apiKey) {
        var body = new LinkedHashMap<String, Object>();
        body.put("name", name);
        body.put("type", "evolution");
        body.put("base_url", baseUrl);
        body.put("instance_name", instance);
        body.put("credentials", Map.of("api_key", apiKey, "webhook_token", "HOOK-SECRET-" + apiKey));
        return body;
    }

    @Test
    void createsAProviderAndNeverShowsItsCredentials() throws Exception {
        var admin = http().bearer(tenant.admin().token());

        var created = admin.post(providers(), evolutionProvider("Sales", "sales", evolution.baseUrl(), "EVO-SECRET-1"));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        var id = created.json().get("id").asString();
        assertThat(created.json().get("type").asString()).isEqualTo("evolution");
        assertThat(created.json().get("status").asString()).isEqualTo("unknown");
        assertThat(created.json().get("webhook_url").asString())
                .matches("http://.*/api/v1/webhooks/providers/" + id + "/[A-Za-z0-9_-]{43}");
        var list = admin.get(providers());
        var one = admin.get(providers() + "/" + id);
        for (var body : List.of(created.body(), list.body(), one.body())) {
            assertThat(body).doesNotContain("SECRET").doesNotContain("credentials");
        }
        assertThat(one.json().get("webhook_url")).isEqualTo(created.json().get("webhook_url"));
        var stored = column("select credentials || ' ' || webhook_secret from providers where id = '" + id + "'");
        assertThat(stored).startsWith("v1:").doesNotContain("EVO-SECRET-1").doesNotContain("HOOK-SECRET");
        var secret = created.json().get("webhook_url").asString().substring(created.json().get("webhook_url")
                .asString().lastIndexOf('/') + 1);
        assertThat(stored).doesNotContain(secret);
    }

    @Test
    void providerChangesAreAuditedWithCredentialsRedacted() {
        var admin = http().bearer(tenant.admin().token());
        var id = admin.post(providers(), evolutionProvider("Audited", "aud", evolution.baseUrl(), "k")).json()
                .get("id").asString();
        admin.patch(providers() + "/" + id, Map.of("credentials", Map.of("api_key", "AUDIT-SECRET")));

        var log = admin.get("/api/v1/accounts/" + tenant.id() + "/audit-logs?resource_type=provider");

        assertThat(log.status()).as(log.body()).isEqualTo(200);
        assertThat(log.json().get("items")).extracting(item -> item.get("action").asString())
                .contains("provider.created", "provider.updated");
        assertThat(log.body()).doesNotContain("AUDIT-SECRET");
    }

    @Test
    void checksCredentialsForTheProvidersType() {
        var admin = http().bearer(tenant.admin().token());
        var missingKey = evolutionProvider("A", "a", evolution.baseUrl(), "k");
        missingKey.put("credentials", Map.of("apikey", "typo"));
        var noBaseUrl = evolutionProvider("B", "b", evolution.baseUrl(), "k");
        noBaseUrl.remove("base_url");
        var badType = evolutionProvider("C", "c", evolution.baseUrl(), "k");
        badType.put("type", "twilio");
        var cloud = new LinkedHashMap<String, Object>(Map.of("name", "Meta", "type", "cloud_api",
                "credentials", Map.of("access_token", "t", "app_secret", "s", "verify_token", "v",
                        "phone_number_id", "12ab")));

        var missing = admin.post(providers(), missingKey);
        assertThat(missing.status()).isEqualTo(422);
        assertThat(fields(missing.json())).containsExactlyInAnyOrder("credentials.apikey", "credentials.api_key");
        assertThat(fields(admin.post(providers(), noBaseUrl).json())).containsExactly("base_url");
        assertThat(fields(admin.post(providers(), badType).json())).containsExactly("type");
        assertThat(fields(admin.post(providers(), cloud).json())).containsExactly("credentials.phone_number_id");
        cloud.put("credentials", Map.of("access_token", "t", "app_secret", "s", "verify_token", "v",
                "phone_number_id", "1234567890"));
        var created = admin.post(providers(), cloud);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("base_url").asString()).isEqualTo("https://graph.facebook.com");
        // no scheduled health check may reach the real Graph API during the tests
        assertThat(admin.delete(providers() + "/" + created.json().get("id").asString()).status()).isEqualTo(204);
    }

    @Test
    void countsAgainstMaxProviders() {
        var admin = http().bearer(tenant.admin().token());
        for (int i = 1; i <= 3; i++) {
            assertThat(admin.post(providers(), evolutionProvider("P" + i, "p" + i, evolution.baseUrl(), "k" + i))
                    .status()).isEqualTo(201);
        }

        var fourth = admin.post(providers(), evolutionProvider("P4", "p4", evolution.baseUrl(), "k4"));

        assertThat(fourth.status()).isEqualTo(403);
        assertThat(fourth.json().get("limit").asString()).isEqualTo("max_providers");
        assertThat(admin.get(providers()).json().get("items")).hasSize(3);
    }

    @Test
    void agentsAndKeysReadButOnlyAdminsWriteAndOtherAccountsSeeNothing() {
        var admin = http().bearer(tenant.admin().token());
        var id = admin.post(providers(), evolutionProvider("Main", "main", evolution.baseUrl(), "k"))
                .json().get("id").asString();
        var agent = fixtures.member(tenant.admin().token(), tenant.id(), "agent");
        var reader = fixtures.apiKey(tenant.admin().token(), tenant.id(), "providers:read");
        var other = fixtures.apiKey(tenant.admin().token(), tenant.id(), "users:read");
        var stranger = fixtures.tenant("Stranger");

        var agentView = http().bearer(agent.token()).get(providers() + "/" + id);
        assertThat(agentView.status()).isEqualTo(200);
        assertThat(agentView.json().get("webhook_url").isNull()).as("only admins see the webhook URL").isTrue();
        assertThat(http().bearer(agent.token()).post(providers(), evolutionProvider("X", "x", evolution.baseUrl(), "k"))
                .status()).isEqualTo(403);
        assertThat(http().bearer(agent.token()).post(providers() + "/" + id + "/health-check", "").status())
                .isEqualTo(403);
        assertThat(http().bearer(reader).get(providers()).status()).isEqualTo(200);
        assertThat(http().bearer(other).get(providers()).status()).isEqualTo(403);
        assertThat(http().bearer(stranger.admin().token()).get(providers() + "/" + id).status()).isEqualTo(404);
        var strangers = "/api/v1/accounts/" + stranger.id() + "/providers/" + id;
        assertThat(http().bearer(stranger.admin().token()).get(strangers).status()).isEqualTo(404);
        assertThat(http().bearer(stranger.admin().token()).delete(strangers).status()).isEqualTo(404);
    }

    @Test
    void changesAndDeletesAProvider() {
        var admin = http().bearer(tenant.admin().token());
        var id = admin.post(providers(), evolutionProvider("Old", "old", evolution.baseUrl(), "k"))
                .json().get("id").asString();

        var patched = admin.patch(providers() + "/" + id, Map.of("name", "New", "chatwoot_inbox_id", 12,
                "credentials", Map.of("api_key", "NEW-SECRET")));

        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        assertThat(patched.json().get("name").asString()).isEqualTo("New");
        assertThat(patched.json().get("chatwoot_inbox_id").asLong()).isEqualTo(12);
        assertThat(patched.body()).doesNotContain("NEW-SECRET");
        assertThat(admin.delete(providers() + "/" + id).status()).isEqualTo(204);
        assertThat(admin.get(providers() + "/" + id).status()).isEqualTo(404);
        assertThat(admin.delete(providers() + "/" + id).status()).isEqualTo(404);
    }

    @Test
    void aHealthCheckReportsWhatTheProviderSays() {
        var admin = http().bearer(tenant.admin().token());
        evolution.stubFor(get(urlPathEqualTo("/instance/connectionState/up"))
                .willReturn(okJson("{\"instance\": {\"instanceName\": \"up\", \"state\": \"open\"}}")));
        evolution.stubFor(get(urlPathEqualTo("/instance/connectionState/down"))
                .willReturn(okJson("{\"instance\": {\"instanceName\": \"down\", \"state\": \"close\"}}")));
        var up = admin.post(providers(), evolutionProvider("Up", "up", evolution.baseUrl(), "k")).json();
        var down = admin.post(providers(), evolutionProvider("Down", "down", evolution.baseUrl(), "k")).json();
        var gone = admin.post(providers(), evolutionProvider("Gone", "gone", "http://127.0.0.1:1", "k")).json();

        var connected = admin.post(providers() + "/" + up.get("id").asString() + "/health-check", "").json();
        var disconnected = admin.post(providers() + "/" + down.get("id").asString() + "/health-check", "").json();
        var error = admin.post(providers() + "/" + gone.get("id").asString() + "/health-check", "").json();

        assertThat(connected.get("status").asString()).isEqualTo("connected");
        assertThat(connected.get("checked_at").isNull()).isFalse();
        assertThat(disconnected.get("status").asString()).isEqualTo("disconnected");
        assertThat(error.get("status").asString()).isEqualTo("error");
        assertThat(error.get("detail").asString()).contains("connection refused");
        assertThat(admin.get(providers() + "/" + up.get("id").asString()).json().get("status").asString())
                .isEqualTo("connected");
    }

    @Test
    void theScheduledCheckProbesEveryProviderWhoseTurnHasCome() throws Exception {
        var admin = http().bearer(tenant.admin().token());
        evolution.stubFor(get(urlPathEqualTo("/instance/connectionState/due"))
                .willReturn(okJson("{\"instance\": {\"instanceName\": \"due\", \"state\": \"open\"}}")));
        var id = admin.post(providers(), evolutionProvider("Due", "due", evolution.baseUrl(), "k")).json()
                .get("id").asString();

        while (health.checkDue() > 0) {
            // other tests' providers may be due too
        }

        // the node's own scheduled round may have claimed it first and be probing it still
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.get(providers() + "/" + id).json().get("status")
                .asString(), "connected"::equals);
        assertThat(column("select next_check_at > now() + interval '4 minutes' from providers where id = '" + id + "'"))
                .isEqualTo("t");
    }

    @Test
    void aWebhooksTimeIsKeptWhenTheDatabaseIsAwayAtItsFlush() throws Exception {
        var admin = http().bearer(tenant.admin().token());
        var id = admin.post(providers(), evolutionProvider("Flush", "flush", evolution.baseUrl(), "k")).json()
                .get("id").asString();
        try (var drained = DrainedPool.of(dataSource)) {
            // received only now, so that the node's own scheduled flush cannot write it before the pool is drained
            providers.eventReceived(UUID.fromString(id));
            assertThatThrownBy(providers::flushLastEvents).as("no connection to write with").isNotNull();
        }
        providers.flushLastEvents();

        assertThat(admin.get(providers() + "/" + id).json().get("last_event_at").isNull())
                .as("the webhook's time, written once the database was back").isFalse();
    }

    @Test
    void flagsANumberThatSaysItIsConnectedButSendsNoWebhooks() throws Exception {
        var admin = http().bearer(tenant.admin().token());
        evolution.stubFor(get(urlPathEqualTo("/instance/connectionState/quiet"))
                .willReturn(okJson("{\"instance\": {\"instanceName\": \"quiet\", \"state\": \"open\"}}")));
        var id = admin.post(providers(), evolutionProvider("Quiet", "quiet", evolution.baseUrl(), "k")).json()
                .get("id").asString();
        sql("update providers set created_at = now() - interval '2 days', last_event_at = now() - interval '1 day'"
                + " where id = '" + id + "'");

        var check = admin.post(providers() + "/" + id + "/health-check", "").json();

        assertThat(check.get("status").asString()).isEqualTo("error");
        assertThat(check.get("detail").asString()).contains("no webhook has arrived since");
    }

    @Test
    void credentialsMovedToAnotherProviderDoNotDecrypt() throws Exception {
        var admin = http().bearer(tenant.admin().token());
        evolution.stubFor(get(urlPathEqualTo("/instance/connectionState/moved"))
                .willReturn(okJson("{\"instance\": {\"instanceName\": \"moved\", \"state\": \"open\"}}")));
        var first = admin.post(providers(), evolutionProvider("First", "moved", evolution.baseUrl(), "k1")).json()
                .get("id").asString();
        var second = admin.post(providers(), evolutionProvider("Second", "moved", evolution.baseUrl(), "k2")).json()
                .get("id").asString();
        sql("update providers set credentials = (select credentials from providers where id = '" + first
                + "') where id = '" + second + "'");

        var check = admin.post(providers() + "/" + second + "/health-check", "").json();

        assertThat(check.get("status").asString()).isEqualTo("error");
        assertThat(check.get("detail").asString()).contains("cannot be decrypted");
    }

    @Test
    void aKeyRotationReencryptsEveryCredentialUnderTheNewKeyPastARowThatCannotBeRead() throws Exception {
        var admin = http().bearer(tenant.admin().token());
        var unreadable = UUID.randomUUID();
        sql("insert into providers (id, account_id, name, type, base_url, credentials, webhook_secret_hash, "
                + "webhook_secret) values ('" + unreadable + "', " + tenant.id() + ", 'Broken', 'evolution', "
                + "'http://127.0.0.1:1', 'not-sealed', '\\x00', 'not-sealed')");
        var id = UUID.fromString(admin.post(providers(), evolutionProvider("Rotating", "rot", evolution.baseUrl(),
                "ROTATE-ME")).json().get("id").asString());
        var current = Base64.getEncoder().encodeToString(keys.encryptionKey());
        var next = KeyRing.newBase64Key();
        var rotated = new CredentialCipher(KeyRing.fromKeys(next, current));
        var back = new CredentialCipher(KeyRing.fromKeys(current, next));
        try {
            assertThat(providers.reencrypt(rotated)).isPositive();

            var stored = column("select credentials from providers where id = '" + id + "'");
            assertThat(stored).startsWith("v1:" + KeyRing.fingerprint(next) + ":");
            assertThat(rotated.decrypt(stored, Providers.credentialData(AccountId.of(tenant.id()), id)))
                    .contains("ROTATE-ME");
            assertThat(providers.reencrypt(rotated)).as("nothing left under the old key").isZero();
            assertThat(column("select credentials from providers where id = '" + unreadable + "'"))
                    .isEqualTo("not-sealed");
        } finally {
            providers.reencrypt(back);
            sql("delete from providers where id = '" + unreadable + "'");
        }
        assertThat(column("select credentials from providers where id = '" + id + "'"))
                .startsWith("v1:" + KeyRing.fingerprint(current) + ":");
    }

    static List<String> fields(JsonNode problem) {
        var fields = new java.util.ArrayList<String>();
        problem.get("errors").forEach(error -> fields.add(error.get("field").asString()));
        return fields;
    }

    static void sql(String statement) throws Exception {
        TestInfrastructure.owner().execute(statement);
    }

    static String column(String query) throws Exception {
        return TestInfrastructure.owner().value(query);
    }
}
