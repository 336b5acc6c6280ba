package com.whatpro.hub;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * The test JVM's name resolver: the platform's own, except for names under {@value #DOMAIN}, which take
 * {@link #DELAY} to answer that they do not exist, as a tenant's own slow name server would. No address comes of
 * them, so nothing ever connects anywhere for them.
 */
public final class SlowNames extends InetAddressResolverProvider {

    public static final String DOMAIN = ".slow-dns.test";
    public static final Duration DELAY = Duration.ofSeconds(3);

    @Override
    public InetAddressResolver get(Configuration configuration) {
        var builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                if (host.endsWith(DOMAIN)) {
                    try {
                        Thread.sleep(DELAY);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new UnknownHostException(host);
                }
                return builtin.lookupByName(host, policy);
            }

            @Override
            public String lookupByAddress(byte[] address) throws UnknownHostException {
                return builtin.lookupByAddress(address);
            }
        };
    }

    @Override
    public String name() {
        return "whatpro-test-slow-names";
    }
}
