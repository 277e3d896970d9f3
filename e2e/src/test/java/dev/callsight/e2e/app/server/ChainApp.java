package dev.callsight.e2e.app.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One link of a chain of services, knowing nothing of tracing: {@code front URL} calls URL once and prints
 * {@code result|status}; {@code middle URL} serves {@code /orders/{id}} on the JDK's HttpServer, logging through
 * SLF4J, and fans out to {@code URL/stock/{n}} twice on an executor before it answers; {@code back} serves
 * {@code /stock/{n}}.
 */
public final class ChainApp {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private ChainApp() {}

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "front" -> System.out.println("result|" + get(args[1]));
            case "middle" -> serve("/orders/", new Middle(args[1]));
            case "back" -> serve("/stock/", exchange -> respond(exchange, 200, "in stock"));
            default -> throw new IllegalArgumentException("unknown role " + args[0]);
        }
        // The middle's pool of stock checks would keep the JVM alive; the agent flushes in the exit's hooks.
        System.exit(0);
    }

    private interface Handler {
        void handle(HttpExchange exchange) throws Exception;
    }

    /** Answers an order once both stock checks, made by pooled threads, have answered. */
    private static final class Middle implements Handler {

        private static final Logger LOG = LoggerFactory.getLogger(Middle.class);

        private final String stock;
        private final ExecutorService pool = Executors.newFixedThreadPool(2);

        Middle(String stock) {
            this.stock = stock;
        }

        @Override
        public void handle(HttpExchange exchange) throws Exception {
            LOG.info("order {} received", exchange.getRequestURI().getPath());
            List<Future<Integer>> checks = new ArrayList<>();
            for (int item = 1; item <= 2; item++) {
                String url = stock + "/stock/" + item;
                checks.add(pool.submit(() -> {
                    LOG.info("checking {}", url);
                    return get(url);
                }));
            }
            int worst = 200;
            for (Future<Integer> check : checks) {
                worst = Math.max(worst, check.get());
            }
            LOG.info("order answered {}", worst);
            respond(exchange, worst, "ordered");
        }
    }

    private static int get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    private static void serve(String path, Handler handler) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        server.setExecutor(pool);
        server.createContext(path, exchange -> {
            try {
                handler.handle(exchange);
            } catch (Exception e) {
                respond(exchange, 500, e.toString());
            }
        });
        server.start();
        Outbound.serveUntilStdinCloses(server.getAddress().getPort());
        server.stop(0);
        pool.shutdownNow();
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
