package com.whatpro.hub.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatpro.hub.platform.AccountId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Forged deliveries to a known webhook URL must not turn into calls to the tenant's Chatwoot. */
class InboxSecretRefreshTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-05T12:00:00Z"));
    private final InboxSecretRefresh refresh = new InboxSecretRefresh(null, null, new Clock() {
        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    });

    @Test
    void anAccountsInboxesAreReadAgainAtMostOnceEveryFiveMinutesPerNode() {
        var account = AccountId.of(41);

        assertThat(refresh.due(account)).isTrue();
        assertThat(refresh.due(account)).as("a second refused delivery at once").isFalse();
        assertThat(refresh.due(AccountId.of(42))).as("another account is not held back").isTrue();
        now.set(now.get().plus(InboxSecretRefresh.INTERVAL).minus(Duration.ofSeconds(1)));
        assertThat(refresh.due(account)).isFalse();
        now.set(now.get().plus(Duration.ofSeconds(1)));
        assertThat(refresh.due(account)).isTrue();
        assertThat(refresh.due(account)).isFalse();
    }
}
