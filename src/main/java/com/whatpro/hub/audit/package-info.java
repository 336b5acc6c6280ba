/**
 * The append-only audit log, fed by the other modules' events.
 */
@NullMarked
package com.whatpro.hub.audit;

import org.jspecify.annotations.NullMarked;
