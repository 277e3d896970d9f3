package dev.callsight.collector.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.callsight.collector.aggregate.CallKey;
import dev.callsight.collector.aggregate.CallKind;
import dev.callsight.collector.aggregate.CallTotal;
import dev.callsight.collector.aggregate.CanonicalBuckets;
import dev.callsight.collector.store.CallMatch;
import dev.callsight.collector.store.Database;
import dev.callsight.collector.store.PeerService;
import dev.callsight.collector.store.RollupStore;
import dev.callsight.collector.store.SpanStore;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * {@code GET /api/overview[?minutes=N][&to=UNIX_S]}: the N minutes (default 15, at most a day) before {@code to}
 * (default now) at a glance, from the minute
 * and hour rollups: every service with the requests it answered and the calls it made (count, rate, errors, p99),
 * and every edge from a service to a peer ({@code host:port}) with the same numbers and its busiest routes. A rate
 * is over the range's whole minutes from the first in which the service had calls of that kind. An edge names the service
 * behind the peer ({@code peerService}) when the stored spans show one: a CLIENT span of the caller whose child is a
 * SERVER span of another service. Errors are calls without a status (a failure before the answer) or with a 5xx.
 * Shape: {@code {"from","to","minutes","services":[{"name","inbound":STATS,"outbound":STATS}],
 * "edges":[{"service","peer","peerService","routes",STATS…}]}}, STATS being {@code "calls","errors","ratePerSecond",
 * "errorRatio","p99"} (seconds; null without calls).
 */
final class OverviewEndpoint implements HttpHandler {

    private final Database database;
    private final RollupStore rollups;
    private final SpanStore spans;
    private final JsonResponses json;
    private final Clock clock;

    OverviewEndpoint(Database database, RollupStore rollups, SpanStore spans, JsonResponses json, Clock clock) {
        this.database = database;
        this.rollups = rollups;
        this.spans = spans;
        this.json = json;
        this.clock = clock;
    }

    /** Counts, errors and latency buckets of some calls. */
    private static final class Stats {
        long calls;
        long errors;
        final long[] buckets = new long[CanonicalBuckets.BUCKET_COUNT];

        final Map<String, Long> routes = new HashMap<>();

        void add(CallTotal total) {
            calls += total.count();
            routes.merge(total.call().route(), total.count(), Long::sum);
            CallKey call = total.call();
            if (call.statusCode() == 0 || call.statusCode() >= 500) {
                errors += total.count();
            }
            for (int i = 0; i < buckets.length && i < total.buckets().size(); i++) {
                buckets[i] += total.buckets().get(i);
            }
        }

        /** The routes with the most calls, most first. */
        List<String> topRoutes(int limit) {
            return routes.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .limit(limit).map(Map.Entry::getKey).toList();
        }

        JsonObject toJson(JsonObject into, double seconds) {
            into.addProperty("calls", calls);
            into.addProperty("errors", errors);
            into.addProperty("ratePerSecond", calls / seconds);
            into.addProperty("errorRatio", calls == 0 ? null : (double) errors / calls);
            List<Long> counts = new ArrayList<>(buckets.length);
            for (long count : buckets) {
                counts.add(count);
            }
            double p99 = LatencyQuantiles.of(counts, 0.99);
            into.addProperty("p99", Double.isNaN(p99) ? null : p99);
            return into;
        }
    }

    /**
     * The range's calls; {@code firstMinutes} holds, per service and kind ({@link #edgeKey} of the service and the
     * kind's label), its first minute with calls in the range, so a service that began within the range gets its
     * rate over the time it has run.
     */
    private record Overview(List<CallTotal> server, List<CallTotal> client, Map<String, String> peerServices,
            Map<String, Long> firstMinutes) {
    }

    /** What the rollups tell, read in one transaction; the spans are asked after it. */
    private record Rollups(List<CallTotal> server, List<CallTotal> client, Set<String> callers,
            Map<String, Long> firstMinutes) {
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        long minutes;
        long to;
        try {
            QueryParameters query = new QueryParameters(exchange);
            minutes = query.number("minutes", 15);
            to = query.number("to", clock.instant().getEpochSecond());
            if (minutes < 1 || minutes > 1440) {
                throw new IllegalArgumentException("minutes must be 1 to 1440");
            }
        } catch (IllegalArgumentException e) {
            json.error(exchange, 400, e.getMessage());
            return;
        }
        long from = to - minutes * 60;
        Rollups read = database.inTransaction(connection -> read(connection, from, to));
        Overview overview = new Overview(read.server(), read.client(), peerServices(read.callers(), from),
                read.firstMinutes());
        json.send(exchange, 200, toJson(overview, from, to, minutes));
    }

