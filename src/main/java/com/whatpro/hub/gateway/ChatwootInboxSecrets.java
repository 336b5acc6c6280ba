package com.whatpro.hub.gateway;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.crypto.CredentialCipher;
import com.whatpro.hub.platform.crypto.SealedColumn;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The secrets Chatwoot signs the webhooks of the numbers' own inboxes with ({@link ChatwootInboxes}): newer Chatwoot
 * versions sign each API inbox's deliveries with that inbox's secret, not with the account webhook's. Encrypted like
 * the connection's secrets and moved to a new key after a rotation.
 */
@Component
class ChatwootInboxSecrets implements SealedColumn {

    /** A stored secret, still encrypted. */
    record Sealed(UUID id, String secret) {
    }

    private final JdbcClient jdbc;
    private final CredentialCipher cipher;

    ChatwootInboxSecrets(JdbcClient jdbc, CredentialCipher cipher) {
        this.jdbc = jdbc;
        this.cipher = cipher;
    }

    /** Keeps the inbox's secret as Chatwoot showed it; null (a version without one, or not shown) forgets it. */
    @Transactional
    void keep(AccountId account, long inboxId, @Nullable String secret) {
        jdbc.sql("delete from chatwoot_inbox_secrets where account_id = :account and inbox_id = :inbox")
                .param("account", account.value()).param("inbox", inboxId).update();
        if (secret == null || secret.isEmpty()) {
            return;
        }
        var id = UUID.randomUUID();
        jdbc.sql("""
                insert into chatwoot_inbox_secrets (id, account_id, inbox_id, secret)
                values (:id, :account, :inbox, :secret)
                """)
                .param("id", id).param("account", account.value()).param("inbox", inboxId)
                .param("secret", cipher.encrypt(secret, associatedData(account, id))).update();
    }

    /** Forgets every inbox secret of the account: they belong to a Chatwoot it is no longer connected to. */
    @Transactional
    void forget(AccountId account) {
        jdbc.sql("delete from chatwoot_inbox_secrets where account_id = :account")
                .param("account", account.value()).update();
    }

    /** The account's secrets, still encrypted; call in a transaction and a scope that may read them. */
    List<Sealed> sealed(AccountId account) {
        return jdbc.sql("select id, secret from chatwoot_inbox_secrets where account_id = :account order by stored_at")
                .param("account", account.value())
                .query((rs, n) -> new Sealed(rs.getObject(1, UUID.class), rs.getString(2))).list();
    }

    String open(AccountId account, Sealed sealed) {
        return cipher.decrypt(sealed.secret(), associatedData(account, sealed.id()));
    }

    @Override
    public String table() {
        return "chatwoot_inbox_secrets";
    }

    @Override
    public String column() {
        return "secret";
    }

    @Override
    public String associatedData(AccountId account, UUID id) {
        return "account:" + account + "/chatwoot/inbox:" + id;
    }
}
