/** Internal: the Chatwoot Application API over HTTP, on Spring's {@code RestClient}. */
@NullMarked
package com.whatpro.hub.chatwoot.http;

import org.jspecify.annotations.NullMarked;
