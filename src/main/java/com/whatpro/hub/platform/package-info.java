/**
 * Shared foundation every module may use: tenant context, problem responses, settings, keys.
 */
@ApplicationModule(type = ApplicationModule.Type.OPEN)
@NullMarked
package com.whatpro.hub.platform;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
