package com.whatpro.hub.identity;

import com.whatpro.hub.chatwoot.ChatwootInstallation;
import com.whatpro.hub.chatwoot.ChatwootSettings;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Chatwoot links stored before installations were recorded came from the installation SSO trusts: at start-up they
 * are given {@code WHATPRO_CHATWOOT_URL}'s installation. Until then (and while it is unset) they match nothing.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class ChatwootInstallationBackfill implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(ChatwootInstallationBackfill.class);

    private final Users users;
    private final ChatwootSettings settings;
    private final TransactionTemplate transactions;

    ChatwootInstallationBackfill(Users users, ChatwootSettings settings, TransactionTemplate transactions) {
        this.users = users;
        this.settings = settings;
        this.transactions = transactions;
    }

    @Override
    public void run(ApplicationArguments args) {
        var url = settings.url();
        if (url == null || url.toString().isBlank()) {
            return;
        }
        var installation = ChatwootInstallation.of(url);
        var assigned = transactions.execute(status -> users.assignInstallationToOldLinks(installation));
        if (assigned != null && assigned > 0) {
            log.info("Gave {} Chatwoot link(s) stored without an installation the installation {}", assigned,
                    installation);
        }
    }
}
