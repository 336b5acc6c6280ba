/**
 * Accounts (tenants), plans and entitlements, usage counters.
 */
@NullMarked
package com.whatpro.hub.accounts;

import org.jspecify.annotations.NullMarked;
