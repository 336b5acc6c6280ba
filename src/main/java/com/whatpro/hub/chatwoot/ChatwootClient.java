package com.whatpro.hub.chatwoot;

import java.net.URI;

import com.whatpro.hub.chatwoot.http.RestChatwootClient;

/**
 * The Chatwoot Application API. Every call may throw a {@link ChatwootException}: {@link ChatwootRejected} when
 * Chatwoot refuses the token, {@link ChatwootUnavailable} when it cannot be reached or fails, and
 * {@link ChatwootRequestInvalid} when it refuses the request itself.
 */
public interface ChatwootClient {

    /** The user behind a Chatwoot user access token, with the accounts they belong to; used by SSO. */
    ChatwootProfile profile(URI baseUrl, String userAccessToken);

    /** The API of one Chatwoot account, acting with an access token of that account (an agent's or a bot's). */
    ChatwootAccountClient account(URI baseUrl, long accountId, String apiAccessToken);

    static ChatwootClient create(ChatwootSettings settings) {
        return new RestChatwootClient(settings);
    }
}
