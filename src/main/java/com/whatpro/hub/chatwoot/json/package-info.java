/** Internal: reading Chatwoot's JSON (API responses and webhook payloads) with Jackson. */
@NullMarked
package com.whatpro.hub.chatwoot.json;

import org.jspecify.annotations.NullMarked;
