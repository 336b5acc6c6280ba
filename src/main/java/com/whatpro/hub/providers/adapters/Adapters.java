package com.whatpro.hub.providers.adapters;

import com.whatpro.hub.providers.ProviderAdapter;
import com.whatpro.hub.providers.ProviderTimeouts;
import java.time.Clock;
import java.util.List;

/** Builds the adapter of every provider type; used by {@link com.whatpro.hub.providers.ProviderAdapters}. */
public final class Adapters {

    private Adapters() {
    }

    public static List<ProviderAdapter> all(ProviderTimeouts timeouts) {
        var http = new ProviderHttp(timeouts);
        var clock = Clock.systemUTC();
        return List.of(new EvolutionAdapter(http, clock), new UazapiAdapter(http, clock),
                new CloudApiAdapter(http, clock));
    }
}
