package com.whatpro.hub.platform.outbound;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import com.whatpro.hub.platform.ApiProblem;

import inet.ipaddr.HostName;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;

/**
 * Which URLs the hub may call when a tenant or a webhook names them. Refused: anything but http(s), hosts spelled as
 * an IP address in any but the canonical form ({@code 2130706433}, {@code 0x7f.1}, {@code 127.1}), and every host
 * that resolves to a loopback, private, shared (CGNAT), link-local, unspecified, multicast, reserved or broadcast
 * address, or to an IPv6 address embedding an IPv4 one, unless the operator allowed it ({@code
 * WHATPRO_OUTBOUND_ALLOWED}). The decision is made on the resolved addresses, and {@link OutboundHttp} connects to
 * exactly those.
 */
public final class OutboundPolicy {

    /** The most redirects any outbound call follows, each hop checked again. */
    public static final int MAX_REDIRECTS = 3;

    private static final List<Refused> REFUSED = List.of(
            refused("0.0.0.0/8", "an unspecified address"),
            refused("10.0.0.0/8", "a private address"),
            refused("100.64.0.0/10", "a shared (CGNAT) address"),
            refused("127.0.0.0/8", "a loopback address"),
            refused("169.254.0.0/16", "a link-local address"),
            refused("172.16.0.0/12", "a private address"),
            refused("192.168.0.0/16", "a private address"),
            refused("224.0.0.0/4", "a multicast address"),
            refused("240.0.0.0/4", "a reserved or broadcast address"),
            refused("::/128", "an unspecified address"),
            refused("::1/128", "a loopback address"),
            refused("::/96", "an IPv4-compatible IPv6 address"),
            refused("::ffff:0:0/96", "an IPv4-mapped IPv6 address"),
            refused("64:ff9b::/96", "an IPv4-translated IPv6 address"),
            refused("fc00::/7", "a private (unique local) address"),
            refused("fe80::/10", "a link-local address"),
            refused("fec0::/10", "a site-local address"),
            refused("ff00::/8", "a multicast address"));

    private final List<Allowed> allowed;
    private final ObservationRegistry observations;

    private OutboundPolicy(List<Allowed> allowed, ObservationRegistry observations) {
        this.allowed = List.copyOf(allowed);
        this.observations = observations;
    }

    private OutboundPolicy(List<Allowed> allowed) {
        this(allowed, ObservationRegistry.NOOP);
    }

    /**
     * This policy, with every call made under it observed: a timer by target and outcome, and a span in the current
     * trace.
     */
    public OutboundPolicy observedBy(ObservationRegistry registry) {
        return new OutboundPolicy(allowed, registry);
    }

    /** Where calls made under this policy are observed ({@link ObservationRegistry#NOOP}: nowhere). */
    public ObservationRegistry observations() {
        return observations;
    }

    /** The policy with no exceptions. */
    public static OutboundPolicy strict() {
        return new OutboundPolicy(List.of());
    }

    /**
     * @param entries CIDR blocks or addresses ({@code 10.0.0.0/8}, {@code fd00::/8}, {@code 192.168.1.5}), host names
     *        ({@code evolution.internal}) or either with a port ({@code evolution.internal:8080},
     *        {@code 10.1.2.3:8080}, {@code [fd00::5]:8080}); blank entries are ignored
     * @throws IllegalArgumentException naming an entry that is none of these
     */
    public static OutboundPolicy allowing(Collection<String> entries) {
        var rules = new ArrayList<Allowed>();
        for (var entry : entries) {
            var text = entry.strip();
            if (!text.isEmpty()) {
                rules.add(Allowed.parse(text));
            }
        }
        return new OutboundPolicy(rules);
    }

    public static OutboundPolicy allowing(String... entries) {
        return allowing(Arrays.asList(entries));
    }

    /** This policy, also allowing the host and port of an operator's own setting (such as WHATPRO_CHATWOOT_URL). */
    public OutboundPolicy trusting(@Nullable URI operatorUrl) {
        if (operatorUrl == null || operatorUrl.getHost() == null) {
            return this;
        }
        var rules = new ArrayList<>(allowed);
        rules.add(Allowed.of(bare(operatorUrl.getHost()), port(operatorUrl)));
        return new OutboundPolicy(rules, observations);
    }

    /**
     * Why the hub may not call {@code url}, or nothing when it may. Resolves the host name (never connects); a name
     * that does not resolve now is not refused here, as the call itself checks again.
     */
    public Optional<String> refusal(URI url) {
        var early = precheck(url);
        if (early.isPresent()) {
            return early;
        }
        try {
            resolve(bare(url.getHost()), port(url));
            return Optional.empty();
        } catch (RefusedAddress refused) {
            return Optional.of(refused.reason());
        } catch (UnknownHostException unknown) {
            return Optional.empty();
        }
    }

    /**
     * {@code url}, when the hub may call it.
     *
     * @throws ApiProblem a 422 naming {@code field} and the reason, when it may not
     */
    public URI require(String field, URI url) {
        var refusal = refusal(url);
        if (refusal.isPresent()) {
            throw ApiProblem.invalid(field, "is refused by the outbound policy: " + refusal.get()
                    + " (the operator can allow it with WHATPRO_OUTBOUND_ALLOWED)");
        }
        return url;
    }

