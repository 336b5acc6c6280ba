package com.whatpro.hub.platform.outbound;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

import org.apache.hc.client5.http.DnsResolver;

/**
 * The resolver of an {@link OutboundHttp}: the client connects only to the addresses it returns, and it returns only
 * addresses the policy accepted for the host and port, so no second lookup can lead elsewhere (DNS rebinding).
 */
final class CheckedDnsResolver implements DnsResolver {

    private final OutboundPolicy policy;

    CheckedDnsResolver(OutboundPolicy policy) {
        this.policy = policy;
    }

    @Override
    public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
        return policy.resolve(host, port);
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        // without a port only the rules for any port apply; the client itself always asks with the port
        return policy.resolve(host, -1).stream().map(InetSocketAddress::getAddress).toArray(InetAddress[]::new);
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return host;
    }
}
