package com.whatpro.hub.providers.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatpro.hub.TestOutbound;
import com.whatpro.hub.providers.ProviderCredentials;
import com.whatpro.hub.providers.ProviderEndpoint;
import com.whatpro.hub.providers.ProviderTimeouts;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Evolution API signs its webhooks when the webhook's headers hold {@code jwt_key}: it sends
 * {@code Authorization: Bearer <JWT>}, HS256 over {@code {iat, exp: iat + 600, app: "evolution", action: "webhook"}}.
 */
public class EvolutionWebhookJwtTests {

    static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    static final String KEY = "evo-jwt-key";
    static final byte[] BODY = TestResources.utf8("{\"event\": \"messages.upsert\", \"data\": {}}");

    final EvolutionAdapter adapter = new EvolutionAdapter(new ProviderHttp(ProviderTimeouts.DEFAULT, TestOutbound.LOOPBACK),
            Clock.fixed(NOW, ZoneOffset.UTC));
    final ProviderEndpoint endpoint = new ProviderEndpoint(URI.create("https://evolution.example.com"), "acme",
            new ProviderCredentials.Evolution("api-key", KEY));

    public static String jwt(String alg, String key, long exp) {
        var encoder = Base64.getUrlEncoder().withoutPadding();
        var header = encoder.encodeToString(("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}").getBytes(StandardCharsets.UTF_8));
        var claims = encoder.encodeToString(("{\"iat\":" + (exp - 600) + ",\"exp\":" + exp
                + ",\"app\":\"evolution\",\"action\":\"webhook\"}").getBytes(StandardCharsets.UTF_8));
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            var signature = encoder.encodeToString(mac.doFinal((header + "." + claims).getBytes(StandardCharsets.US_ASCII)));
            return header + "." + claims + "." + signature;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    boolean verify(String token) {
        return adapter.verifyWebhook(endpoint, Map.of("authorization", "Bearer " + token), BODY);
    }

    @Test
    void acceptsATokenSignedWithTheWebhookKey() {
        assertThat(verify(jwt("HS256", KEY, NOW.getEpochSecond() + 600))).isTrue();
    }

    @Test
    void refusesAnExpiredToken() {
        assertThat(verify(jwt("HS256", KEY, NOW.getEpochSecond() - 120))).isFalse();
    }

    @Test
    void refusesATokenSignedWithAnotherKey() {
        assertThat(verify(jwt("HS256", "another-key", NOW.getEpochSecond() + 600))).isFalse();
    }

    @Test
    void refusesOtherAlgorithmsAndMalformedTokens() {
        var valid = jwt("HS256", KEY, NOW.getEpochSecond() + 600);
        var unsigned = jwt("none", KEY, NOW.getEpochSecond() + 600);

        assertThat(verify(unsigned)).isFalse();
        assertThat(verify(valid.substring(0, valid.lastIndexOf('.')) + ".")).isFalse();
        assertThat(verify("not.a.jwt")).isFalse();
        assertThat(verify("%%%.%%%.%%%")).isFalse();
    }
}
