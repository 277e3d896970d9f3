package dev.callsight.e2e.support;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;

/**
 * A real local upstream: plain HTTP/1.1 and TLS with HTTP/2. It records every request it sees
 * and answers by path: {@code /fail...} 503, {@code /missing...} 404, {@code /redirect/rest} 302 to
 * {@code /rest}, anything else 200.
 */
public final class RecordingServer implements AutoCloseable {

    /** @param headers the first value of every request header, by lower-case name */
    public record SeenRequest(String method, String path, String protocol, String traceparent, String b3TraceId,
            Map<String, String> headers) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Undertow server;
    private final List<SeenRequest> seen = new CopyOnWriteArrayList<>();

    public RecordingServer(SSLContext tls) {
        server = Undertow.builder()
                .setServerOption(UndertowOptions.ENABLE_HTTP2, true)
                .addHttpListener(0, "127.0.0.1")
                .addHttpsListener(0, "127.0.0.1", tls)
                .setHandler(exchange -> {
                    if (exchange.isInIoThread()) {
                        exchange.dispatch(this::answer);
                        return;
                    }
                    answer(exchange);
                })
                .build();
        server.start();
    }

    private void answer(HttpServerExchange exchange) {
        exchange.startBlocking();
        try {
            exchange.getInputStream().readAllBytes();
        } catch (IOException e) {
            exchange.setStatusCode(400);
            exchange.endExchange();
            return;
        }
        String path = exchange.getRequestPath();
        seen.add(new SeenRequest(exchange.getRequestMethod().toString(), path, exchange.getProtocol().toString(),
                exchange.getRequestHeaders().getFirst("traceparent"), exchange.getRequestHeaders().getFirst("X-B3-TraceId"),
                headersOf(exchange)));
        if (path.startsWith("/redirect/")) {
            exchange.setStatusCode(302);
            exchange.getResponseHeaders().put(Headers.LOCATION, path.substring("/redirect".length()));
            exchange.endExchange();
            return;
        }
        exchange.setStatusCode(path.startsWith("/fail") ? 503 : path.startsWith("/missing") ? 404 : 200);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
        exchange.getResponseSender().send("ok");
    }

    private static Map<String, String> headersOf(HttpServerExchange exchange) {
        Map<String, String> headers = new HashMap<>();
        for (HeaderValues values : exchange.getRequestHeaders()) {
            headers.put(values.getHeaderName().toString().toLowerCase(Locale.ROOT), values.getFirst());
        }
        return Map.copyOf(headers);
    }

    public String httpUrl() {
        return "http://127.0.0.1:" + port(0);
    }

    public String httpsUrl() {
        return "https://localhost:" + port(1);
    }

    private int port(int listener) {
        return ((InetSocketAddress) server.getListenerInfo().get(listener).getAddress()).getPort();
    }

    public List<SeenRequest> seen() {
        return List.copyOf(seen);
    }

    @Override
    public void close() {
        server.stop();
    }
}
