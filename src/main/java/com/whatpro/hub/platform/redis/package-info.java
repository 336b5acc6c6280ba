/**
 * Redis wiring: a configured server, or the embedded one in the default set-up.
 */
@NullMarked
package com.whatpro.hub.platform.redis;

import org.jspecify.annotations.NullMarked;
