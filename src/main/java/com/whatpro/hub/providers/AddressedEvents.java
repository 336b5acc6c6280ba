package com.whatpro.hub.providers;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Events of one webhook that are for one number. Meta sends the events of every number of an app to the app's one
 * callback URL, whichever number's URL that is, and names the number in each change
 * ({@code value.metadata.phone_number_id}); the other providers' webhook URL is its number's own.
 *
 * @param phoneNumberId the Cloud API number the events are for; null when the webhook does not name one, and the
 *        events are for the number whose URL received them
 */
public record AddressedEvents(@Nullable String phoneNumberId, List<ProviderEvent> events) {

    public AddressedEvents {
        events = List.copyOf(events);
    }
}
