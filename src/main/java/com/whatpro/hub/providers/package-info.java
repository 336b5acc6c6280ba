/**
 * WhatsApp providers of an account: registry, encrypted credentials, health, adapters.
 */
@NullMarked
package com.whatpro.hub.providers;

import org.jspecify.annotations.NullMarked;
