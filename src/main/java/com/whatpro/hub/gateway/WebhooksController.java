package com.whatpro.hub.gateway;

import com.whatpro.hub.chatwoot.ChatwootDelivery;
import com.whatpro.hub.platform.security.Public;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import com.whatpro.hub.platform.web.ProblemWriter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Webhook intake. Public routes: the secret in the URL, and the sender's own signature or token, authenticate them.
 * Bodies are read raw, since signatures cover the exact bytes. Failures count against the client's IP
 * ({@link WebhookFailures}).
 */
@RestController
@RequestMapping("/api/v1/webhooks")
@Tag(name = "Webhooks")
class WebhooksController {

    private static final String FAILURES = "Unknown id or wrong URL secret: 404; wrong signature or token: 401 (403 "
            + "for a wrong verify token). These failures count against the client's IP "
            + "(WHATPRO_RATE_LIMITS_WEBHOOK_FAILURES); once its bucket is empty they are answered 429 with "
            + "Retry-After. Webhooks that are taken in never count.";

    private final WebhookIntake intake;
    private final WebhookFailures failures;

    WebhooksController(WebhookIntake intake, WebhookFailures failures) {
        this.intake = intake;
        this.failures = failures;
    }

    @GetMapping(path = "/providers/{providerId}/{secret}", produces = MediaType.TEXT_PLAIN_VALUE)
    @Public
    @Operation(summary = "Meta's webhook verification: answers hub.challenge when hub.verify_token is right",
            description = FAILURES)
    ResponseEntity<String> handshake(@PathVariable String providerId, @PathVariable String secret,
            @RequestParam(name = "hub.mode", required = false) @Nullable String mode,
            @RequestParam(name = "hub.verify_token", required = false) @Nullable String verifyToken,
            @RequestParam(name = "hub.challenge", required = false) @Nullable String challenge,
            HttpServletRequest request) {
        return ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body(failures.charging(request,
                () -> intake.handshake(providerId, secret, mode, verifyToken, challenge)));
    }

    @PostMapping("/providers/{providerId}/{secret}")
    @Public
    @Operation(summary = "A provider's webhook (Evolution API, uazapi, Cloud API); 200 once stored",
            description = FAILURES)
    WebhookIntake.Accepted provider(@PathVariable String providerId, @PathVariable String secret,
            @RequestBody byte[] body, HttpServletRequest request) {
        return failures.charging(request, () -> intake.provider(providerId, secret, headers(request), body));
    }

    @PostMapping("/chatwoot/{accountId}/{secret}")
    @Public
    @Operation(summary = "Chatwoot's webhook; with a webhook secret configured, X-Chatwoot-Signature must be made with it"
            + " or with the secret of one of the numbers' own inboxes",
            description = FAILURES)
    WebhookIntake.Accepted chatwoot(@PathVariable String accountId, @PathVariable String secret,
            @RequestBody byte[] body, HttpServletRequest request) {
        return failures.charging(request,
                () -> intake.chatwoot(accountId, secret, ChatwootDelivery.fromHeaders(request::getHeader), body));
    }

    /**
     * No database connection free in time: the webhook is not stored, so it must not look accepted. 503 with
     * Retry-After makes providers and Chatwoot deliver it again.
     */
    @ExceptionHandler({CannotGetJdbcConnectionException.class, CannotCreateTransactionException.class})
    ResponseEntity<ProblemDetail> overloaded(RuntimeException e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1")
                .body(ProblemWriter.problem(HttpStatus.SERVICE_UNAVAILABLE,
                        "The webhook could not be stored right now; deliver it again."));
    }

    private static Map<String, String> headers(HttpServletRequest request) {
        var headers = new HashMap<String, String>();
        for (var name : Collections.list(request.getHeaderNames())) {
            headers.put(name.toLowerCase(Locale.ROOT), request.getHeader(name));
        }
        return headers;
    }
}
