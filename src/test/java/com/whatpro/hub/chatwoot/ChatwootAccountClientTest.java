package com.whatpro.hub.chatwoot;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.whatpro.hub.TestOutbound;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.github.tomakehurst.wiremock.http.Request.Part;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;

class ChatwootAccountClientTest {

    private static final long ACCOUNT = 1;
    private static final String TOKEN = "account-token-Zk81";
    private static final String API = "/api/v1/accounts/1";

    @RegisterExtension
    static WireMockExtension chatwoot = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private final ChatwootAccountClient account = ChatwootClient.create(ChatwootSettings.defaults(), TestOutbound.LOOPBACK,
                    ChatwootClient.DEFAULT_MAX_RESPONSE_BYTES)
            .account(URI.create(chatwoot.baseUrl()), ACCOUNT, TOKEN);

    @AfterEach
    void everyRequestFollowsChatwootsSpec() {
        ChatwootContract.applicationApi().assertEveryRequestConforms(chatwoot.getAllServeEvents());
        assertThat(chatwoot.getAllServeEvents())
                .allSatisfy(served -> assertThat(served.getRequest().getHeader("api_access_token")).isEqualTo(TOKEN));
    }

    @Test
    void searchesContactsByPhoneNumberWithThePlusSignIntact() {
        chatwoot.stubFor(get(urlPathEqualTo(API + "/contacts/search")).withQueryParam("q", equalTo("+5590000000008"))
                .willReturn(okJson(ChatwootResources.apiResponse("GET_contacts_search.response.json"))));

        var contacts = account.searchContacts("+5590000000008");

        assertThat(contacts).singleElement().satisfies(contact -> {
            assertThat(contact.id()).isEqualTo(64);
            assertThat(contact.name()).isEqualTo("Jo Demo");
            assertThat(contact.phoneNumber()).isEqualTo("+5590000000008");
            assertThat(contact.email()).isEqualTo("user3@example.com");
            assertThat(contact.identifier()).isNull();
            assertThat(contact.sourceIdIn(4)).contains("54055734-5d24-4657-b9c5-2ddf2cc71b9c");
        });
        assertThat(chatwoot.getAllServeEvents().getFirst().getRequest().getUrl()).endsWith("?q=%2B5590000000008");
    }

    @Test
    void findsTheContactWithExactlyThatPhoneNumber() {
        chatwoot.stubFor(get(urlPathEqualTo(API + "/contacts/search"))
                .willReturn(okJson(ChatwootResources.apiResponse("GET_contacts_search.response.json"))));

        assertThat(account.findContactByPhone("+5590000000008")).map(ChatwootContact::id).contains(64L);
        assertThat(account.findContactByPhone("+559000000000")).isEmpty();
    }

    @Test
    void createsAContactAndLearnsItsSourceIdInTheInbox() {
        chatwoot.stubFor(post(API + "/contacts")
                .willReturn(okJson(ChatwootResources.apiResponse("POST_contacts.DERIVED.response.json"))));

        var contact = account.createContact(
                new NewContact(51, "Alex Sample", "+5511987654321", "5511987654321@s.whatsapp.net"));

        assertThat(contact.id()).isEqualTo(301);
        assertThat(contact.phoneNumber()).isEqualTo("+5511987654321");
        assertThat(contact.identifier()).isEqualTo("5511987654321@s.whatsapp.net");
        assertThat(contact.sourceIdIn(51)).contains("0f4a5b2e-7d1c-4c55-9a3e-2b8f6f1c9d10");
        chatwoot.verify(postRequestedFor(urlPathEqualTo(API + "/contacts")).withRequestBody(equalToJson("""
                {"inbox_id": 51, "name": "Alex Sample", "phone_number": "+5511987654321",
                 "identifier": "5511987654321@s.whatsapp.net"}""")));
    }

    @Test
    void takesTheSourceIdFromTheContactInboxWhenTheContactDoesNotListIt() {
        chatwoot.stubFor(post(API + "/contacts").willReturn(okJson("""
                {"payload": {"contact": {"id": 302, "name": null, "phone_number": "+5511900000000"},
                             "contact_inbox": {"inbox": {"id": 51}, "source_id": "src-302"}}}""")));

        var contact = account.createContact(new NewContact(51, null, "+5511900000000", null));

        assertThat(contact.sourceIdIn(51)).contains("src-302");
        chatwoot.verify(postRequestedFor(urlPathEqualTo(API + "/contacts"))
                .withRequestBody(equalToJson("{\"inbox_id\": 51, \"phone_number\": \"+5511900000000\"}")));
    }

