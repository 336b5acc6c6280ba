package com.whatpro.hub.platform.web;

import java.io.IOException;

import com.whatpro.hub.platform.PlatformSettings;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies over the configured size with a 413 problem: at once when the declared
 * length is too large, and while reading when a chunked body grows past it. Webhooks have their own,
 * larger limit.
 */
class BodySizeLimitFilter extends OncePerRequestFilter {

    private static final String WEBHOOKS = "/api/v1/webhooks/";

    private final long maxBytes;
    private final long maxWebhookBytes;
    private final ProblemWriter problems;

    BodySizeLimitFilter(PlatformSettings settings, ProblemWriter problems) {
        this.maxBytes = settings.web().maxBodySize().toBytes();
        this.maxWebhookBytes = settings.web().maxWebhookBodySize().toBytes();
        this.problems = problems;
    }

    static final class BodyTooLarge extends IOException {
        BodyTooLarge(long maxBytes) {
            super("The request body is larger than the " + maxBytes + " bytes allowed.");
        }
    }

    static @Nullable BodyTooLarge tooLarge(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof BodyTooLarge tooLarge) {
                return tooLarge;
            }
        }
        return null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long limit = request.getRequestURI().startsWith(WEBHOOKS) ? maxWebhookBytes : maxBytes;
        if (request.getContentLengthLong() > limit) {
            request.setAttribute("org.apache.catalina.connector.Request.discardBody", true);
            problems.write(request, response, ProblemWriter.problem(HttpStatus.CONTENT_TOO_LARGE,
                    new BodyTooLarge(limit).getMessage()));
            response.setHeader("Connection", "close");
            return;
        }
        chain.doFilter(new LimitedRequest(request, limit), response);
    }

    private static final class LimitedRequest extends HttpServletRequestWrapper {

        private final long maxBytes;
        private @Nullable ServletInputStream stream;

        LimitedRequest(HttpServletRequest request, long maxBytes) {
            super(request);
            this.maxBytes = maxBytes;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new LimitedStream(super.getInputStream(), maxBytes);
            }
            return stream;
        }
    }

    private static final class LimitedStream extends ServletInputStream {

        private final ServletInputStream in;
        private final long maxBytes;
        private long read;

        LimitedStream(ServletInputStream in, long maxBytes) {
            this.in = in;
            this.maxBytes = maxBytes;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws BodyTooLarge {
            read += n;
            if (read > maxBytes) {
                throw new BodyTooLarge(maxBytes);
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
