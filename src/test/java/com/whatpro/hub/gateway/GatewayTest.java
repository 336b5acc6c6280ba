package com.whatpro.hub.gateway;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Gateway stories told by the admin of a new tenant whose account is connected to an account of its own at the fake
 * Chatwoot, through the inbox and webhook secret (if any) the subclass names; every test gets its own. Afterwards,
 * every request the fake providers got during the test and every request the tenant's Chatwoot account got conform
 * to the vendors' specs.
 */
abstract class GatewayTest extends IntegrationTest {

    final FakeChatwoot chatwoot = FakeChatwoot.get();
    final FakeProviders providers = FakeProviders.get();
    private final long inbox;
    private final @Nullable String webhookSecret;

    Fixtures fixtures;
    Fixtures.Tenant tenant;
    long chatwootAccount;
    /** The path of the tenant's Chatwoot webhook. */
    String chatwootWebhook;

    GatewayTest(long inbox) {
        this(inbox, null);
    }

    GatewayTest(long inbox, @Nullable String webhookSecret) {
        this.inbox = inbox;
        this.webhookSecret = webhookSecret;
    }

    @BeforeEach
    void newTenantConnectedToChatwoot() {
        providers.resetRequests();
        fixtures = new Fixtures(http());
        tenant = fixtures.tenant(getClass().getSimpleName());
        chatwootAccount = chatwoot.newAccount();
        chatwootWebhook = Gateway.connectChatwoot(http(), tenant.admin().token(), tenant.id(), chatwootAccount, inbox,
                webhookSecret);
    }

    @AfterEach
    void everyRequestConformsToTheVendorsSpecs() {
        providers.assertEveryRequestConforms();
        chatwoot.assertEveryRequestConforms(chatwootAccount);
    }

    /** A new Evolution number of the tenant, with no webhook token and no inbox of its own. */
    Gateway.Provider evolutionNumber() {
        return Gateway.evolution(http(), tenant.admin().token(), tenant.id(), null, null);
    }
}
