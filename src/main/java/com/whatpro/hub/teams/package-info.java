/**
 * Teams of an account and their members.
 */
@NullMarked
package com.whatpro.hub.teams;

import org.jspecify.annotations.NullMarked;
