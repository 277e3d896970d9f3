package dev.callsight.collector.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.callsight.collector.aggregate.RollupDelta;
import dev.callsight.collector.slo.SloDefinition;
import dev.callsight.collector.slo.SloMonitor;
import dev.callsight.collector.store.Database;
import dev.callsight.collector.store.RollupStore;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * {@code GET /api/slos/{name}/history}: the SLO's calls over its current window, from its first call in the window
 * to now, in at most about 120 steps of whole minutes: per step the calls, bad calls and burn rate (the step's bad
 * share over the error budget), and the error budget left at the step's end counting every call of the window up
 * to then, which is the burn-down. Shape: {@code {"slo","windowStart","from","to","stepSeconds","points":[{"t",
 * "calls","badCalls","burnRate","budgetRemainingRatio"}]}}; ratios are null without calls. {@link #all()} answers
 * {@code GET /api/slo-history} with every SLO's, as {@code {"slos":[...]}} (the SLO list's sparklines in one request).
 */
final class SloHistoryEndpoint implements HttpHandler {

    private static final int MAX_POINTS = 120;
    private static final long MINUTE = 60;

    private final SloMonitor monitor;
    private final Database database;
    private final RollupStore rollups;
    private final JsonResponses json;
    private final Clock clock;

    SloHistoryEndpoint(SloMonitor monitor, Database database, RollupStore rollups, JsonResponses json, Clock clock) {
        this.monitor = monitor;
        this.database = database;
        this.rollups = rollups;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        Optional<SloDefinition> slo = SloLookup.named(exchange, monitor, json);
        if (slo.isEmpty()) {
            return;
        }
        long now = clock.instant().getEpochSecond();
        long windowStart = slo.get().window().start(clock.instant()).getEpochSecond();
        TreeMap<Long, long[]> series = database.inTransaction(connection -> read(connection, slo.get(), windowStart, now));
        json.send(exchange, 200, toJson(slo.get(), series, windowStart, now));
    }

    HttpHandler all() {
        return exchange -> {
            long now = clock.instant().getEpochSecond();
            JsonObject body = database.inTransaction(connection -> {
                JsonArray slos = new JsonArray();
                for (SloDefinition slo : monitor.definitions()) {
                    long windowStart = slo.window().start(clock.instant()).getEpochSecond();
                    slos.add(toJson(slo, read(connection, slo, windowStart, now), windowStart, now));
                }
                JsonObject result = new JsonObject();
                result.add("slos", slos);
                return result;
            });
            json.send(exchange, 200, body);
        };
    }

    /** Calls and good calls per minute or hour start, in the window. */
    private TreeMap<Long, long[]> read(Connection connection, SloDefinition slo, long from, long to)
            throws SQLException {
        TreeMap<Long, long[]> series = new TreeMap<>();
        Consumer<RollupDelta> add = row -> {
            if (slo.selector().matches(row.key().call())) {
                long[] counts = series.computeIfAbsent(row.key().minuteUnixSeconds(), t -> new long[2]);
                counts[0] += row.count();
                counts[1] += slo.sli().good(row.key().call(), row.count(), row.buckets());
            }
        };
        // Folded hours from the hour rows, the rest from the minute rows, as the budget breakdown reads them.
        long firstHour = from - Math.floorMod(from, 3600);
        long split = Math.max(firstHour, Math.min(rollups.foldedUntil(connection).orElse(firstHour), to));
        rollups.forEachHour(connection, firstHour, split, add);
        rollups.forEachMinute(connection, Math.max(split, from - Math.floorMod(from, MINUTE)), to + MINUTE, add);
        return series;
    }

    private static JsonObject toJson(SloDefinition slo, TreeMap<Long, long[]> series, long windowStart, long now) {
        double budget = slo.errorBudget().doubleValue();
        long first = series.isEmpty() ? now - Math.floorMod(now, MINUTE) : Math.max(series.firstKey(),
                windowStart - Math.floorMod(windowStart, MINUTE));
        long span = Math.max(MINUTE, now - first);
        long step = Math.max(MINUTE, (span / MAX_POINTS + MINUTE - 1) / MINUTE * MINUTE);
        JsonArray points = new JsonArray();
        long total = 0;
        long bad = 0;
        for (long t = first; t <= now; t += step) {
            long calls = 0;
            long stepBad = 0;
            for (Map.Entry<Long, long[]> entry : series.subMap(t, t + step).entrySet()) {
                calls += entry.getValue()[0];
                stepBad += entry.getValue()[0] - entry.getValue()[1];
            }
            total += calls;
            bad += stepBad;
            JsonObject point = new JsonObject();
            point.addProperty("t", t);
            point.addProperty("calls", calls);
            point.addProperty("badCalls", stepBad);
            point.addProperty("burnRate", calls == 0 ? null : (double) stepBad / calls / budget);
            point.addProperty("budgetRemainingRatio", total == 0 ? null : 1 - bad / (budget * total));
            points.add(point);
        }
        JsonObject body = new JsonObject();
        body.addProperty("slo", slo.name());
        body.addProperty("windowStart", windowStart);
        body.addProperty("from", first);
        body.addProperty("to", now);
        body.addProperty("stepSeconds", step);
        body.add("points", points);
        return body;
    }
}