    @Test
    void listsTheConversationsOfAContact() {
        chatwoot.stubFor(get(API + "/contacts/2/conversations")
                .willReturn(okJson(ChatwootResources.apiResponse("GET_conversations.response.json"))));

        assertThat(account.conversationsOf(2)).containsExactly(new ChatwootConversation(2, 2, "open", 2L));
    }

    @Test
    void createsAConversationForTheContactInTheInbox() {
        chatwoot.stubFor(post(API + "/conversations")
                .willReturn(okJson(ChatwootResources.apiResponse("POST_conversations.response.json"))));

        var conversation = account.createConversation(
                new NewConversation("8aca2ab4-635e-4496-93cd-6195f575a18c", 2, 2));

        assertThat(conversation).isEqualTo(new ChatwootConversation(10, 2, "open", 2L));
        chatwoot.verify(postRequestedFor(urlPathEqualTo(API + "/conversations")).withRequestBody(equalToJson("""
                {"source_id": "8aca2ab4-635e-4496-93cd-6195f575a18c", "inbox_id": 2, "contact_id": 2}""")));
    }

    @Test
    void postsAnIncomingMessageMarkedWithItsSourceId() {
        chatwoot.stubFor(post(API + "/conversations/10/messages")
                .willReturn(okJson(ChatwootResources.apiResponse("POST_messages.response.json"))));

        var message = account.createMessage(10, NewMessage.incoming("Olá, tudo bem? 😊", "WAID:3EB0A0C1D2"));

        assertThat(message).isEqualTo(new ChatwootMessage(
                227, 10, "Hi Lorena", ChatwootMessageType.OUTGOING, false, null, "sent", List.of()));
        chatwoot.verify(postRequestedFor(urlPathEqualTo(API + "/conversations/10/messages"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("""
                        {"content": "Olá, tudo bem? 😊", "message_type": "incoming", "private": false,
                         "source_id": "WAID:3EB0A0C1D2"}""")));
    }

    @Test
    void postsAPrivateNote() {
        chatwoot.stubFor(post(API + "/conversations/10/messages")
                .willReturn(okJson(ChatwootResources.apiResponse("POST_messages.response.json"))));

        account.createMessage(10, NewMessage.privateNote("customer asked for a call back"));

        chatwoot.verify(postRequestedFor(urlPathEqualTo(API + "/conversations/10/messages")).withRequestBody(equalToJson("""
                {"content": "customer asked for a call back", "message_type": "outgoing", "private": true}""")));
    }

    @Test
    void setsAMessagesStatusWithTheReasonOfAFailure() {
        chatwoot.stubFor(patch(urlPathEqualTo(API + "/conversations/10/messages/227"))
                .willReturn(okJson(ChatwootResources.apiResponse("POST_messages.response.json"))));

        var updated = account.updateMessageStatus(10, 227, ChatwootMessageStatus.FAILED, "(#131026) Message undeliverable");

        assertThat(updated).isTrue();
        chatwoot.verify(patchRequestedFor(urlPathEqualTo(API + "/conversations/10/messages/227"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"status\": \"failed\", \"external_error\": \"(#131026) Message undeliverable\"}")));
    }

    @Test
    void sendsAReasonOnlyWithAFailureAndTakesAnAnswerWithoutBody() {
        chatwoot.stubFor(patch(urlPathEqualTo(API + "/conversations/10/messages/227"))
                .willReturn(aResponse().withStatus(204)));

        assertThat(account.updateMessageStatus(10, 227, ChatwootMessageStatus.DELIVERED, "ignored")).isTrue();

        chatwoot.verify(patchRequestedFor(urlPathEqualTo(API + "/conversations/10/messages/227"))
                .withRequestBody(equalToJson("{\"status\": \"delivered\"}")));
    }

    @Test
    void learnsThatStatusesAreRefusedOutsideApiInboxes() {
        chatwoot.stubFor(patch(urlPathEqualTo(API + "/conversations/10/messages/227")).willReturn(aResponse()
                .withStatus(403).withHeader("Content-Type", "application/json")
                .withBody("{\"error\": \"Message status update is only allowed for API inboxes\"}")));

        assertThat(account.updateMessageStatus(10, 227, ChatwootMessageStatus.READ, null)).isFalse();
    }

    @Test
    void aTokenThatMayNotUpdateMessagesIsRejected() {
        chatwoot.stubFor(patch(urlPathEqualTo(API + "/conversations/10/messages/227")).willReturn(aResponse()
                .withStatus(401).withHeader("Content-Type", "application/json")
                .withBody("{\"error\": \"Access to this endpoint is not authorized for bots\"}")));

        var rejected = catchThrowableOfType(ChatwootRejected.class,
                () -> account.updateMessageStatus(10, 227, ChatwootMessageStatus.READ, null));

        assertThat(rejected.status()).isEqualTo(401);
    }

    @Test
    void uploadsAnAttachmentAsMultipart() {
        chatwoot.stubFor(post(API + "/conversations/6/messages")
                .willReturn(okJson(ChatwootResources.apiResponse("POST_messages.with-attachment.response.json"))));
        var image = new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 0x10, 'J', 'F', 'I', 'F'};

        var message = account.createMessage(6, NewMessage.incoming("legenda ✓", "WAID:3EB0FF",
                new NewAttachment("foto da loja.jpg", "image/jpeg", image)));

        assertThat(message.attachments()).singleElement().satisfies(attachment -> {
            assertThat(attachment.id()).isEqualTo(2184);
            assertThat(attachment.fileType()).isEqualTo("file");
            assertThat(attachment.dataUrl()).endsWith("/nome_do_arquivo_local.png");
            assertThat(attachment.fileSize()).isEqualTo(6234);
        });
        var request = chatwoot.getAllServeEvents().getFirst().getRequest();
        assertThat(request.getHeader("Content-Type")).startsWith("multipart/form-data");
        assertThat(text(request.getPart("content"))).isEqualTo("legenda ✓");
        assertThat(text(request.getPart("message_type"))).isEqualTo("incoming");
        assertThat(text(request.getPart("private"))).isEqualTo("false");
        assertThat(text(request.getPart("source_id"))).isEqualTo("WAID:3EB0FF");
        var file = request.getPart("attachments[]");
        assertThat(file.getFileName()).isEqualTo("foto da loja.jpg");
        assertThat(file.getHeader("Content-Type").firstValue()).isEqualTo("image/jpeg");
        assertThat(file.getBody().asBytes()).isEqualTo(image);
    }

