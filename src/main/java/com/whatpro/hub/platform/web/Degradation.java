package com.whatpro.hub.platform.web;

import java.util.Optional;

/**
 * Something that keeps the node serving in a reduced way (rate limits on local buckets while
 * Redis is away, say); readiness reports it by name.
 */
public interface Degradation {

    String name();

    /** Empty while working normally; otherwise what is reduced and why. */
    Optional<String> degraded();
}
