package dev.twin.cli.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Loopback TCP ports: picking free ones and checking that one is still free. */
public final class Ports {
    private Ports() {
    }

    /** {@code n} distinct ports free on 127.0.0.1 right now (held together while picking so they differ). */
    public static int[] free(int n) {
        ServerSocket[] sockets = new ServerSocket[n];
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
        } finally {
            for (ServerSocket s : sockets) {
                closeQuietly(s);
            }
        }
    }

    /** Throws a message naming {@code port} and its {@code role} when it cannot be bound on 127.0.0.1. */
    public static void requireFree(int port, String role) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(role + " port " + port + " is not in 1..65535");
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new IllegalStateException(role + " port " + port + " on 127.0.0.1 is already in use ("
                    + e.getMessage() + "); stop what holds it or choose another port");
        }
    }

    private static void closeQuietly(ServerSocket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // a probe socket: nothing to lose
            }
        }
    }
}
