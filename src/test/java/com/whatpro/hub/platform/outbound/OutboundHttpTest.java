package com.whatpro.hub.platform.outbound;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.whatpro.hub.SlowNames;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.http.HttpHeaders;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;

/**
 * Calls under the policy, against two WireMock servers on 127.0.0.1 (ports A and B). Nothing here connects to any
 * other address: refused hosts are refused before a connection is opened, which the servers' journals show.
 */
class OutboundHttpTest {

    @RegisterExtension
    static WireMockExtension a = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @RegisterExtension
    static WireMockExtension b = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    private static final byte[] FILE = "the file".getBytes(StandardCharsets.UTF_8);

    @Test
    void refusesLoopbackInEverySpellingWithoutConnecting() {
        a.stubFor(get("/file").willReturn(ok().withBody(FILE)));
        var http = new OutboundHttp(OutboundPolicy.strict(), Duration.ofSeconds(2), Duration.ofSeconds(2));

        for (var url : new String[] {"http://127.0.0.1:" + a.getPort() + "/file",
                "http://localhost:" + a.getPort() + "/file", "http://[::1]:" + a.getPort() + "/file",
                "http://2130706433:" + a.getPort() + "/file", "http://127.1:" + a.getPort() + "/file",
                "http://[::ffff:127.0.0.1]:" + a.getPort() + "/file"}) {
            var refused = catchThrowableOfType(OutboundException.class, () -> fetch(http, url));
            assertThat(refused.kind()).as(url).isEqualTo(OutboundException.Kind.REFUSED);
        }
        assertThat(a.getAllServeEvents()).isEmpty();
    }

