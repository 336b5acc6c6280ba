package com.whatpro.hub.platform.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.whatpro.hub.platform.ApiProblem;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;

/**
 * Tomcat's own error page for what it refuses before any servlet sees the request (a request line
 * or headers over the limit, an encoded slash in the path): a problem like every other answer,
 * never Tomcat's HTML page. Public because Tomcat instantiates it by class name.
 */
public class ContainerProblemValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        var status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        var reason = HttpStatus.resolve(status);
        var slug = reason == null ? "error" : reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        var title = reason == null ? "Error" : reason.getReasonPhrase();
        var detail = status == 400 ? "The request line, path or headers could not be read."
                : status >= 500 ? "Something went wrong on our side." : title;
        var body = "{\"type\":\"" + ApiProblem.TYPE_PREFIX + slug + "\",\"title\":\"" + title + "\",\"status\":" + status
                + ",\"detail\":\"" + detail + "\"}";
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            var writer = response.getReporter();
            if (writer != null) {
                writer.write(body);
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone; nothing more to say
        }
    }
}
