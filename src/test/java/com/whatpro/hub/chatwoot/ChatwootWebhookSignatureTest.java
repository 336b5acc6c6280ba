package com.whatpro.hub.chatwoot;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.whatpro.hub.chatwoot.InvalidWebhookSignature.Reason;

class ChatwootWebhookSignatureTest {

    private static final String SECRET = "chatwoot-webhook-secret";
    private static final Instant NOW = Instant.ofEpochSecond(1_750_000_000);
    private static final byte[] BODY = ChatwootResources.webhook("contact_created.json");

    private final ChatwootWebhooks webhooks = new ChatwootWebhooks(Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void acceptsADeliverySignedWithTheSecret() {
        // computed apart from the hub: python3 hmac.new(secret, b"1750000000." + body, sha256).hexdigest()
        var delivery = new ChatwootDelivery("a1b2", "1750000000",
                "sha256=3d035fdb1174c6bd4d5f60b51c67cb2845f724eb37b2aa76cd7ce6b6dae7f064");

        assertThatCode(() -> webhooks.verify(delivery, BODY, SECRET)).doesNotThrowAnyException();
    }

    @Test
    void checksTheBytesAsReceivedNotAReadingOfThem() {
        var body = "{ \"event\" : \"contact_created\", \"name\": \"Jos\\u00e9\" }\n".getBytes(UTF_8);

        assertThatCode(() -> webhooks.verify(signed(NOW, body, SECRET), body, SECRET)).doesNotThrowAnyException();
    }

    @Test
    void rejectsASignatureMadeWithAnotherSecret() {
        assertReason(signed(NOW, BODY, "another-secret"), BODY, Reason.MISMATCH);
    }

    @Test
    void acceptsADeliverySignedWithAnyOfTheSecretsAndTellsWhyWhenNone() {
        var secrets = List.of(SECRET, "inbox-secret-one", "inbox-secret-two");

        assertThatCode(() -> webhooks.verify(signed(NOW, BODY, "inbox-secret-two"), BODY, secrets))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> webhooks.verify(signed(NOW, BODY, "inbox-secret-three"), BODY, secrets))
                .isInstanceOfSatisfying(InvalidWebhookSignature.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.MISMATCH));
        assertThatThrownBy(() -> webhooks.verify(signed(NOW.minus(Duration.ofMinutes(6)), BODY, "inbox-secret-one"),
                BODY, secrets)).as("signed with one of them, too long ago")
                .isInstanceOfSatisfying(InvalidWebhookSignature.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.STALE));
    }

    @Test
    void rejectsATamperedBody() {
        var tampered = new String(BODY, UTF_8).replace("+5590000000004", "+5590000000009").getBytes(UTF_8);

        assertReason(signed(NOW, BODY, SECRET), tampered, Reason.MISMATCH);
    }

    @Test
    void rejectsATimestampChangedAfterSigning() {
        var signed = signed(NOW.minusSeconds(60), BODY, SECRET);

        assertReason(new ChatwootDelivery(signed.id(), Long.toString(NOW.getEpochSecond()), signed.signature()), BODY,
                Reason.MISMATCH);
    }

    @Test
    void rejectsSignatureOlderThanFiveMinutes() {
        assertReason(signed(NOW.minus(Duration.ofMinutes(5)).minusSeconds(1), BODY, SECRET), BODY, Reason.STALE);
    }

    @Test
    void acceptsSignatureFiveMinutesOld() {
        var delivery = signed(NOW.minus(Duration.ofMinutes(5)), BODY, SECRET);

        assertThatCode(() -> webhooks.verify(delivery, BODY, SECRET)).doesNotThrowAnyException();
    }

    @Test
    void rejectsSignatureMoreThanFiveMinutesAhead() {
        assertReason(signed(NOW.plus(Duration.ofMinutes(5)).plusSeconds(1), BODY, SECRET), BODY, Reason.STALE);
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
            "null, null",
            "1750000000, null",
            "null, sha256=3d035fdb1174c6bd4d5f60b51c67cb2845f724eb37b2aa76cd7ce6b6dae7f064",
            "'', ''"})
    void rejectsADeliveryWithoutSignatureHeaders(@Nullable String timestamp, @Nullable String signature) {
        assertReason(new ChatwootDelivery("a1b2", timestamp, signature), BODY, Reason.MISSING);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "3d035fdb1174c6bd4d5f60b51c67cb2845f724eb37b2aa76cd7ce6b6dae7f064",
            "sha1=3d035fdb1174c6bd4d5f60b51c67cb2845f724eb",
            "sha256=not-hex",
            "sha256=3d035fdb"})
    void rejectsASignatureNotInChatwootsFormat(String signature) {
        assertReason(new ChatwootDelivery("a1b2", "1750000000", signature), BODY, Reason.MALFORMED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-06-15T15:06:40Z", "1750000000.5", "soon"})
    void rejectsATimestampThatIsNotUnixSeconds(String timestamp) {
        var delivery = new ChatwootDelivery("a1b2", timestamp, signed(NOW, BODY, SECRET).signature());

        assertReason(delivery, BODY, Reason.MALFORMED);
    }

    @Test
    void requiresASecret() {
        assertThatThrownBy(() -> webhooks.verify(signed(NOW, BODY, SECRET), BODY, ""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsTheDeliveryFromItsHeaders() {
        var headers = Map.of(
                "X-Chatwoot-Delivery", "5c1c6a43-9a1e-4a6f-a0c6-0d7b7f0e9a11",
                "X-Chatwoot-Timestamp", "1750000000",
                "X-Chatwoot-Signature", "sha256=3d035fdb1174c6bd4d5f60b51c67cb2845f724eb37b2aa76cd7ce6b6dae7f064");

        var delivery = ChatwootDelivery.fromHeaders(headers::get);

        assertThat(delivery.id()).isEqualTo("5c1c6a43-9a1e-4a6f-a0c6-0d7b7f0e9a11");
        assertThatCode(() -> webhooks.verify(delivery, BODY, SECRET)).doesNotThrowAnyException();
    }

    private void assertReason(ChatwootDelivery delivery, byte[] body, Reason reason) {
        assertThatThrownBy(() -> webhooks.verify(delivery, body, SECRET))
                .isInstanceOfSatisfying(InvalidWebhookSignature.class,
                        invalid -> assertThat(invalid.reason()).isEqualTo(reason))
                .hasMessageNotContaining(SECRET);
    }

    private static ChatwootDelivery signed(Instant at, byte[] body, String secret) {
        var timestamp = Long.toString(at.getEpochSecond());
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(UTF_8));
            return new ChatwootDelivery("a1b2", timestamp, "sha256=" + HexFormat.of().formatHex(mac.doFinal(body)));
        } catch (GeneralSecurityException impossible) {
            throw new AssertionError(impossible);
        }
    }
}
