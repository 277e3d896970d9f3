package dev.callsight.collector.serve;

import dev.callsight.collector.store.StoreDataException;
import dev.callsight.collector.store.StoreUnavailableException;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/**
 * The one place a web endpoint's store failure becomes an answer: the store unavailable is 503 with
 * {@code Retry-After}, data the store refused is 400, each in the API's error format. It wraps each endpoint inside
 * its {@code BlockingHandler}, on the worker thread where the endpoint runs.
 */
final class StoreErrors implements HttpHandler {

    /** Seconds a client should wait before asking again; the store recovers by itself when it can. */
    private static final String RETRY_AFTER_SECONDS = "5";

    /** Writes an error in the API's own format: callsight's JSON error, or the Jaeger API's envelope. */
    interface ErrorAnswer {
        void send(HttpServerExchange exchange, int status, String message);
    }

    private final HttpHandler endpoint;
    private final ErrorAnswer errors;

    StoreErrors(HttpHandler endpoint, ErrorAnswer errors) {
        this.endpoint = endpoint;
        this.errors = errors;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        try {
            endpoint.handleRequest(exchange);
        } catch (StoreUnavailableException e) {
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, RETRY_AFTER_SECONDS);
            errors.send(exchange, 503, e.getMessage());
        } catch (StoreDataException e) {
            errors.send(exchange, 400, "the store refused the data: " + e.getMessage());
        }
    }
}
