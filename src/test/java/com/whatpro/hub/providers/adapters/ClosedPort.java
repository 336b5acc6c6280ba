package com.whatpro.hub.providers.adapters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;

/** A local URL where nothing listens, to see a refused connection. */
final class ClosedPort {

    private ClosedPort() {
    }

    static URI url() {
        try (var socket = new ServerSocket(0)) {
            return URI.create("http://localhost:" + socket.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
