package dev.callsight.collector.serve;

import dev.callsight.collector.serve.metrics.DurationHistogram;
import dev.callsight.collector.slo.BudgetBreakdown;
import dev.callsight.collector.slo.SloMonitor;
import dev.callsight.collector.store.BreakerStateStore;
import dev.callsight.collector.store.CallEventStore;
import dev.callsight.collector.store.Database;
import dev.callsight.collector.store.RollupStore;
import dev.callsight.collector.store.SloStore;
import dev.callsight.collector.store.SpanStore;
import io.prometheus.client.CollectorRegistry;
import io.undertow.Handlers;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.PathHandler;
import io.undertow.server.handlers.BlockingHandler;
import com.google.gson.JsonObject;
import java.net.URI;
import java.time.Clock;

/**
 * Routes of the web port: the web UI under {@code /ui/}, and API routes that read the stores, so each of those runs on a
 * worker thread in blocking mode.
 */
public final class WebHandler implements HttpHandler {

    /** Where an SLO's page is: append the SLO's name. Alert links point here. */
    public static final String SLO_PATH = "/api/slos/";

    private final JsonResponses json = new JsonResponses();
    private final PathHandler paths;

    /** @param jaegerUi the Jaeger UI the web UI links traces to, or null */
    public WebHandler(CollectorRegistry registry, Database database, SpanStore spanStore, RollupStore rollupStore,
            CallEventStore callEventStore, BreakerStateStore breakerStateStore, SloMonitor sloMonitor, SloStore sloStore,
            DurationHistogram histogram, URI jaegerUi) {
        Clock clock = Clock.systemUTC();
        SloEndpoint slos = new SloEndpoint(sloMonitor, database, sloStore, json);
        BudgetBreakdown breakdown = new BudgetBreakdown(rollupStore);
        SloHistoryEndpoint history = new SloHistoryEndpoint(sloMonitor, database, rollupStore, json, clock);
        JsonObject uiConfig = new JsonObject();
        uiConfig.addProperty("jaegerUi", jaegerUi == null ? null : jaegerUi.toString().replaceAll("/+$", ""));
        HttpHandler routes = new JaegerQueryApi(spanStore, clock).addRoutes(Handlers.routing())
                .get("/metrics", blocking(new MetricsEndpoint(registry)))
                .get("/api/services", blocking(new ServicesEndpoint(database, rollupStore, json)))
                .get("/api/traces", blocking(new TraceListEndpoint(spanStore, json)))
                .get("/api/traces/{traceId}", blocking(new TraceEndpoint(spanStore, json)))
                .get("/api/search", blocking(new SpanSearchEndpoint(spanStore, json, clock)))
                .get("/api/calls/series", blocking(
                        new CallSeriesEndpoint(database, rollupStore, callEventStore, histogram, json, clock)))
                .get("/api/calls/routes", blocking(
                        new CallRoutesEndpoint(database, rollupStore, callEventStore, breakerStateStore, json, clock)))
                .get("/api/ui-config", exchange -> json.send(exchange, 200, uiConfig))
                .get("/api/slos", slos.list())
                .get(SLO_PATH + "{name}", blocking(slos.one()))
                .get(SLO_PATH + "{name}/breakdown", blocking(new SloBreakdownEndpoint(sloMonitor, database,
                        breakdown, histogram, json, clock)))
                .get(SLO_PATH + "{name}/history", blocking(history))
                .get("/api/slo-history", blocking(history.all()))
                .get("/api/alerts", blocking(new AlertsEndpoint(sloMonitor, database, sloStore, breakdown,
                        histogram, json, clock)))
                .get("/api/overview", blocking(new OverviewEndpoint(database, rollupStore, spanStore, json, clock)))
                .get("/api/rules", new RulesEndpoint(sloMonitor, new PrometheusRules()))
                .setFallbackHandler(exchange -> json.error(exchange, 404, "unknown path " + exchange.getRequestPath()))
                .setInvalidMethodHandler(exchange -> json.error(exchange, 405,
                        "method " + exchange.getRequestMethod() + " not allowed"));
        paths = UiResources.addTo(Handlers.path(routes));
    }

    /** An endpoint that reads the store: run on a worker thread, its store failures answered as JSON errors. */
    private HttpHandler blocking(HttpHandler endpoint) {
        return new BlockingHandler(new StoreErrors(endpoint, json::error));
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        paths.handleRequest(exchange);
    }
}
