package com.whatpro.hub.platform.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.DriverManager;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.TestInfrastructure;

import org.junit.jupiter.api.Test;

/**
 * What a PostgreSQL failover does to the pool, played by ending every one of the service's connections on the server
 * (pg_terminate_backend): connections that died while idle are found out before they are lent, so the requests that
 * follow all succeed.
 */
class PoolFailoverTests extends IntegrationTest {

    @Test
    void requestsAfterTheServerDroppedEveryPooledConnectionSucceed() throws Exception {
        var tenant = new Fixtures(http()).tenant("Pool");
        var admin = http().bearer(tenant.admin().token());
        var boards = "/api/v1/accounts/" + tenant.id() + "/boards";
        for (int i = 0; i < 20; i++) {
            assertThat(admin.get(boards).status()).isEqualTo(200);
        }
        var owner = TestInfrastructure.owner();
        int ended;
        try (var connection = DriverManager.getConnection(owner.url(), owner.username(), owner.password());
                var statement = connection.createStatement();
                var result = statement.executeQuery("select count(pg_terminate_backend(pid)) from pg_stat_activity "
                        + "where datname = current_database() and application_name = 'whatpro-hub' "
                        + "and pid <> pg_backend_pid()")) {
            result.next();
            ended = result.getInt(1);
        }
        assertThat(ended).as("pooled connections ended on the server").isPositive();

        for (int i = 0; i < 20; i++) {
            var answer = admin.get(boards);
            assertThat(answer.status()).as("request %d after the connections were ended: %s", i, answer.body())
                    .isEqualTo(200);
        }
    }
}
