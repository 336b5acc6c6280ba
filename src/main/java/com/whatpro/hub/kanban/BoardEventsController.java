package com.whatpro.hub.kanban;

import java.util.UUID;

import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.security.Callers;
import com.whatpro.hub.platform.security.Permission;
import com.whatpro.hub.platform.security.Requires;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

@RestController
@Tag(name = "Kanban boards")
class BoardEventsController {

    private final Boards boards;
    private final BoardStream stream;

    BoardEventsController(Boards boards, BoardStream stream) {
        this.boards = boards;
        this.stream = stream;
    }

    /**
     * The board's live events. The board is checked in a short transaction; the open stream then
     * holds no database connection and no tenant scope, and ends once its caller may no longer read
     * the board's cards (session or key revoked or expired, member removed or their role changed,
     * account deactivated).
     */
    @GetMapping(path = "/api/v1/accounts/{accountId}/boards/{boardId}/events",
            produces = {MediaType.TEXT_EVENT_STREAM_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
    @Requires(Permission.BOARDS_READ)
    @Operation(summary = "Server-Sent Events of a board: card.created, card.updated, card.moved, card.deleted, "
            + "stage.*, board.updated, board.deleted; resumes after Last-Event-ID (header or last_event_id parameter)",
            description = "The stream ends, without a further event, once the caller may no longer read the board's "
                    + "cards: the session or API key revoked or expired, the member removed or given a role without "
                    + "cards:read, the account deactivated.")
    SseEmitter events(@PathVariable long accountId, @PathVariable UUID boardId,
            @RequestHeader(name = "Last-Event-ID", required = false) @Nullable String lastEventId,
            @RequestParam(name = "last_event_id", required = false) @Nullable String lastEventIdParameter,
            HttpServletRequest request, HttpServletResponse response) {
        var access = Callers.requiredAccess();
        if (!access.allows(Permission.CARDS_READ)) {
            throw ApiProblem.forbidden("Board events carry cards; the caller needs " + Permission.CARDS_READ.code() + ".");
        }
        if (boards.find(access.account(), boardId).isEmpty()) {
            throw ApiProblem.notFound("board");
        }
        // the stream ends with an async dispatch that passes the route guard again: keep the caller for it
        new RequestAttributeSecurityContextRepository().saveContext(SecurityContextHolder.getContext(), request, response);
        response.setHeader("X-Accel-Buffering", "no");
        response.setHeader("Cache-Control", "no-cache");
        return stream.subscribe(access, boardId, lastEventId != null ? lastEventId : lastEventIdParameter);
    }
}
