package com.whatpro.hub.providers;

import com.whatpro.hub.platform.outbound.OutboundPolicy;
import com.whatpro.hub.providers.adapters.Adapters;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;

/** The adapter for each provider type. */
public final class ProviderAdapters {

    private final Map<ProviderType, ProviderAdapter> byType = new EnumMap<>(ProviderType.class);

    public ProviderAdapters(Collection<? extends ProviderAdapter> adapters) {
        for (ProviderAdapter adapter : adapters) {
            if (byType.put(adapter.type(), adapter) != null) {
                throw new IllegalArgumentException("two adapters for " + adapter.type());
            }
        }
    }

    /**
     * The built-in adapters of every provider type, sharing one HTTP client with these timeouts, under the outbound
     * policy.
     */
    public static ProviderAdapters create(ProviderTimeouts timeouts, OutboundPolicy policy, long maxResponseBytes) {
        return new ProviderAdapters(Adapters.all(timeouts, policy, maxResponseBytes));
    }

    /** @throws IllegalArgumentException when no adapter handles {@code type} */
    public ProviderAdapter forType(ProviderType type) {
        ProviderAdapter adapter = byType.get(type);
        if (adapter == null) {
            throw new IllegalArgumentException("no adapter for provider type " + type.jsonName());
        }
        return adapter;
    }
}
