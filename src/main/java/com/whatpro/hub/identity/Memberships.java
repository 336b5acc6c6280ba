package com.whatpro.hub.identity;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Tenancy;
import com.whatpro.hub.platform.security.MembershipDirectory;
import com.whatpro.hub.platform.security.Role;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Who belongs to which account, in which role. Reads follow the row-level security of the
 * current {@link Tenancy} scope: an account's members, or a user's own memberships.
 */
@Service
public class Memberships implements MembershipDirectory {

    private final JdbcClient jdbc;
    private final TransactionTemplate readOnly;

    Memberships(JdbcClient jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
    }

    /** A member as the account sees them. */
    public record Member(UUID userId, String email, String name, Role role, String availability, Instant createdAt) {
    }

    @Override
    public List<AccountId> accountsOf(UUID userId) {
        return Tenancy.callAsUser(userId, () -> readOnly.execute(status ->
                jdbc.sql("select account_id from memberships where user_id = :user order by account_id")
                        .param("user", userId).query((rs, n) -> AccountId.of(rs.getLong(1))).list()));
    }

    /** The user's role in each of their accounts (in the user's own scope). */
    @Transactional(readOnly = true)
    public java.util.Map<AccountId, Role> rolesOf(UUID userId) {
        var roles = new java.util.LinkedHashMap<AccountId, Role>();
        jdbc.sql("select account_id, role from memberships where user_id = :user order by account_id")
                .param("user", userId)
                .query(rs -> {
                    roles.put(AccountId.of(rs.getLong(1)), Role.fromJson(rs.getString(2)));
                });
        return roles;
    }

    @Transactional(readOnly = true)
    public boolean isMember(AccountId account, UUID userId) {
        return role(account, userId).isPresent();
    }

    @Transactional(readOnly = true)
    public Optional<Role> role(AccountId account, UUID userId) {
        return jdbc.sql("select role from memberships where account_id = :account and user_id = :user")
                .param("account", account.value()).param("user", userId)
                .query((rs, n) -> Role.fromJson(rs.getString(1))).optional();
    }

    /** A page of members in a stable order, after the given user id (a cursor). */
    @Transactional(readOnly = true)
    public List<Member> members(AccountId account, @Nullable UUID after, int limit) {
        return jdbc.sql(MEMBER_SELECT + " where m.account_id = :account and (cast(:after as uuid) is null or u.id > :after)"
                        + " order by u.id limit :limit")
                .param("account", account.value()).param("after", after).param("limit", limit)
                .query(Memberships::member).list();
    }

    @Transactional(readOnly = true)
    public Optional<Member> member(AccountId account, UUID userId) {
        return jdbc.sql(MEMBER_SELECT + " where m.account_id = :account and m.user_id = :user")
                .param("account", account.value()).param("user", userId).query(Memberships::member).optional();
    }

    @Transactional(readOnly = true)
    public long count(AccountId account) {
        return jdbc.sql("select count(*) from memberships where account_id = :account")
                .param("account", account.value()).query(Long.class).single();
    }

    @Transactional(readOnly = true)
    /**
     * The account's admins, their rows locked until the caller's transaction ends: of two changes that each take away
     * one of the last two admins, the second counts after the first has committed.
     */
    long lockAdmins(AccountId account) {
        return jdbc.sql("""
                select count(*) from (
                    select 1 from memberships where account_id = :account and role = 'admin' for update
                ) admins""")
                .param("account", account.value()).query(Long.class).single();
    }

    void add(AccountId account, UUID userId, Role role) {
        jdbc.sql("insert into memberships (account_id, user_id, role) values (:account, :user, :role)")
                .param("account", account.value()).param("user", userId).param("role", role.json()).update();
    }

    /** Adds the membership, or raises the role of an existing one; never lowers it. */
    boolean grantAtLeast(AccountId account, UUID userId, Role role) {
        var current = role(account, userId);
        if (current.isEmpty()) {
            add(account, userId, role);
            return true;
        }
        if (role.compareTo(current.get()) > 0) {
            changeRole(account, userId, role);
            return true;
        }
        return false;
    }

    void changeRole(AccountId account, UUID userId, Role role) {
        jdbc.sql("update memberships set role = :role, updated_at = now() where account_id = :account and user_id = :user")
                .param("role", role.json()).param("account", account.value()).param("user", userId).update();
    }

    void changeAvailability(AccountId account, UUID userId, String availability) {
        jdbc.sql("""
                update memberships set availability = :availability, updated_at = now()
                where account_id = :account and user_id = :user
                """)
                .param("availability", availability).param("account", account.value()).param("user", userId).update();
    }

    boolean remove(AccountId account, UUID userId) {
        return jdbc.sql("delete from memberships where account_id = :account and user_id = :user")
                .param("account", account.value()).param("user", userId).update() > 0;
    }

    private static final String MEMBER_SELECT = """
            select u.id, u.email, u.name, m.role, m.availability, m.created_at
            from memberships m join users u on u.id = m.user_id""";

    private static Member member(ResultSet rs, int row) throws SQLException {
        return new Member(rs.getObject("id", UUID.class), rs.getString("email"), rs.getString("name"),
                Role.fromJson(rs.getString("role")), rs.getString("availability"),
                rs.getTimestamp("created_at").toInstant());
    }
}
