/**
 * Users, memberships and roles, login and Chatwoot SSO, sessions, refresh tokens, API keys, permissions.
 */
@NullMarked
package com.whatpro.hub.identity;

import org.jspecify.annotations.NullMarked;
