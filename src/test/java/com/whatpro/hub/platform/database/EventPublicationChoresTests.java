package com.whatpro.hub.platform.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.TestInfrastructure;
import com.whatpro.hub.gateway.ConversationOpened;
import com.whatpro.hub.kanban.ConversationCards;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Tenancy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An after-commit listener that failed runs again without waiting for a restart: here the card of a new Chatwoot
 * conversation, whose job failed while the database refused to store cards.
 */
class EventPublicationChoresTests extends IntegrationTest {

    @Autowired
    EventPublicationChores chores;
    @Autowired
    ApplicationEventPublisher events;
    @Autowired
    PlatformTransactionManager transactions;
    @Autowired
    ConversationCards cards;
    @Autowired
    JdbcClient jdbc;

    @Test
    void aCardJobThatFailedRunsAgainOnceItsPauseIsOverWhileItHasAttemptsLeft() throws Exception {
        var tenant = new Fixtures(http()).tenant("Refused Cards");
        var account = AccountId.of(tenant.id());
        var owner = TestInfrastructure.owner();
        var role = jdbc.sql("select current_user").query(String.class).single();
        var failures = new ListAppender<ILoggingEvent>();
        failures.list = new CopyOnWriteArrayList<>(); // read here while the listeners' threads append
        failures.start();
        var logger = (Logger) LoggerFactory.getLogger("com.whatpro.hub.platform.AsyncFailures");
        logger.addAppender(failures);
        owner.execute("revoke insert on cards from " + role);
        try {
            open(account, 9101);
            open(account, 9102);
            open(account, 9103);
            await("the card jobs failed").atMost(Duration.ofSeconds(20)).until(() -> failures.list.size() == 3
                    && status(9101).equals("FAILED") && status(9102).equals("FAILED") && status(9103).equals("FAILED"));
            assertThat(failures.list).as("one error for each, which says it is not lost").allSatisfy(line ->
                    assertThat(line.getFormattedMessage())
                            .isEqualTo("ConversationsToCards.on failed; its event is kept and runs again later"));
        } finally {
            owner.execute("grant insert on cards to " + role);
            logger.detachAppender(failures);
        }
        owner.execute("update event_publication set publication_date = now() - interval '2 minutes',"
                + " last_resubmission_date = now() - interval '2 minutes' where "
                + publicationOf(9101));
        owner.execute("update event_publication set completion_attempts = 24,"
                + " last_resubmission_date = now() - interval '2 hours' where " + publicationOf(9103));
        // older than the due one, but failed again just now: first in line, and not to be run yet
        owner.execute("insert into event_publication (id, listener_id, event_type, serialized_event,"
                + " publication_date, status, completion_attempts, last_resubmission_date)"
                + " select gen_random_uuid(), listener_id, event_type, serialized_event, now() - interval '1 hour',"
                + " 'FAILED', 3, now() from event_publication, generate_series(1, 10) where " + publicationOf(9102));

        chores.retryFailed();

        assertThat(owner.value("select count(*) filter (where status = 'FAILED') || '/' || count(*) from"
                + " event_publication where " + publicationOf(9102))).as("its pause is not over").isEqualTo("11/11");
        assertThat(status(9103)).as("it has had all its attempts").isEqualTo("FAILED");
        await("the card of the first conversation").atMost(Duration.ofSeconds(20))
                .until(() -> cards.cardOf(account, 9101).isPresent());
        await().atMost(Duration.ofSeconds(20)).until(() -> status(9101).equals("COMPLETED"));
        assertThat(cards.cardOf(account, 9102)).isEmpty();
        assertThat(cards.cardOf(account, 9103)).isEmpty();
        assertThat(owner.value("select completion_attempts from event_publication where " + publicationOf(9101)))
                .as("the first attempt and the retry").isEqualTo("2");
    }

    @Test
    void completedPublicationsAreForgottenAfterAWeek() throws Exception {
        var owner = TestInfrastructure.owner();
        var weekOld = UUID.randomUUID();
        var dayOld = UUID.randomUUID();
        var unfinished = UUID.randomUUID();
        for (var row : java.util.List.of(
                "'" + weekOld + "', now() - interval '8 days', 'COMPLETED', now() - interval '8 days'",
                "'" + dayOld + "', now() - interval '1 day', 'COMPLETED', now() - interval '1 day'",
                "'" + unfinished + "', now() - interval '8 days', 'FAILED', null")) {
            owner.execute("insert into event_publication (id, listener_id, event_type, serialized_event,"
                    + " publication_date, status, completion_date, completion_attempts) values (" + row.replaceFirst(
                            "', ", "', 'a.Listener.on(a.Event)', 'a.Event', '{}', ") + ", 1)");
        }

        var ours = " where id in ('" + weekOld + "', '" + dayOld + "', '" + unfinished + "')";
        try {
            chores.purgeCompleted();

            var left = owner.value("select string_agg(id::text, ',' order by publication_date) from event_publication"
                    + ours);
            assertThat(left).isEqualTo(unfinished + "," + dayOld);
        } finally {
            owner.execute("delete from event_publication" + ours); // no listener of theirs exists to run again
        }
    }

    private void open(AccountId account, long conversation) {
        Tenancy.runAs(account, () -> new TransactionTemplate(transactions).executeWithoutResult(status ->
                events.publishEvent(new ConversationOpened(account, conversation, "Contact " + conversation, null,
                        conversation, 1, UUID.randomUUID()))));
    }

    private static String status(long conversation) throws java.sql.SQLException {
        return String.valueOf(TestInfrastructure.owner().value("select coalesce(max(status), 'none') from "
                + "event_publication where " + publicationOf(conversation)));
    }

    private static String publicationOf(long conversation) {
        return "listener_id like '%ConversationsToCards%' and serialized_event like '%\"chatwoot_conversation_id\":"
                + conversation + ",%'";
    }
}
