/**
 * The provider adapters: HTTP calls to Evolution API, uazapi and Meta Cloud API, and parsers of their webhooks.
 */
@NullMarked
package com.whatpro.hub.providers.adapters;

import org.jspecify.annotations.NullMarked;
