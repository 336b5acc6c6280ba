package com.whatpro.hub.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.TestHttp;
import com.whatpro.hub.kanban.SseClient;

import org.junit.jupiter.api.Test;

/** The web session from the attacker's side too: cookies, CSRF, framing, revocation, rate limits. */
class WebSessionsTests extends WebAppTest {

    private static final Pattern CSRF_META = Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]+)\"");

    /** A browser's state as far as these tests need it: its cookies and the page's CSRF token. */
    private final class Visitor {
        final Map<String, String> cookies = new java.util.LinkedHashMap<>();
        String csrf;

        TestHttp.Response get(String path) {
            return keep(http().send(withCookies(http().request(path)).GET()));
        }

        TestHttp.Response form(String path, Map<String, String> fields) {
            return keep(http().send(formRequest(path, fields)));
        }

        /** A form sent as htmx sends it (hx-post). */
        TestHttp.Response htmx(String path, Map<String, String> fields) {
            return keep(http().send(formRequest(path, fields).header("HX-Request", "true")));
        }

        private HttpRequest.Builder formRequest(String path, Map<String, String> fields) {
            var body = new StringBuilder();
            fields.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(k).append('=')
                    .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
            return withCookies(http().request(path)).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        }

        TestHttp.Response api(String method, String path, String json, boolean withToken) {
            var request = withCookies(http().request(path)).header("Content-Type", "application/json")
                    .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
            if (withToken) {
                request.header("X-XSRF-TOKEN", csrf);
            }
            return keep(http().send(request));
        }

        HttpRequest.Builder withCookies(HttpRequest.Builder request) {
            if (!cookies.isEmpty()) {
                request.header("Cookie", String.join("; ", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
            }
            return request;
        }

        TestHttp.Response keep(TestHttp.Response response) {
            for (var header : response.headers().getOrDefault("set-cookie", java.util.List.of())) {
                var pair = header.split(";", 2)[0];
                var name = pair.substring(0, pair.indexOf('='));
                var value = pair.substring(pair.indexOf('=') + 1);
                if (value.isEmpty()) {
                    cookies.remove(name);
                } else {
                    cookies.put(name, value);
                }
            }
            var match = CSRF_META.matcher(response.body());
            if (match.find()) {
                csrf = match.group(1);
            }
            return response;
        }

        void signIn(String email, String password) {
            get("/app/login");
            var response = form("/app/login", Map.of("email", email, "password", password, "_csrf", csrf));
            assertThat(response.status()).as(response.body()).isEqualTo(302);
            assertThat(cookies).containsKey("__Host-whatpro_session");
            get("/app/a/" + tenant.id() + "/board");
        }
    }

    @Test
    void theRootRedirectsToTheWebAppAndPagesNeedASignIn() {
        var root = http().get("/");
        assertThat(root.status()).isEqualTo(302);
        assertThat(root.header("Location")).endsWith("/app");
        var board = http().get("/app/a/" + tenant.id() + "/board");
        assertThat(board.status()).isEqualTo(302);
        assertThat(board.header("Location")).contains("/app/login?next=");
    }

    @Test
    void aWebSignInIsAnApiSessionThatRevocationEndsAtOnce() {
        var visitor = new Visitor();
        visitor.signIn(tenant.admin().email(), Fixtures.PASSWORD);
        var cookie = visitor.form("/app/login", Map.of()).headers();
        assertThat(String.join(" ", http().send(visitor.withCookies(http().request("/app/login")).GET()).headers()
                .getOrDefault("set-cookie", java.util.List.of()))).doesNotContain("__Host-whatpro_session=;");
        assertThat(cookie).isNotNull();

        var sessions = http().bearer(tenant.admin().token()).get("/api/v1/auth/sessions").json().get("items");
        assertThat(sessions).hasSize(2);
        var web = java.util.stream.StreamSupport.stream(sessions.spliterator(), false)
                .filter(s -> !s.get("current").asBoolean()).findFirst().orElseThrow();
        assertThat(visitor.get("/app/a/" + tenant.id() + "/board").status()).isEqualTo(200);
        assertThat(visitor.api("GET", "/api/v1/auth/me", null, false).status()).isEqualTo(200);

        var revoked = http().bearer(tenant.admin().token()).delete("/api/v1/auth/sessions/" + web.get("id").asString());
        assertThat(revoked.status()).isEqualTo(204);
        var after = visitor.get("/app/a/" + tenant.id() + "/board");
        assertThat(after.status()).isEqualTo(302);
        assertThat(after.header("Location")).contains("/app/login");
        assertThat(visitor.api("GET", "/api/v1/auth/me", null, false).status()).isEqualTo(401);
    }

    @Test
    void signingOutEndsTheLiveBoardStreamOfThePage() throws Exception {
        var visitor = new Visitor();
        visitor.signIn(tenant.admin().email(), Fixtures.PASSWORD);
        var boardId = board.get("id").asString();
        var events = "/api/v1/accounts/" + tenant.id() + "/boards/" + boardId + "/events";
        var cookies = String.join("; ", visitor.cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
        // the page's EventSource sends its cookies only; the user's API session is another one and stays open
        try (var page = SseClient.open(port, events, Map.of("Cookie", cookies), null);
                var witness = SseClient.open(port, events, tenant.admin().token(), null)) {
            var signedOut = visitor.form("/app/logout", Map.of("_csrf", visitor.csrf));
            assertThat(signedOut.status()).as(signedOut.body()).isEqualTo(302);
            assertThat(visitor.cookies).doesNotContainKey("__Host-whatpro_session");

            var created = http().bearer(tenant.admin().token()).post("/api/v1/accounts/" + tenant.id() + "/boards/"
                    + boardId + "/cards", Map.of("stage_id", board.get("stages").get(0).get("id").asString(),
                    "title", "After signing out"));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            var card = created.json().get("id").asString();
            assertThat(witness.next(event -> event.name().equals("card.created")
                    && event.json().path("card").path("id").asString("").equals(card), Duration.ofSeconds(10))).isNotNull();

            assertThat(page.untilEnded(Duration.ofSeconds(10))).noneMatch(event -> event.name().equals("card.created"));
        }
    }

    @Test
    void cookiesWithoutTheHostPrefixAsASiblingSubdomainCouldPlantThemAreIgnored() {
        var victim = new Visitor();
        victim.signIn(tenant.admin().email(), Fixtures.PASSWORD);
        assertThat(victim.cookies).containsKeys("__Host-whatpro_session", "__Host-whatpro_xsrf");
        var planted = new Visitor();
        victim.cookies.forEach((name, value) -> planted.cookies.put(name.replace("__Host-", ""), value));
        planted.csrf = victim.csrf;

        var page = planted.get("/app/a/" + tenant.id() + "/board");
        var write = planted.api("POST", "/api/v1/accounts/" + tenant.id() + "/teams", "{\"name\":\"Planted\"}", true);

        assertThat(page.status()).isEqualTo(302);
        assertThat(page.header("Location")).contains("/app/login");
        assertThat(write.status()).isEqualTo(401);
        assertThat(victim.api("POST", "/api/v1/accounts/" + tenant.id() + "/teams", "{\"name\":\"Real\"}", true)
                .status()).isEqualTo(201);
    }

    @Test
    void theSessionCookieIsHttpOnlyAndTheApiRefusesCookieWritesWithoutTheCsrfToken() {
        var visitor = new Visitor();
        visitor.get("/app/login");
        var signIn = visitor.form("/app/login", Map.of("email", tenant.admin().email(), "password", Fixtures.PASSWORD,
                "_csrf", visitor.csrf));
        var setCookie = signIn.headers().get("set-cookie").stream().filter(c -> c.startsWith("__Host-whatpro_session=")).findFirst().orElseThrow();
        assertThat(setCookie).contains("HttpOnly").contains("SameSite=Lax").contains("Path=/").contains("Secure")
                .doesNotContain("Domain=");
        visitor.get("/app/a/" + tenant.id() + "/board");
        var stage = board.get("stages").get(0).get("id").asString();
        var path = "/api/v1/accounts/" + tenant.id() + "/boards/" + board.get("id").asString() + "/cards";
        var body = "{\"stage_id\":\"" + stage + "\",\"title\":\"Forged\"}";

        var forged = visitor.api("POST", path, body, false);
        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.contentType()).startsWith("application/problem+json");
        var wrong = visitor.csrf;
        visitor.csrf = "not-the-token";
        assertThat(visitor.api("POST", path, body, true).status()).isEqualTo(403);
        visitor.csrf = wrong;
        assertThat(visitor.api("POST", path, body, true).status()).isEqualTo(201);
    }

    @Test
    void aSignInFormWithoutTheCsrfTokenOpensNoSession() {
        var visitor = new Visitor();
        visitor.get("/app/login");
        var response = visitor.form("/app/login", Map.of("email", tenant.admin().email(), "password", Fixtures.PASSWORD));
        assertThat(response.status()).isEqualTo(302);
        assertThat(response.header("Location")).contains("/app/login?error=expired");
        assertThat(visitor.cookies).doesNotContainKey("__Host-whatpro_session");
        assertThat(http().bearer(tenant.admin().token()).get("/api/v1/auth/sessions").json().get("items")).hasSize(1);
    }

    @Test
    void anHtmxRequestSentToTheSignInPageIsToldToLeaveThePageInsteadOfBeingRedirected() {
        var visitor = new Visitor();
        visitor.signIn(tenant.admin().email(), Fixtures.PASSWORD);
        var sessions = visitor.api("GET", "/api/v1/auth/sessions", null, false).json().get("items");
        var current = java.util.stream.StreamSupport.stream(sessions.spliterator(), false)
                .filter(s -> s.get("current").asBoolean()).findFirst().orElseThrow().get("id").asString();
        var revoke = "/app/sessions/" + current + "/revoke";

        var forged = visitor.htmx(revoke, Map.of("_csrf", "not-the-token"));
        assertThat(forged.status()).isEqualTo(204);
        assertThat(forged.header("Location")).isNull();
        assertThat(forged.header("HX-Redirect")).isEqualTo("/app/login?error=expired");

        var ended = visitor.htmx(revoke, Map.of("_csrf", visitor.csrf));
        assertThat(ended.status()).isEqualTo(200);
        assertThat(ended.header("Location")).isNull();
        assertThat(ended.header("HX-Redirect")).isEqualTo("/app/login");
        assertThat(visitor.cookies).doesNotContainKey("__Host-whatpro_session");

        var signedOut = visitor.htmx(revoke, Map.of("_csrf", visitor.csrf));
        assertThat(signedOut.status()).isEqualTo(204);
        assertThat(signedOut.header("Location")).isNull();
        assertThat(signedOut.header("HX-Redirect")).isEqualTo("/app/login?error=expired");
    }

    @Test
    void aNextAddressWithBracesIsFollowedAfterSignInAndNeverAnError() {
        var next = "/app/{x}";
        var encoded = URLEncoder.encode(next, StandardCharsets.UTF_8);
        var visitor = new Visitor();
        assertThat(visitor.get("/app/login?next=" + encoded).status()).isEqualTo(200);

        var signIn = visitor.form("/app/login", Map.of("email", tenant.admin().email(), "password", Fixtures.PASSWORD,
                "next", next, "_csrf", visitor.csrf));
        assertThat(signIn.status()).as(signIn.body()).isEqualTo(302);
        assertThat(signIn.header("Location")).endsWith("/app/%7Bx%7D");
        assertThat(visitor.cookies).containsKey("__Host-whatpro_session");

        var signedIn = visitor.get("/app/login?next=" + encoded);
        assertThat(signedIn.status()).isEqualTo(302);
        assertThat(signedIn.header("Location")).endsWith("/app/%7Bx%7D");
        var language = visitor.get("/app/lang?lang=en&next=" + encoded);
        assertThat(language.status()).isEqualTo(302);
        assertThat(language.header("Location")).endsWith("/app/%7Bx%7D");
    }

    @Test
    void pagesCannotBeFramedAndTheEmbedOnlyByTheChatwootOrigin() {
        var login = http().get("/app/login");
        assertThat(login.header("X-Frame-Options")).isEqualTo("DENY");
        var csp = login.header("Content-Security-Policy");
        assertThat(csp).contains("frame-ancestors 'none'").contains("script-src 'self'").doesNotContain("unsafe-inline");
        assertThat(login.body()).doesNotContainPattern("<script(?![^>]*\\ssrc=)[^>]*>");

        var embed = http().get("/app/embed");
        assertThat(embed.status()).isEqualTo(200);
        assertThat(embed.header("X-Frame-Options")).isNull();
        assertThat(embed.header("Content-Security-Policy"))
                .contains("frame-ancestors " + chatwootOrigin())
                .doesNotContain("frame-ancestors 'none'").contains("script-src 'self'");
    }

    @Test
    void theEmbedAnswersOnlyForTheUsersOwnChatwootAccount() {
        var other = fixtures.createAccount("Other " + chatwootAccountId, chatwootAccountId + 500_000_000L);
        var visitor = new Visitor();
        visitor.get("/app/embed");
        var signIn = visitor.form("/app/embed/login", Map.of("email", tenant.admin().email(), "password", Fixtures.PASSWORD,
                "_csrf", visitor.csrf));
        assertThat(signIn.status()).isEqualTo(302);
        var setCookie = signIn.headers().get("set-cookie").stream().filter(c -> c.startsWith("__Host-whatpro_embed_session="))
                .findFirst().orElseThrow();
        assertThat(setCookie).contains("SameSite=None").contains("Secure").contains("Partitioned").contains("HttpOnly");
        var own = visitor.get("/app/embed/conversation?chatwoot_account_id=" + chatwootAccountId + "&conversation_id=9");
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.json().get("account_id").asLong()).isEqualTo(tenant.id());
        var foreign = visitor.get("/app/embed/conversation?chatwoot_account_id=" + (chatwootAccountId + 500_000_000L)
                + "&conversation_id=9");
        assertThat(foreign.status()).as("account %s is not the user's", other).isEqualTo(404);
    }

    @Test
    void theEmbedAndThePagesOfADeactivatedAccountAnswerNotFound() {
        var embedded = new Visitor();
        embedded.get("/app/embed");
        assertThat(embedded.form("/app/embed/login", Map.of("email", tenant.admin().email(), "password",
                Fixtures.PASSWORD, "_csrf", embedded.csrf)).status()).isEqualTo(302);
        var conversation = "/app/embed/conversation?chatwoot_account_id=" + chatwootAccountId + "&conversation_id=9";
        assertThat(embedded.get(conversation).status()).isEqualTo(200);
        var opened = embedded.api("POST", "/app/embed/conversation", "{\"chatwoot_account_id\":" + chatwootAccountId
                + ",\"conversation_id\":9}", true);
        assertThat(opened.status()).as(opened.body()).isEqualTo(200);
        var visitor = new Visitor();
        visitor.signIn(tenant.admin().email(), Fixtures.PASSWORD);
        assertThat(visitor.get("/app/a/" + tenant.id() + "/board").status()).isEqualTo(200);

        assertThat(http().bearer(fixtures.superAdmin()).delete("/api/v1/accounts/" + tenant.id()).status())
                .isEqualTo(204);

        assertThat(embedded.get(conversation).status()).isEqualTo(404);
        var created = embedded.api("POST", "/app/embed/conversation", "{\"chatwoot_account_id\":" + chatwootAccountId
                + ",\"conversation_id\":10}", true);
        assertThat(created.status()).as(created.body()).isEqualTo(404);
        assertThat(visitor.get("/app/a/" + tenant.id() + "/board").status()).isEqualTo(404);
    }

    @Test
    void theLanguageFollowsAcceptLanguageAndDefaultsToPortuguese() {
        assertThat(http().get("/app/login").body()).contains("<html lang=\"pt-BR\"").contains(">Entrar<");
        assertThat(http().with("Accept-Language", "en-GB,en;q=0.8").get("/app/login").body())
                .contains("<html lang=\"en\"").contains(">Sign in<");
        assertThat(http().with("Accept-Language", "de-DE").get("/app/login").body()).contains("<html lang=\"pt-BR\"");
    }

    @Test
    void anAgentIsShownNoAdminLinkAndGetsAForbiddenPageForEveryAdminPage() {
        var agent = fixtures.member(tenant.admin().token(), tenant.id(), "agent");
        var visitor = new Visitor();
        visitor.signIn(agent.email(), Fixtures.PASSWORD);
        var board = visitor.get("/app/a/" + tenant.id() + "/board");
        assertThat(board.status()).isEqualTo(200);
        assertThat(board.body()).doesNotContain("/settings").doesNotContain("/audit").doesNotContain("/dead-letters");

        for (var page : java.util.List.of("settings", "settings/users", "settings/api-keys", "settings/chatwoot",
                "settings/plan", "audit", "dead-letters")) {
            var refused = visitor.get("/app/a/" + tenant.id() + "/" + page);
            assertThat(refused.status()).as(page).isEqualTo(403);
            assertThat(refused.contentType()).startsWith("text/html");
            assertThat(refused.body()).contains("<html lang=\"pt-BR\"").contains("Esta página não é para o seu papel")
                    .doesNotContain("data-section");
        }
        var numbers = visitor.get("/app/a/" + tenant.id() + "/numbers");
        assertThat(numbers.status()).isEqualTo(200);
        assertThat(numbers.body()).contains("Números de WhatsApp").doesNotContain("id=\"add-form\"");
        var keys = visitor.api("GET", "/api/v1/accounts/" + tenant.id() + "/api-keys", null, false);
        assertThat(keys.status()).isEqualTo(403);
        assertThat(keys.contentType()).startsWith("application/problem+json");
    }

    @Test
    void anAdminReachesTheSettingsOfTheirAccountButAnotherAccountsAnswerNotFound() {
        var other = fixtures.tenant("Other admin pages " + chatwootAccountId);
        var visitor = new Visitor();
        visitor.signIn(tenant.admin().email(), Fixtures.PASSWORD);
        var board = visitor.get("/app/a/" + tenant.id() + "/board");
        assertThat(board.body()).contains("/app/a/" + tenant.id() + "/settings").contains("/app/a/" + tenant.id() + "/audit");

        var settings = visitor.get("/app/a/" + tenant.id() + "/settings");
        assertThat(settings.status()).isEqualTo(302);
        assertThat(settings.header("Location")).endsWith("/app/a/" + tenant.id() + "/settings/users");
        for (var page : java.util.List.of("settings/users", "settings/teams", "settings/api-keys", "settings/chatwoot",
                "settings/stages", "audit", "dead-letters", "numbers")) {
            var shown = visitor.get("/app/a/" + tenant.id() + "/" + page);
            assertThat(shown.status()).as(page).isEqualTo(200);
            assertThat(shown.body()).as(page).contains("data-section=").contains("/assets/admin.js")
                    .doesNotContainPattern("<script(?![^>]*\\ssrc=)[^>]*>");
        }
        var plan = visitor.get("/app/a/" + tenant.id() + "/settings/plan");
        assertThat(plan.status()).isEqualTo(200);
        assertThat(plan.body()).contains("Plano e uso").contains("data-limit=\"agents\"").contains("<meter");

        for (var page : java.util.List.of("settings/users", "settings/api-keys", "audit", "dead-letters", "numbers", "board")) {
            var foreign = visitor.get("/app/a/" + other.id() + "/" + page);
            assertThat(foreign.status()).as(page).isEqualTo(404);
            assertThat(foreign.body()).contains("Página não encontrada").doesNotContain(other.id() + "/settings");
        }
        var foreignApi = visitor.api("GET", "/api/v1/accounts/" + other.id() + "/api-keys", null, false);
        assertThat(foreignApi.status()).isIn(403, 404);
    }

    @Test
    void unknownPagesAnswerAsPagesInTheUsersLanguageAndUnknownApiRoutesAsProblems() {
        var visitor = new Visitor();
        visitor.signIn(tenant.admin().email(), Fixtures.PASSWORD);
        for (var path : java.util.List.of("/app/nowhere", "/app/a/not-a-number/board", "/app/a/" + tenant.id() + "/settings/nothing")) {
            var page = visitor.get(path);
            assertThat(page.status()).as(path).isEqualTo(404);
            assertThat(page.contentType()).startsWith("text/html");
            assertThat(page.body()).contains("Página não encontrada").contains("class=\"topbar\"");
            assertThat(page.header("Content-Security-Policy")).contains("script-src 'self'");
        }
        var english = http().with("Accept-Language", "en").get("/app/nowhere-either");
        assertThat(english.status()).isEqualTo(302);
        var api = http().bearer(tenant.admin().token()).get("/api/v1/nowhere");
        assertThat(api.status()).isEqualTo(404);
        assertThat(api.contentType()).startsWith("application/problem+json");
    }
}
