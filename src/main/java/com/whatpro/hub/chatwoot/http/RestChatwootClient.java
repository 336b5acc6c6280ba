package com.whatpro.hub.chatwoot.http;

import java.net.URI;
import java.net.http.HttpClient;

import org.springframework.http.client.BufferingClientHttpRequestFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

import com.whatpro.hub.chatwoot.ChatwootAccountClient;
import com.whatpro.hub.chatwoot.ChatwootClient;
import com.whatpro.hub.chatwoot.ChatwootProfile;
import com.whatpro.hub.chatwoot.ChatwootSettings;

/** {@link ChatwootClient} on one shared {@link RestClient} over the JDK's HTTP client. */
public final class RestChatwootClient implements ChatwootClient {

    private final ChatwootHttp http;

    public RestChatwootClient(ChatwootSettings settings) {
        var httpClient = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                // the h2c upgrade of plain-HTTP requests trips some proxies; TLS still negotiates HTTP/2
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        var requestFactory = new JdkClientHttpRequestFactory(httpClient);
        requestFactory.setReadTimeout(settings.readTimeout());
        // buffered, so that uploads carry a Content-Length instead of chunks, which not every proxy accepts
        var buffered = new BufferingClientHttpRequestFactory(requestFactory);
        this.http = new ChatwootHttp(RestClient.builder().requestFactory(buffered).build());
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
