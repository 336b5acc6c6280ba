/** Chatwoot: the Application API client, webhook signature checks and the parsed webhook events. */
@NullMarked
package com.whatpro.hub.chatwoot;

import org.jspecify.annotations.NullMarked;
