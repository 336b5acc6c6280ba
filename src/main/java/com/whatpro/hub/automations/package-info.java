/**
 * Automation rules: a trigger, conditions and actions per account; their durable runs and the log of each run.
 */
@NullMarked
package com.whatpro.hub.automations;

import org.jspecify.annotations.NullMarked;
