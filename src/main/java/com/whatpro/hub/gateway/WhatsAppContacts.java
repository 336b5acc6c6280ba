package com.whatpro.hub.gateway;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.providers.InboundMessage;
import com.whatpro.hub.providers.LidMapping;
import com.whatpro.hub.providers.LidMappings;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Learns which phone is behind a LID from everything a number's provider reports with both, and gives a message that
 * names only the LID the phone learnt for it on that number, if any.
 */
@Component
class WhatsAppContacts {

    private final LidMappings lids;

    WhatsAppContacts(LidMappings lids) {
        this.lids = lids;
    }

    WhatsAppContact of(AccountId account, UUID providerId, InboundMessage message) {
        var phone = message.from();
        var lid = message.lid();
        if (lid == null) {
            return new WhatsAppContact(phone, null);
        }
        if (phone != null) {
            lids.learn(account, providerId, lid, phone, message.timestamp());
            return new WhatsAppContact(phone, lid);
        }
        return new WhatsAppContact(lids.phoneOf(account, providerId, lid).orElse(null), lid);
    }

    void learn(AccountId account, UUID providerId, LidMapping mapping) {
        lids.learn(account, providerId, mapping.lid(), mapping.phone(), mapping.seenAt());
    }
}
