package com.whatpro.hub.chatwoot.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.springframework.http.HttpEntity;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

import com.whatpro.hub.chatwoot.ChatwootRejected;
import com.whatpro.hub.chatwoot.ChatwootRequestInvalid;
import com.whatpro.hub.chatwoot.ChatwootUnavailable;
import com.whatpro.hub.chatwoot.json.ChatwootJson;
import com.whatpro.hub.chatwoot.json.Fields;
import com.whatpro.hub.chatwoot.json.UnexpectedJson;
import com.whatpro.hub.platform.outbound.OutboundException;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/**
 * Sends one request with the {@code api_access_token} header and turns every way it can go wrong into a
 * {@link com.whatpro.hub.chatwoot.ChatwootException}. Neither tokens nor bodies reach an exception message. Answers
 * arrive read whole and capped by the {@code RestClient}'s outbound request factory.
 */
final class ChatwootHttp {

    private static final String TOKEN_HEADER = "api_access_token";
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7E]+");
    private static final int MAX_REASON_LENGTH = 200;

    private final RestClient rest;

    ChatwootHttp(RestClient rest) {
        this.rest = rest;
    }

    <T> T get(URI uri, String token, String action, Function<JsonNode, T> reading) {
        return send(rest.get().uri(uri), token, action, reading);
    }

    <T> T postJson(URI uri, String token, Object body, String action, Function<JsonNode, T> reading) {
        var request = rest.post().uri(uri).contentType(MediaType.APPLICATION_JSON).body(ChatwootJson.write(body));
        return send(request, token, action, reading);
    }

    /** Sends a change whose answer the hub does not need; Chatwoot may answer with the resource or with nothing. */
    void patchJson(URI uri, String token, Object body, String action) {
        var request = rest.patch().uri(uri).contentType(MediaType.APPLICATION_JSON).body(ChatwootJson.write(body));
        send(request, token, action, false, answer -> answer);
    }

    <T> T postMultipart(URI uri, String token, MultiValueMap<String, HttpEntity<?>> parts, String action,
            Function<JsonNode, T> reading) {
        var request = rest.post().uri(uri).contentType(MediaType.MULTIPART_FORM_DATA).body(parts);
        return send(request, token, action, reading);
    }

    private <T> T send(RestClient.RequestHeadersSpec<?> request, String token, String action,
            Function<JsonNode, T> reading) {
        return send(request, token, action, true, reading);
    }

    private <T> T send(RestClient.RequestHeadersSpec<?> request, String token, String action, boolean answerNeeded,
            Function<JsonNode, T> reading) {
        if (!TOKEN.matcher(token).matches()) {
            throw new ChatwootRejected(401, "Could not " + action + ": the access token is empty or not well-formed");
        }
        try {
            var body = request.header(TOKEN_HEADER, token)
                    .accept(MediaType.APPLICATION_JSON)
                    .exchange((sent, response) -> answer(response, action, answerNeeded), true);
            return reading.apply(body);
        } catch (UnexpectedJson unexpected) {
            throw new ChatwootUnavailable(
                    "Could not " + action + ": Chatwoot's answer lacks what the hub needs (" + unexpected.getMessage() + ")",
                    unexpected);
        } catch (RestClientException | UncheckedIOException unreachable) {
            throw failed(action, unreachable);
        }
    }

    private static RuntimeException failed(String action, Exception unreachable) {
        for (Throwable cause = unreachable; cause != null; cause = cause.getCause()) {
            if (cause instanceof OutboundException outbound) {
                return switch (outbound.kind()) {
                    case REFUSED -> new ChatwootRequestInvalid(0, "Could not " + action
                            + ": the outbound policy refuses Chatwoot's address (" + outbound.getMessage() + ")");
                    case TOO_LARGE -> new ChatwootUnavailable("Could not " + action + ": Chatwoot's answer is too "
                            + "large (" + outbound.getMessage() + ")", outbound);
                    case TIMED_OUT -> new ChatwootUnavailable("Could not " + action
                            + ": Chatwoot did not answer in time", outbound);
                    case UNREACHABLE -> new ChatwootUnavailable("Could not " + action
                            + ": Chatwoot could not be reached (" + outbound.getMessage() + ")", outbound);
                };
            }
        }
        return new ChatwootUnavailable(
                "Could not " + action + ": Chatwoot could not be reached or did not answer in time", unreachable);
    }

    private static JsonNode answer(ClientHttpResponse response, String action, boolean answerNeeded)
            throws IOException {
        int status = response.getStatusCode().value();
        if (status >= 200 && status < 300 && !answerNeeded) {
            return MissingNode.getInstance();
        }
        if (status >= 200 && status < 300) {
            try {
                return ChatwootJson.read(response.getBody().readAllBytes());
            } catch (JacksonException notJson) {
                throw new ChatwootUnavailable("Could not " + action + ": Chatwoot answered " + status
                        + " with a body that is not JSON", notJson);
            }
        }
        if (status == 401 || status == 403 || status == 404) {
            throw new ChatwootRejected(status, "Could not " + action + ": Chatwoot answered " + status
                    + (status == 404 ? ", nothing there for this access token" : ", refusing the access token"));
        }
        if (status == 408 || status == 429 || status >= 500) {
            throw new ChatwootUnavailable("Could not " + action + ": Chatwoot answered " + status, null);
        }
        if (status >= 400) {
            throw new ChatwootRequestInvalid(status, "Could not " + action + ": Chatwoot answered " + status
                    + reason(response));
        }
        throw new ChatwootUnavailable("Could not " + action + ": Chatwoot answered " + status
                + "; does the base URL point at Chatwoot?", null);
    }

    /** Chatwoot explains a refusal in {@code message} or {@code error}, or as a list in {@code errors}. */
    private static String reason(ClientHttpResponse response) {
        try {
            var error = ChatwootJson.read(response.getBody().readNBytes(16 * 1024));
            var reason = Fields.optionalText(error, "message");
            if (reason == null) {
                reason = Fields.optionalText(error, "error");
            }
            if (reason == null && !Fields.texts(error, "errors").isEmpty()) {
                reason = String.join("; ", Fields.texts(error, "errors"));
            }
            if (reason == null) {
                return "";
            }
            return ": " + (reason.length() > MAX_REASON_LENGTH ? reason.substring(0, MAX_REASON_LENGTH) + "…" : reason);
        } catch (IOException | JacksonException unreadable) {
            return "";
        }
    }
}
