package com.whatpro.hub.platform.outbound;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.AbstractBufferingClientHttpRequest;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Spring's {@code RestClient} over {@link OutboundHttp}: the request body is buffered (so it goes with a
 * Content-Length), the answer is read whole within the call's limits before the client sees it.
 */
final class OutboundRequestFactory implements ClientHttpRequestFactory {

    private final OutboundHttp http;
    private final OutboundHttp.LimitsPerCall limits;

    OutboundRequestFactory(OutboundHttp http, OutboundHttp.LimitsPerCall limits) {
        this.http = http;
        this.limits = limits;
    }

    @Override
    public ClientHttpRequest createRequest(URI uri, HttpMethod method) {
        return new Request(uri, method);
    }

    private final class Request extends AbstractBufferingClientHttpRequest {

        private final URI uri;
        private final HttpMethod method;

        Request(URI uri, HttpMethod method) {
            this.uri = uri;
            this.method = method;
        }

        @Override
        public HttpMethod getMethod() {
            return method;
        }

        @Override
        public URI getURI() {
            return uri;
        }

        @Override
        protected ClientHttpResponse executeInternal(HttpHeaders headers, byte[] body) throws IOException {
            boolean bodyless = body.length == 0 && (method == HttpMethod.GET || method == HttpMethod.HEAD
                    || method == HttpMethod.DELETE || method == HttpMethod.OPTIONS);
            var answer = http.send(method.name(), uri, headers, bodyless ? null : body, limits.next());
            return new Response(answer);
        }
    }

    private record Response(OutboundHttp.Response answer) implements ClientHttpResponse {

        @Override
        public HttpStatusCode getStatusCode() {
            return HttpStatusCode.valueOf(answer.status());
        }

        @Override
        public String getStatusText() {
            return "";
        }

        @Override
        public HttpHeaders getHeaders() {
            return answer.headers();
        }

        @Override
        public InputStream getBody() {
            return new ByteArrayInputStream(answer.body());
        }

        @Override
        public void close() {
        }
    }
}
