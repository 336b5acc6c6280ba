package com.whatpro.hub.kanban;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.TestInfrastructure;
import com.whatpro.hub.platform.AccountId;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

/** The gateway's way in: a Chatwoot conversation becomes (or joins) a card on the default board. */
class ConversationCardsTests extends IntegrationTest {

    @Autowired
    ConversationCards conversations;

    Fixtures fixtures;
    Fixtures.Tenant acme;
    AccountId account;
    KanbanClient admin;

    @BeforeEach
    void setUp() {
        fixtures = new Fixtures(http());
        acme = fixtures.tenant("Inbox Co");
        account = AccountId.of(acme.id());
        admin = new KanbanClient(http(), acme.admin().token(), acme.id());
    }

    @Test
    void aNewConversationBecomesACardInTheFirstOpenStageOfTheDefaultBoard() {
        var attached = conversations.attach(account, new ContactRef("Maria Souza", "+55 11 91234-5678", 77L), 1001);

        var board = admin.defaultBoard();
        var card = admin.getCard(attached.cardId().toString());
        assertThat(attached.created()).isTrue();
        assertThat(attached.boardId().toString()).isEqualTo(board.get("id").asString());
        assertThat(card.get("stage_id").asString()).isEqualTo(KanbanClient.stage(board, "New"));
        assertThat(card.get("title").asString()).isEqualTo("Maria Souza");
        assertThat(card.get("contact").get("chatwoot_contact_id").asLong()).isEqualTo(77);
        assertThat(card.get("conversation_ids").get(0).asLong()).isEqualTo(1001);
        var history = admin.http.get(admin.base + "/cards/" + attached.cardId() + "/history").json().get("items");
        assertThat(history.get(0).get("actor").get("type").asString()).isEqualTo("system");
    }

    @Test
    void theSameConversationAlwaysAnswersTheSameCard() {
        var first = conversations.attach(account, new ContactRef("Ana", null, 5L), 2001);
        var again = conversations.attach(account, new ContactRef("Ana (renamed)", null, 5L), 2001);

        assertThat(again.cardId()).isEqualTo(first.cardId());
        assertThat(again.created()).isFalse();
        assertThat(conversations.cardOf(account, 2001)).contains(again);
        assertThat(admin.getCard(first.cardId().toString()).get("conversation_ids")).hasSize(1);
    }

    @Test
    void aContactsNextConversationJoinsItsOpenCardButNotAClosedOne() {
        var first = conversations.attach(account, new ContactRef("Bruno", "+55 21 99999-0000", 9L), 3001);
        var second = conversations.attach(account, new ContactRef("Bruno", "+55 21 99999-0000", 9L), 3002);
        var byPhone = conversations.attach(account, new ContactRef(null, "5521999990000", null), 3003);

        assertThat(second.cardId()).isEqualTo(first.cardId());
        assertThat(second.created()).isFalse();
        assertThat(byPhone.cardId()).isEqualTo(first.cardId());
        var card = admin.getCard(first.cardId().toString());
        assertThat(card.get("conversation_ids").findValuesAsString("x")).isEmpty();
        assertThat(card.get("conversation_ids")).hasSize(3);

        var board = admin.defaultBoard();
        assertThat(admin.move(first.cardId().toString(), Map.of("stage_id", KanbanClient.stage(board, "Lost"))).status())
                .isEqualTo(200);
        var after = conversations.attach(account, new ContactRef("Bruno", "+55 21 99999-0000", 9L), 3004);
        assertThat(after.created()).isTrue();
        assertThat(after.cardId()).isNotEqualTo(first.cardId());
    }

    @Test
    void aCardWhoseContactIsRenamedThroughTheApiStaysTheCardOfThatChatwootContact() {
        var first = conversations.attach(account, new ContactRef("Elisa", "+55 31 98888-1111", 21L), 6001);
        var card = first.cardId().toString();

        var renamed = admin.patch(card, Map.of("contact", Map.of("name", "Elisa Prado")));

        assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
        var contact = renamed.json().get("contact");
        assertThat(contact.get("chatwoot_contact_id").asLong()).isEqualTo(21);
        assertThat(contact.get("name").asString()).isEqualTo("Elisa Prado");
        assertThat(contact.get("phone").asString()).isEqualTo("+55 31 98888-1111");
        var next = conversations.attach(account, new ContactRef("Elisa Prado", null, 21L), 6002);
        assertThat(next.cardId()).isEqualTo(first.cardId());
        assertThat(next.created()).isFalse();
        assertThat(admin.getCard(card).get("conversation_ids")).hasSize(2);

        var unlinkedContact = new java.util.HashMap<String, Object>();
        unlinkedContact.put("chatwoot_contact_id", null);
        var unlinked = admin.patch(card, Map.of("contact", unlinkedContact)).json().get("contact");
        assertThat(unlinked.get("chatwoot_contact_id").isNull()).isTrue();
        assertThat(unlinked.get("name").asString()).isEqualTo("Elisa Prado");
        var cleared = new java.util.HashMap<String, Object>();
        cleared.put("contact", null);
        var none = admin.patch(card, cleared).json().get("contact");
        assertThat(none.get("name").isNull()).isTrue();
        assertThat(none.get("phone").isNull()).isTrue();
    }

