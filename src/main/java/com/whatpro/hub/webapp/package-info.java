/**
 * The web app under {@code /app}: sign-in, the Kanban board, the Chatwoot Dashboard App page and the
 * user's sessions. Its pages call the other modules' APIs and the public JSON API; it owns no tables.
 */
@NullMarked
package com.whatpro.hub.webapp;

import org.jspecify.annotations.NullMarked;
