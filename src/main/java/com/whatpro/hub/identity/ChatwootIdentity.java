package com.whatpro.hub.identity;

import com.whatpro.hub.chatwoot.ChatwootInstallation;

/** A Chatwoot user: their id is unique only within their installation. */
record ChatwootIdentity(ChatwootInstallation installation, long userId) {
}
