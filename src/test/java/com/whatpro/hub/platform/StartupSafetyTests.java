package com.whatpro.hub.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class StartupSafetyTests {

    @Test
    void productionNamesEveryMissingSetting() {
        var settings = settings(PlatformSettings.Mode.PRODUCTION, null, null, null, null, List.of());

        assertThat(StartupSafety.problems(settings)).extracting(UnsafeSettingsException::setting)
                .containsExactly("WHATPRO_DATABASE_URL", "WHATPRO_REDIS_URL", "WHATPRO_ENCRYPTION_KEY",
                        "WHATPRO_PUBLIC_URL");
    }

    @Test
    void productionRefusesAShortEncryptionKeyAndPlainHttp() {
        var settings = settings(PlatformSettings.Mode.PRODUCTION, "jdbc:postgresql://db/whatpro", "redis://cache",
                Base64.getEncoder().encodeToString(new byte[16]), URI.create("http://hub.example"), List.of());

        assertThat(StartupSafety.problems(settings)).extracting(UnsafeSettingsException::getMessage)
                .containsExactly("WHATPRO_ENCRYPTION_KEY: must decode to 32 bytes, not 16",
                        "WHATPRO_PUBLIC_URL: production needs the https base URL that providers and Chatwoot call back");
    }

    @Test
    void wildcardCorsIsRefusedInEveryMode() {
        var settings = settings(PlatformSettings.Mode.DEVELOPMENT, null, null, null, null, List.of("*"));

        assertThat(StartupSafety.problems(settings)).extracting(UnsafeSettingsException::setting)
                .containsExactly("WHATPRO_CORS_ALLOWED_ORIGINS");
    }

    @Test
    void aTrustedProxyThatIsNoAddressIsRefused() {
        var base = settings(PlatformSettings.Mode.DEVELOPMENT, null, null, null, null, List.of());
        var settings = new PlatformSettings(base.mode(), base.dataDir(), null, null, base.database(), base.redis(),
                new PlatformSettings.Web(List.of(), DataSize.ofMegabytes(1), DataSize.ofMegabytes(16), true, List.of("10.0.0.0/8", "lb.internal")));

        assertThat(StartupSafety.problems(settings)).extracting(UnsafeSettingsException::getMessage)
                .containsExactly("WHATPRO_TRUSTED_PROXIES: 'lb.internal' is not an IP address or CIDR block");
    }

    @Test
    void safeProductionSettingsPass() {
        var settings = settings(PlatformSettings.Mode.PRODUCTION, "jdbc:postgresql://db/whatpro", "redis://cache",
                Base64.getEncoder().encodeToString(new byte[32]), URI.create("https://hub.example"),
                List.of("https://app.example"));

        assertThat(StartupSafety.problems(settings)).isEmpty();
    }

    @Test
    void productionRefusesAWeakBootstrapPasswordAndAnInsecureCookie() {
        assertThat(StartupSafety.identityProblems("short", false)).extracting(UnsafeSettingsException::setting)
                .containsExactly("WHATPRO_BOOTSTRAP_ADMIN_PASSWORD", "WHATPRO_SECURE_COOKIE");
        assertThat(StartupSafety.identityProblems("", true)).isEmpty();
    }

    @Test
    void developmentStartsWithNothingConfigured() {
        assertThat(StartupSafety.problems(settings(PlatformSettings.Mode.DEVELOPMENT, null, null, null, null,
                List.of()))).isEmpty();
    }

    private static PlatformSettings settings(PlatformSettings.Mode mode, String databaseUrl, String redisUrl,
            String key, URI publicUrl, List<String> origins) {
        return new PlatformSettings(mode, Path.of("target/unused"), publicUrl, key,
                new PlatformSettings.Database(databaseUrl, "owner", "secret", "whatpro_app", null, 5),
                new PlatformSettings.Redis(redisUrl, "whatpro:"),
                new PlatformSettings.Web(origins, DataSize.ofMegabytes(1), DataSize.ofMegabytes(16), true, List.of()));
    }
}
