package com.whatpro.hub.identity;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import com.whatpro.hub.platform.Ids;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** People who can sign in (the table has no tenant: what they see comes from memberships). */
@Repository
class Users {

    private final JdbcClient jdbc;

    Users(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record User(UUID id, String email, String name, @Nullable String passwordHash, boolean superAdmin,
            @Nullable Long chatwootUserId, Instant createdAt) {
    }

    Optional<User> byEmail(String email) {
        return jdbc.sql("select * from users where lower(email) = lower(:email)").param("email", email.strip())
                .query(Users::user).optional();
    }

    Optional<User> byId(UUID id) {
        return jdbc.sql("select * from users where id = :id").param("id", id).query(Users::user).optional();
    }

    Optional<User> byChatwootUserId(long chatwootUserId) {
        return jdbc.sql("select * from users where chatwoot_user_id = :id").param("id", chatwootUserId)
                .query(Users::user).optional();
    }

    User create(String email, String name, @Nullable String passwordHash, @Nullable Long chatwootUserId) {
        var id = Ids.newId();
        jdbc.sql("""
                insert into users (id, email, name, password_hash, chatwoot_user_id)
                values (:id, :email, :name, :hash, :chatwoot)
                """)
                .param("id", id).param("email", email.strip().toLowerCase()).param("name", name.strip())
                .param("hash", passwordHash).param("chatwoot", chatwootUserId)
                .update();
        return byId(id).orElseThrow();
    }

    void linkChatwoot(UUID id, long chatwootUserId) {
        jdbc.sql("update users set chatwoot_user_id = :chatwoot, updated_at = now() where id = :id")
                .param("chatwoot", chatwootUserId).param("id", id).update();
    }

    void rename(UUID id, String name) {
        jdbc.sql("update users set name = :name, updated_at = now() where id = :id")
                .param("name", name.strip()).param("id", id).update();
    }

    private static User user(ResultSet rs, int row) throws SQLException {
        return new User(rs.getObject("id", UUID.class), rs.getString("email"), rs.getString("name"),
                rs.getString("password_hash"), rs.getBoolean("is_super_admin"),
                rs.getObject("chatwoot_user_id", Long.class), rs.getTimestamp("created_at").toInstant());
    }
}