    @Test
    void uploadsSeveralAttachmentsWithoutText() {
        chatwoot.stubFor(post(API + "/conversations/6/messages")
                .willReturn(okJson(ChatwootResources.apiResponse("POST_messages.with-attachment.response.json"))));

        account.createMessage(6, NewMessage.outgoing(null, null,
                new NewAttachment("a.pdf", "application/pdf", new byte[] {'%', 'P', 'D', 'F'}),
                new NewAttachment("b.ogg", "audio/ogg", new byte[] {'O', 'g', 'g', 'S'})));

        var request = chatwoot.getAllServeEvents().getFirst().getRequest();
        assertThat(request.getParts()).extracting(Part::getName)
                .containsExactlyInAnyOrder("message_type", "private", "attachments[]", "attachments[]");
        assertThat(request.getParts()).filteredOn(part -> part.getFileName() != null)
                .extracting(Part::getFileName).containsExactly("a.pdf", "b.ogg");
    }

    @Test
    void listsTheAccountsAgents() {
        chatwoot.stubFor(get(API + "/agents")
                .willReturn(okJson(ChatwootResources.apiResponse("GET_agents.DERIVED.response.json"))));

        assertThat(account.agents()).containsExactly(
                new ChatwootAgent(1, "Pat Example", "Pat", "pat@example.com", "administrator", true, "online"),
                new ChatwootAgent(95, "Sam Tester", "Sam", "sam@example.com", "agent", false, "offline"));
    }

    @Test
    void listsTheAccountsTeams() {
        chatwoot.stubFor(get(API + "/teams")
                .willReturn(okJson(ChatwootResources.apiResponse("GET_teams.DERIVED.response.json"))));

        assertThat(account.teams()).containsExactly(
                new ChatwootTeam(1, "sales", "New customers", true),
                new ChatwootTeam(2, "support", null, false));
    }

