package com.whatpro.hub.chatwoot;

import java.net.URI;

import com.whatpro.hub.chatwoot.http.RestChatwootClient;
import com.whatpro.hub.platform.outbound.OutboundPolicy;

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

    /** The largest answer read when no other limit is given. */
    long DEFAULT_MAX_RESPONSE_BYTES = 4L * 1024 * 1024;

    /**
     * @param policy decides which base URLs may be called; the operator's {@link ChatwootSettings#url()} is trusted
     * @param maxResponseBytes the largest answer read; a larger one fails as {@link ChatwootUnavailable}
     */
    static ChatwootClient create(ChatwootSettings settings, OutboundPolicy policy, long maxResponseBytes) {
        return new RestChatwootClient(settings, policy, maxResponseBytes);
    }
}
