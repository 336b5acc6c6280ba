package com.whatpro.hub.gateway;

import com.whatpro.hub.platform.AccountId;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Chatwoot conversations that refused message statuses ({@code gateway_status_refusals}): 403 where the inbox is not
 * an API channel, 401 where the token may not update messages (an agent bot's). Kept in the database, so each
 * conversation costs one refused request for the whole cluster, not one per status or per node; forgotten when the
 * account's Chatwoot connection changes ({@link ChatwootConnections#put}).
 */
@Repository
class StatusRefusals {

    private final JdbcClient jdbc;

    StatusRefusals(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    boolean refused(AccountId account, long conversationId) {
        return jdbc.sql("""
                select exists (select 1 from gateway_status_refusals
                               where account_id = :account and chatwoot_conversation_id = :conversation)
                """)
                .param("account", account.value()).param("conversation", conversationId).query(Boolean.class).single();
    }

    @Transactional(propagation = Propagation.MANDATORY)
    void remember(AccountId account, long conversationId, int httpStatus) {
        jdbc.sql("""
                insert into gateway_status_refusals (account_id, chatwoot_conversation_id, http_status)
                values (:account, :conversation, :status) on conflict do nothing
                """)
                .param("account", account.value()).param("conversation", conversationId).param("status", httpStatus)
                .update();
    }
}
