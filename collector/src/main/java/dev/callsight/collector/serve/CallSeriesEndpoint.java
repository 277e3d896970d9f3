package dev.callsight.collector.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.callsight.collector.aggregate.CallKey;
import dev.callsight.collector.aggregate.CallKind;
import dev.callsight.collector.aggregate.CanonicalBuckets;
import dev.callsight.collector.serve.metrics.DurationHistogram;
import dev.callsight.collector.store.CallEventStore;
import dev.callsight.collector.store.CallFilter;
import dev.callsight.collector.store.Database;
import dev.callsight.collector.store.MinuteCalls;
import dev.callsight.collector.store.MinuteEvents;
import dev.callsight.collector.store.RollupStore;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code GET /api/calls/series?service=S[&kind=client|server][&peer=HOST:PORT][&route=R][&from=UNIX_S][&to=UNIX_S]}:
 * rate, errors, p50/p95/p99, retries and timeouts of the matching calls per step from the minute rollups (default:
 * the last hour), plus totals over the range. {@code kind=client} (the default) is the service's outbound calls,
 * {@code kind=server} the requests it answered, which have no peer. Shape: {@code {"service","kind","peer","route",
 * "from","to","stepSeconds",
 * "points":[{"t","calls","errors","ratePerSecond","errorRatio","p50","p95","p99","retries","timeouts",
 * "exampleTraceIds"}],"totals":{...same without t, ratePerSecond and exampleTraceIds}}}; latencies in seconds, null
 * without calls. A point's example traces are the latest exemplars the collector holds of the matching calls stamped
 * within a step either side of it (a point is stamped when its data was exported, after its calls), so only recent
 * points have any.
 */
final class CallSeriesEndpoint implements HttpHandler {

    private static final long MINUTE = 60;
    private static final long HOUR = 3600;
    /** Few enough points for a chart; longer ranges get longer steps. */
    private static final int MAX_POINTS = 240;
    /** The longest step read from minute rows: ranges up to 20 hours. */
    private static final long MAX_MINUTE_STEP = 5 * MINUTE;
    private static final long MAX_RANGE_SECONDS = 31L * 24 * 3600;

    private static final int EXAMPLES = 3;

    private final Database database;
    private final RollupStore rollups;
    private final CallEventStore events;
    private final DurationHistogram histogram;
    private final JsonResponses json;
    private final Clock clock;