    @Test
    void listsATeamsMembers() {
        chatwoot.stubFor(get(API + "/teams/2/team_members")
                .willReturn(okJson(ChatwootResources.apiResponse("GET_agents.DERIVED.response.json"))));

        assertThat(account.teamMembers(2)).isNotEmpty().allSatisfy(agent -> assertThat(agent.id()).isPositive());
    }

    @Test
    void listsAConversationsLatestMessagesWithTheirSourceIds() {
        var message = ChatwootResources.apiResponse("POST_messages.response.json")
                .replace("\"source_id\": null", "\"source_id\": \"whatpro:wa:ABC\"");
        chatwoot.stubFor(get(API + "/conversations/10/messages")
                .willReturn(okJson("{\"meta\": {}, \"payload\": [" + message + "]}")));

        var messages = account.messagesOf(10);

        assertThat(messages).singleElement().satisfies(found -> {
            assertThat(found.id()).isEqualTo(227);
            assertThat(found.conversationId()).isEqualTo(10);
            assertThat(found.sourceId()).isEqualTo("whatpro:wa:ABC");
        });
    }

    @Test
    void listsTheAccountsInboxes() {
        chatwoot.stubFor(get(API + "/inboxes")
                .willReturn(okJson(ChatwootResources.apiResponse("GET_inboxes.response.json"))));

        var inboxes = account.inboxes();

        assertThat(inboxes).extracting(ChatwootInbox::id).containsExactly(51L, 36L, 60L, 78L, 79L);
        assertThat(inboxes.getFirst()).isEqualTo(new ChatwootInbox(51, "Whatsapp 1 - Teste", "Channel::Api", null,
                null));
        assertThat(inboxes).filteredOn(ChatwootInbox::apiChannel).hasSize(3);
        chatwoot.verify(getRequestedFor(urlPathEqualTo(API + "/inboxes")));
    }

    @Test
    void createsAnApiInboxAndLearnsTheSecretItsWebhooksAreSignedWith() {
        chatwoot.stubFor(post(API + "/inboxes").willReturn(okJson("""
                {"id": 81, "channel_id": 12, "name": "Loja Sul", "channel_type": "Channel::Api",
                 "webhook_url": "https://hub.example.test/wh", "hmac_token": "identity-verification-token",
                 "secret": "9f4c2d7e1a6b3c8d5e0f1a2b"}
                """)));

        var inbox = account.createApiInbox("Loja Sul", URI.create("https://hub.example.test/wh"));

        assertThat(inbox.id()).isEqualTo(81);
        assertThat(inbox.webhookSecret()).isEqualTo("9f4c2d7e1a6b3c8d5e0f1a2b");
        assertThat(inbox.toString()).doesNotContain("9f4c2d7e1a6b3c8d5e0f1a2b").contains("(redacted)");
        chatwoot.verify(postRequestedFor(urlPathEqualTo(API + "/inboxes")).withRequestBody(equalToJson("""
                {"name": "Loja Sul", "channel": {"type": "api", "webhook_url": "https://hub.example.test/wh"}}
                """)));
    }

    @Test
    void reportsWhyChatwootRefusedTheRequest() {
        chatwoot.stubFor(post(API + "/contacts").willReturn(aResponse().withStatus(422)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"Phone number has already been taken\"}")));

        var invalid = catchThrowableOfType(ChatwootRequestInvalid.class,
                () -> account.createContact(new NewContact(51, "Alex", "+5511987654321", null)));

        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid).hasMessageContaining("Phone number has already been taken").hasMessageNotContaining(TOKEN);
    }

    @Test
    void isRejectedWhenTheAccountIsNotTheTokens() {
        chatwoot.stubFor(get(API + "/agents").willReturn(aResponse().withStatus(401)));

        assertThat(catchThrowableOfType(ChatwootRejected.class, account::agents).status()).isEqualTo(401);
    }

    @Test
    void isUnavailableWhenTheAnswerLacksWhatTheHubNeeds() {
        chatwoot.stubFor(post(API + "/conversations").willReturn(okJson("{\"payload\": []}")));

        var unavailable = catchThrowableOfType(ChatwootUnavailable.class,
                () -> account.createConversation(new NewConversation("src", 2, 2)));

        assertThat(unavailable).hasMessageContaining("'id'");
    }

    private static String text(Part part) {
        return new String(part.getBody().asBytes(), StandardCharsets.UTF_8);
    }
}
