package com.whatpro.hub.providers;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Tenancy;
import java.net.URI;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The phones learnt behind LIDs, per number. */
class LidMappingsTests extends IntegrationTest {

    static final String LID = "141283218772012@lid";
    static final Instant NOON = Instant.parse("2026-11-24T12:00:00Z");

    @Autowired
    LidMappings lids;
    @Autowired
    Providers providers;

    AccountId account;
    UUID provider;

    @BeforeEach
    void setUp() {
        account = AccountId.of(new Fixtures(http()).tenant("Lid mappings").id());
        provider = evolution(account, "Sales");
    }

    @Test
    void aNewerSightingOfAnotherPhoneReplacesTheOldOneAndALateOlderOneChangesNothing() {
        as(() -> lids.learn(account, provider, LID, "+5511911110001", NOON));
        as(() -> lids.learn(account, provider, LID, "+5511922220002", NOON.plusSeconds(60)));
        as(() -> lids.learn(account, provider, LID, "+5511911110001", NOON.plusSeconds(30)));

        assertThat(Tenancy.callAs(account, () -> lids.phoneOf(account, provider, LID))).contains("+5511922220002");
        assertThat(Tenancy.callAs(account, () -> lids.lidOf(account, provider, "+5511922220002"))).contains(LID);
        assertThat(Tenancy.callAs(account, () -> lids.lidOf(account, provider, "+5511911110001"))).isEmpty();
    }

    @Test
    void whatOneNumberLearntIsNotAnothersAndGoesWithIt() {
        var other = evolution(account, "Support");
        as(() -> lids.learn(account, provider, LID, "+5511911110001", NOON));

        assertThat(Tenancy.callAs(account, () -> lids.phoneOf(account, other, LID))).isEmpty();

        Tenancy.callAs(account, () -> providers.delete(account, provider, null));
        assertThat(Tenancy.callAs(account, () -> lids.phoneOf(account, provider, LID))).isEmpty();
    }

    @Test
    void anotherAccountCannotReadNorWriteThem() {
        var stranger = AccountId.of(new Fixtures(http()).tenant("Stranger").id());
        as(() -> lids.learn(account, provider, LID, "+5511911110001", NOON));

        Tenancy.runAs(stranger, () -> lids.learn(stranger, provider, LID, "+5511933330003", NOON.plusSeconds(60)));

        assertThat(Tenancy.callAs(stranger, () -> lids.phoneOf(stranger, provider, LID))).isEmpty();
        assertThat(Tenancy.callAs(stranger, () -> lids.phoneOf(account, provider, LID))).isEmpty();
        assertThat(Tenancy.callAs(account, () -> lids.phoneOf(account, provider, LID))).contains("+5511911110001");
    }

    private void as(Runnable learning) {
        Tenancy.runAs(account, learning);
    }

    private UUID evolution(AccountId owner, String name) {
        return Tenancy.callAs(owner, () -> providers.create(owner, new Providers.NewProvider(name,
                ProviderType.EVOLUTION, URI.create("https://evolution.example.com"), name.toLowerCase(), null,
                new ProviderCredentials.Evolution("evo-key", null)), null)).provider().id();
    }
}
