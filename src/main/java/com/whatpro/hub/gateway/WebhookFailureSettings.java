package com.whatpro.hub.gateway;

import com.whatpro.hub.platform.ratelimit.Rate;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The rate limit on failed webhooks ({@code whatpro.rate-limits.webhook-failures}): per client IP, webhooks that name
 * an unknown provider or account, carry a wrong URL secret, or a wrong signature or token. Webhooks that are taken in
 * never count, so a real provider is never limited, even behind an address that also sends garbage.
 */
@ConfigurationProperties("whatpro.rate-limits")
record WebhookFailureSettings(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("60/1m") Rate webhookFailures) {
}
