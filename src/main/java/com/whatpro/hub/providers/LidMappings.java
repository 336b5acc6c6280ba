package com.whatpro.hub.providers;

import com.whatpro.hub.platform.AccountId;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The phone behind each LID a number's contacts appear under ({@code provider_lids}), per provider: what one number
 * learnt is never used for another, nor across accounts.
 */
@Repository
public class LidMappings {

    private final JdbcClient jdbc;

    LidMappings(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Remembers that the provider saw this phone behind this LID at {@code seenAt}. A sighting newer than the stored
     * one and naming another phone replaces it; anything else (and a provider deleted meanwhile) changes nothing.
     *
     * @param lid in the hub's form ({@link Lids})
     * @param phone E.164
     */
    @Transactional
    public void learn(AccountId account, UUID providerId, String lid, String phone, Instant seenAt) {
        jdbc.sql("""
                insert into provider_lids (account_id, provider_id, lid, phone, seen_at)
                select :account, :provider, :lid, :phone, :seenAt
                where exists (select 1 from providers where account_id = :account and id = :provider)
                on conflict (provider_id, lid) do update
                    set phone = excluded.phone, seen_at = excluded.seen_at, updated_at = now()
                    where provider_lids.phone <> excluded.phone and provider_lids.seen_at < excluded.seen_at
                """)
                .param("account", account.value()).param("provider", providerId).param("lid", lid)
                .param("phone", phone).param("seenAt", Timestamp.from(seenAt)).update();
    }

    /** The phone last seen behind the LID on this number, if any. */
    @Transactional(readOnly = true)
    public Optional<String> phoneOf(AccountId account, UUID providerId, String lid) {
        return jdbc.sql("""
                select phone from provider_lids where account_id = :account and provider_id = :provider and lid = :lid
                """)
                .param("account", account.value()).param("provider", providerId).param("lid", lid)
                .query(String.class).optional();
    }

    /** The LID this phone was last seen behind on this number, if any. */
    @Transactional(readOnly = true)
    public Optional<String> lidOf(AccountId account, UUID providerId, String phone) {
        return jdbc.sql("""
                select lid from provider_lids where account_id = :account and provider_id = :provider and phone = :phone
                order by seen_at desc limit 1
                """)
                .param("account", account.value()).param("provider", providerId).param("phone", phone)
                .query(String.class).optional();
    }
}
