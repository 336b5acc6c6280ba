package com.whatpro.hub.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatpro.hub.TestOutbound;
import java.net.URI;
import org.junit.jupiter.api.Test;

class ProviderCredentialsTests {

    @Test
    void neverShowsSecretsInToString() {
        var cloud = new ProviderCredentials.CloudApi("EAAtoken", "app-secret", "verify-me", "106540352242922");
        var evolution = new ProviderCredentials.Evolution("evo-key", "evo-hook");
        var uazapi = new ProviderCredentials.Uazapi("uaz-token", null);
        var endpoint = ProviderEndpoint.cloudApi(cloud);

        assertThat(cloud + " " + evolution + " " + uazapi + " " + endpoint)
                .doesNotContain("EAAtoken", "app-secret", "verify-me", "evo-key", "evo-hook", "uaz-token")
                .contains("106540352242922", "(redacted)");
    }

    @Test
    void defaultsTheGraphApiVersion() {
        assertThat(new ProviderCredentials.CloudApi("t", "s", "v", "1").apiVersion()).isEqualTo("v23.0");
    }

    @Test
    void refusesAMalformedGraphApiVersionOrPhoneNumberId() {
        assertThatThrownBy(() -> new ProviderCredentials.CloudApi("t", "s", "v", "1", "23"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ProviderCredentials.CloudApi("t", "s", "v", "../me"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void requiresAnInstanceNameForEvolution() {
        assertThatThrownBy(() -> new ProviderEndpoint(URI.create("https://evo.example.com"), null,
                new ProviderCredentials.Evolution("k", null))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void joinsBaseUrlAndPathWithOneSlash() {
        var endpoint = new ProviderEndpoint(URI.create("https://evo.example.com/api/"), "acme",
                new ProviderCredentials.Evolution("k", null));

        assertThat(endpoint.resolve("/message/sendText/acme"))
                .isEqualTo(URI.create("https://evo.example.com/api/message/sendText/acme"));
    }

    @Test
    void sendsMediaOnlyByWebUrl() {
        assertThatThrownBy(() -> new MediaMessage(MediaMessage.Kind.IMAGE, URI.create("file:///etc/passwd"), null,
                null, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void findsTheAdapterOfEachType() {
        ProviderAdapters adapters = ProviderAdapters.create(ProviderTimeouts.DEFAULT, TestOutbound.LOOPBACK,
                4 * 1024 * 1024);

        for (ProviderType type : ProviderType.values()) {
            assertThat(adapters.forType(type).type()).isEqualTo(type);
        }
    }
}