    CallSeriesEndpoint(Database database, RollupStore rollups, CallEventStore events, DurationHistogram histogram,
            JsonResponses json, Clock clock) {
        this.database = database;
        this.rollups = rollups;
        this.events = events;
        this.histogram = histogram;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        QueryParameters query = new QueryParameters(exchange);
        CallFilter filter;
        long from;
        long to;
        try {
            String service = query.required("service");
            QueryParameters.Peer peer = query.peer("peer");
            CallKind kind = query.text("kind") == null ? CallKind.CLIENT : CallKind.ofLabel(query.text("kind"));
            if (kind == CallKind.SERVER && peer != null) {
                throw new IllegalArgumentException("a server's own requests have no peer");
            }
            filter = new CallFilter(service, peer == null ? null : peer.address(), peer == null ? null : peer.port(),
                    query.text("route"), kind);
            to = query.number("to", clock.instant().getEpochSecond());
            from = query.number("from", to - 3600);
            if (from >= to || to - from > MAX_RANGE_SECONDS) {
                throw new IllegalArgumentException("from must be before to, at most 31 days apart");
            }
        } catch (IllegalArgumentException e) {
            json.error(exchange, 400, e.getMessage());
            return;
        }
        long step = step(to - from);
        long start = firstStep(from, step);
        long end = to;
        Read read = database.inTransaction(connection -> read(connection, filter, step, start, end));
        int count = (int) ((end - start + step - 1) / step);
        List<Step> series = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            series.add(new Step(start + i * step));
        }
        Step total = new Step(start);
        for (MinuteCalls minute : read.calls()) {
            series.get((int) ((minute.minuteUnixSeconds() - start) / step)).add(minute);
            total.add(minute);
        }
        for (MinuteEvents minute : read.events()) {
            series.get((int) ((minute.minuteUnixSeconds() - start) / step)).add(minute);
            total.add(minute);
        }
        // A client's exemplars are mostly on its logical calls (the application's view), so those count too.
        List<CallKey> calls = histogram.calls(call -> call.serviceName().equals(filter.service())
                && (call.kind() == filter.kind() || (filter.kind() == CallKind.CLIENT && call.kind() == CallKind.CALL))
                && (filter.serverAddress() == null || (call.serverAddress().equals(filter.serverAddress())
                        && call.serverPort() == filter.serverPort()))
                && (filter.route() == null || call.route().equals(filter.route())));
        JsonArray points = new JsonArray();
        for (Step point : series) {
            JsonObject item = point.toJson();
            item.addProperty("t", point.at);
            item.addProperty("ratePerSecond", (double) point.calls / step);
            JsonArray examples = new JsonArray();
            histogram.exampleTraceIds(calls, 0, (point.at - step) * 1000, (point.at + step) * 1000, EXAMPLES)
                    .forEach(examples::add);
            item.add("exampleTraceIds", examples);
            points.add(item);
        }
        JsonObject body = new JsonObject();
        body.addProperty("service", filter.service());
        body.addProperty("kind", filter.kind().label());
        body.addProperty("peer", query.text("peer"));
        body.addProperty("route", filter.route());
        body.addProperty("from", start);
        body.addProperty("to", end);
        body.addProperty("stepSeconds", step);
        body.add("points", points);
        body.add("totals", total.toJson());
        json.send(exchange, 200, body);
    }

    /**
     * A step of whole minutes giving at most {@link #MAX_POINTS} points, up to {@link #MAX_MINUTE_STEP}; beyond it,
     * of whole hours, so the hours already folded into hour rows are read as such: a day of a busy service is tens
     * of thousands of minute rows, too many to read while someone waits for a chart.
     */
    static long step(long rangeSeconds) {
        long minutes = Math.max(1, (rangeSeconds + MINUTE - 1) / MINUTE);
        long step = MINUTE * Math.max(1, (minutes + MAX_POINTS - 1) / MAX_POINTS);
        return step > MAX_MINUTE_STEP ? (step + HOUR - 1) / HOUR * HOUR : step;
    }

    /** Where the step that holds {@code from} starts: on a whole hour for hour steps, a whole minute otherwise. */
    static long firstStep(long from, long step) {
        return from - Math.floorMod(from, step % HOUR == 0 ? HOUR : MINUTE);
    }

    /**
     * Where a series read from {@code start} switches from the hour rollups to the minute ones: hour steps read hours up
     * to what has been folded into them, minute steps read minutes only.
     */
    static long hoursEnd(Connection connection, RollupStore rollups, long step, long start, long end)
            throws SQLException {
        return step % HOUR == 0 ? Math.max(start, Math.min(end, rollups.foldedUntil(connection).orElse(start))) : start;
    }

    private Read read(Connection connection, CallFilter filter, long step, long start, long end) throws SQLException {
        long hoursEnd = hoursEnd(connection, rollups, step, start, end);
        List<MinuteCalls> calls = new ArrayList<>(rollups.hours(connection, filter, start, hoursEnd));
        calls.addAll(rollups.minutes(connection, filter, hoursEnd, end));
        return new Read(calls, events.minutes(connection, filter, start, end));
    }

    private record Read(List<MinuteCalls> calls, List<MinuteEvents> events) {}

    /** Sums of the minutes in one step. */
    private static final class Step {
        private final long at;
        private final long[] buckets = new long[CanonicalBuckets.BUCKET_COUNT];
        private long calls;
        private long errors;
        private long retries;
        private long timeouts;

        Step(long at) {
            this.at = at;
        }

        void add(MinuteCalls minute) {
            calls += minute.calls();
            errors += minute.errors();
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] += minute.buckets().get(i);
            }
        }

        void add(MinuteEvents minute) {
            retries += minute.retries();
            timeouts += minute.timeouts();
        }

        JsonObject toJson() {
            List<Long> counts = Arrays.stream(buckets).boxed().toList();
            JsonObject item = new JsonObject();
            item.addProperty("calls", calls);
            item.addProperty("errors", errors);
            item.addProperty("errorRatio", calls == 0 ? null : (double) errors / calls);
            addSeconds(item, "p50", LatencyQuantiles.of(counts, 0.50));
            addSeconds(item, "p95", LatencyQuantiles.of(counts, 0.95));
            addSeconds(item, "p99", LatencyQuantiles.of(counts, 0.99));
            item.addProperty("retries", retries);
            item.addProperty("timeouts", timeouts);
            return item;
        }

        private static void addSeconds(JsonObject item, String name, double seconds) {
            item.addProperty(name, Double.isNaN(seconds) ? null : seconds);
        }
    }
}
