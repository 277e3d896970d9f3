package dev.callsight.collector.serve;

import dev.callsight.collector.slo.SloMonitor;
import dev.callsight.collector.store.Database;
import dev.callsight.collector.store.RollupStore;
import dev.callsight.collector.store.SloStore;
import dev.callsight.collector.store.SpanStore;
import io.prometheus.client.CollectorRegistry;
import io.undertow.Handlers;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.server.handlers.BlockingHandler;
import java.time.Clock;

/** Routes of the web port; every route reads H2, so each runs on a worker thread in blocking mode. */
public final class WebHandler implements HttpHandler {

    /** Where an SLO's page is: append the SLO's name. Alert links point here. */
    public static final String SLO_PATH = "/api/slos/";

    private final RoutingHandler routes;

    public WebHandler(CollectorRegistry registry, Database database, SpanStore spanStore, RollupStore rollupStore,
            SloMonitor sloMonitor, SloStore sloStore) {
        JsonResponses json = new JsonResponses();
        SloEndpoint slos = new SloEndpoint(sloMonitor, database, sloStore, json);
        routes = new JaegerQueryApi(database, spanStore, Clock.systemUTC()).addRoutes(Handlers.routing())
                .get("/metrics", new BlockingHandler(new MetricsEndpoint(registry)))
                .get("/api/services", new BlockingHandler(new ServicesEndpoint(database, rollupStore, json)))
                .get("/api/traces", new BlockingHandler(new TraceListEndpoint(database, spanStore, json)))
                .get("/api/traces/{traceId}", new BlockingHandler(new TraceEndpoint(database, spanStore, json)))
                .get("/api/slos", slos.list())
                .get(SLO_PATH + "{name}", new BlockingHandler(slos.one()))
                .get("/api/rules", new RulesEndpoint(sloMonitor, new PrometheusRules()))
                .setFallbackHandler(exchange -> json.error(exchange, 404, "unknown path " + exchange.getRequestPath()))
                .setInvalidMethodHandler(exchange -> json.error(exchange, 405,
                        "method " + exchange.getRequestMethod() + " not allowed"));
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        routes.handleRequest(exchange);
    }
}
