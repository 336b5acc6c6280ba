package com.whatpro.hub.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.whatpro.hub.chatwoot.ChatwootContract;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Chatwoot that remembers: contacts, conversations and messages posted through its Application API live in
 * memory, per Chatwoot account, and its answers are shaped like Chatwoot's (see the samples under
 * {@code chatwoot/api-responses}). One WireMock server for the test JVM; each test takes its own Chatwoot account
 * id, so tests never see each other's data. Every request can be checked against Chatwoot's published spec with
 * {@link #assertEveryRequestConforms(long)}.
 */
final class FakeChatwoot implements ResponseDefinitionTransformerV2 {

    private static final String NAME = "fake-chatwoot";
    private static final String LOSE_ANSWER = "lose-answer";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern ROUTE = Pattern.compile("/api/v1/accounts/(\\d+)/(.*)");
    private static FakeChatwoot instance;

    private final WireMockServer server;
    private final Map<Long, Account> accounts = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong(1000);

    record Contact(long id, String name, @Nullable String phone, @Nullable String identifier,
            Map<Long, String> inboxes) {
    }

    record Conversation(long id, long inboxId, long contactId, String status) {
    }

    /** A message; {@code status} and {@code externalError} change through the status route. */
    record Message(long id, long conversationId, @Nullable String content, String type, boolean privateNote,
            @Nullable String sourceId, int attachments, String status, @Nullable String externalError) {
    }

    /**
     * An inbox; {@code webhookUrl} where an API channel sends its agents' messages, signed with {@code secret} (as
     * Chatwoot versions since per-inbox secrets do; shown to the fake's tokens, which are all administrators').
     */
    record Inbox(long id, String name, String channelType, @Nullable String webhookUrl, @Nullable String secret) {
    }

    /** A request to the (unpublished) status route, as it came, and how it was answered. */
    record StatusUpdate(long conversationId, long messageId, @Nullable String status, @Nullable String externalError,
            int answered) {
    }

    static final class Account {
        final List<Contact> contacts = new ArrayList<>();
        final List<Conversation> conversations = new ArrayList<>();
        final List<Message> messages = new ArrayList<>();
        final List<StatusUpdate> statusUpdates = new ArrayList<>();
        final java.util.Set<Long> otherChannelInboxes = ConcurrentHashMap.newKeySet();
        final List<Inbox> inboxes = new ArrayList<>();
        volatile JsonNode agents = JSON.createArrayNode();
        volatile JsonNode teams = JSON.createArrayNode();
        final Map<Long, JsonNode> teamMembers = new ConcurrentHashMap<>();
        /** As Chatwoot before per-inbox secrets: inboxes show none (and their deliveries are not signed). */
        volatile boolean withoutInboxSecrets;
        /** When set, every other access token is refused (401), as Chatwoot refuses a revoked or foreign one. */
        volatile @Nullable String onlyToken;
    }

    private FakeChatwoot() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
                .extensions(this));
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        server.stubFor(any(urlPathMatching("/api/v1/accounts/.*")).atPriority(10)
                .willReturn(aResponse().withTransformers(NAME)));
    }

    static synchronized FakeChatwoot get() {
        if (instance == null) {
            instance = new FakeChatwoot();
        }
        return instance;
    }

    String baseUrl() {
        return server.baseUrl();
    }

    WireMockServer server() {
        return server;
    }

    /** A Chatwoot account id no other test uses. */
    long newAccount() {
        long id = ThreadLocalRandom.current().nextLong(100_000, 1_000_000_000);
        accounts.put(id, new Account());
        return id;
    }

    Account account(long id) {
        return accounts.computeIfAbsent(id, key -> new Account());
    }

    List<Message> messages(long account) {
        synchronized (account(account)) {
            return List.copyOf(account(account).messages);
        }
    }

    /** The requests to set a message's status, in the order they came. */
    List<StatusUpdate> statusUpdates(long account) {
        synchronized (account(account)) {
            return List.copyOf(account(account).statusUpdates);
        }
    }

    /** Makes an inbox one that is not an API channel (e.g. Chatwoot's own WhatsApp channel): no statuses there. */
    void notAnApiInbox(long account, long inboxId) {
        account(account).otherChannelInboxes.add(inboxId);
    }

    List<Inbox> inboxes(long account) {
        synchronized (account(account)) {
            return List.copyOf(account(account).inboxes);
        }
    }

    /** Puts an inbox there as if an administrator had made it in Chatwoot. */
    Inbox seedInbox(long account, String name, String channelType) {
        var state = account(account);
        synchronized (state) {
            var inbox = new Inbox(ids.incrementAndGet(), name, channelType, null,
                    channelType.equals("Channel::Api") ? newInboxSecret() : null);
            state.inboxes.add(inbox);
            return inbox;
        }
    }

    /** As an administrator resetting an API inbox's secret in Chatwoot; the new secret. */
    String resetInboxSecret(long account, long inboxId) {
        var state = account(account);
        synchronized (state) {
            for (int i = 0; i < state.inboxes.size(); i++) {
                var inbox = state.inboxes.get(i);
                if (inbox.id() == inboxId) {
                    var secret = newInboxSecret();
                    state.inboxes.set(i, new Inbox(inbox.id(), inbox.name(), inbox.channelType(), inbox.webhookUrl(),
                            secret));
                    return secret;
                }
            }
            throw new IllegalArgumentException("no inbox " + inboxId);
        }
    }

    /** Like Chatwoot's {@code has_secure_token}: 24 random letters and digits. */
    private static String newInboxSecret() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }

    List<Conversation> conversations(long account) {
        synchronized (account(account)) {
            return List.copyOf(account(account).conversations);
        }
    }

    List<Contact> contacts(long account) {
        synchronized (account(account)) {
            return List.copyOf(account(account).contacts);
        }
    }

    /** Puts a conversation there as if an agent had opened it in Chatwoot. */
    Conversation seedConversation(long account, long inboxId, String name, String phone) {
        var state = account(account);
        synchronized (state) {
            var contact = new Contact(ids.incrementAndGet(), name, phone, null,
                    new LinkedHashMap<>(Map.of(inboxId, UUID.randomUUID().toString())));
            state.contacts.add(contact);
            var conversation = new Conversation(ids.incrementAndGet(), inboxId, contact.id(), "open");
            state.conversations.add(conversation);
            return conversation;
        }
    }

    /** Puts an agent's reply in a conversation as if written in Chatwoot; the hub learns of it by webhook. */
    Message seedReply(long account, long conversationId, String content) {
        var state = account(account);
        synchronized (state) {
            var message = new Message(ids.incrementAndGet(), conversationId, content, "outgoing", false, null, 0, "sent",
                    null);
            state.messages.add(message);
            return message;
        }
    }

    void agents(long account, JsonNode agents) {
        account(account).agents = agents;
    }

    void teams(long account, JsonNode teams, Map<Long, JsonNode> members) {
        account(account).teams = teams;
        account(account).teamMembers.putAll(members);
    }

    /** Makes every message post of the account fail with this status until the stub is removed. */
    StubMapping failMessagePosts(long account, int status) {
        return server.stubFor(post(urlPathMatching("/api/v1/accounts/" + account + "/conversations/\\d+/messages"))
                .atPriority(1).willReturn(aResponse().withStatus(status)
                        .withHeader("Content-Type", "application/json").withBody("{\"error\":\"boom\"}")));
    }

    /** Makes the next {@code times} message posts of the account fail with this status; later ones succeed. */
    void failNextMessagePosts(long account, int status, int times) {
        var scenario = "fail-posts-" + account + "-" + UUID.randomUUID();
        for (int i = 0; i < times; i++) {
            server.stubFor(post(urlPathMatching("/api/v1/accounts/" + account + "/conversations/\\d+/messages"))
                    .atPriority(1).inScenario(scenario)
                    .whenScenarioStateIs(i == 0 ? com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED
                            : "failed " + i)
                    .willSetStateTo("failed " + (i + 1))
                    .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                            .withBody("{\"error\":\"boom\"}")));
        }
    }

    /** Takes the next message post of the account in, but loses its answer (the caller sees 502). */
    void loseNextMessagePostAnswer(long account) {
        server.stubFor(post(urlPathMatching("/api/v1/accounts/" + account + "/conversations/\\d+/messages"))
                .atPriority(1).inScenario("lose-" + account + "-" + UUID.randomUUID())
                .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willSetStateTo("lost")
                .willReturn(aResponse().withTransformers(NAME).withTransformerParameter(LOSE_ANSWER, true)));
    }

    /** Makes requests of the account to paths matching {@code pathRegex} slow (they still take effect at once). */
    StubMapping slow(long account, String method, String pathRegex, int millis) {
        var mapping = com.github.tomakehurst.wiremock.client.WireMock.request(method,
                urlPathMatching("/api/v1/accounts/" + account + "/" + pathRegex));
        return server.stubFor(mapping.atPriority(2).willReturn(aResponse().withFixedDelay(millis).withTransformers(NAME)));
    }

    void remove(StubMapping stub) {
        server.removeStub(stub);
    }

    List<ServeEvent> served(long account) {
        return server.getAllServeEvents().stream()
                .filter(event -> URI.create(event.getRequest().getUrl()).getPath()
                        .startsWith("/api/v1/accounts/" + account + "/"))
                .toList();
    }

    /** Checks whatever reached the account against Chatwoot's spec (nothing reaching it passes). */
    void assertEveryRequestConforms(long account) {
        var served = served(account);
        if (!served.isEmpty()) {
            ChatwootContract.applicationApi().assertEveryRequestConforms(served);
        }
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        var request = event.getRequest();
        Matcher route = ROUTE.matcher(URI.create(request.getUrl()).getPath());
        if (!route.matches()) {
            return respond(event, 404, JSON.createObjectNode().put("error", "not found"));
        }
        var state = account(Long.parseLong(route.group(1)));
        var path = route.group(2);
        var method = request.getMethod().getName();
        synchronized (state) {
            try {
                var answer = answer(state, method, path, request);
                if (Boolean.TRUE.equals(event.getTransformerParameters().get(LOSE_ANSWER))) {
                    return respond(event, 502, JSON.createObjectNode().put("error", "bad gateway"));
                }
                return respond(event, 200, answer);
            } catch (Refused refused) {
                return respond(event, refused.status, JSON.createObjectNode().put(refused.field, refused.getMessage()));
            }
        }
    }

    private static final class Refused extends RuntimeException {
        final int status;
        final String field;

        Refused(int status, String message) {
            this(status, "message", message);
        }

        Refused(int status, String field, String message) {
            super(message);
            this.status = status;
            this.field = field;
        }
    }

    /** From now on the account answers as a Chatwoot version without per-inbox secrets. */
    void withoutInboxSecrets(long account) {
        account(account).withoutInboxSecrets = true;
    }

    /** From now on the account takes only this access token. */
    void acceptOnlyToken(long account, String token) {
        account(account).onlyToken = token;
    }

    private JsonNode answer(Account state, String method, String path, LoggedRequest request) {
        if (state.onlyToken != null && !state.onlyToken.equals(request.getHeader("api_access_token"))) {
            throw new Refused(401, "error", "Invalid Access Token");
        }
        String[] parts = path.split("/");
        if (method.equals("GET") && path.equals("contacts/search")) {
            var q = request.queryParameter("q").firstValue();
            var page = JSON.createObjectNode();
            var payload = page.putArray("payload");
            state.contacts.stream().filter(contact -> contains(contact.name(), q) || contains(contact.phone(), q)
                    || contains(contact.identifier(), q)).forEach(contact -> payload.add(contact(contact)));
            page.putObject("meta").put("count", payload.size());
            return page;
        }
        if (method.equals("POST") && path.equals("contacts")) {
            var body = JSON.readTree(request.getBodyAsString());
            var phone = text(body, "phone_number");
            var identifier = text(body, "identifier");
            if (state.contacts.stream().anyMatch(c -> phone != null && phone.equals(c.phone()))) {
                throw new Refused(422, "Phone number has already been taken");
            }
            long inbox = body.path("inbox_id").asLong();
            var sourceId = UUID.randomUUID().toString();
            var contact = new Contact(ids.incrementAndGet(), text(body, "name"), phone, identifier,
                    new LinkedHashMap<>(Map.of(inbox, sourceId)));
            state.contacts.add(contact);
            var answer = JSON.createObjectNode();
            var payload = answer.putObject("payload");
            payload.set("contact", contact(contact));
            var contactInbox = payload.putObject("contact_inbox");
            contactInbox.putObject("inbox").put("id", inbox);
            contactInbox.put("source_id", sourceId);
            return answer;
        }
        if (method.equals("GET") && parts.length == 3 && parts[0].equals("contacts") && parts[2].equals("conversations")) {
            long contact = Long.parseLong(parts[1]);
            var answer = JSON.createObjectNode();
            var payload = answer.putArray("payload");
            state.conversations.stream().filter(c -> c.contactId() == contact).forEach(c -> payload.add(conversation(c)));
            return answer;
        }
        if (method.equals("POST") && path.equals("conversations")) {
            var body = JSON.readTree(request.getBodyAsString());
            var conversation = new Conversation(ids.incrementAndGet(), body.path("inbox_id").asLong(),
                    body.path("contact_id").asLong(), "open");
            state.conversations.add(conversation);
            return conversation(conversation);
        }
        if (parts.length == 3 && parts[0].equals("conversations") && parts[2].equals("messages")) {
            long conversation = Long.parseLong(parts[1]);
            if (state.conversations.stream().noneMatch(c -> c.id() == conversation)) {
                throw new Refused(404, "Resource could not be found");
            }
            if (method.equals("GET")) {
                var answer = JSON.createObjectNode();
                answer.putObject("meta");
                var payload = answer.putArray("payload");
                var all = state.messages.stream().filter(m -> m.conversationId() == conversation).toList();
                all.subList(Math.max(0, all.size() - 20), all.size()).forEach(m -> payload.add(message(m)));
                return answer;
            }
            var message = request.isMultipart() ? fromParts(conversation, request) : fromJson(conversation, request);
            state.messages.add(message);
            return message(message);
        }
        if (method.equals("PATCH") && parts.length == 4 && parts[0].equals("conversations")
                && parts[2].equals("messages")) {
            return updateStatus(state, Long.parseLong(parts[1]), Long.parseLong(parts[3]), request);
        }
        if (method.equals("GET") && path.equals("inboxes")) {
            var answer = JSON.createObjectNode();
            var payload = answer.putArray("payload");
            state.inboxes.forEach(inbox -> payload.add(inbox(state, inbox)));
            return answer;
        }
        if (method.equals("POST") && path.equals("inboxes")) {
            var body = JSON.readTree(request.getBodyAsString());
            if (!"api".equals(text(body.path("channel"), "type"))) {
                throw new Refused(422, "only API channels in this fake");
            }
            var inbox = new Inbox(ids.incrementAndGet(), text(body, "name"), "Channel::Api",
                    text(body.path("channel"), "webhook_url"), newInboxSecret());
            state.inboxes.add(inbox);
            return inbox(state, inbox);
        }
        if (method.equals("PATCH") && parts.length == 2 && parts[0].equals("inboxes")) {
            long id = Long.parseLong(parts[1]);
            var body = JSON.readTree(request.getBodyAsString());
            for (int i = 0; i < state.inboxes.size(); i++) {
                var inbox = state.inboxes.get(i);
                if (inbox.id() == id) {
                    var webhook = text(body.path("channel"), "webhook_url");
                    inbox = new Inbox(id, inbox.name(), inbox.channelType(),
                            webhook == null ? inbox.webhookUrl() : webhook, inbox.secret());
                    state.inboxes.set(i, inbox);
                    return inbox(state, inbox);
                }
            }
            throw new Refused(404, "Resource could not be found");
        }
        if (method.equals("GET") && path.equals("agents")) {
            return state.agents;
        }
        if (method.equals("GET") && path.equals("teams")) {
            return state.teams;
        }
        if (method.equals("GET") && parts.length == 3 && parts[0].equals("teams") && parts[2].equals("team_members")) {
            return state.teamMembers.getOrDefault(Long.parseLong(parts[1]), JSON.createArrayNode());
        }
        throw new Refused(404, "Resource could not be found");
    }

    /** As Chatwoot's messages#update and Messages::StatusUpdateService do it. */
    private static JsonNode updateStatus(Account state, long conversationId, long messageId, LoggedRequest request) {
        var conversation = state.conversations.stream().filter(c -> c.id() == conversationId).findFirst()
                .orElseThrow(() -> new Refused(404, "error", "Resource could not be found"));
        var body = JSON.readTree(request.getBodyAsString());
        var status = text(body, "status");
        var externalError = text(body, "external_error");
        if (state.otherChannelInboxes.contains(conversation.inboxId())) {
            state.statusUpdates.add(new StatusUpdate(conversationId, messageId, status, externalError, 403));
            throw new Refused(403, "error", "Message status update is only allowed for API inboxes");
        }
        int index = -1;
        for (int i = 0; i < state.messages.size(); i++) {
            if (state.messages.get(i).id() == messageId && state.messages.get(i).conversationId() == conversationId) {
                index = i;
            }
        }
        if (index < 0) {
            throw new Refused(404, "error", "Resource could not be found");
        }
        state.statusUpdates.add(new StatusUpdate(conversationId, messageId, status, externalError, 200));
        var message = state.messages.get(index);
        if (List.of("sent", "delivered", "read", "failed").contains(status)
                && !(message.status().equals("read") && "delivered".equals(status))) {
            message = new Message(message.id(), message.conversationId(), message.content(), message.type(),
                    message.privateNote(), message.sourceId(), message.attachments(), status,
                    "failed".equals(status) ? externalError : null);
            state.messages.set(index, message);
        }
        return message(message);
    }

    private Message fromJson(long conversation, LoggedRequest request) {
        var body = JSON.readTree(request.getBodyAsString());
        return new Message(ids.incrementAndGet(), conversation, text(body, "content"),
                text(body, "message_type") == null ? "incoming" : text(body, "message_type"),
                body.path("private").asBoolean(false), text(body, "source_id"), 0, "sent", null);
    }

    private Message fromParts(long conversation, LoggedRequest request) {
        String content = null;
        String type = "incoming";
        boolean privateNote = false;
        String sourceId = null;
        int files = 0;
        for (var part : request.getParts()) {
            var value = new String(part.getBody().asBytes(), StandardCharsets.UTF_8);
            switch (part.getName()) {
                case "content" -> content = value;
                case "message_type" -> type = value;
                case "private" -> privateNote = Boolean.parseBoolean(value);
                case "source_id" -> sourceId = value;
                case "attachments[]" -> files++;
                default -> {
                }
            }
        }
        return new Message(ids.incrementAndGet(), conversation, content, type, privateNote, sourceId, files, "sent",
                null);
    }

    private static ObjectNode contact(Contact contact) {
        var node = JSON.createObjectNode().put("id", contact.id()).put("name", contact.name())
                .put("phone_number", contact.phone()).put("identifier", contact.identifier());
        node.putNull("email");
        ArrayNode inboxes = node.putArray("contact_inboxes");
        contact.inboxes().forEach((inbox, source) -> {
            var contactInbox = inboxes.addObject();
            contactInbox.put("source_id", source);
            contactInbox.putObject("inbox").put("id", inbox).put("channel_type", "Channel::Api");
        });
        return node;
    }

    private static ObjectNode inbox(Account state, Inbox inbox) {
        var node = JSON.createObjectNode().put("id", inbox.id()).put("channel_id", inbox.id() + 7)
                .put("name", inbox.name()).put("channel_type", inbox.channelType())
                .put("greeting_enabled", false).put("enable_auto_assignment", true);
        if (inbox.webhookUrl() != null) {
            node.put("webhook_url", inbox.webhookUrl());
        }
        if (inbox.secret() != null && !state.withoutInboxSecrets) {
            node.put("secret", inbox.secret());
        }
        return node;
    }

    private static ObjectNode conversation(Conversation conversation) {
        var node = JSON.createObjectNode().put("id", conversation.id()).put("inbox_id", conversation.inboxId())
                .put("status", conversation.status());
        node.putObject("meta").putObject("sender").put("id", conversation.contactId());
        return node;
    }

    private static ObjectNode message(Message message) {
        var node = JSON.createObjectNode().put("id", message.id()).put("conversation_id", message.conversationId())
                .put("content", message.content())
                .put("message_type", message.type().equals("outgoing") ? 1 : 0)
                .put("private", message.privateNote()).put("source_id", message.sourceId())
                .put("status", message.status());
        if (message.externalError() != null) {
            node.putObject("content_attributes").put("external_error", message.externalError());
        }
        var attachments = node.putArray("attachments");
        for (int i = 0; i < message.attachments(); i++) {
            attachments.addObject().put("id", message.id() * 10 + i).put("file_type", "image")
                    .put("data_url", "http://chatwoot.invalid/file/" + message.id() + "/" + i);
        }
        return node;
    }

    private static ResponseDefinition respond(ServeEvent event, int status, JsonNode body) {
        return ResponseDefinitionBuilder.like(event.getResponseDefinition()).but().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(JSON.writeValueAsString(body)).build();
    }

    private static boolean contains(@Nullable String value, String query) {
        return value != null && value.toLowerCase().contains(query.toLowerCase());
    }

    private static @Nullable String text(JsonNode node, String field) {
        var value = node.path(field);
        return value.isNull() || value.isMissingNode() ? null : value.asString();
    }
}
