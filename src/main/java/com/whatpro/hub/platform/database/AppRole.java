package com.whatpro.hub.platform.database;

import java.sql.Connection;
import java.sql.SQLException;

import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The role the service's pool logs in as. Migrations create it without SUPERUSER, BYPASSRLS or
 * ownership of any table, so row-level security always applies to it.
 */
record AppRole(String username, String password) {

    private static final Logger log = LoggerFactory.getLogger(AppRole.class);

    AppRole {
        if (!username.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("the app role name must be a plain lower-case identifier");
        }
    }

    /** Sets the password when the owner may manage roles; otherwise the operator set it. */
    void ensurePassword(Connection owner) throws SQLException {
        try (var check = owner.prepareStatement(
                "select rolsuper or rolcreaterole from pg_roles where rolname = current_user");
                var rs = check.executeQuery()) {
            if (!rs.next() || !rs.getBoolean(1)) {
                log.info("The owner cannot manage roles; expecting {} to have the configured password", username);
                return;
            }
        }
        // hashed on our side, so the password never travels or lands in a server log as text
        owner.unwrap(PGConnection.class).alterUserPassword(username, password.toCharArray(), null);
    }

    @Override
    public String toString() {
        return "AppRole[" + username + "]";
    }
}
