package dev.callsight.e2e.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback port whose connects get no answer: a listener that never accepts, with its backlog
 * full, so the kernel drops further SYNs and a connect waits as it would for an unreachable host.
 */
public final class UnansweredPort implements AutoCloseable {

    private final ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    private final List<Socket> queued = new ArrayList<>();

    public UnansweredPort() throws IOException {
        for (int i = 0; i < 8; i++) {
            Socket socket = new Socket();
            try {
                socket.connect(full.getLocalSocketAddress(), 200);
                queued.add(socket);
            } catch (IOException backlogFull) {
                socket.close();
                return;
            }
        }
    }

    public int port() {
        return full.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        for (Socket socket : queued) {
            socket.close();
        }
        full.close();
    }
}
