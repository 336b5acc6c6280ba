package com.whatpro.hub.identity;

import com.whatpro.hub.platform.web.ClientAddress;

import jakarta.servlet.http.HttpServletRequest;

import org.jspecify.annotations.Nullable;

/** Where a request came from, as recorded on sessions. */
record ClientInfo(@Nullable String ipAddress, @Nullable String userAgent) {

    static ClientInfo of(HttpServletRequest request) {
        var agent = request.getHeader("User-Agent");
        return new ClientInfo(ClientAddress.of(request),
                agent == null ? null : agent.substring(0, Math.min(agent.length(), 512)));
    }
}
