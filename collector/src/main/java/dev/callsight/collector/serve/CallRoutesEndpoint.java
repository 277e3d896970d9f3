package dev.callsight.collector.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.callsight.collector.aggregate.BreakerState;
import dev.callsight.collector.aggregate.CallEvent;
import dev.callsight.collector.aggregate.CallKey;
import dev.callsight.collector.aggregate.CallKind;
import dev.callsight.collector.aggregate.CallSite;
import dev.callsight.collector.aggregate.CanonicalBuckets;
import dev.callsight.collector.aggregate.RollupDelta;
import dev.callsight.collector.store.BreakerStateStore;
import dev.callsight.collector.store.CallEventStore;
import dev.callsight.collector.store.CallEventTotal;
import dev.callsight.collector.store.Database;
import dev.callsight.collector.store.RollupStore;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * {@code GET /api/calls/routes?service=S[&from=UNIX_S][&to=UNIX_S]}: one row per route the service called (per peer)
 * or answered in the range (default: the last hour), with calls, errors, p99, the agent's retries, timeouts and
 * rejections, the state of the circuit breaker guarding its peer, and compact per-step {@code calls} and
 * {@code errors} arrays for sparklines (steps as {@code /api/calls/series} has them). Shape: {@code {"service","from",
 * "to","stepSeconds","routes":[{"kind","peer","method","route","calls","errors","errorRatio","ratePerSecond","p99",
 * "retries","timeouts","rejections","breaker","series":{"calls":[],"errors":[]}}]}}; {@code breaker} is
 * {@code closed}, {@code open}, {@code half-open} or null where no breaker reported.
 */
final class CallRoutesEndpoint implements HttpHandler {

    private static final long HOUR = 3600;
    private static final long MAX_RANGE_SECONDS = 8L * 24 * 3600;
    private static final List<String> BREAKER_STATES = List.of("closed", "open", "half-open");

    private final Database database;
    private final RollupStore rollups;
    private final CallEventStore events;
    private final BreakerStateStore breakers;
    private final JsonResponses json;
    private final Clock clock;

    CallRoutesEndpoint(Database database, RollupStore rollups, CallEventStore events, BreakerStateStore breakers,
            JsonResponses json, Clock clock) {
        this.database = database;
        this.rollups = rollups;
        this.events = events;
        this.breakers = breakers;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        QueryParameters query = new QueryParameters(exchange);
        String service;
        long from;
        long to;
        try {
            service = query.required("service");
            to = query.number("to", clock.instant().getEpochSecond());
            from = query.number("from", to - HOUR);
            if (from >= to || to - from > MAX_RANGE_SECONDS) {
                throw new IllegalArgumentException("from must be before to, at most 8 days apart");
            }
        } catch (IllegalArgumentException e) {
            json.error(exchange, 400, e.getMessage());
            return;
        }
        long step = CallSeriesEndpoint.step(to - from);
        long start = CallSeriesEndpoint.firstStep(from, step);
        int steps = (int) ((to - start + step - 1) / step);
        JsonArray routes = database.inTransaction(connection -> routes(connection, service, start, to, step, steps));
        JsonObject body = new JsonObject();
        body.addProperty("service", service);
        body.addProperty("from", start);
        body.addProperty("to", to);
        body.addProperty("stepSeconds", step);
        body.add("routes", routes);
        json.send(exchange, 200, body);
    }

    /** Sums of one route: totals, buckets for its p99 and its calls and errors per step. */
    private static final class Route {
        private final long[] buckets = new long[CanonicalBuckets.BUCKET_COUNT];
        private final long[] calls;
        private final long[] errors;
        private final Map<CallEvent, Long> events = new TreeMap<>();

        Route(int steps) {
            calls = new long[steps];
            errors = new long[steps];
        }
    }

