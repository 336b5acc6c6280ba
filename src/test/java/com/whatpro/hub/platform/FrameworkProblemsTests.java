package com.whatpro.hub.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.util.Map;
import java.util.concurrent.Flow;
import java.nio.ByteBuffer;

import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.TestHttp;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

class FrameworkProblemsTests extends IntegrationTest {

    @Test
    void unknownRouteIsANotFoundProblem() {
        var response = http().get("/api/v1/no-such-thing");

        assertProblem(response, 404);
        assertThat(response.json().get("instance").asString()).isEqualTo("/api/v1/no-such-thing");
    }

    /** Found by ApiFuzzTests: Tomcat answered what it refuses by itself with an HTML page. */
    @Test
    void whatTheContainerRefusesBeforeAnyServletIsAProblemToo() {
        assertProblem(http().get("/api/v1/accounts/1/boards/a%2Fb"), 400);
        assertProblem(http().get("/api/v1/accounts/1/boards?limit=" + "x".repeat(9_000)), 400);
    }

    @Test
    void wrongMethodIsAMethodNotAllowedProblem() {
        var response = http().delete("/api/v1/probe");

        assertProblem(response, 405);
        assertThat(response.header("Allow")).contains("POST");
    }

    @Test
    void wrongContentTypeIsAnUnsupportedMediaTypeProblem() {
        var response = http().send("POST", "/api/v1/probe", "text/plain", HttpRequest.BodyPublishers.ofString("hi"));

        assertProblem(response, 415);
    }

    /** Found by WebhookFuzzTests: a webhook route reads any body, and a form one is decoded first (it was a 500). */
    @Test
    void aFormBodyWithBrokenPercentEncodingIsABadRequestProblem() {
        var response = http().send("POST", "/api/v1/webhooks/providers/" + java.util.UUID.randomUUID() + "/secret",
                "application/x-www-form-urlencoded", HttpRequest.BodyPublishers.ofString("{\"created\": \"%Y-%m\"}"));

        assertProblem(response, 400);
    }

    /** Found by WebhookFuzzTests: a body that only claims to be multipart, to a route that reads any (it was a 500). */
    @Test
    void aBodyThatIsNoMultipartFormIsABadRequestProblem() {
        var response = http().send("POST", "/api/v1/webhooks/providers/" + java.util.UUID.randomUUID() + "/secret",
                "multipart/form-data; boundary=x", HttpRequest.BodyPublishers.ofString("{\"event\": \"x\"}"));

        assertProblem(response, 400);
    }

    @Test
    void malformedJsonIsABadRequestProblem() {
        var response = http().post("/api/v1/probe", "{\"display_name\": ");

        assertProblem(response, 400);
        assertThat(response.json().get("detail").asString()).isEqualTo("The request body is not valid JSON.");
    }

    @Test
    void wrongFieldTypeNamesTheField() {
        var response = http().post("/api/v1/probe", "{\"display_name\": \"x\", \"wip_limit\": \"many\"}");

        assertProblem(response, 400);
        assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo("wip_limit");
    }

    @Test
    void invalidFieldsAreListedInSnakeCase() {
        var response = http().post("/api/v1/probe", Map.of("display_name", " ", "wip_limit", 0));

        assertProblem(response, 422);
        assertThat(response.json().get("errors").findValuesAsString("field"))
                .containsExactlyInAnyOrder("display_name", "wip_limit");
    }

