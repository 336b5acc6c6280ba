package com.whatpro.hub.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.DriverManager;
import java.util.List;

import javax.sql.DataSource;

import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.TestInfrastructure;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Checked in the database, not assumed: the service's pool role cannot see or change another
 * tenant's rows, nor switch the policies off.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RowLevelSecurityTests extends IntegrationTest {

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate transactions;

    @BeforeAll
    void createTenantTableAsOwner() throws Exception {
        var owner = TestInfrastructure.owner();
        try (var connection = DriverManager.getConnection(owner.url(), owner.username(), owner.password());
                var statement = connection.createStatement()) {
            statement.execute("""
                    create table if not exists rls_probe (id serial primary key, account_id bigint not null, note text);
                    alter table rls_probe enable row level security;
                    alter table rls_probe force row level security;
                    drop policy if exists tenant_isolation on rls_probe;
                    create policy tenant_isolation on rls_probe
                        using (account_id = app_account_id() or app_platform())
                        with check (account_id = app_account_id() or app_platform());
                    truncate rls_probe;
                    insert into rls_probe (account_id, note) values (1, 'one'), (2, 'two'), (2, 'two again');
                    """);
        }
    }

    @Test
    void poolRoleIsNeitherSuperuserNorOwnerNorBypassingRls() {
        var role = transactions.execute(status -> jdbc.sql("""
                select r.rolname, r.rolsuper, r.rolbypassrls,
                       (select count(*) from pg_tables t where t.tableowner = current_user) as owned
                from pg_roles r where r.rolname = current_user
                """).query((rs, n) -> List.of(rs.getString(1), rs.getBoolean(2), rs.getBoolean(3), rs.getLong(4)))
                .single());

        assertThat(role).containsExactly("whatpro_app", false, false, 0L);
    }

    @Test
    void withoutTenantNoRowIsVisible() {
        assertThat(notes()).isEmpty();
    }

    @Test
    void aTenantSeesOnlyItsOwnRows() {
        assertThat(Tenancy.callAs(AccountId.of(2), this::notes)).containsExactlyInAnyOrder("two", "two again");
        assertThat(Tenancy.callAs(AccountId.of(1), this::notes)).containsExactly("one");
    }

    @Test
    void aTenantCannotWriteIntoAnotherTenant() {
        assertThatThrownBy(() -> Tenancy.callAs(AccountId.of(1), () -> transactions.execute(status ->
                jdbc.sql("insert into rls_probe (account_id, note) values (2, 'planted')").update())))
                .rootCause().hasMessageContaining("violates row-level security policy");
        var changed = Tenancy.callAs(AccountId.of(1), () -> transactions.execute(status ->
                jdbc.sql("update rls_probe set note = 'hijacked' where account_id = 2").update()));
        assertThat(changed).isZero();
    }

    @Test
    void theTenantDoesNotLeakIntoTheNextTransactionOnAPooledConnection() throws Exception {
        Tenancy.callAs(AccountId.of(2), this::notes);
        try (var connection = dataSource.getConnection(); var statement = connection.createStatement();
                var rs = statement.executeQuery("select count(*), current_setting('app.account_id', true) from rls_probe")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
            assertThat(rs.getString(2)).isNullOrEmpty();
        }
    }

    @Test
    void poolRoleCannotSwitchThePoliciesOff() throws Exception {
        try (var connection = dataSource.getConnection(); var statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.execute("alter table rls_probe disable row level security"))
                    .hasMessageContaining("must be owner");
        }
        try (var connection = dataSource.getConnection(); var statement = connection.createStatement()) {
            statement.execute("set row_security = off");
            try {
                assertThatThrownBy(() -> statement.executeQuery("select * from rls_probe"))
                        .hasMessageContaining("row-level security");
            } finally {
                statement.execute("reset row_security");
            }
        }
    }

    @Test
    void platformScopeSeesEveryTenant() {
        assertThat(Tenancy.callAsPlatform(this::notes)).hasSize(3);
    }

    private List<String> notes() {
        return transactions.execute(status -> jdbc.sql("select note from rls_probe").query(String.class).list());
    }
}
