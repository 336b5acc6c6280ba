/**
 * Encryption of stored credentials (AES-256-GCM under rotating key ids) and constant-time comparison of secrets.
 */
@NullMarked
package com.whatpro.hub.platform.crypto;

import org.jspecify.annotations.NullMarked;
