package com.whatpro.hub.platform.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.whatpro.hub.platform.ApiProblem;

/**
 * The policy's decisions about addresses, made without connecting anywhere: every address here is an IP literal, so
 * nothing is looked up either (only {@code localhost} is resolved, by the local resolver).
 */
class OutboundPolicyTest {

    private final OutboundPolicy strict = OutboundPolicy.strict();

    @ParameterizedTest(name = "{0} is refused as {1}")
    @CsvSource({
            "169.254.169.254, link-local",
            "169.254.0.1, link-local",
            "10.0.0.1, private",
            "10.255.255.255, private",
            "172.16.0.1, private",
            "172.31.255.254, private",
            "192.168.0.1, private",
            "192.168.1.50, private",
            "100.64.0.1, shared (CGNAT)",
            "100.127.255.254, shared (CGNAT)",
            "127.0.0.1, loopback",
            "127.8.9.10, loopback",
            "0.0.0.0, unspecified",
            "0.1.2.3, unspecified",
            "224.0.0.1, multicast",
            "239.255.255.250, multicast",
            "255.255.255.255, broadcast",
            "240.0.0.1, reserved",
            "::1, loopback",
            "::, unspecified",
            "fc00::1, private (unique local)",
            "fd12:3456:789a::1, private (unique local)",
            "fe80::1, link-local",
            "ff02::1, multicast",
            "::ffff:127.0.0.1, loopback",
            "::ffff:169.254.169.254, link-local",
            "::127.0.0.1, IPv4-compatible",
            "64:ff9b::a9fe:a9fe, IPv4-translated"})
    void refusesAddressesThatAreNotOnThePublicInternet(String address, String what) throws UnknownHostException {
        // an IPv4-mapped address is judged by the IPv4 address it carries (the JDK reads it as that address)
        assertThat(strict.refusal("target.example", 443, InetAddress.getByName(address)))
                .hasValueSatisfying(reason -> assertThat(reason).startsWith("target.example resolves to ")
                        .contains(what).doesNotContain(address));
        assertThat(strict.refusal(URI.create("http://" + (address.contains(":") ? "[" + address + "]" : address)
                + "/latest/meta-data/"))).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "157.240.1.1", "100.63.255.255", "100.128.0.0", "172.15.255.255",
            "172.32.0.0", "192.167.255.255", "169.253.255.255", "223.255.255.255", "2001:4860:4860::8888",
            "2a03:2880:f10c:83:face:b00c::25de"})
    void acceptsPublicAddresses(String address) throws UnknownHostException {
        assertThat(strict.refusal("target.example", 443, InetAddress.getByName(address))).isEmpty();
        assertThat(strict.refusal(URI.create("https://" + (address.contains(":") ? "[" + address + "]" : address)
                + "/"))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"2130706433", "0x7f.1", "017700000001", "0x7f000001", "127.1", "0177.0.0.1", "127.0.0.1.",
            "8.8.8.8.", "0x08.8.8.8", "010.0.0.1", "134744072", "foo.0x7f", "internal.123"})
    void refusesHostsSpelledAsAddressesInUnusualWaysBeforeAnyResolverSeesThem(String host) {
        // some are public once decoded (134744072 is 8.8.8.8): the spelling alone is refused
        assertThatThrownBy(() -> strict.resolve(host, 80)).isInstanceOf(OutboundPolicy.RefusedAddress.class);
        assertThat(strict.refusal(URI.create("http://" + host + "/"))).isPresent();
    }

    @Test
    void refusesOtherSchemesUserInfoAndMissingHosts() {
        assertThat(strict.refusal(URI.create("ftp://8.8.8.8/"))).isPresent();
        assertThat(strict.refusal(URI.create("file:///etc/passwd"))).isPresent();
        assertThat(strict.refusal(URI.create("http://user:secret@8.8.8.8/"))).isPresent();
        assertThat(strict.refusal(URI.create("http:///path"))).isPresent();
    }

    @Test
    void refusesLocalhostByWhatItResolvesTo() {
        assertThat(strict.refusal(URI.create("http://localhost:8080/"))).hasValueSatisfying(reason ->
                assertThat(reason).contains("localhost", "loopback"));
    }

    @Test
    void answersARefusalOnCreateOrUpdateAsA422NamingTheField() {
        assertThatThrownBy(() -> strict.require("base_url", URI.create("http://169.254.169.254/")))
                .isInstanceOfSatisfying(ApiProblem.class, problem -> {
                    assertThat(problem.status().value()).isEqualTo(422);
                    assertThat(problem.errors()).singleElement().satisfies(error -> {
                        assertThat(error.field()).isEqualTo("base_url");
                        assertThat(error.message()).contains("169.254.169.254", "link-local",
                                "WHATPRO_OUTBOUND_ALLOWED");
                    });
                });
    }

    @Test
    void opensCidrBlocksTheOperatorAllows() throws UnknownHostException {
        var policy = OutboundPolicy.allowing("10.0.0.0/8", "fd00::/8", "192.168.1.5");

        assertThat(policy.refusal("evolution.internal", 8080, InetAddress.getByName("10.20.30.40"))).isEmpty();
        assertThat(policy.refusal("evolution.internal", 8080, InetAddress.getByName("fd00::7"))).isEmpty();
        assertThat(policy.refusal("evolution.internal", 8080, InetAddress.getByName("192.168.1.5"))).isEmpty();
        assertThat(policy.refusal("evolution.internal", 8080, InetAddress.getByName("192.168.1.6"))).isPresent();
        assertThat(policy.refusal("evolution.internal", 8080, InetAddress.getByName("169.254.169.254"))).isPresent();
        assertThat(policy.refusal("evolution.internal", 8080, InetAddress.getByName("172.16.0.1"))).isPresent();
    }

    @Test
    void opensAHostNameOnEveryPortOrOnlyTheGivenOne() throws UnknownHostException {
        var policy = OutboundPolicy.allowing("evolution.internal", "chatwoot.internal:3000", "10.9.9.9:8080",
                "[fd00::5]:8443");
        var privateAddress = InetAddress.getByName("10.1.1.1");

        assertThat(policy.refusal("evolution.internal", 8080, privateAddress)).isEmpty();
        assertThat(policy.refusal("EVOLUTION.internal.", 443, privateAddress)).isEmpty();
        assertThat(policy.refusal("chatwoot.internal", 3000, privateAddress)).isEmpty();
        assertThat(policy.refusal("chatwoot.internal", 3001, privateAddress)).isPresent();
        assertThat(policy.refusal("other.internal", 3000, privateAddress)).isPresent();
        assertThat(policy.refusal("10.9.9.9", 8080, InetAddress.getByName("10.9.9.9"))).isEmpty();
        assertThat(policy.refusal("10.9.9.9", 8081, InetAddress.getByName("10.9.9.9"))).isPresent();
        assertThat(policy.refusal("fd00::5", 8443, InetAddress.getByName("fd00::5"))).isEmpty();
        assertThat(policy.refusal("fd00::5", 443, InetAddress.getByName("fd00::5"))).isPresent();
    }

    @Test
    void trustsTheOperatorsOwnUrlByHostAndPort() throws UnknownHostException {
        var policy = OutboundPolicy.strict().trusting(URI.create("http://chatwoot.internal:3000"));

        assertThat(policy.refusal("chatwoot.internal", 3000, InetAddress.getByName("10.0.0.5"))).isEmpty();
        assertThat(policy.refusal("chatwoot.internal", 80, InetAddress.getByName("10.0.0.5"))).isPresent();
        assertThat(OutboundPolicy.strict().trusting(URI.create("https://chat.example.com"))
                .refusal("chat.example.com", 443, InetAddress.getByName("10.0.0.5"))).isEmpty();
    }

    @Test
    void refusesToStartWithAnEntryThatIsNeitherAnAddressNorAHost() {
        assertThatThrownBy(() -> OutboundPolicy.allowing("10.0.0.0/8", "not a host!"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a host!");
    }
}