    @Test
    void aHostWhoseNameServersAreSlowFailsTheCallWithinTheConnectTimeout() {
        var http = new OutboundHttp(OutboundPolicy.strict(), Duration.ofMillis(500), Duration.ofSeconds(2));
        var started = System.nanoTime();

        var failed = catchThrowableOfType(OutboundException.class,
                () -> fetch(http, "http://files-" + java.util.UUID.randomUUID() + SlowNames.DOMAIN + "/file"));

        var took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(failed.kind()).isEqualTo(OutboundException.Kind.UNREACHABLE);
        assertThat(failed.getMessage()).contains("does not resolve");
        assertThat(took).as("the name server answers only after %s", SlowNames.DELAY).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void callsAddressesInAnAllowedCidrBlock() throws OutboundException {
        a.stubFor(get("/file").willReturn(ok().withBody(FILE)));
        var http = new OutboundHttp(OutboundPolicy.allowing("127.0.0.0/8"), Duration.ofSeconds(2),
                Duration.ofSeconds(2));

        assertThat(fetch(http, "http://127.0.0.1:" + a.getPort() + "/file").body()).isEqualTo(FILE);
    }

    @Test
    void callsAnAllowedHostNameButNotItsAddressSpelledOut() throws OutboundException {
        a.stubFor(get("/file").willReturn(ok().withBody(FILE)));
        var http = new OutboundHttp(OutboundPolicy.allowing("localhost"), Duration.ofSeconds(2),
                Duration.ofSeconds(2));

        assertThat(fetch(http, "http://localhost:" + a.getPort() + "/file").body()).isEqualTo(FILE);
        assertThat(catchThrowableOfType(OutboundException.class,
                () -> fetch(http, "http://127.0.0.1:" + a.getPort() + "/file")).kind())
                .isEqualTo(OutboundException.Kind.REFUSED);
        assertThat(a.getAllServeEvents()).hasSize(1);
    }

    @Test
    void callsOnlyThePortAnAllowedHostPortNames() throws OutboundException {
        a.stubFor(get("/file").willReturn(ok().withBody(FILE)));
        b.stubFor(get("/file").willReturn(ok().withBody(FILE)));
        var http = new OutboundHttp(OutboundPolicy.allowing("127.0.0.1:" + a.getPort()), Duration.ofSeconds(2),
                Duration.ofSeconds(2));

        assertThat(fetch(http, "http://127.0.0.1:" + a.getPort() + "/file").body()).isEqualTo(FILE);
        assertThat(catchThrowableOfType(OutboundException.class,
                () -> fetch(http, "http://127.0.0.1:" + b.getPort() + "/file")).kind())
                .isEqualTo(OutboundException.Kind.REFUSED);
        assertThat(b.getAllServeEvents()).isEmpty();
    }

    @Test
    void doesNotFollowARedirectFromAnAllowedHostToARefusedOne() {
        a.stubFor(get("/file").willReturn(aResponse().withStatus(302)
                .withHeader("Location", "http://127.0.0.1:" + b.getPort() + "/secret")));
        b.stubFor(get("/secret").willReturn(ok().withBody("metadata")));
        var http = new OutboundHttp(OutboundPolicy.allowing("127.0.0.1:" + a.getPort()), Duration.ofSeconds(2),
                Duration.ofSeconds(2));

        var refused = catchThrowableOfType(OutboundException.class, () -> send(http,
                "http://127.0.0.1:" + a.getPort() + "/file", 3));

        assertThat(refused.kind()).isEqualTo(OutboundException.Kind.REFUSED);
        assertThat(a.getAllServeEvents()).hasSize(1);
        assertThat(b.getAllServeEvents()).isEmpty();
    }

    @Test
    void followsAtMostThreeRedirectsAndDropsTheCallersHeadersWhenLeavingTheOrigin() throws OutboundException {
        a.stubFor(get("/one").willReturn(aResponse().withStatus(301).withHeader("Location", "/two")));
        a.stubFor(get("/two").willReturn(aResponse().withStatus(307)
                .withHeader("Location", "http://127.0.0.1:" + b.getPort() + "/three")));
        b.stubFor(get("/three").willReturn(aResponse().withStatus(302).withHeader("Location", "/file")));
        b.stubFor(get("/file").willReturn(ok().withBody(FILE)));
        b.stubFor(get("/loop").willReturn(aResponse().withStatus(302).withHeader("Location", "/loop")));
        var http = new OutboundHttp(OutboundPolicy.allowing("127.0.0.0/8"), Duration.ofSeconds(2),
                Duration.ofSeconds(2));
        var headers = new HttpHeaders();
        headers.set("Authorization", "Bearer provider-token");

        var answer = http.send("GET", URI.create("http://127.0.0.1:" + a.getPort() + "/one"), headers, null,
                OutboundHttp.Limits.of(Duration.ofSeconds(5), 1024).followingRedirects(3));

        assertThat(answer.body()).isEqualTo(FILE);
        assertThat(a.getAllServeEvents()).allSatisfy(served ->
                assertThat(served.getRequest().getHeader("Authorization")).isEqualTo("Bearer provider-token"));
        assertThat(b.getAllServeEvents()).hasSize(2).allSatisfy(served ->
                assertThat(served.getRequest().containsHeader("Authorization")).isFalse());
        var loop = catchThrowableOfType(OutboundException.class, () -> send(http,
                "http://127.0.0.1:" + b.getPort() + "/loop", 3));
        assertThat(loop.kind()).isEqualTo(OutboundException.Kind.UNREACHABLE);
        assertThat(b.countRequestsMatching(com.github.tomakehurst.wiremock.matching.RequestPattern.everything())
                .getCount()).isEqualTo(2 + 4);
    }

    @Test
    void refusesAnAnswerLargerThanTheCapWhetherItsLengthIsDeclaredOrNot() {
        a.stubFor(get("/declared").willReturn(ok().withBody(new byte[200_000])));
        a.stubFor(get("/chunked").willReturn(ok().withBody(new byte[200_000]).withChunkedDribbleDelay(20, 100)));
        var http = new OutboundHttp(OutboundPolicy.allowing("127.0.0.0/8"), Duration.ofSeconds(2),
                Duration.ofSeconds(2));

        for (var path : new String[] {"/declared", "/chunked"}) {
            var tooLarge = catchThrowableOfType(OutboundException.class, () -> http.send("GET",
                    URI.create("http://127.0.0.1:" + a.getPort() + path), new HttpHeaders(), null,
                    OutboundHttp.Limits.of(Duration.ofSeconds(5), 64 * 1024)));
            assertThat(tooLarge.kind()).as(path).isEqualTo(OutboundException.Kind.TOO_LARGE);
        }
    }

    @Test
    void givesUpOnADribblingBodyAtTheDeadline() {
        // 10 chunks over 8 s: each arrives well within the read timeout, only the total deadline stops it
        a.stubFor(get("/slow").willReturn(ok().withBody(new byte[10_000]).withChunkedDribbleDelay(10, 8_000)));
        var http = new OutboundHttp(OutboundPolicy.allowing("127.0.0.0/8"), Duration.ofSeconds(2),
                Duration.ofSeconds(5));
        long started = System.nanoTime();

        var late = catchThrowableOfType(OutboundException.class, () -> http.send("GET",
                URI.create("http://127.0.0.1:" + a.getPort() + "/slow"), new HttpHeaders(), null,
                OutboundHttp.Limits.of(Duration.ofMillis(1_500), 1024 * 1024)));

        assertThat(late.kind()).isEqualTo(OutboundException.Kind.TIMED_OUT);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(4_000));
    }

    private static OutboundHttp.Response fetch(OutboundHttp http, String url) throws OutboundException {
        return send(http, url, 0);
    }

    private static OutboundHttp.Response send(OutboundHttp http, String url, int redirects)
            throws OutboundException {
        return http.send("GET", URI.create(url), new HttpHeaders(), null,
                OutboundHttp.Limits.of(Duration.ofSeconds(5), 1024 * 1024).followingRedirects(redirects));
    }
}
