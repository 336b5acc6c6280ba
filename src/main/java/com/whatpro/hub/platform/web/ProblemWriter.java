package com.whatpro.hub.platform.web;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;

import com.whatpro.hub.platform.ApiProblem;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;

import tools.jackson.databind.json.JsonMapper;

/**
 * Builds RFC 9457 problem bodies in one shape for controllers and for filters that answer
 * before any controller runs.
 */
@Component
public class ProblemWriter {

    private final JsonMapper json;

    ProblemWriter(JsonMapper json) {
        this.json = json;
    }

    public static ProblemDetail problem(HttpStatusCode status, String detail) {
        return completed(ProblemDetail.forStatusAndDetail(status, detail));
    }

    /** Gives a framework-made problem the type and title every problem of ours carries. */
    static ProblemDetail completed(ProblemDetail problem) {
        var reason = HttpStatus.resolve(problem.getStatus());
        if (problem.getTitle() == null) {
            problem.setTitle(reason == null ? "Error" : reason.getReasonPhrase());
        }
        if (problem.getType() == null || "about:blank".equals(problem.getType().toString())) {
            var slug = reason == null ? "error" : reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
            problem.setType(URI.create(ApiProblem.TYPE_PREFIX + slug));
        }
        return problem;
    }

    public static ProblemDetail problem(ApiProblem error) {
        var problem = ProblemDetail.forStatusAndDetail(error.status(), error.getMessage());
        problem.setType(URI.create(error.type()));
        problem.setTitle(error.title());
        if (!error.errors().isEmpty()) {
            problem.setProperty("errors", error.errors());
        }
        error.properties().forEach(problem::setProperty);
        return problem;
    }

    public static ProblemDetail withErrors(ProblemDetail problem, List<ApiProblem.FieldError> errors) {
        problem.setType(URI.create(ApiProblem.TYPE_PREFIX + "validation"));
        problem.setProperty("errors", errors);
        return problem;
    }

    public void write(HttpServletRequest request, HttpServletResponse response, ProblemDetail problem)
            throws IOException {
        if (problem.getInstance() == null) {
            problem.setInstance(URI.create(request.getRequestURI()));
        }
        response.setStatus(problem.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), body(problem));
    }

    public void write(HttpServletRequest request, HttpServletResponse response, ApiProblem error) throws IOException {
        error.headers().forEach(response::setHeader);
        write(request, response, problem(error));
    }

    private static Map<String, Object> body(ProblemDetail problem) {
        var body = new java.util.LinkedHashMap<String, Object>();
        body.put("type", String.valueOf(completed(problem).getType()));
        body.put("title", problem.getTitle());
        body.put("status", problem.getStatus());
        body.put("detail", problem.getDetail());
        body.put("instance", String.valueOf(problem.getInstance()));
        if (problem.getProperties() != null) {
            body.putAll(problem.getProperties());
        }
        return body;
    }
}
