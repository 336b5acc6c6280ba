/** Internal: verifying and reading Chatwoot webhook deliveries. */
@NullMarked
package com.whatpro.hub.chatwoot.webhook;

import org.jspecify.annotations.NullMarked;
