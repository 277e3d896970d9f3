package dev.callsight.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The server the overhead benchmark calls: a small JSON answer over keep-alive on loopback, in its own JVM without
 * any agent, so that its work is the same in every run and none of it is counted as the caller's.
 * Prints {@code upstream=http://127.0.0.1:PORT} once listening.
 */
public final class Upstream {

    public static void main(String[] args) throws Exception {
        // Without it the JDK server's separate header and body writes meet delayed ACKs: 40 ms a call.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
        System.out.println("upstream=http://127.0.0.1:" + server.getAddress().getPort());
    }
}
