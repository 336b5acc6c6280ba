/**
 * Boards, stages, cards, checklists, card history and the live board event stream.
 */
@NullMarked
package com.whatpro.hub.kanban;

import org.jspecify.annotations.NullMarked;
