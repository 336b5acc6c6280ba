package com.whatpro.hub.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.DriverManager;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.SecondNode;
import com.whatpro.hub.TestInfrastructure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.security.core.userdetails.UserDetailsService;

/** What a node does as it starts, watched on a second node started by the test. */
@ExtendWith(OutputCaptureExtension.class)
class NodeStartTests extends IntegrationTest {

    @Test
    void aStartingNodeHasNoGeneratedUserAndGivesOldChatwootLinksTheTrustedInstallation(CapturedOutput output)
            throws Exception {
        var email = Fixtures.uniqueEmail("linked-long-ago");
        var chatwootUser = ThreadLocalRandom.current().nextLong(1_000_000, 1_000_000_000);
        // a link as stored before installations were recorded
        ownerUpdate("insert into users (id, email, name, chatwoot_user_id) values ('" + UUID.randomUUID() + "', '"
                + email + "', 'Old link', " + chatwootUser + ")");
        assertThat(ChatwootSsoTests.chatwootLinkOf(email)).isEqualTo("#" + chatwootUser);

        try (var node = SecondNode.start()) {
            // the capture sees the node's start-up log (its main class is the test runner's)
            assertThat(output.getAll()).containsPattern("Started \\w+ in").contains("Tomcat started on port");
            assertThat(output.getAll()).doesNotContainIgnoringCase("generated security password");
            assertThatThrownBy(() -> node.bean(UserDetailsService.class))
                    .isInstanceOf(NoSuchBeanDefinitionException.class);
            assertThat(ChatwootSsoTests.chatwootLinkOf(email))
                    .isEqualTo(TestInfrastructure.chatwoot().baseUrl() + "#" + chatwootUser);
        }
    }

    private static void ownerUpdate(String sql) throws Exception {
        var owner = TestInfrastructure.owner();
        try (var connection = DriverManager.getConnection(owner.url(), owner.username(), owner.password());
                var statement = connection.createStatement()) {
            statement.executeUpdate(sql);
        }
    }
}
