package com.whatpro.hub.platform;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;

/**
 * Production refuses to start on unsafe or missing settings, before anything else starts,
 * with a message that names each setting to fix.
 */
public final class StartupSafety implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        var environment = event.getEnvironment();
        var settings = Binder.get(environment).bindOrCreate("whatpro", PlatformSettings.class);
        var problems = problems(settings);
        if (settings.production()) {
            problems.addAll(identityProblems(environment.getProperty("whatpro.identity.bootstrap.admin-password", ""),
                    environment.getProperty("whatpro.identity.secure-cookie", Boolean.class, true)));
        }
        if (!problems.isEmpty()) {
            throw new UnsafeSettingsException(problems);
        }
    }

    static List<UnsafeSettingsException> identityProblems(String bootstrapPassword, boolean secureCookie) {
        var problems = new ArrayList<UnsafeSettingsException>();
        if (!bootstrapPassword.isBlank() && bootstrapPassword.length() < 12) {
            problems.add(new UnsafeSettingsException("WHATPRO_BOOTSTRAP_ADMIN_PASSWORD",
                    "must be at least 12 characters (or leave it unset to have one generated)"));
        }
        if (!secureCookie) {
            problems.add(new UnsafeSettingsException("WHATPRO_SECURE_COOKIE",
                    "the refresh cookie must be Secure in production"));
        }
        return problems;
    }

    static List<UnsafeSettingsException> problems(PlatformSettings settings) {
        var problems = new ArrayList<UnsafeSettingsException>();
        if (settings.web().corsAllowedOrigins().contains("*")) {
            problems.add(new UnsafeSettingsException("WHATPRO_CORS_ALLOWED_ORIGINS",
                    "'*' would let any site call the API; list the exact origins"));
        }
        var proxies = com.whatpro.hub.platform.web.TrustedProxies.invalid(settings.web().trustedProxies());
        if (proxies != null) {
            problems.add(new UnsafeSettingsException("WHATPRO_TRUSTED_PROXIES", proxies));
        }
        if (!settings.production()) {
            return problems;
        }
        if (settings.database().embedded()) {
            problems.add(new UnsafeSettingsException("WHATPRO_DATABASE_URL",
                    "production needs a real PostgreSQL (the embedded one is for development)"));
        }
        if (settings.redis().embedded()) {
            problems.add(new UnsafeSettingsException("WHATPRO_REDIS_URL",
                    "production needs a real Redis shared by all nodes"));
        }
        var key = settings.encryptionKey();
        if (key == null || key.isBlank()) {
            problems.add(new UnsafeSettingsException("WHATPRO_ENCRYPTION_KEY",
                    "production needs a key: base64 of 32 random bytes, e.g. `openssl rand -base64 32`"));
        } else {
            try {
                KeyMaterial.decode(key);
            } catch (UnsafeSettingsException e) {
                problems.add(e);
            }
        }
        var publicUrl = settings.publicUrl();
        if (publicUrl == null || !"https".equals(publicUrl.getScheme())) {
            problems.add(new UnsafeSettingsException("WHATPRO_PUBLIC_URL",
                    "production needs the https base URL that providers and Chatwoot call back"));
        }
        return problems;
    }
}
