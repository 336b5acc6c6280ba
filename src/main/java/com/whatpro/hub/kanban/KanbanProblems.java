package com.whatpro.hub.kanban;

import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.web.ProblemWriter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Kanban writes take row locks in one order (card, then stage); a rare clash with a structural
 * change (a stage or board deleted at that moment) can still end in a deadlock that PostgreSQL
 * breaks by aborting one side. That side was rolled back whole: the client may simply retry.
 */
@RestControllerAdvice(assignableTypes = {BoardsController.class, CardsController.class})
@Order(Ordered.HIGHEST_PRECEDENCE)
class KanbanProblems {

    private static final Logger log = LoggerFactory.getLogger(KanbanProblems.class);

    @ExceptionHandler(PessimisticLockingFailureException.class)
    ResponseEntity<ProblemDetail> lockClash(PessimisticLockingFailureException error) {
        log.info("A kanban write lost a lock clash and was rolled back: {}", error.getMostSpecificCause().getMessage());
        var problem = ProblemWriter.problem(new ApiProblem(HttpStatus.CONFLICT, "try-again", "Conflict",
                "A concurrent change got in the way; nothing was written. Try again."));
        return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
    }
}
