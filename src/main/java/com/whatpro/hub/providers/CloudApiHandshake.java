package com.whatpro.hub.providers;

import com.whatpro.hub.platform.crypto.ConstantTime;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Meta's webhook subscription check: {@code GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…} must be
 * answered 200 with the challenge as the body, but only when the verify token is ours.
 */
public final class CloudApiHandshake {

    // Meta sends a number; anything outside this set would only be echoed back to someone probing
    private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9._~-]{1,256}");

    private CloudApiHandshake() {
    }

    /**
     * The challenge to answer with, or empty when the request is not a subscription by someone who knows
     * {@code configuredVerifyToken} (answer 403 then).
     */
    public static Optional<String> challenge(@Nullable String mode, @Nullable String verifyToken,
            @Nullable String challenge, String configuredVerifyToken) {
        if (!"subscribe".equals(mode) || challenge == null || !CHALLENGE.matcher(challenge).matches()
                || configuredVerifyToken.isEmpty()) {
            return Optional.empty();
        }
        return ConstantTime.equals(verifyToken, configuredVerifyToken) ? Optional.of(challenge) : Optional.empty();
    }
}
