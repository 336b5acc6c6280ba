package com.whatpro.hub.identity;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;

import org.jspecify.annotations.Nullable;

/** A sign-in was refused; {@code email} is what was typed, {@code reason} never says which part was wrong to the caller. */
public record LoginFailed(String email, String reason) {
}
