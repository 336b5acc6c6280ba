/**
 * Webhook intake, the durable inbox and outbox, message mapping and status, retries, dead letters.
 */
@NullMarked
package com.whatpro.hub.gateway;

import org.jspecify.annotations.NullMarked;
