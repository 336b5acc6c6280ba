package com.whatpro.hub.kanban;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.DriverManager;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.SecondNode;
import com.whatpro.hub.TestInfrastructure;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/**
 * An open board event stream lasts only while its caller may read the board: revoking the session
 * or the key, removing the member or deactivating the account ends it before it sends anything
 * more, on every node; an expired session or key ends it at the next periodic check. Each story
 * keeps a second, still-allowed stream open on the same board, which shows that the next card was
 * announced to the board's open streams when the revoked one did not get it.
 */
class BoardEventsAccessTests extends KanbanTest {

    static final Duration WAIT = Duration.ofSeconds(10);
    /** The periodic check comes with the first heartbeat once the last check is 15 s old (the default). */
    static final Duration NEXT_CHECK = Duration.ofSeconds(30);

    String events;

    @BeforeEach
    void setUp() {
        events = admin.base + "/boards/" + boardId + "/events";
    }

    @Test
    void signingOutEndsTheSessionsStreamBeforeTheNextCard() throws Exception {
        var agent = fixtures.member(tenant.admin().token(), tenant.id(), "agent");
        try (var revoked = SseClient.open(port, events, agent.token(), null);
                var witness = SseClient.open(port, events, tenant.admin().token(), null)) {
            assertThat(http().bearer(agent.token()).post("/api/v1/auth/logout", "").status()).isEqualTo(204);

            endsBeforeTheNextCard(revoked, witness, admin);
        }
    }

    @Test
    void aSessionRevokedFromAnotherDeviceEndsOnlyThatSessionsStream() throws Exception {
        var agent = fixtures.member(tenant.admin().token(), tenant.id(), "agent");
        var otherDevice = fixtures.login(agent.email(), Fixtures.PASSWORD);
        try (var revoked = SseClient.open(port, events, agent.token(), null);
                var witness = SseClient.open(port, events, otherDevice, null)) {
            var first = sessionId(agent.token());
            assertThat(http().bearer(otherDevice).delete("/api/v1/auth/sessions/" + first).status()).isEqualTo(204);

            endsBeforeTheNextCard(revoked, witness, admin);
        }
    }

    @Test
    void removingTheMemberEndsTheirStreamBeforeTheNextCard() throws Exception {
        var agent = fixtures.member(tenant.admin().token(), tenant.id(), "agent");
        try (var revoked = SseClient.open(port, events, agent.token(), null);
                var witness = SseClient.open(port, events, tenant.admin().token(), null)) {
            assertThat(admin.http.delete(admin.base + "/users/" + agent.id()).status()).isEqualTo(204);

            endsBeforeTheNextCard(revoked, witness, admin);
        }
    }

    @Test
    void revokingTheApiKeyEndsItsStreamBeforeTheNextCard() throws Exception {
        var key = fixtures.apiKey(tenant.admin().token(), tenant.id(), "boards:read", "cards:read");
        var other = fixtures.apiKey(tenant.admin().token(), tenant.id(), "boards:read", "cards:read");
        try (var revoked = SseClient.open(port, events, key, null);
                var witness = SseClient.open(port, events, other, null)) {
            assertThat(admin.http.delete(admin.base + "/api-keys/" + keyId(key)).status()).isEqualTo(204);

            endsBeforeTheNextCard(revoked, witness, admin);
        }
    }

    @Test
    void deactivatingTheAccountEndsItsMembersStreamsBeforeTheNextCard() throws Exception {
        var superAdmin = fixtures.superAdmin();
        try (var revoked = SseClient.open(port, events, tenant.admin().token(), null);
                var witness = SseClient.open(port, events, superAdmin, null)) {
            var deactivated = http().bearer(superAdmin).patch("/api/v1/accounts/" + tenant.id(),
                    Map.of("status", "inactive"));
            assertThat(deactivated.status()).as(deactivated.body()).isEqualTo(200);

            endsBeforeTheNextCard(revoked, witness, admin.as(http(), superAdmin));
        }
    }

    @Test
    void aSessionThatExpiresEndsItsStreamAtTheNextCheck() throws Exception {
        var agent = fixtures.member(tenant.admin().token(), tenant.id(), "agent");
        try (var expiring = SseClient.open(port, events, agent.token(), null)) {
            ownerUpdate("update sessions set expires_at = now() where id = ?", UUID.fromString(sessionId(agent.token())));

            expiring.untilEnded(NEXT_CHECK);
        }
    }

    @Test
    void anApiKeyThatExpiresEndsItsStreamAtTheNextCheck() throws Exception {
        var key = fixtures.apiKey(tenant.admin().token(), tenant.id(), "boards:read", "cards:read");
        try (var expiring = SseClient.open(port, events, key, null)) {
            ownerUpdate("update api_keys set expires_at = now() where id = ?", UUID.fromString(keyId(key)));

            expiring.untilEnded(NEXT_CHECK);
        }
    }

    @Test
    void aSessionRevokedOnOneNodeEndsItsStreamOnAnotherAtOnce() throws Exception {
        // the other node checks no caller again by itself for ten minutes: only the notice can end the stream there
        try (var other = SecondNode.start("--whatpro.identity.stream-recheck=10m")) {
            var agent = fixtures.member(tenant.admin().token(), tenant.id(), "agent");
            try (var revoked = SseClient.open(other.port(), events, agent.token(), null);
                    var witness = SseClient.open(other.port(), events, tenant.admin().token(), null)) {
                assertThat(http().bearer(agent.token()).post("/api/v1/auth/logout", "").status()).isEqualTo(204);

                assertThat(revoked.untilEnded(WAIT)).noneMatch(event -> event.name().equals("card.created"));
                var card = admin.card(boardId, stage("A"), "Seen by the other node").get("id").asString();
                assertThat(witness.next("card.created", WAIT).json().get("card").get("id").asString()).isEqualTo(card);
            }
        }
    }

    /**
     * Creates a card and waits until the still-allowed stream has it, so the card was handed to the
     * board's open streams; then the revoked stream must end, not having sent it.
     */
    private void endsBeforeTheNextCard(SseClient revoked, SseClient witness, KanbanClient creator) throws Exception {
        var card = creator.card(boardId, stage("A"), "After the revocation").get("id").asString();
        assertThat(witness.next(event -> event.name().equals("card.created") && cardOf(event).equals(card), WAIT))
                .isNotNull();

        var sent = revoked.untilEnded(WAIT);

        assertThat(sent).noneMatch(event -> event.name().equals("card.created"));
    }

    private static String cardOf(SseClient.Event event) {
        JsonNode card = event.json().path("card");
        return card.path("id").asString("");
    }

    private String sessionId(String token) {
        for (var session : http().bearer(token).get("/api/v1/auth/sessions").json().get("items")) {
            if (session.get("current").asBoolean()) {
                return session.get("id").asString();
            }
        }
        throw new AssertionError("no current session");
    }

    private String keyId(String key) {
        for (var listed : admin.http.get(admin.base + "/api-keys").json().get("items")) {
            if (key.startsWith(listed.get("prefix").asString())) {
                return listed.get("id").asString();
            }
        }
        throw new AssertionError("no such key");
    }

    private static void ownerUpdate(String sql, UUID id) throws Exception {
        var owner = TestInfrastructure.owner();
        try (var connection = DriverManager.getConnection(owner.url(), owner.username(), owner.password());
                var statement = connection.prepareStatement(sql)) {
            statement.setObject(1, id);
            assertThat(statement.executeUpdate()).isEqualTo(1);
        }
    }
}