    /** The decision about one resolved address of {@code host}, without connecting. */
    public Optional<String> refusal(String host, int port, InetAddress address) {
        var name = bare(host);
        if (allowed.stream().anyMatch(rule -> rule.admits(name, port, ip(address)))) {
            return Optional.empty();
        }
        var ip = ip(address);
        // a name's address is not told: a tenant would map the operator's internal names with it
        return REFUSED.stream().filter(range -> range.block().contains(ip)).findFirst()
                .map(range -> name + (isLiteral(name) ? " is " : " resolves to ") + range.what());
    }

    /** What can be refused before any name is resolved: the scheme, a missing host, an oddly spelled address. */
    Optional<String> precheck(URI url) {
        var scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.of("only http and https URLs are called");
        }
        if (url.getHost() == null || url.getHost().isBlank()) {
            return Optional.of("the URL has no host the hub accepts");
        }
        if (url.getRawUserInfo() != null) {
            return Optional.of("the URL carries a user name or password");
        }
        return oddSpelling(bare(url.getHost()));
    }

    /**
     * Every address of {@code host}, each accepted for {@code port}; an address literal is not looked up.
     *
     * @throws RefusedAddress when any address is refused, or the host is an oddly spelled address
     */
    List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
        var name = bare(host);
        var odd = oddSpelling(name);
        if (odd.isPresent()) {
            throw new RefusedAddress(odd.get());
        }
        var literal = new IPAddressString(name);
        InetAddress[] addresses = literal.isIPAddress() && literal.getAddress() != null
                ? new InetAddress[] {literal.getAddress().toInetAddress()}
                : InetAddress.getAllByName(name);
        var checked = new ArrayList<InetSocketAddress>(addresses.length);
        for (var address : addresses) {
            var refusal = refusal(name, port, address);
            if (refusal.isPresent()) {
                throw new RefusedAddress(refusal.get());
            }
            checked.add(new InetSocketAddress(address, port));
        }
        return checked;
    }

    /**
     * A host spelled as an IPv4 address in any form but dotted decimal ({@code 2130706433}, {@code 0x7f.1},
     * {@code 017700000001}, {@code 127.1}), or ending in a numeric label: resolvers read these differently, so none
     * reaches one.
     */
    private static Optional<String> oddSpelling(String host) {
        if (host.contains(":")) {
            var v6 = new IPAddressString(host);
            return v6.isIPv6() && !v6.isPrefixed() ? Optional.empty()
                    : Optional.of(host + " is not a plain IPv6 address");
        }
        var name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        var parsed = new IPAddressString(name);
        if (parsed.isIPAddress()) {
            var address = parsed.getAddress();
            if (address != null && parsed.isIPv4() && !parsed.isPrefixed() && address.isIPv4()
                    && address.toCanonicalString().equals(host)) {
                return Optional.empty();
            }
            return Optional.of(host + " is an unusual spelling of an IP address");
        }
        var last = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        if (!last.isEmpty() && (last.chars().allMatch(Character::isDigit)
                || last.matches("0x[0-9a-f]*"))) {
            return Optional.of(host + " ends in a number, like an IP address spelled in an unusual way");
        }
        return Optional.empty();
    }

    private static boolean isLiteral(String host) {
        return new IPAddressString(host).isIPAddress();
    }

    static String bare(String host) {
        var name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return name.toLowerCase(Locale.ROOT);
    }

    static int port(URI url) {
        if (url.getPort() >= 0) {
            return url.getPort();
        }
        return "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    }

    private static IPAddress ip(InetAddress address) {
        return address instanceof Inet4Address ? new IPv4Address(address.getAddress())
                : new IPv6Address(address.getAddress());
    }

    private static Refused refused(String block, String what) {
        return new Refused(prefixBlock(block), what);
    }

    private static IPAddress prefixBlock(String text) {
        var address = new IPAddressString(text).getAddress();
        if (address == null) {
            throw new IllegalArgumentException("not an address or CIDR block: " + text);
        }
        return address.isPrefixed() ? address.toPrefixBlock() : address;
    }

    private record Refused(IPAddress block, String what) {
    }

    /** One exception the operator made: an address block, or a host name, on any port or one. */
    private record Allowed(@Nullable IPAddress block, @Nullable String name, @Nullable Integer port) {

        static Allowed parse(String entry) {
            var address = new IPAddressString(entry);
            if (address.isIPAddress()) {
                return new Allowed(prefixBlock(entry), null, null);
            }
            var host = new HostName(entry);
            if (!host.isValid() || host.getHost() == null || host.getHost().isBlank()) {
                throw new IllegalArgumentException("WHATPRO_OUTBOUND_ALLOWED: '" + entry
                        + "' is neither a CIDR block, an address, a host name nor host:port");
            }
            return of(host.getHost(), host.getPort());
        }

        static Allowed of(String host, @Nullable Integer port) {
            var address = new IPAddressString(bare(host));
            if (address.isIPAddress() && address.getAddress() != null) {
                return new Allowed(prefixBlock(bare(host)), null, port);
            }
            var name = bare(host);
            return new Allowed(null, name.endsWith(".") ? name.substring(0, name.length() - 1) : name, port);
        }

        boolean admits(String host, int port, IPAddress address) {
            if (this.port != null && this.port != port) {
                return false;
            }
            if (name != null) {
                return name.equals(host.endsWith(".") ? host.substring(0, host.length() - 1) : host);
            }
            return block != null && block.contains(address);
        }
    }

    /** A host refused by the policy; an {@link UnknownHostException} so that an HTTP client's resolver can throw it. */
    static final class RefusedAddress extends UnknownHostException {

        private final String reason;

        RefusedAddress(String reason) {
            super(reason);
            this.reason = reason;
        }

        String reason() {
            return reason;
        }
    }
}
