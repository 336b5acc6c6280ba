package com.whatpro.hub.identity;

/** A sign-in was refused; {@code email} is what was typed, {@code reason} never says which part was wrong to the caller. */
public record LoginFailed(String email, String reason) {
}
