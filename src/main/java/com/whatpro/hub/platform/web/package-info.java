/**
 * The HTTP edge shared by all modules: problem responses, request ids, body limits, headers.
 */
@NullMarked
package com.whatpro.hub.platform.web;

import org.jspecify.annotations.NullMarked;
