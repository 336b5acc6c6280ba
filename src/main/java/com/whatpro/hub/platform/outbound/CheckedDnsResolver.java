package com.whatpro.hub.platform.outbound;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.hc.client5.http.DnsResolver;

/**
 * The resolver of an {@link OutboundHttp}: the client connects only to the addresses it returns, and it returns only
 * addresses the policy accepted for the host and port, so no second lookup can lead elsewhere (DNS rebinding).
 *
 * <p>A lookup gets as long as a connection would ({@code timeout}): a host's name servers are whoever chose the URL's,
 * and the system's lookup can neither be interrupted nor cancelled by the call's deadline, so it runs on a thread of
 * its own that the call stops waiting for. A slow lookup fails the call like an unreachable host.
 */
final class CheckedDnsResolver implements DnsResolver {

    private static final ExecutorService LOOKUPS = Executors.newCachedThreadPool(
            Thread.ofPlatform().daemon().name("outbound-dns-", 0).factory());

    private final OutboundPolicy policy;
    private final Duration timeout;

    CheckedDnsResolver(OutboundPolicy policy, Duration timeout) {
        this.policy = policy;
        this.timeout = timeout;
    }

    @Override
    public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
        var lookup = CompletableFuture.supplyAsync(() -> {
            try {
                return policy.resolve(host, port);
            } catch (UnknownHostException e) {
                throw new CompletionException(e);
            }
        }, LOOKUPS);
        try {
            return lookup.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new UnknownHostException(host + ": its name servers did not answer within " + timeout.toMillis()
                    + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnknownHostException(host + ": interrupted while resolving");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownHostException unknown) {
                throw unknown;
            }
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        // without a port only the rules for any port apply; the client itself always asks with the port
        return resolve(host, -1).stream().map(InetSocketAddress::getAddress).toArray(InetAddress[]::new);
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return host;
    }
}
