package dev.callsight.bench;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

/**
 * An OTLP/HTTP endpoint that accepts everything and keeps nothing. Exporting to it measures
 * what the agent costs the application on its own, without a collector's work on the same cores.
 * Prints {@code otlp=http://127.0.0.1:PORT} once listening.
 */
public final class OtlpSink {

    public static void main(String[] args) throws Exception {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/v1/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.setExecutor(Executors.newSingleThreadExecutor());
        server.start();
        System.out.println("otlp=http://127.0.0.1:" + server.getAddress().getPort());
    }
}
