package com.whatpro.hub.identity;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import com.whatpro.hub.chatwoot.ChatwootInstallation;
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

    /**
     * @param chatwoot the linked Chatwoot identity
     * @param chatwootUserId the linked Chatwoot user's id, set also for a link stored before installations were
     *        recorded and not yet given one
     */
    record User(UUID id, String email, String name, @Nullable String passwordHash, boolean superAdmin,
            @Nullable ChatwootIdentity chatwoot, @Nullable Long chatwootUserId, Instant createdAt) {

        boolean hasPassword() {
            return passwordHash != null;
        }

        boolean linkedToChatwoot() {
            return chatwootUserId != null;
        }
    }

    Optional<User> byEmail(String email) {
        return jdbc.sql("select * from users where lower(email) = lower(:email)").param("email", email.strip())
                .query(Users::user).optional();
    }

    Optional<User> byId(UUID id) {
        return jdbc.sql("select * from users where id = :id").param("id", id).query(Users::user).optional();
    }

    Optional<User> byChatwootIdentity(ChatwootIdentity identity) {
        return jdbc.sql("select * from users where chatwoot_installation = :installation and chatwoot_user_id = :id")
                .param("installation", identity.installation().url()).param("id", identity.userId())
                .query(Users::user).optional();
    }

    User create(String email, String name, @Nullable String passwordHash, @Nullable ChatwootIdentity chatwoot) {
        var id = Ids.newId();
        jdbc.sql("""
                insert into users (id, email, name, password_hash, chatwoot_installation, chatwoot_user_id)
                values (:id, :email, :name, :hash, :installation, :chatwoot)
                """)
                .param("id", id).param("email", email.strip().toLowerCase()).param("name", name.strip())
                .param("hash", passwordHash)
                .param("installation", chatwoot == null ? null : chatwoot.installation().url())
                .param("chatwoot", chatwoot == null ? null : chatwoot.userId())
                .update();
        return byId(id).orElseThrow();
    }

    /** Links the user to the Chatwoot identity, replacing any link they had; true if it changed anything. */
    boolean linkChatwoot(UUID id, ChatwootIdentity identity) {
        return jdbc.sql("""
                update users set chatwoot_installation = :installation, chatwoot_user_id = :chatwoot, updated_at = now()
                where id = :id and (chatwoot_installation is distinct from :installation
                    or chatwoot_user_id is distinct from :chatwoot)
                """)
                .param("installation", identity.installation().url()).param("chatwoot", identity.userId())
                .param("id", id).update() > 0;
    }

    /** Gives links stored before installations were recorded the installation they came from; how many. */
    int assignInstallationToOldLinks(ChatwootInstallation installation) {
        return jdbc.sql("""
                update users set chatwoot_installation = :installation, updated_at = now()
                where chatwoot_user_id is not null and chatwoot_installation is null
                """)
                .param("installation", installation.url()).update();
    }

    void rename(UUID id, String name) {
        jdbc.sql("update users set name = :name, updated_at = now() where id = :id")
                .param("name", name.strip()).param("id", id).update();
    }

    private static User user(ResultSet rs, int row) throws SQLException {
        return new User(rs.getObject("id", UUID.class), rs.getString("email"), rs.getString("name"),
                rs.getString("password_hash"), rs.getBoolean("is_super_admin"),
                chatwoot(rs.getString("chatwoot_installation"), rs.getObject("chatwoot_user_id", Long.class)),
                rs.getObject("chatwoot_user_id", Long.class), rs.getTimestamp("created_at").toInstant());
    }

    private static @Nullable ChatwootIdentity chatwoot(@Nullable String installation, @Nullable Long userId) {
        return installation == null || userId == null
                ? null : new ChatwootIdentity(new ChatwootInstallation(installation), userId);
    }
}
