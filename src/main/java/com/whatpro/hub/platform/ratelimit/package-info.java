/**
 * Token-bucket rate limits shared by every node through Redis, with local buckets as a fallback.
 */
@NullMarked
package com.whatpro.hub.platform.ratelimit;

import org.jspecify.annotations.NullMarked;
