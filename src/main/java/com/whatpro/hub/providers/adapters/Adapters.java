package com.whatpro.hub.providers.adapters;

import com.whatpro.hub.platform.outbound.OutboundPolicy;
import com.whatpro.hub.providers.ProviderAdapter;
import com.whatpro.hub.providers.ProviderTimeouts;
import java.time.Clock;
import java.util.List;

/** Builds the adapter of every provider type; used by {@link com.whatpro.hub.providers.ProviderAdapters}. */
public final class Adapters {

    private Adapters() {
    }

    /**
     * @param policy decides which base URLs and file URLs may be called
     * @param maxResponseBytes the largest JSON answer read (downloads have their own limits)
     */
    public static List<ProviderAdapter> all(ProviderTimeouts timeouts, OutboundPolicy policy, long maxResponseBytes) {
        var clock = Clock.systemUTC();
        var http = new ProviderHttp(timeouts, policy, maxResponseBytes, clock);
        return List.of(new EvolutionAdapter(http, clock), new UazapiAdapter(http, clock),
                new CloudApiAdapter(http, clock));
    }
}
