package com.whatpro.hub.platform;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the running service; application.yaml maps each {@code WHATPRO_*} variable here.
 */
@ConfigurationProperties("whatpro")
public record PlatformSettings(
        @DefaultValue("development") Mode mode,
        @DefaultValue("./.whatpro") Path dataDir,
        @Nullable URI publicUrl,
        @Nullable String encryptionKey,
        @DefaultValue Database database,
        @DefaultValue Redis redis,
        @DefaultValue Web web) {

    public enum Mode { DEVELOPMENT, PRODUCTION }

    public boolean production() {
        return mode == Mode.PRODUCTION;
    }

    /** The owner account runs migrations; the service's pool uses the app role. */
    public record Database(
            @Nullable String url,
            @Nullable String username,
            @Nullable String password,
            @DefaultValue("whatpro_app") String appUsername,
            @Nullable String appPassword,
            @DefaultValue("20") int poolSize) {

        public boolean embedded() {
            return url == null || url.isBlank();
        }
    }

    public record Redis(@Nullable String url, @DefaultValue("whatpro:") String keyPrefix) {

        public boolean embedded() {
            return url == null || url.isBlank();
        }
    }

    /**
     * {@code trustedProxies}: addresses or CIDR blocks of the reverse proxies in front of the
     * service; only their {@code X-Forwarded-For} is believed. {@code maxWebhookBodySize}: the larger limit of
     * {@code /api/v1/webhooks/**}, where providers send chat and contact lists in one body.
     */
    public record Web(
            @DefaultValue List<String> corsAllowedOrigins,
            @DefaultValue("1MB") DataSize maxBodySize,
            @DefaultValue("16MB") DataSize maxWebhookBodySize,
            @DefaultValue("true") boolean accessLog,
            @DefaultValue List<String> trustedProxies) {
    }
}
