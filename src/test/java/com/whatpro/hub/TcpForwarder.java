package com.whatpro.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP pass-through to a real server that a test can cut and restore, to play an outage. While cut it keeps its port
 * (another process could take a released one) but hangs up on every connection at once.
 */
public final class TcpForwarder implements AutoCloseable {

    private final String targetHost;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final ServerSocket server;
    private volatile boolean open = true;

    public TcpForwarder(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        accept();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Drops every connection and hangs up on new ones: the server seems gone. */
    public void cut() throws IOException {
        open = false;
        for (var socket : sockets) {
            socket.close();
        }
        sockets.clear();
    }

    /** Passes connections through again. */
    public void restore() {
        open = true;
    }

    private void accept() {
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    var client = server.accept();
                    if (!open) {
                        client.close();
                        continue;
                    }
                    var upstream = new Socket(targetHost, targetPort);
                    sockets.add(client);
                    sockets.add(upstream);
                    pipe(client.getInputStream(), upstream.getOutputStream(), client, upstream);
                    pipe(upstream.getInputStream(), client.getOutputStream(), client, upstream);
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private static void pipe(InputStream in, OutputStream out, Socket a, Socket b) {
        Thread.ofVirtual().start(() -> {
            try (a; b) {
                in.transferTo(out);
            } catch (IOException ignored) {
                // the other side closed or the test cut the line
            }
        });
    }

    @Override
    public void close() throws IOException {
        cut();
        server.close();
    }
}