    private JsonArray routes(Connection connection, String service, long start, long end, long step, int steps)
            throws SQLException {
        // Routes by kind, peer, method and route, sorted so the answer is stable.
        Map<String, Route> routes = new TreeMap<>();
        Map<String, CallSite> sites = new TreeMap<>();
        Consumer<RollupDelta> add = delta -> {
            CallKey call = delta.key().call();
            // Logical calls repeat their attempts' call sites; the attempts are what went over the wire.
            if (!call.serviceName().equals(service) || call.kind() == CallKind.CALL) {
                return;
            }
            String key = key(call.site());
            sites.putIfAbsent(key, call.site());
            Route route = routes.computeIfAbsent(key, k -> new Route(steps));
            int index = (int) ((delta.key().minuteUnixSeconds() - start) / step);
            route.calls[index] += delta.count();
            if (call.statusCode() == 0 || call.statusCode() >= 500) {
                route.errors[index] += delta.count();
            }
            for (int i = 0; i < route.buckets.length; i++) {
                route.buckets[i] += delta.buckets().get(i);
            }
        };
        long hoursEnd = CallSeriesEndpoint.hoursEnd(connection, rollups, step, start, end);
        rollups.forEachHour(connection, start, hoursEnd, add);
        rollups.forEachMinute(connection, hoursEnd, end, add);
        for (CallEventTotal total : events.totals(connection, service, start, end)) {
            String key = key(total.key().site());
            sites.putIfAbsent(key, total.key().site());
            routes.computeIfAbsent(key, k -> new Route(steps)).events.merge(total.key().event(), total.count(), Long::sum);
        }
        Map<String, Integer> breakerStates = new TreeMap<>();
        for (BreakerState state : breakers.all(connection)) {
            if (state.serviceName().equals(service)) {
                // Several policies may guard one upstream: the worst state (open) shows.
                breakerStates.merge(state.upstream(), state.state(), (a, b) -> a == 1 || b == 1 ? 1 : Math.max(a, b));
            }
        }
        JsonArray list = new JsonArray();
        routes.forEach((key, route) -> list.add(toJson(sites.get(key), route, breakerStates, step)));
        return list;
    }

    private static String key(CallSite site) {
        return String.join("\u0000", site.kind().label(), site.serverAddress(), Integer.toString(site.serverPort()),
                site.method(), site.route());
    }

    private static JsonObject toJson(CallSite site, Route route, Map<String, Integer> breakerStates, long step) {
        boolean server = site.kind() == CallKind.SERVER;
        String peer = server ? null : site.serverAddress() + ":" + site.serverPort();
        long calls = Arrays.stream(route.calls).sum();
        long errors = Arrays.stream(route.errors).sum();
        JsonObject item = new JsonObject();
        item.addProperty("kind", site.kind().label());
        item.addProperty("peer", peer);
        item.addProperty("method", site.method());
        item.addProperty("route", site.route());
        item.addProperty("calls", calls);
        item.addProperty("errors", errors);
        item.addProperty("errorRatio", calls == 0 ? null : (double) errors / calls);
        item.addProperty("ratePerSecond", (double) calls / (route.calls.length * step));
        double p99 = LatencyQuantiles.of(Arrays.stream(route.buckets).boxed().toList(), 0.99);
        item.addProperty("p99", Double.isNaN(p99) ? null : p99);
        item.addProperty("retries", route.events.getOrDefault(CallEvent.RETRIES, 0L));
        item.addProperty("timeouts", route.events.getOrDefault(CallEvent.TIMEOUTS, 0L));
        item.addProperty("rejections", route.events.getOrDefault(CallEvent.REJECTIONS, 0L));
        Integer breaker = peer == null ? null : breakerStates.get(peer);
        item.addProperty("breaker", breaker == null ? null : BREAKER_STATES.get(breaker));
        JsonObject series = new JsonObject();
        JsonArray callSeries = new JsonArray();
        JsonArray errorSeries = new JsonArray();
        Arrays.stream(route.calls).forEach(callSeries::add);
        Arrays.stream(route.errors).forEach(errorSeries::add);
        series.add("calls", callSeries);
        series.add("errors", errorSeries);
        item.add("series", series);
        return item;
    }
}
