package com.whatpro.hub.platform.web;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The proxies whose {@code X-Forwarded-For} is believed ({@code WHATPRO_TRUSTED_PROXIES}:
 * addresses or CIDR blocks). The client is the rightmost hop that is not a trusted proxy, so a
 * client cannot pick its own address by sending the header itself: only what trusted proxies
 * appended counts. With no trusted proxies the socket's address is the client.
 */
public final class TrustedProxies {

    private final List<Block> blocks;

    public TrustedProxies(Collection<String> cidrs) {
        var parsed = new ArrayList<Block>();
        for (var cidr : cidrs) {
            if (!cidr.isBlank()) {
                parsed.add(Block.parse(cidr.strip()));
            }
        }
        this.blocks = List.copyOf(parsed);
    }

    /** Whether every entry is an address or CIDR block; the message says which one is not. */
    public static @Nullable String invalid(Collection<String> cidrs) {
        for (var cidr : cidrs) {
            try {
                if (!cidr.isBlank()) {
                    Block.parse(cidr.strip());
                }
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        }
        return null;
    }

    public boolean none() {
        return blocks.isEmpty();
    }

    public boolean trusts(InetAddress address) {
        return blocks.stream().anyMatch(block -> block.contains(address));
    }

    /**
     * The client's address for a request from {@code remoteAddress} carrying these
     * {@code X-Forwarded-For} values (in header order).
     */
    public String client(String remoteAddress, List<String> forwardedFor) {
        var remote = literal(remoteAddress);
        if (remote == null) {
            return remoteAddress;
        }
        if (blocks.isEmpty() || !trusts(remote)) {
            return remote.getHostAddress();
        }
        var hops = new ArrayList<String>();
        for (var header : forwardedFor) {
            for (var hop : header.split(",")) {
                if (!hop.isBlank()) {
                    hops.add(hop.strip());
                }
            }
        }
        var client = remote;
        for (int i = hops.size() - 1; i >= 0; i--) {
            var hop = literal(hops.get(i));
            if (hop == null) {
                break; // garbage from further out: stop at the last address we could believe
            }
            client = hop;
            if (!trusts(hop)) {
                break;
            }
        }
        return client.getHostAddress();
    }

    /** An IP literal, tolerating {@code [v6]}, {@code [v6]:port} and {@code v4:port}; never a DNS look-up. */
    static @Nullable InetAddress literal(@Nullable String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        var value = text.strip();
        if (value.startsWith("[")) {
            var end = value.indexOf(']');
            if (end < 0) {
                return null;
            }
            value = value.substring(1, end);
        } else if (value.indexOf(':') > 0 && value.indexOf(':') == value.lastIndexOf(':') && value.indexOf('.') > 0) {
            value = value.substring(0, value.indexOf(':'));
        }
        try {
            return InetAddress.ofLiteral(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private record Block(byte[] network, int prefix) {

        static Block parse(String cidr) {
            var slash = cidr.indexOf('/');
            var address = literal(slash < 0 ? cidr : cidr.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException("'" + cidr + "' is not an IP address or CIDR block");
            }
            var bytes = address.getAddress();
            int prefix;
            try {
                prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(cidr.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + cidr + "' has no valid prefix length");
            }
            if (prefix < 0 || prefix > bytes.length * 8) {
                throw new IllegalArgumentException("'" + cidr + "' has a prefix length out of range");
            }
            return new Block(bytes, prefix);
        }

        boolean contains(InetAddress address) {
            var bytes = address.getAddress();
            if (bytes.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (bytes[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (bytes[full] & mask) == (network[full] & mask);
        }
    }
}
