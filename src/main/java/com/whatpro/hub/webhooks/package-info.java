/**
 * Outgoing webhooks: an account's subscriptions to its events, and their signed, durable, retried deliveries
 * (Standard Webhooks).
 */
@NullMarked
package com.whatpro.hub.webhooks;

import org.jspecify.annotations.NullMarked;
