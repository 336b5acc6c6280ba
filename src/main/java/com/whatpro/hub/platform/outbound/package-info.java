/**
 * The one outbound policy: every URL a tenant or a webhook influences is called through {@link
 * com.whatpro.hub.platform.outbound.OutboundHttp}, which connects only to addresses {@link
 * com.whatpro.hub.platform.outbound.OutboundPolicy} accepted, within a total deadline and a size cap.
 */
@NullMarked
package com.whatpro.hub.platform.outbound;

import org.jspecify.annotations.NullMarked;
