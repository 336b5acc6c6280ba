package com.whatpro.hub.platform.outbound;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The operator's exceptions to the outbound policy.
 *
 * @param allowed {@code WHATPRO_OUTBOUND_ALLOWED}: CIDR blocks or addresses, host names, or {@code host:port}, that
 *        the hub may call although they are private (a self-hosted Evolution on the operator's network)
 * @param maxResponseSize the largest answer of an API call (Chatwoot, providers' JSON); files have their own limits
 */
@ConfigurationProperties("whatpro.outbound")
public record OutboundSettings(@DefaultValue List<String> allowed, @DefaultValue("4MB") DataSize maxResponseSize) {
}
