package com.whatpro.hub.platform.redis;

import java.time.Duration;

import com.whatpro.hub.platform.PlatformSettings;
import com.whatpro.hub.platform.StartupFailure;
import com.whatpro.hub.platform.embedded.EmbeddedRedis;

import io.lettuce.core.RedisURI;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

@Configuration(proxyBeanMethods = false)
class RedisConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnExpression("'${whatpro.redis.url:}'.isBlank()")
    EmbeddedRedis embeddedRedis(PlatformSettings settings) {
        try {
            return EmbeddedRedis.start(settings.dataDir().resolve("redis"));
        } catch (RuntimeException e) {
            throw new StartupFailure("The embedded Redis did not start: " + e.getMessage(), "Fix what the lines "
                    + "above name, or set WHATPRO_REDIS_URL to use a Redis of yours instead.", e);
        }
    }

    @Bean
    LettuceConnectionFactory redisConnectionFactory(PlatformSettings settings, ObjectProvider<EmbeddedRedis> embedded) {
        var url = settings.redis().embedded() ? embedded.getObject().url() : settings.redis().url();
        var uri = RedisURI.create(url);
        var client = LettuceClientConfiguration.builder()
                .commandTimeout(Duration.ofSeconds(2))
                .shutdownTimeout(Duration.ofMillis(100));
        if (uri.isSsl()) {
            // rediss:// (and rediss-sentinel://): TLS, the server's certificate checked against the JVM's trust store
            var tls = client.useSsl().verifyPeer(uri.getVerifyMode());
            if (uri.isStartTls()) {
                tls.startTls();
            }
        }
        // redis-sentinel://host:port,host:port#primary asks the Sentinels for the primary, and again on reconnecting
        return new LettuceConnectionFactory(LettuceConnectionFactory.createRedisConfiguration(uri), client.build());
    }
}
