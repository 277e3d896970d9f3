package dev.callsight.e2e.app.server;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The JDK's HttpServer serving the same routes as the servlet applications (except async, which it does not have),
 * each context behind a pass-through filter.
 */
public final class JdkHttpServerApp {

    private JdkHttpServerApp() {}

    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        server.setExecutor(pool);
        route(server, "/hello", exchange -> respond(exchange, 200, "hello"));
        route(server, "/users/", exchange -> respond(exchange, 200, "user"));
        route(server, "/outbound", exchange -> {
            String query = exchange.getRequestURI().getRawQuery();
            String to = URLDecoder.decode(query.substring(query.indexOf("to=") + 3), StandardCharsets.UTF_8);
            respond(exchange, Outbound.get(to), "called");
        });
        route(server, "/fail", exchange -> respond(exchange, 503, "unavailable"));
        route(server, "/throw", exchange -> {
            throw new IllegalStateException("the handler failed");
        });
        server.start();
        Outbound.serveUntilStdinCloses(server.getAddress().getPort());
        server.stop(0);
        pool.shutdownNow();
    }

    private static void route(HttpServer server, String path, HttpHandler handler) {
        server.createContext(path, handler).getFilters().add(new Filter() {
            @Override
            public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
                exchange.getResponseHeaders().set("X-Filtered", "yes");
                chain.doFilter(exchange);
            }

            @Override
            public String description() {
                return "pass";
            }
        });
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
