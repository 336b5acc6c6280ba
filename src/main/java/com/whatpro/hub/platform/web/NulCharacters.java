package com.whatpro.hub.platform.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.Type;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.whatpro.hub.platform.ApiProblem;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpStatus;
import org.springframework.http.converter.AbstractJacksonHttpMessageConverter;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.util.StreamUtils;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses the NUL character (U+0000) in what clients send: PostgreSQL can store it in no text and no JSON value
 * (SQLSTATE 22021 and 22P05), so it would fail the write as a 500. A JSON request body that may hold one (its
 * bytes have a {@code \u0000} escape or a zero byte, or its charset is not ASCII-based) is read once more as tokens
 * before it is bound, and every string and key in it is checked; request parameters and path variables are checked
 * before the handler runs. Either way the answer is a 422 naming the field. Webhook intake reads its
 * bodies raw (byte arrays, not JSON here) and its parsers drop NULs themselves, so it is left alone.
 */
@ControllerAdvice
class NulCharacters extends RequestBodyAdviceAdapter implements HandlerInterceptor {

    private static final String MESSAGE = "must not contain the NUL character (\\u0000)";
    private static final int MAX_ERRORS = 20;
    private static final Set<Charset> ASCII_BASED = Set.of(StandardCharsets.UTF_8, StandardCharsets.US_ASCII,
            StandardCharsets.ISO_8859_1);

    private final JsonMapper json;

    NulCharacters(JsonMapper json) {
        this.json = json;
    }

    // ---------------------------------------------------------------- JSON bodies

    @Override
    public boolean supports(MethodParameter parameter, Type targetType,
            Class<? extends HttpMessageConverter<?>> converterType) {
        return AbstractJacksonHttpMessageConverter.class.isAssignableFrom(converterType);
    }

    @Override
    public HttpInputMessage beforeBodyRead(HttpInputMessage message, MethodParameter parameter, Type targetType,
            Class<? extends HttpMessageConverter<?>> converterType) throws IOException {
        var body = StreamUtils.copyToByteArray(message.getBody());
        var errors = mayHoldNul(body, message.getHeaders()) ? scan(body, message.getHeaders())
                : List.<ApiProblem.FieldError>of();
        if (!errors.isEmpty()) {
            throw new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, "validation", "Invalid input",
                    "The request has invalid fields.", errors, Map.of());
        }
        var headers = message.getHeaders();
        return new HttpInputMessage() {
            @Override
            public InputStream getBody() {
                return new ByteArrayInputStream(body);
            }

            @Override
            public HttpHeaders getHeaders() {
                return headers;
            }
        };
    }

    /** False only when the body cannot hold a NUL: a cheap look at its bytes spares most bodies the parse. */
    private static boolean mayHoldNul(byte[] body, HttpHeaders headers) {
        var type = headers.getContentType();
        var charset = type == null ? null : type.getCharset();
        if (charset != null && !ASCII_BASED.contains(charset)) {
            return true;
        }
        for (int i = 0; i < body.length; i++) {
            if (body[i] == 0 || body[i] == '\\' && i + 5 < body.length && body[i + 1] == 'u' && body[i + 2] == '0'
                    && body[i + 3] == '0' && body[i + 4] == '0' && body[i + 5] == '0') {
                return true;
            }
        }
        return false;
    }

    /**
     * The fields whose strings or keys hold a NUL. A body that is no valid JSON is none of this check's business:
     * binding it fails with its own 400.
     */
    private List<ApiProblem.FieldError> scan(byte[] body, HttpHeaders headers) {
        var errors = new ArrayList<ApiProblem.FieldError>();
        var type = headers.getContentType();
        var charset = type == null ? null : type.getCharset();
        try (var parser = charset == null || charset.equals(StandardCharsets.UTF_8) ? json.createParser(body)
                : json.createParser(new InputStreamReader(new ByteArrayInputStream(body), charset))) {
            for (var token = parser.nextToken(); token != null && errors.size() < MAX_ERRORS;
                    token = parser.nextToken()) {
                if ((token == JsonToken.PROPERTY_NAME || token == JsonToken.VALUE_STRING) && holdsNul(parser)) {
                    errors.add(new ApiProblem.FieldError(path(parser.streamReadContext()), MESSAGE));
                }
            }
        } catch (JacksonException e) {
            // not JSON, or beyond the parser's limits: binding answers it
        }
        return errors;
    }

    private static boolean holdsNul(JsonParser parser) {
        var text = parser.getStringCharacters();
        int end = parser.getStringOffset() + parser.getStringLength();
        for (int i = parser.getStringOffset(); i < end; i++) {
            if (text[i] == '\u0000') {
                return true;
            }
        }
        return false;
    }

    /** The field as clients name it ({@code contact.name}, {@code labels[2]}); a NUL in a key shows as {@code \u0000}. */
    private static String path(TokenStreamContext context) {
        var segments = new ArrayList<String>();
        for (var at = context; at != null && !at.inRoot(); at = at.getParent()) {
            if (at.inObject() && at.currentName() != null) {
                segments.addFirst("." + at.currentName().replace("\u0000", "\\u0000"));
            } else if (at.inArray() && at.hasCurrentIndex()) {
                segments.addFirst("[" + at.getCurrentIndex() + "]");
            }
        }
        var path = String.join("", segments);
        return path.startsWith(".") ? path.substring(1) : path.isEmpty() ? "body" : path;
    }

    // ---------------------------------------------------------------- parameters and path variables

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod)) {
            return true;
        }
        var errors = new ArrayList<ApiProblem.FieldError>();
        request.getParameterMap().forEach((name, values) -> {
            for (var value : values) {
                if (name.indexOf('\u0000') >= 0 || value != null && value.indexOf('\u0000') >= 0) {
                    errors.add(new ApiProblem.FieldError(name.replace("\u0000", "\\u0000"), MESSAGE));
                    break;
                }
            }
        });
        if (request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE) instanceof Map<?, ?> variables) {
            variables.forEach((name, value) -> {
                if (value instanceof String text && text.indexOf('\u0000') >= 0) {
                    errors.add(new ApiProblem.FieldError(String.valueOf(name), MESSAGE));
                }
            });
        }
        if (!errors.isEmpty()) {
            // a framework error response, so that pages answer with their own error page and the API with a problem
            var problem = ProblemWriter.withErrors(ProblemWriter.problem(HttpStatus.UNPROCESSABLE_CONTENT,
                    "The request has invalid fields."), List.copyOf(errors.subList(0, Math.min(errors.size(), MAX_ERRORS))));
            problem.setTitle("Invalid input");
            throw new ErrorResponseException(HttpStatus.UNPROCESSABLE_CONTENT, problem, null);
        }
        return true;
    }
}
