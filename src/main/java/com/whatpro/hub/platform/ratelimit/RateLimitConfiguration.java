package com.whatpro.hub.platform.ratelimit;

import java.time.Duration;

import com.whatpro.hub.platform.PlatformSettings;
import com.whatpro.hub.platform.embedded.EmbeddedRedis;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class RateLimitConfiguration {

    @Bean(destroyMethod = "close")
    RateLimiter rateLimiter(PlatformSettings settings, ObjectProvider<EmbeddedRedis> embedded) {
        var redis = settings.redis();
        var url = redis.embedded() ? embedded.getObject().url() : redis.url();
        return RateLimiter.start(url, redis.keyPrefix() + "rl:", Duration.ofSeconds(2));
    }

    /**
     * Readiness's check of Redis (it replaces Spring Boot's), through the rate limiter's connection, whose 500 ms
     * timeouts bound it: Spring Data's connection waits seconds for a Redis that takes connections but does not
     * answer.
     */
    @Bean
    HealthIndicator redisHealthIndicator(RateLimiter limiter) {
        return () -> limiter.redisAnswers() ? Health.up().build() : Health.down().build();
    }
}
