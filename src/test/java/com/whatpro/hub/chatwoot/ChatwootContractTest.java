package com.whatpro.hub.chatwoot;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The checker itself: it must catch what Chatwoot would refuse, or the contract tests prove nothing. */
class ChatwootContractTest {

    private static final String MESSAGES = "/api/v1/accounts/1/conversations/7/messages";
    private static final String BOUNDARY = "b0undary";

    @RegisterExtension
    static WireMockExtension chatwoot = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void answerEverything() {
        chatwoot.stubFor(any(anyUrl()).willReturn(ok()));
    }

    @Test
    void acceptsAWellFormedMessage() {
        postJson(MESSAGES, "{\"content\":\"hi\",\"message_type\":\"outgoing\",\"private\":false,\"source_id\":\"wamid.1\"}");

        assertThat(violations()).isEmpty();
    }

    @Test
    void flagsAMissingAccessToken() {
        send(HttpRequest.newBuilder(uri("/api/v1/profile")).GET());

        assertThat(violations()).anyMatch(violation -> violation.startsWith("validation.request.security"));
    }

    @Test
    void flagsAMessageWithoutContent() {
        postJson(MESSAGES, "{\"message_type\":\"outgoing\"}");

        assertThat(violations()).anyMatch(violation -> violation.contains("content"));
    }

    @Test
    void flagsAMessageTypeChatwootDoesNotCreate() {
        postJson(MESSAGES, "{\"content\":\"hi\",\"message_type\":\"activity\"}");

        assertThat(violations()).anyMatch(violation -> violation.contains("activity"));
    }

    @Test
    void flagsAFieldTheSpecDoesNotList() {
        postJson("/api/v1/accounts/1/contacts", "{\"inbox_id\":1,\"phone\":\"+5511987654321\"}");

        assertThat(violations()).anyMatch(violation -> violation.contains("phone"));
    }

    @Test
    void flagsSourceIdOutsideMessageCreation() {
        postJson("/api/v1/accounts/1/contacts", "{\"inbox_id\":1,\"source_id\":\"x\"}");

        assertThat(violations()).anyMatch(violation -> violation.contains("source_id"));
    }

    @Test
    void flagsAPathChatwootDoesNotHave() {
        send(authorized("/api/v1/accounts/1/lookups").GET());

        assertThat(violations()).anyMatch(violation -> violation.startsWith("validation.request.path.missing"));
    }

    @Test
    void acceptsAMessageStatusUpdateAsChatwootsSourcePermitsIt() {
        patchJson(MESSAGES + "/9", "{\"status\":\"failed\",\"external_error\":\"(#131026) Message undeliverable\"}");

        assertThat(violations()).isEmpty();
    }

    @Test
    void flagsAStatusUpdateWithAFieldChatwootDoesNotPermit() {
        patchJson(MESSAGES + "/9", "{\"status\":\"read\",\"source_id\":\"whatpro:wa:1\"}");

        assertThat(violations()).anyMatch(violation -> violation.contains("source_id"));
    }

    @Test
    void flagsAStatusChatwootDoesNotKnow() {
        patchJson(MESSAGES + "/9", "{\"status\":\"seen\"}");

        assertThat(violations()).anyMatch(violation -> violation.contains("seen"));
    }

    @Test
    void flagsAStatusUpdateWithoutAStatus() {
        patchJson(MESSAGES + "/9", "{\"external_error\":\"x\"}");

        assertThat(violations()).anyMatch(violation -> violation.contains("status"));
    }

    @Test
    void aDerivedRouteGivesWayToThePublishedOne() {
        var json = JsonMapper.builder().build();
        var published = (ObjectNode) json.readTree("{\"paths\": {\"/a/{id}\": {\"delete\": {}}}}");
        var derived = json.readTree("{\"paths\": {\"/a/{id}\": {\"patch\": {}}}}");

        ChatwootContract.merge(published, derived, "derived.json");

        assertThat(published.get("paths").get("/a/{id}").has("patch")).isTrue();
        assertThatIllegalStateException().isThrownBy(() -> ChatwootContract.merge(published, derived, "derived.json"))
                .withMessageContaining("PATCH /a/{id}").withMessageContaining("derived.json");
    }

    @Test
    void acceptsAWellFormedMultipartMessage() {
        postMultipart(List.of(
                text("content", "see attached"),
                text("message_type", "incoming"),
                text("private", "false"),
                text("source_id", "wamid.2"),
                file("attachments[]", "photo.jpg")));

        assertThat(violations()).isEmpty();
    }

    @Test
    void flagsMultipartPartsTheFormSchemaRefuses() {
        postMultipart(List.of(
                text("message_type", "template"),
                text("private", "no"),
                file("attachments", "photo.jpg"),
                file("content", "photo.jpg")));

        assertThat(violations()).containsExactlyInAnyOrder(
                "form part 'message_type' is 'template', not one of [outgoing, incoming]",
                "form part 'private' is 'no', not a boolean",
                "form part 'attachments' is not in the spec",
                "form part 'content' must not be a file");
    }

    private List<String> violations() {
        var served = chatwoot.getAllServeEvents();
        assertThat(served).hasSize(1);
        return ChatwootContract.applicationApi().violations(served.getFirst().getRequest());
    }

    private void postJson(String path, String json) {
        send(authorized(path).header("Content-Type", "application/json").POST(BodyPublishers.ofString(json)));
    }

    private void patchJson(String path, String json) {
        send(authorized(path).header("Content-Type", "application/json")
                .method("PATCH", BodyPublishers.ofString(json)));
    }

    private void postMultipart(List<String> parts) {
        var body = String.join("", parts) + "--" + BOUNDARY + "--\r\n";
        send(authorized(MESSAGES).header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    }

    private static String text(String name, String value) {
        return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    }

    private static String file(String name, String fileName) {
        return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + fileName
                + "\"\r\nContent-Type: image/jpeg\r\n\r\nJPEG\r\n";
    }

    private HttpRequest.Builder authorized(String path) {
        return HttpRequest.newBuilder(uri(path)).header("api_access_token", "token");
    }

    private static URI uri(String path) {
        return URI.create(chatwoot.baseUrl() + path);
    }

    private void send(HttpRequest.Builder request) {
        try {
            http.send(request.build(), BodyHandlers.discarding());
        } catch (IOException | InterruptedException failed) {
            throw new AssertionError(failed);
        }
    }
}
