package com.whatpro.hub.providers;

import java.time.Instant;

/**
 * A provider said which phone is behind a LID, outside a message (a chat or contact list, for instance). Messages that
 * carry both report them in {@link InboundMessage#from()} and {@link InboundMessage#lid()}.
 *
 * @param lid in the hub's form ({@link Lids})
 * @param phone E.164
 * @param seenAt when the provider said so
 */
public record LidMapping(String lid, String phone, Instant seenAt) implements ProviderEvent {
}
