/**
 * Secrets never reach a log line: every appender is wrapped so that what any layout or encoder (plain text or JSON)
 * writes has webhook URL secrets, secret-named parameters, bearer tokens and API keys masked.
 */
@NullMarked
package com.whatpro.hub.platform.logging;

import org.jspecify.annotations.NullMarked;