    private Rollups read(Connection connection, long from, long to) throws SQLException {
        List<CallTotal> server = rollups.totalsBetween(connection,
                new CallMatch(null, null, null, null, null, CallKind.SERVER), from, to);
        List<CallTotal> client = rollups.totalsBetween(connection,
                new CallMatch(null, null, null, null, null, CallKind.CLIENT), from, to);
        TreeSet<String> callers = new TreeSet<>();
        client.forEach(total -> callers.add(total.call().serviceName()));
        Map<String, Long> firstMinutes = new HashMap<>();
        for (List<CallTotal> totals : List.of(server, client)) {
            for (CallTotal total : totals) {
                CallKind kind = total.call().kind();
                String key = edgeKey(total.call().serviceName(), kind.label());
                if (!firstMinutes.containsKey(key)) {
                    rollups.firstMinute(connection, total.call().serviceName(), kind, from - Math.floorMod(from, 60))
                            .ifPresent(minute -> firstMinutes.put(key, minute));
                }
            }
        }
        return new Rollups(server, client, callers, firstMinutes);
    }

    /**
     * Which service answers each caller's peer, by the most CLIENT spans since {@code from} whose child is a SERVER
     * span of another service; keyed by caller and peer, as {@link #edgeKey}.
     */
    private Map<String, String> peerServices(Iterable<String> callers, long from) {
        Map<String, String> answering = new HashMap<>();
        Map<String, Long> best = new HashMap<>();
        for (String caller : callers) {
            for (PeerService seen : spans.peerServices(caller, from * 1_000_000_000L)) {
                String key = edgeKey(caller, seen.serverAddress() + ":" + seen.serverPort());
                if (seen.spans() > best.getOrDefault(key, 0L)) {
                    best.put(key, seen.spans());
                    answering.put(key, seen.service());
                }
            }
        }
        return answering;
    }

    private static String edgeKey(String service, String peer) {
        return service + "\u0000" + peer;
    }

    private static JsonObject toJson(Overview overview, long from, long to, long minutes) {
        // Whole minutes overlapping the range count, so a rate is over them, from the service's first one in it.
        long fromMinute = from - Math.floorMod(from, 60);
        Function<String, Double> seconds = key -> (double) Math.max(60,
                to - Math.max(fromMinute, overview.firstMinutes().getOrDefault(key, fromMinute)));
        String server = CallKind.SERVER.label();
        String client = CallKind.CLIENT.label();
        Map<String, Stats> inbound = new TreeMap<>();
        Map<String, Stats> outbound = new TreeMap<>();
        Map<String, Stats> edges = new TreeMap<>();
        for (CallTotal total : overview.server()) {
            inbound.computeIfAbsent(total.call().serviceName(), name -> new Stats()).add(total);
        }
        for (CallTotal total : overview.client()) {
            outbound.computeIfAbsent(total.call().serviceName(), name -> new Stats()).add(total);
            edges.computeIfAbsent(edgeKey(total.call().serviceName(), total.call().peer()), key -> new Stats())
                    .add(total);
        }
        TreeSet<String> names = new TreeSet<>(inbound.keySet());
        names.addAll(outbound.keySet());
        JsonArray services = new JsonArray();
        for (String name : names) {
            JsonObject service = new JsonObject();
            service.addProperty("name", name);
            service.add("inbound", inbound.getOrDefault(name, new Stats()).toJson(new JsonObject(),
                    seconds.apply(edgeKey(name, server))));
            service.add("outbound", outbound.getOrDefault(name, new Stats()).toJson(new JsonObject(),
                    seconds.apply(edgeKey(name, client))));
            services.add(service);
        }
        JsonArray edgeList = new JsonArray();
        for (Map.Entry<String, Stats> entry : edges.entrySet()) {
            String[] parts = entry.getKey().split("\u0000", 2);
            JsonObject edge = new JsonObject();
            edge.addProperty("service", parts[0]);
            edge.addProperty("peer", parts[1]);
            edge.addProperty("peerService", overview.peerServices().get(entry.getKey()));
            JsonArray routes = new JsonArray();
            entry.getValue().topRoutes(3).forEach(routes::add);
            edge.add("routes", routes);
            edgeList.add(entry.getValue().toJson(edge, seconds.apply(edgeKey(parts[0], client))));
        }
        JsonObject body = new JsonObject();
        body.addProperty("from", from);
        body.addProperty("to", to);
        body.addProperty("minutes", minutes);
        body.add("services", services);
        body.add("edges", edgeList);
        return body;
    }
}
