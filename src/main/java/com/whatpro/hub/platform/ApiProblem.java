package com.whatpro.hub.platform;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;

/**
 * A domain error that the web edge turns into an RFC 9457 problem. Modules throw these instead
 * of knowing about HTTP responses. A client error (4xx) carries no stack trace: it answers the
 * request, and filling one in was the most expensive step of refusing a junk credential. A server
 * error (5xx) keeps its trace for the log of a job or page it may escape into.
 */
public class ApiProblem extends RuntimeException {

    public static final String TYPE_PREFIX = "urn:whatpro:problem:";

    private final HttpStatus status;
    private final String slug;
    private final String title;
    private final List<FieldError> errors;
    private final Map<String, Object> properties;
    private final Map<String, String> headers = new LinkedHashMap<>();

    public record FieldError(String field, String message) {
    }

    public ApiProblem(HttpStatus status, String slug, String title, String detail) {
        this(status, slug, title, detail, List.of(), Map.of());
    }

    public ApiProblem(HttpStatus status, String slug, String title, String detail, List<FieldError> errors,
            Map<String, Object> properties) {
        super(detail, null, true, status.is5xxServerError());
        this.status = status;
        this.slug = slug;
        this.title = title;
        this.errors = List.copyOf(errors);
        this.properties = new LinkedHashMap<>(properties);
    }

    public static ApiProblem notFound(String what) {
        return new ApiProblem(HttpStatus.NOT_FOUND, "not-found", "Not Found", "No such " + what + ".");
    }

    public static ApiProblem conflict(String slug, String detail) {
        return new ApiProblem(HttpStatus.CONFLICT, slug, "Conflict", detail);
    }

    public static ApiProblem forbidden(String detail) {
        return new ApiProblem(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", detail);
    }

    public static ApiProblem unauthorized(String detail) {
        return new ApiProblem(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", detail);
    }

    public static ApiProblem invalid(String field, String message) {
        return new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, "validation", "Invalid input",
                "The request has invalid fields.", List.of(new FieldError(field, message)), Map.of());
    }

    public static ApiProblem badRequest(String detail) {
        return new ApiProblem(HttpStatus.BAD_REQUEST, "bad-request", "Bad Request", detail);
    }

    /** A 429 that tells the client when to come back ({@code Retry-After}, whole seconds). */
    public static ApiProblem tooManyRequests(String detail, long retryAfterSeconds) {
        var seconds = Math.max(1, retryAfterSeconds);
        return new ApiProblem(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Too Many Requests", detail)
                .with("retry_after", seconds).header("Retry-After", Long.toString(seconds));
    }

    public static ApiProblem preconditionFailed(String detail) {
        return new ApiProblem(HttpStatus.PRECONDITION_FAILED, "stale-version", "Precondition Failed", detail);
    }

    public ApiProblem with(String property, Object value) {
        properties.put(property, value);
        return this;
    }

    /** A response header that goes with the problem (e.g. {@code Retry-After}). */
    public ApiProblem header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public Map<String, String> headers() {
        return Map.copyOf(headers);
    }

    public HttpStatus status() {
        return status;
    }

    public String type() {
        return TYPE_PREFIX + slug;
    }

    public String title() {
        return title;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public Map<String, Object> properties() {
        return Map.copyOf(properties);
    }
}
