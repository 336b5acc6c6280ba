/**
 * WhatsApp providers (Evolution API, uazapi, Meta Cloud API): one adapter per provider, and the events their webhooks carry.
 */
@NullMarked
package com.whatpro.hub.providers;

import org.jspecify.annotations.NullMarked;
