/**
 * Shared platform code every module may use: tenant context, problem details, JSON, crypto helpers, clock, web config.
 */
@ApplicationModule(type = ApplicationModule.Type.OPEN)
@NullMarked
package com.whatpro.hub.platform;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
