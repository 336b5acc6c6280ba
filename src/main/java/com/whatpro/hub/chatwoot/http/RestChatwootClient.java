package com.whatpro.hub.chatwoot.http;

import java.net.URI;

import org.springframework.web.client.RestClient;

import com.whatpro.hub.chatwoot.ChatwootAccountClient;
import com.whatpro.hub.chatwoot.ChatwootClient;
import com.whatpro.hub.chatwoot.ChatwootProfile;
import com.whatpro.hub.chatwoot.ChatwootSettings;
import com.whatpro.hub.platform.outbound.OutboundHttp;
import com.whatpro.hub.platform.outbound.OutboundPolicy;

/**
 * {@link ChatwootClient} on one shared {@link RestClient} over {@link OutboundHttp}: an account's Chatwoot is a URL
 * the tenant chose, so every call is checked by the outbound policy (the operator's own {@code WHATPRO_CHATWOOT_URL}
 * is trusted), takes at most the connect and read timeouts together, and its answer at most
 * {@code maxResponseBytes}. Redirects are not followed.
 */
public final class RestChatwootClient implements ChatwootClient {

    private final ChatwootHttp http;

    public RestChatwootClient(ChatwootSettings settings, OutboundPolicy policy, long maxResponseBytes) {
        var outbound = new OutboundHttp(policy.trusting(settings.url()), settings.connectTimeout(),
                settings.readTimeout(), "chatwoot");
        var total = settings.connectTimeout().plus(settings.readTimeout());
        var requests = outbound.requestFactory(() -> OutboundHttp.Limits.of(total, maxResponseBytes));
        this.http = new ChatwootHttp(RestClient.builder().requestFactory(requests).build());
    }

    @Override
    public ChatwootProfile profile(URI baseUrl, String userAccessToken) {
        return http.get(Endpoints.profile(baseUrl), userAccessToken, "fetch the profile", Responses::profile);
    }

    @Override
    public ChatwootAccountClient account(URI baseUrl, long accountId, String apiAccessToken) {
        return new RestAccountClient(http, new Endpoints(baseUrl, accountId), apiAccessToken);
    }
}
