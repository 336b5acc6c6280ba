package com.whatpro.hub.gateway;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.providers.Provider;
import com.whatpro.hub.providers.ProviderType;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * WhatsApp's customer service window, per number and contact ({@code gateway_service_windows}): a contact's message
 * opens it for 24 hours; outside it a Cloud API number may send only templates (Meta refuses anything else with
 * error {@value #OUTSIDE_WINDOW_CODE}). Evolution and uazapi numbers are not held to it.
 */
@Repository
class ServiceWindows {

    static final Duration LENGTH = Duration.ofHours(24);
    /** Meta's error: more than 24 hours have passed since the customer last replied. */
    static final String OUTSIDE_WINDOW_CODE = "131047";
    /** The hub's error code and problem type for a message refused outside the window. */
    static final String OUTSIDE_WINDOW = "outside-service-window";

    private final JdbcClient jdbc;
    private final Clock clock;

    ServiceWindows(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** The contact wrote at {@code at} (never later than now): the window is open for 24 hours from then. */
    @Transactional
    void opened(AccountId account, UUID providerId, String contactAddress, Instant at) {
        var when = at.isAfter(clock.instant()) ? clock.instant() : at;
        jdbc.sql("""
                insert into gateway_service_windows (account_id, provider_id, contact_address, last_inbound_at)
                values (:account, :provider, :address, :at)
                on conflict (account_id, provider_id, contact_address)
                do update set last_inbound_at = greatest(gateway_service_windows.last_inbound_at, excluded.last_inbound_at)
                """)
                .param("account", account.value()).param("provider", providerId).param("address", contactAddress)
                .param("at", Timestamp.from(when)).update();
    }

    /** Whether the number may send the contact anything but a template now. */
    @Transactional(readOnly = true)
    boolean allowsFreeForm(AccountId account, Provider provider, String contactAddress) {
        if (provider.type() != ProviderType.CLOUD_API) {
            return true;
        }
        return jdbc.sql("""
                select exists (select 1 from gateway_service_windows
                               where account_id = :account and provider_id = :provider and contact_address = :address
                                 and last_inbound_at > :since)
                """)
                .param("account", account.value()).param("provider", provider.id()).param("address", contactAddress)
                .param("since", Timestamp.from(clock.instant().minus(LENGTH))).query(Boolean.class).single();
    }

    static String explanation() {
        return "WhatsApp accepts only template messages more than 24 hours after the contact's last message: "
                + "send an approved template to reopen the conversation.";
    }
}
