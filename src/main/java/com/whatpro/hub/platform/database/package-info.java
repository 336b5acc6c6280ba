/**
 * Database wiring: the owner migrates, a role that is neither owner nor superuser serves.
 */
@NullMarked
package com.whatpro.hub.platform.database;

import org.jspecify.annotations.NullMarked;
