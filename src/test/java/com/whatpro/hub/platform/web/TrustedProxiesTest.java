package com.whatpro.hub.platform.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

    @Test
    void withoutTrustedProxiesTheSocketIsTheClientWhateverTheHeaderSays() {
        var proxies = new TrustedProxies(List.of());

        assertThat(proxies.client("198.51.100.7", List.of("203.0.113.9"))).isEqualTo("198.51.100.7");
    }

    @Test
    void anUntrustedSocketCannotSpoofItsAddressThroughTheHeader() {
        var proxies = new TrustedProxies(List.of("10.0.0.0/8"));

        assertThat(proxies.client("198.51.100.7", List.of("203.0.113.9"))).isEqualTo("198.51.100.7");
    }

    @Test
    void behindATrustedProxyTheRightmostUntrustedHopIsTheClient() {
        var proxies = new TrustedProxies(List.of("10.0.0.0/8", "192.0.2.1"));

        // the client wrote "1.1.1.1" itself; the proxies appended what they saw
        assertThat(proxies.client("10.1.2.3", List.of("1.1.1.1, 203.0.113.9, 192.0.2.1"))).isEqualTo("203.0.113.9");
        assertThat(proxies.client("10.1.2.3", List.of("1.1.1.1", "203.0.113.9"))).isEqualTo("203.0.113.9");
    }

    @Test
    void whenEveryHopIsTrustedTheOutermostIsTheClient() {
        var proxies = new TrustedProxies(List.of("10.0.0.0/8"));

        assertThat(proxies.client("10.0.0.1", List.of("10.0.0.9, 10.0.0.5"))).isEqualTo("10.0.0.9");
        assertThat(proxies.client("10.0.0.1", List.of())).isEqualTo("10.0.0.1");
    }

    @Test
    void garbageInTheHeaderStopsAtTheLastBelievableAddress() {
        var proxies = new TrustedProxies(List.of("10.0.0.0/8"));

        assertThat(proxies.client("10.0.0.1", List.of("203.0.113.9, not-an-ip, 10.0.0.2"))).isEqualTo("10.0.0.2");
        assertThat(proxies.client("10.0.0.1", List.of("example.com"))).isEqualTo("10.0.0.1");
    }

    @Test
    void understandsIpv6PortsAndBrackets() {
        var proxies = new TrustedProxies(List.of("2001:db8::/32", "127.0.0.1"));

        assertThat(proxies.client("2001:db8::1", List.of("[2001:db9::5]:4711"))).isEqualTo("2001:db9:0:0:0:0:0:5");
        assertThat(proxies.client("127.0.0.1", List.of("203.0.113.9:5555"))).isEqualTo("203.0.113.9");
        assertThat(proxies.trusts(TrustedProxies.literal("2001:db8:ffff::1"))).isTrue();
        assertThat(proxies.trusts(TrustedProxies.literal("2001:db9::1"))).isFalse();
    }

    @Test
    void prefixesMatchBitByBit() {
        var proxies = new TrustedProxies(List.of("172.16.0.0/12"));

        assertThat(proxies.trusts(TrustedProxies.literal("172.31.255.255"))).isTrue();
        assertThat(proxies.trusts(TrustedProxies.literal("172.32.0.0"))).isFalse();
        assertThat(proxies.trusts(TrustedProxies.literal("::ffff:172.16.0.1"))).isTrue();
    }

    @Test
    void refusesWhatIsNotAnAddressOrBlock() {
        assertThat(TrustedProxies.invalid(List.of("10.0.0.0/8", "proxy.internal"))).contains("proxy.internal");
        assertThat(TrustedProxies.invalid(List.of("10.0.0.0/33"))).contains("out of range");
        assertThat(TrustedProxies.invalid(List.of("10.0.0.0/8", " "))).isNull();
        assertThatThrownBy(() -> new TrustedProxies(List.of("10.0.0.0/x"))).isInstanceOf(IllegalArgumentException.class);
    }
}