    @Test
    void concurrentCallsNeverDuplicateACardOrAConversation() throws Exception {
        var start = new CountDownLatch(1);
        var results = new ArrayList<Future<AttachedCard>>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (var i = 0; i < 10; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return conversations.attach(account, new ContactRef("Carla", null, 11L), 4001);
                }));
                var conversation = 4100 + i;
                results.add(pool.submit(() -> {
                    start.await();
                    return conversations.attach(account, new ContactRef("Davi", null, 12L), conversation);
                }));
            }
            start.countDown();
        }
        var cards = new HashSet<java.util.UUID>();
        var created = 0;
        for (var result : results) {
            var attached = result.get();
            cards.add(attached.cardId());
            created += attached.created() ? 1 : 0;
        }

        assertThat(cards).hasSize(2);
        assertThat(created).isEqualTo(2);
        var board = admin.defaultBoard().get("id").asString();
        assertThat(admin.http.get(admin.base + "/boards/" + board + "/cards").json().get("items")).hasSize(2);
        var davi = conversations.cardOf(account, 4100).orElseThrow().cardId().toString();
        assertThat(admin.getCard(davi).get("conversation_ids")).hasSize(10);
        assertThat(admin.http.get(admin.base + "/boards").json().get("items")).hasSize(1);
    }

    /**
     * The card jobs of many conversations opened at once queue on their board's first stage. While the stage is
     * held, the whole burst has gone as far as it can once every thread of it waits: before that took one pooled
     * connection per waiting job, leaving none for other accounts.
     */
    @Test
    void aBurstOfNewConversationsWaitsForItsBoardOnOneConnectionAndOtherAccountsStayPrompt() throws Exception {
        var stage = KanbanClient.stage(admin.defaultBoard(), "New");
        var bystander = fixtures.tenant("Bystander Co");
        var bystanderBoards = http().bearer(bystander.admin().token())
                .get("/api/v1/accounts/" + bystander.id() + "/boards");
        assertThat(bystanderBoards.status()).isEqualTo(200);
        var burst = 15;
        var threads = new CopyOnWriteArrayList<Thread>();
        var owner = TestInfrastructure.owner();
        var results = new ArrayList<Future<AttachedCard>>();
        // the holder is closed first, so that closing the pool, which waits for the burst, never waits on it
        try (var pool = Executors.newThreadPerTaskExecutor(task -> {
                    var thread = Thread.ofVirtual().unstarted(task);
                    threads.add(thread);
                    return thread;
                });
                var holder = DriverManager.getConnection(owner.url(), owner.username(), owner.password())) {
            holder.setAutoCommit(false);
            try (var statement = holder.createStatement()) {
                statement.execute("select 1 from stages where id = '" + stage + "' for update");
            }
            for (var i = 0; i < burst; i++) {
                var conversation = 6000 + i;
                results.add(pool.submit(() -> conversations.attach(account,
                        new ContactRef("Burst " + conversation, null, (long) conversation), conversation)));
            }
            await("every job of the burst waits").atMost(Duration.ofSeconds(20)).during(Duration.ofMillis(300))
                    .until(() -> waitingOnAStage() >= 1 && threads.size() == burst && threads.stream()
                            .allMatch(thread -> thread.getState() == Thread.State.WAITING
                                    || thread.getState() == Thread.State.TIMED_WAITING));

            assertThat(waitingOnAStage()).as("connections waiting on the held stage").isEqualTo(1);
            var started = System.nanoTime();
            var response = http().bearer(bystander.admin().token())
                    .get("/api/v1/accounts/" + bystander.id() + "/boards");
            assertThat(response.status()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
            holder.rollback();
        }
        var cards = new HashSet<java.util.UUID>();
        for (var result : results) {
            var attached = result.get();
            assertThat(attached.created()).isTrue();
            assertThat(attached.stageId().toString()).isEqualTo(stage);
            cards.add(attached.cardId());
        }
        assertThat(cards).hasSize(burst);
    }

    private static int waitingOnAStage() throws java.sql.SQLException {
        return Integer.parseInt(TestInfrastructure.owner().value("""
                select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'
                and query like 'select * from stages where % for no key update'"""));
    }

    @Test
    void aConversationArrivingBeforeTheDefaultBoardCreatesItOnce() throws Exception {
        var defaultBoards = (Logger) LoggerFactory.getLogger(DefaultBoards.class);
        var level = defaultBoards.getLevel();
        var logs = new ListAppender<ILoggingEvent>();
        logs.list = new CopyOnWriteArrayList<>(); // read here while the listener's thread appends
        logs.start();
        defaultBoards.setLevel(Level.DEBUG);
        defaultBoards.addAppender(logs);
        try {
            raceTheDefaultBoard(logs);
        } finally {
            defaultBoards.detachAppender(logs);
            defaultBoards.setLevel(level);
        }
    }

    private void raceTheDefaultBoard(ListAppender<ILoggingEvent> defaultBoardLogs) throws Exception {
        var fresh = AccountId.of(fixtures.createAccount("Racing Co"));
        var start = new CountDownLatch(1);
        var results = new ArrayList<Future<AttachedCard>>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (var i = 0; i < 5; i++) {
                var conversation = 5000 + i;
                results.add(pool.submit(() -> {
                    start.await();
                    return conversations.attach(fresh, new ContactRef("Contact " + conversation, null, null), conversation);
                }));
            }
            start.countDown();
        }
        var boards = new HashSet<java.util.UUID>();
        for (var result : results) {
            boards.add(result.get().boardId());
        }
        assertThat(boards).hasSize(1);
        await("the new account's own default-board listener committed").atMost(Duration.ofSeconds(20))
                .until(() -> defaultBoardLogs.list.stream().anyMatch(line -> line.getFormattedMessage()
                        .startsWith("Account " + fresh + " has default board")));
        var admin = fixtures.member(fixtures.superAdmin(), fresh.value(), "admin");
        var listed = http().bearer(admin.token()).get("/api/v1/accounts/" + fresh.value() + "/boards").json().get("items");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("is_default").asBoolean()).isTrue();
    }
}
