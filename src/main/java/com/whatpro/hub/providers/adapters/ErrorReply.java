package com.whatpro.hub.providers.adapters;

import org.jspecify.annotations.Nullable;

/** A provider's error code and explanation, read from its error body. */
record ErrorReply(@Nullable String code, @Nullable String message) {

    static final ErrorReply NONE = new ErrorReply(null, null);
}
