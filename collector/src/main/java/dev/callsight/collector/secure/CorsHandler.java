package dev.callsight.collector.secure;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;

/**
 * CORS for the one origin given with {@code --cors-origin} (e.g. a browser OpenTelemetry exporter's page): requests
 * from it get {@code Access-Control-Allow-Origin}, and its preflights are answered here, before the token check,
 * since a browser never sends credentials on a preflight. Requests from any other origin get no CORS header, so
 * the browser keeps their answers from the page.
 */
public final class CorsHandler implements HttpHandler {

    private static final HttpString ORIGIN = HttpString.tryFromString("Origin");
    private static final HttpString ALLOW_ORIGIN = HttpString.tryFromString("Access-Control-Allow-Origin");
    private static final HttpString ALLOW_METHODS = HttpString.tryFromString("Access-Control-Allow-Methods");
    private static final HttpString ALLOW_HEADERS = HttpString.tryFromString("Access-Control-Allow-Headers");
    private static final HttpString MAX_AGE = HttpString.tryFromString("Access-Control-Max-Age");
    private static final HttpString REQUEST_METHOD = HttpString.tryFromString("Access-Control-Request-Method");
    private static final HttpString VARY = HttpString.tryFromString("Vary");

    private final String origin;
    private final HttpHandler next;

    public CorsHandler(String origin, HttpHandler next) {
        this.origin = origin;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        exchange.getResponseHeaders().add(VARY, "Origin");
        if (!origin.equals(exchange.getRequestHeaders().getFirst(ORIGIN))) {
            next.handleRequest(exchange);
            return;
        }
        exchange.getResponseHeaders().put(ALLOW_ORIGIN, origin);
        if (exchange.getRequestMethod().equals(Methods.OPTIONS)
                && exchange.getRequestHeaders().contains(REQUEST_METHOD)) {
            exchange.getResponseHeaders().put(ALLOW_METHODS, "GET, POST");
            exchange.getResponseHeaders().put(ALLOW_HEADERS, "Authorization, Content-Type, Content-Encoding");
            exchange.getResponseHeaders().put(MAX_AGE, "600");
            exchange.setStatusCode(204);
            exchange.endExchange();
            return;
        }
        next.handleRequest(exchange);
    }
}
