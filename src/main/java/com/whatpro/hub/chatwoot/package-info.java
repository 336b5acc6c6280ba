/**
 * The Chatwoot API client, webhook parsing, and account, agent and team sync.
 */
@NullMarked
package com.whatpro.hub.chatwoot;

import org.jspecify.annotations.NullMarked;
