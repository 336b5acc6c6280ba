/**
 * Who is calling and what they may do: callers, roles, the permission matrix, route guards.
 */
@NullMarked
package com.whatpro.hub.platform.security;

import org.jspecify.annotations.NullMarked;
