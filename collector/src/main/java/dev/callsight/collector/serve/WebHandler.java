package dev.callsight.collector.serve;

import dev.callsight.collector.store.Database;
import dev.callsight.collector.store.RollupStore;
import dev.callsight.collector.store.SpanStore;
import io.prometheus.client.CollectorRegistry;
import io.undertow.Handlers;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.server.handlers.BlockingHandler;

/** Routes of the web port; every route reads H2, so each runs on a worker thread in blocking mode. */
public final class WebHandler implements HttpHandler {

    private final RoutingHandler routes;

    public WebHandler(CollectorRegistry registry, Database database, SpanStore spanStore, RollupStore rollupStore) {
        JsonResponses json = new JsonResponses();
        routes = Handlers.routing()
                .get("/metrics", new BlockingHandler(new MetricsEndpoint(registry)))
                .get("/api/services", new BlockingHandler(new ServicesEndpoint(database, rollupStore, json)))
                .get("/api/traces", new BlockingHandler(new TraceListEndpoint(database, spanStore, json)))
                .get("/api/traces/{traceId}", new BlockingHandler(new TraceEndpoint(database, spanStore, json)))
                .setFallbackHandler(exchange -> json.error(exchange, 404, "unknown path " + exchange.getRequestPath()))
                .setInvalidMethodHandler(exchange -> json.error(exchange, 405,
                        "method " + exchange.getRequestMethod() + " not allowed"));
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        routes.handleRequest(exchange);
    }
}
