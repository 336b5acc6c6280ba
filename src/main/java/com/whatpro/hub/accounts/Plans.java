package com.whatpro.hub.accounts;

import java.util.List;

/** The plans an account can be on. */
public final class Plans {

    public static final String DEFAULT = "standard";
    public static final List<String> NAMES = List.of("free", "standard", "pro", "enterprise");

    private Plans() {
    }

    public static boolean exists(String plan) {
        return NAMES.contains(plan);
    }
}
