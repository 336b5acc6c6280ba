package com.whatpro.hub.platform.database;

import org.jspecify.annotations.Nullable;

/** Where a database is and who connects to it. */
record DatabaseEndpoint(String url, @Nullable String username, @Nullable String password) {

    DatabaseEndpoint as(String otherUsername, @Nullable String otherPassword) {
        return new DatabaseEndpoint(url, otherUsername, otherPassword);
    }

    @Override
    public String toString() {
        return "DatabaseEndpoint[" + url + " as " + username + "]";
    }
}
