package com.whatpro.hub.webapp;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Stands between the browser and the hub and, when told, drops every open connection: the network failing. */
final class DroppingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int target;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

    DroppingProxy(int target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0);
        Thread.ofVirtual().name("dropping-proxy").start(this::accept);
    }

    String base() {
        return "http://localhost:" + server.getLocalPort();
    }

    void dropAll() {
        sockets.forEach(DroppingProxy::closeQuietly);
    }

    @Override
    public void close() {
        closeQuietly(server);
        dropAll();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                var client = server.accept();
                var hub = new Socket("localhost", target);
                sockets.add(client);
                sockets.add(hub);
                Thread.ofVirtual().start(() -> pump(client, hub));
                Thread.ofVirtual().start(() -> pump(hub, client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException e) {
            // dropped
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // already closed
        }
    }
}