    @Test
    void validInputIsAccepted() {
        var response = http().post("/api/v1/probe", Map.of("display_name", "Ana", "wip_limit", 3));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("display_name").asString()).isEqualTo("Ana");
    }

    @Test
    void badPathParameterIsABadRequestProblem() {
        var response = http().get("/api/v1/probe/not-a-number");

        assertProblem(response, 400);
        assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo("number");
    }

    @Test
    void declaredOversizeBodyIsRefusedWith413() {
        var body = "{\"display_name\": \"" + "x".repeat(1_100_000) + "\", \"wip_limit\": 1}";

        var response = http().post("/api/v1/probe", body);

        assertProblem(response, 413);
    }

    @Test
    void chunkedOversizeBodyIsRefusedWith413() {
        var body = ("{\"display_name\": \"" + "x".repeat(1_100_000) + "\", \"wip_limit\": 1}").getBytes();
        var chunked = new HttpRequest.BodyPublisher() {
            private final HttpRequest.BodyPublisher inner = HttpRequest.BodyPublishers.ofByteArray(body);

            @Override
            public long contentLength() {
                return -1;
            }

            @Override
            public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
                inner.subscribe(subscriber);
            }
        };

        var response = http().send("POST", "/api/v1/probe", "application/json", chunked);

        assertProblem(response, 413);
    }

    @Test
    void unexpectedFaultIsA500ProblemWithoutInternals() {
        var response = http().get("/api/v1/probe/fault");

        assertProblem(response, 500);
        assertThat(response.body()).doesNotContain("internal detail").doesNotContain("Exception");
    }

    /** Found in review: a value the database refused as data (SQLSTATE class 22) was a 500. */
    @Test
    void aValueTheDatabaseRefusesAsDataIsAnInvalidInputProblemWithoutTheSql() {
        for (var kind : java.util.List.of("cast", "division", "time", "nul")) {
            var response = http().get("/api/v1/probe/data/" + kind);

            assertProblem(response, 422);
            assertThat(response.json().get("type").asString()).as(kind).isEqualTo("urn:whatpro:problem:validation");
            assertThat(response.body().replace("/api/v1/probe/data/" + kind, "")).as(kind)
                    .doesNotContainIgnoringCase("select").doesNotContain("integer")
                    .doesNotContain("SQL").doesNotContain("forty-two").doesNotContain("300000")
                    .doesNotContainIgnoringCase("division").doesNotContain("Exception");
        }
    }

    @Test
    void anotherDatabaseErrorIsStillA500ProblemWithoutTheSql() {
        var response = http().get("/api/v1/probe/data/grammar");

        assertProblem(response, 500);
        assertThat(response.body()).doesNotContain("no_such_table").doesNotContainIgnoringCase("select");
    }

    @Test
    void everyResponseCarriesSecurityHeaders() {
        var response = http().get("/health/live");

        assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(response.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(response.header("Content-Security-Policy")).contains("frame-ancestors 'none'");
        assertThat(response.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(response.header("Cache-Control")).contains("no-store");
    }

    @Test
    void requestIdIsEchoedOrCreated() {
        var echoed = http().with("X-Request-Id", "trace-123").get("/health/live");
        var created = http().get("/health/live");
        var refused = http().with("X-Request-Id", "bad id with spaces").get("/health/live");

        assertThat(echoed.header("X-Request-Id")).isEqualTo("trace-123");
        assertThat(created.header("X-Request-Id")).hasSizeGreaterThan(10);
        assertThat(refused.header("X-Request-Id")).isNotEqualTo("bad id with spaces");
    }

    @Test
    void everyRequestIsLoggedWithItsRequestId() {
        var appender = new ListAppender<ILoggingEvent>();
        appender.start();
        var logger = (Logger) LoggerFactory.getLogger("whatpro.access");
        logger.addAppender(appender);
        try {
            http().with("X-Request-Id", "trace-log-42").get("/api/v1/no-such-thing");
        } finally {
            logger.detachAppender(appender);
        }

        assertThat(appender.list).anySatisfy(event -> {
            assertThat(event.getMDCPropertyMap()).containsEntry("request_id", "trace-log-42");
            assertThat(event.getFormattedMessage()).startsWith("GET /api/v1/no-such-thing 404");
        });
    }

    @Test
    void crossOriginRequestsAreRefusedByDefault() {
        var response = http().send(http().request("/api/v1/probe").method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST"));

        assertThat(response.header("Access-Control-Allow-Origin")).isNull();
    }

    static void assertProblem(TestHttp.Response response, int status) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        var json = response.json();
        assertThat(json.get("status").asInt()).isEqualTo(status);
        assertThat(json.get("title").asString()).isNotBlank();
        assertThat(json.has("type")).isTrue();
        assertThat(json.has("detail")).isTrue();
    }
}
