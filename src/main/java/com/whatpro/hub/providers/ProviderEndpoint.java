package com.whatpro.hub.providers;

import java.net.URI;
import org.jspecify.annotations.Nullable;

/**
 * Where and as whom to reach one provider number.
 *
 * @param baseUrl the provider's API root, e.g. {@code https://evolution.example.com} or
 *        {@link #CLOUD_API_BASE_URL}
 * @param instanceName the provider's instance name; required for Evolution, unused by uazapi (the token names the
 *        instance) and Cloud API (the phone number id does)
 */
public record ProviderEndpoint(URI baseUrl, @Nullable String instanceName, ProviderCredentials credentials) {

    public static final URI CLOUD_API_BASE_URL = URI.create("https://graph.facebook.com");

    public ProviderEndpoint {
        if (!"https".equals(baseUrl.getScheme()) && !"http".equals(baseUrl.getScheme())) {
            throw new IllegalArgumentException("a provider base URL must be http(s), got " + baseUrl);
        }
        if (credentials instanceof ProviderCredentials.Evolution && (instanceName == null || instanceName.isBlank())) {
            throw new IllegalArgumentException("an Evolution API endpoint needs an instance name");
        }
    }

    /** A Cloud API endpoint on Meta's Graph API host. */
    public static ProviderEndpoint cloudApi(ProviderCredentials.CloudApi credentials) {
        return new ProviderEndpoint(CLOUD_API_BASE_URL, null, credentials);
    }

    public ProviderType type() {
        return credentials.type();
    }

    /** {@code baseUrl} followed by {@code path}, without doubling the slash between them. */
    public URI resolve(String path) {
        String base = baseUrl.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
    }
}
