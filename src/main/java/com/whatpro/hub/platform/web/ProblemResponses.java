package com.whatpro.hub.platform.web;

import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import com.whatpro.hub.platform.ApiProblem;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.ConstraintViolationException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;

/**
 * Turns every error that reaches a controller into an RFC 9457 problem. Bad input is a 4xx with
 * the offending fields named; nothing internal leaks, and only a genuine fault is a 500.
 */
@RestControllerAdvice
class ProblemResponses extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);

    private final ObjectProvider<BusyPages> busyPages;

    ProblemResponses(ObjectProvider<BusyPages> busyPages) {
        this.busyPages = busyPages;
    }

    @ExceptionHandler(ApiProblem.class)
    ResponseEntity<ProblemDetail> apiProblem(ApiProblem error) {
        var response = ResponseEntity.status(error.status());
        error.headers().forEach(response::header);
        return response.body(ProblemWriter.problem(error));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException error) {
        var problem = ProblemWriter.problem(HttpStatus.BAD_REQUEST, "A parameter has the wrong format.");
        return ResponseEntity.badRequest().body(ProblemWriter.withErrors(problem,
                List.of(new ApiProblem.FieldError(error.getName(), "has the wrong format"))));
    }

    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<ProblemDetail> constraintViolation(ConstraintViolationException error) {
        var errors = error.getConstraintViolations().stream()
                .map(v -> new ApiProblem.FieldError(FieldNames.lastSegment(v.getPropertyPath().toString()), v.getMessage()))
                .toList();
        return invalid(errors);
    }

    @ExceptionHandler(DuplicateKeyException.class)
    ResponseEntity<ProblemDetail> duplicate(DuplicateKeyException error) {
        var problem = ProblemWriter.problem(HttpStatus.CONFLICT, "It already exists.");
        return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
    }

    /**
     * The safety net behind the edge's checks: a value the database refused as data (SQLSTATE class 22: out of
     * range, too long, malformed, a NUL character) or by a CHECK constraint (23514) came from the request, and the
     * transaction was rolled back whole, so it is a 422 like any invalid input. The answer says nothing of the SQL;
     * the log keeps it, since a check at the edge is missing. Anything else stays a fault of ours (500).
     */
    @ExceptionHandler(DataIntegrityViolationException.class)
    ResponseEntity<ProblemDetail> refusedByTheDatabase(DataIntegrityViolationException error) {
        var state = sqlState(error);
        if (state == null || !state.startsWith("22") && !state.equals("23514")) {
            return unexpected(error);
        }
        log.warn("The database refused a request's value (SQLSTATE {}); a check at the edge is missing", state, error);
        var problem = ProblemWriter.problem(HttpStatus.UNPROCESSABLE_CONTENT,
                "A value in the request is out of range, too long or malformed; nothing was written.");
        problem.setTitle("Invalid input");
        problem.setType(java.net.URI.create(ApiProblem.TYPE_PREFIX + "validation"));
        return ResponseEntity.unprocessableContent().body(problem);
    }

    private static @Nullable String sqlState(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }

    /** A form body ({@code application/x-www-form-urlencoded}) whose percent-encoding is broken. */
    @ExceptionHandler(org.apache.tomcat.util.http.InvalidParameterException.class)
    ResponseEntity<ProblemDetail> undecodableParameters(RuntimeException error) {
        return ResponseEntity.badRequest().body(ProblemWriter.problem(HttpStatus.BAD_REQUEST,
                "The request's parameters are not validly encoded."));
    }

    /** A body declared {@code multipart/form-data} that is none (one too large is Spring's 413). */
    @ExceptionHandler(org.springframework.web.multipart.MultipartException.class)
    ResponseEntity<ProblemDetail> unreadableMultipart(RuntimeException error) {
        return ResponseEntity.badRequest().body(ProblemWriter.problem(HttpStatus.BAD_REQUEST,
                "The request body is not the multipart form its content type says."));
    }

    /** No database connection was free in time: see {@link DatabaseBusy}. A page's module has answered when null. */
    @ExceptionHandler({CannotGetJdbcConnectionException.class, CannotCreateTransactionException.class})
    @Nullable ResponseEntity<ProblemDetail> noConnection(Exception error, HttpServletRequest request,
            HttpServletResponse response) throws IOException, ServletException {
        log.warn("No database connection was free in time: {}", error.toString());
        if (DatabaseBusy.answeredAsPage(busyPages, request, response)) {
            return null;
        }
        return apiProblem(DatabaseBusy.problem());
    }

    /** Anything else; a missing connection wrapped in another error is still the busy answer. */
    @ExceptionHandler(Exception.class)
    @Nullable ResponseEntity<ProblemDetail> unhandled(Exception error, HttpServletRequest request,
            HttpServletResponse response) throws IOException, ServletException {
        return BusyPages.noConnection(error) ? noConnection(error, request, response) : unexpected(error);
    }

    private ResponseEntity<ProblemDetail> unexpected(Exception error) {
        log.error("Unhandled error", error);
        var problem = ProblemWriter.problem(HttpStatus.INTERNAL_SERVER_ERROR,
                "Something went wrong on our side. Quote the request id when you report it.");
        return ResponseEntity.internalServerError().body(problem);
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException error,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return cast(invalid(fieldErrors(error.getBindingResult())));
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleHandlerMethodValidationException(
            HandlerMethodValidationException error, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        var errors = new ArrayList<ApiProblem.FieldError>();
        error.getParameterValidationResults().forEach(result -> result.getResolvableErrors().forEach(e ->
                errors.add(new ApiProblem.FieldError(
                        FieldNames.snake(result.getMethodParameter().getParameterName() == null
                                ? "parameter" : result.getMethodParameter().getParameterName()),
                        String.valueOf(e.getDefaultMessage())))));
        return cast(invalid(errors));
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException error,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        var tooLarge = BodySizeLimitFilter.tooLarge(error);
        if (tooLarge != null) {
            var problem = ProblemWriter.problem(HttpStatus.CONTENT_TOO_LARGE, tooLarge.getMessage());
            return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(problem);
        }
        var problem = ProblemWriter.problem(HttpStatus.BAD_REQUEST, unreadableDetail(error));
        var field = fieldOf(error);
        if (field != null) {
            ProblemWriter.withErrors(problem, List.of(new ApiProblem.FieldError(field, "has the wrong type or format")));
        }
        return ResponseEntity.badRequest().body(problem);
    }

    @Override
    protected ResponseEntity<Object> createResponseEntity(@Nullable Object body, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        if (body instanceof ProblemDetail problem) {
            ProblemWriter.completed(problem);
        }
        return super.createResponseEntity(body, headers, status, request);
    }

    private static ResponseEntity<ProblemDetail> invalid(List<ApiProblem.FieldError> errors) {
        var problem = ProblemWriter.problem(HttpStatus.UNPROCESSABLE_CONTENT, "The request has invalid fields.");
        problem.setTitle("Invalid input");
        return ResponseEntity.unprocessableContent().body(ProblemWriter.withErrors(problem, errors));
    }

    private static List<ApiProblem.FieldError> fieldErrors(BindingResult result) {
        var errors = new ArrayList<ApiProblem.FieldError>();
        result.getFieldErrors().forEach(e ->
                errors.add(new ApiProblem.FieldError(FieldNames.snake(e.getField()), String.valueOf(e.getDefaultMessage()))));
        result.getGlobalErrors().forEach(e ->
                errors.add(new ApiProblem.FieldError(e.getObjectName(), String.valueOf(e.getDefaultMessage()))));
        return errors;
    }

    private static String unreadableDetail(HttpMessageNotReadableException error) {
        var cause = error.getCause();
        if (cause instanceof DatabindException) {
            return "The request body does not match the expected fields and types.";
        }
        if (cause instanceof JacksonException) {
            return "The request body is not valid JSON.";
        }
        return "The request body is missing or unreadable.";
    }

    private static @Nullable String fieldOf(HttpMessageNotReadableException error) {
        if (error.getCause() instanceof DatabindException databind && !databind.getPath().isEmpty()) {
            var path = new StringBuilder();
            for (var reference : databind.getPath()) {
                if (reference.getPropertyName() != null) {
                    path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
                } else if (reference.getIndex() >= 0) {
                    path.append('[').append(reference.getIndex()).append(']');
                }
            }
            return path.isEmpty() ? null : path.toString();
        }
        return null;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ResponseEntity<Object> cast(ResponseEntity<ProblemDetail> entity) {
        return (ResponseEntity) entity;
    }
}
