/**
 * Launchers for the embedded default servers (PostgreSQL 16 and Redis) used when no external server is configured.
 */
@org.jspecify.annotations.NullMarked
package com.whatpro.hub.platform.embedded;
