package com.whatpro.hub.gateway;

import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.ratelimit.RateLimiter;
import com.whatpro.hub.platform.web.ClientAddress;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Counts failed webhooks against the client's IP (a bucket in the shared rate limiter) and answers 429 with
 * {@code Retry-After} once its bucket is empty. Only failures of the URL or the sender's proof count (unknown provider
 * or account, wrong secret: 404; wrong signature or token: 401; wrong verify token: 403); a webhook that is taken in
 * costs nothing, so a real provider keeps being served from an address whose bucket strangers emptied.
 */
@Component
class WebhookFailures {

    private static final Set<HttpStatus> COUNTED = Set.of(HttpStatus.NOT_FOUND, HttpStatus.UNAUTHORIZED,
            HttpStatus.FORBIDDEN);

    private final RateLimiter limiter;
    private final WebhookFailureSettings settings;

    WebhookFailures(RateLimiter limiter, WebhookFailureSettings settings) {
        this.limiter = limiter;
        this.settings = settings;
    }

    /** Runs the intake of one webhook; a counted failure is rethrown, or becomes a 429 when the bucket is empty. */
    <T> T charging(HttpServletRequest request, Supplier<T> intake) {
        try {
            return intake.get();
        } catch (ApiProblem problem) {
            if (settings.enabled() && COUNTED.contains(problem.status())) {
                var rate = settings.webhookFailures();
                var verdict = limiter.consume("webhook-failures:ip:" + ClientAddress.bucketOf(ClientAddress.of(request)),
                        rate);
                if (!verdict.allowed()) {
                    throw ApiProblem.tooManyRequests("Too many failed webhooks from this address; retry after "
                                    + verdict.retryAfterSeconds() + " s.", verdict.retryAfterSeconds())
                            .with("scope", "webhook_failures").with("limit", rate.toString());
                }
            }
            throw problem;
        }
    }
}
