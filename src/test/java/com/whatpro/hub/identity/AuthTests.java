package com.whatpro.hub.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.TestHttp;
import com.whatpro.hub.platform.KeyMaterial;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class AuthTests extends IntegrationTest {

    @Autowired
    KeyMaterial keys;

    Fixtures fixtures;
    Fixtures.Member agent;

    @BeforeEach
    void setUp() {
        fixtures = new Fixtures(http());
        var tenant = fixtures.tenant("Auth Co");
        agent = fixtures.member(tenant.admin().token(), tenant.id(), "agent");
    }

    @Test
    void loginGivesAnAccessTokenAndAStrictRefreshCookie() {
        var response = fixtures.loginResponse(agent.email(), Fixtures.PASSWORD);

        assertThat(response.status()).isEqualTo(200);
        var body = response.json();
        assertThat(body.get("token_type").asString()).isEqualTo("Bearer");
        assertThat(body.get("expires_in").asLong()).isEqualTo(900);
        assertThat(body.get("user").get("email").asString()).isEqualTo(agent.email());
        assertThat(body.get("user").get("is_super_admin").asBoolean()).isFalse();
        var cookie = response.header("Set-Cookie");
        assertThat(cookie).startsWith("whatpro_refresh=").contains("HttpOnly", "Secure", "SameSite=Strict",
                "Path=/api/v1/auth");
        assertThat(response.body()).doesNotContain(refreshToken(response));
    }

    @Test
    void wrongPasswordAndUnknownEmailGetTheSameAnswer() {
        var wrongPassword = fixtures.loginResponse(agent.email(), "not the password");
        var unknownEmail = fixtures.loginResponse("nobody-" + UUID.randomUUID() + "@example.test", "whatever");

        assertThat(wrongPassword.status()).isEqualTo(401);
        assertThat(unknownEmail.status()).isEqualTo(401);
        assertThat(wrongPassword.json().get("detail")).isEqualTo(unknownEmail.json().get("detail"));
        assertThat(wrongPassword.contentType()).startsWith("application/problem+json");
    }

    @Test
    void meShowsTheUserAndTheirMemberships() {
        var me = http().bearer(agent.token()).get("/api/v1/auth/me");

        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().get("user").get("id").asString()).isEqualTo(agent.id().toString());
        assertThat(me.json().get("memberships")).hasSize(1);
        assertThat(me.json().get("memberships").get(0).get("role").asString()).isEqualTo("agent");
        assertThat(me.json().get("memberships").get(0).get("account_name").asString()).isEqualTo("Auth Co");
    }

    @Test
    void protectedRoutesNeedACredential() {
        assertThat(http().get("/api/v1/auth/me").status()).isEqualTo(401);
        assertThat(http().bearer("not-a-token").get("/api/v1/auth/me").status()).isEqualTo(401);
    }

    @Test
    void refreshRotatesTheToken() {
        var login = fixtures.loginResponse(agent.email(), Fixtures.PASSWORD);
        var first = refreshToken(login);

        var refreshed = refreshWithCookie(first);

        assertThat(refreshed.status()).isEqualTo(200);
        var second = refreshToken(refreshed);
        assertThat(second).isNotEqualTo(first);
        var newAccess = refreshed.json().get("access_token").asString();
        assertThat(http().bearer(newAccess).get("/api/v1/auth/me").status()).isEqualTo(200);
        assertThat(refreshWithBody(second).status()).isEqualTo(200);
    }

    @Test
    void rejectsRotatedRefreshTokenAndRevokesTheSession() {
        var login = fixtures.loginResponse(agent.email(), Fixtures.PASSWORD);
        var stolen = refreshToken(login);
        var rotated = refreshWithCookie(stolen);
        var current = refreshToken(rotated);
        var access = rotated.json().get("access_token").asString();

        var reuse = refreshWithCookie(stolen);

        assertThat(reuse.status()).isEqualTo(401);
        assertThat(http().bearer(access).get("/api/v1/auth/me").status()).isEqualTo(401);
        assertThat(refreshWithCookie(current).status()).isEqualTo(401);
        assertThat(SecurityEventsRecorder.seen(RefreshTokenReused.class)).anyMatch(e -> e.userId().equals(agent.id()));
    }

    @Test
    void logoutStopsTheAccessTokenAtOnce() {
        var token = fixtures.login(agent.email(), Fixtures.PASSWORD);

        var logout = http().bearer(token).post("/api/v1/auth/logout", "");

        assertThat(logout.status()).isEqualTo(204);
        assertThat(http().bearer(token).get("/api/v1/auth/me").status()).isEqualTo(401);
    }

    @Test
    void sessionsAreListedAndRevocable() {
        var phone = http().with("User-Agent", "PhoneApp/1.0");
        var phoneToken = phone.post("/api/v1/auth/login", Map.of("email", agent.email(), "password", Fixtures.PASSWORD))
                .json().get("access_token").asString();
        var laptopToken = fixtures.login(agent.email(), Fixtures.PASSWORD);

        var list = http().bearer(laptopToken).get("/api/v1/auth/sessions");
        assertThat(list.status()).isEqualTo(200);
        var items = list.json().get("items");
        assertThat(items.findValuesAsString("user_agent")).contains("PhoneApp/1.0");
        assertThat(items.findValues("current").stream().filter(v -> v.asBoolean()).count()).isEqualTo(1);
        var phoneSession = items.valueStream().filter(s -> "PhoneApp/1.0".equals(s.get("user_agent").asString()))
                .findFirst().orElseThrow().get("id").asString();
        assertThat(items.get(0).get("ip_address").asString()).isNotBlank();

        assertThat(http().bearer(laptopToken).delete("/api/v1/auth/sessions/" + phoneSession).status()).isEqualTo(204);
        assertThat(http().bearer(phoneToken).get("/api/v1/auth/me").status()).isEqualTo(401);
        assertThat(http().bearer(laptopToken).get("/api/v1/auth/me").status()).isEqualTo(200);
    }

    @Test
    void revokingAllOtherSessionsKeepsTheCurrentOne() {
        var other = fixtures.login(agent.email(), Fixtures.PASSWORD);
        var current = fixtures.login(agent.email(), Fixtures.PASSWORD);

        assertThat(http().bearer(current).delete("/api/v1/auth/sessions").status()).isEqualTo(204);

        assertThat(http().bearer(other).get("/api/v1/auth/me").status()).isEqualTo(401);
        assertThat(http().bearer(current).get("/api/v1/auth/me").status()).isEqualTo(200);
    }

    @Test
    void anotherUsersSessionCannotBeRevoked() {
        var sessions = http().bearer(agent.token()).get("/api/v1/auth/sessions").json().get("items");
        var agentSession = sessions.get(0).get("id").asString();
        var stranger = fixtures.tenant("Stranger Co").admin();

        assertThat(http().bearer(stranger.token()).delete("/api/v1/auth/sessions/" + agentSession).status()).isEqualTo(404);
        assertThat(http().bearer(agent.token()).get("/api/v1/auth/me").status()).isEqualTo(200);
    }

    @Test
    void rejectsExpiredAccessToken() throws Exception {
        var sessionId = http().bearer(agent.token()).get("/api/v1/auth/sessions").json().get("items").get(0).get("id").asString();
        var expired = token(keys.derive("access-token-signing"), agent.id(), UUID.fromString(sessionId),
                Instant.now().minusSeconds(60));
        var forged = token(new byte[32], agent.id(), UUID.fromString(sessionId), Instant.now().plusSeconds(600));

        assertThat(http().bearer(expired).get("/api/v1/auth/me").status()).isEqualTo(401);
        assertThat(http().bearer(forged).get("/api/v1/auth/me").status()).isEqualTo(401);
        assertThat(http().bearer(expired).get("/api/v1/auth/me").json().get("detail").asString())
                .contains("invalid, expired or revoked");
    }

    @Test
    void aTokenAcceptedBeforeIsRefusedOnceItExpires() throws Exception {
        var sessionId = http().bearer(agent.token()).get("/api/v1/auth/sessions").json().get("items").get(0).get("id").asString();
        var shortLived = token(keys.derive("access-token-signing"), agent.id(), UUID.fromString(sessionId),
                Instant.now().plusSeconds(2));

        assertThat(http().bearer(shortLived).get("/api/v1/auth/me").status()).as("valid until it expires").isEqualTo(200);
        await("the remembered token is refused after its expiry").atMost(java.time.Duration.ofSeconds(10))
                .until(() -> http().bearer(shortLived).get("/api/v1/auth/me").status() == 401);
        assertThat(Instant.now()).as("not refused before its expiry")
                .isAfterOrEqualTo(SignedJWT.parse(shortLived).getJWTClaimsSet().getExpirationTime().toInstant());
    }

    @Test
    void failedAndSuccessfulLoginsArePublishedAsSecurityEvents() {
        fixtures.loginResponse(agent.email(), "wrong");
        fixtures.login(agent.email(), Fixtures.PASSWORD);

        assertThat(SecurityEventsRecorder.seen(LoginFailed.class))
                .anyMatch(e -> e.email().equals(agent.email()) && e.reason().equals("wrong_password"));
        assertThat(SecurityEventsRecorder.seen(UserLoggedIn.class)).anyMatch(e -> e.userId().equals(agent.id()));
    }

    private TestHttp.Response refreshWithCookie(String refresh) {
        return http().with("Cookie", "whatpro_refresh=" + refresh).post("/api/v1/auth/refresh", "");
    }

    private TestHttp.Response refreshWithBody(String refresh) {
        return http().post("/api/v1/auth/refresh", Map.of("refresh_token", refresh));
    }

    static String refreshToken(TestHttp.Response response) {
        var cookie = response.header("Set-Cookie");
        return cookie.substring("whatpro_refresh=".length(), cookie.indexOf(';'));
    }

    private static String token(byte[] key, UUID user, UUID session, Instant expiry) throws Exception {
        var claims = new JWTClaimsSet.Builder().issuer("whatpro-hub").subject(user.toString())
                .claim("sid", session.toString()).issueTime(Date.from(expiry.minusSeconds(900)))
                .expirationTime(Date.from(expiry)).build();
        var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(key));
        return jwt.serialize();
    }
}
