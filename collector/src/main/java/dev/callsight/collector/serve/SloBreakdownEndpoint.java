package dev.callsight.collector.serve;

import dev.callsight.collector.serve.metrics.DurationHistogram;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.callsight.collector.slo.BudgetBreakdown;
import dev.callsight.collector.slo.SloDefinition;
import dev.callsight.collector.slo.SloMonitor;
import dev.callsight.collector.store.Database;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code GET /api/slos/{name}/breakdown[?from=UNIX_S][&to=UNIX_S][&limit=N]}: what burned the SLO's error budget
 * between {@code from} (default: the start of the SLO's current window) and {@code to} (default: now). The bad calls
 * ranked by route, peer, status code and error type, and by their combinations (the worst {@code limit}, default
 * 20), each with its share of the bad calls and of the range's error budget, and the combinations with example trace
 * IDs from the latest exemplars of their histogram buckets (held in memory: none after a restart until calls come).
 */
final class SloBreakdownEndpoint implements HttpHandler {

    /** At most a quarter of a year at a time: longer ranges are for the daily compliance. */
    private static final long MAX_RANGE_SECONDS = 93L * 86_400;
    private static final int EXAMPLES = 3;

    private final SloMonitor monitor;
    private final Database database;
    private final BudgetBreakdown breakdown;
    private final DurationHistogram histogram;
    private final JsonResponses json;
    private final Clock clock;

    SloBreakdownEndpoint(SloMonitor monitor, Database database, BudgetBreakdown breakdown,
            DurationHistogram histogram, JsonResponses json, Clock clock) {
        this.monitor = monitor;
        this.database = database;
        this.breakdown = breakdown;
        this.histogram = histogram;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        Optional<SloDefinition> slo = SloLookup.named(exchange, monitor, json);
        if (slo.isEmpty()) {
            return;
        }
        QueryParameters query = new QueryParameters(exchange);
        long from;
        long to;
        int limit;
        try {
            to = query.number("to", clock.instant().getEpochSecond());
            from = query.number("from", slo.get().window().start(clock.instant()).getEpochSecond());
            limit = (int) query.number("limit", 20);
            if (from >= to || to - from > MAX_RANGE_SECONDS) {
                throw new IllegalArgumentException("from must be before to, at most 93 days apart");
            }
            if (limit < 1 || limit > 1000) {
                throw new IllegalArgumentException("limit must be 1 to 1000");
            }
        } catch (IllegalArgumentException e) {
            json.error(exchange, 400, e.getMessage());
            return;
        }
        BudgetBreakdown.Result result = database.inTransaction(connection -> breakdown.of(connection, slo.get(), from, to));
        json.send(exchange, 200, toJson(result, limit));
    }

    private JsonObject toJson(BudgetBreakdown.Result result, int limit) {
        JsonObject body = new JsonObject();
        body.addProperty("slo", result.slo().name());
        body.addProperty("from", result.fromUnixSeconds());
        body.addProperty("to", result.toUnixSeconds());
        body.addProperty("calls", result.calls());
        body.addProperty("badCalls", result.badCalls());
        body.addProperty("allowedBadCalls", result.allowedBad());
        addNumber(body, "budgetSpentRatio", result.budgetShare(result.badCalls()));
        JsonArray causes = new JsonArray();
        int firstBadBucket = result.slo().sli().firstBadBucket();
        for (BudgetBreakdown.Cause cause : result.causes().subList(0, Math.min(limit, result.causes().size()))) {
            JsonObject item = share(result, cause.badCalls());
            item.addProperty("route", cause.route());
            item.addProperty("peer", cause.peer());
            item.addProperty("statusCode", cause.statusCode());
            item.addProperty("errorType", cause.errorType());
            JsonArray traces = new JsonArray();
            histogram.exampleTraceIds(cause.calls(), firstBadBucket, result.fromUnixSeconds() * 1000,
                    result.toUnixSeconds() * 1000, EXAMPLES).forEach(traces::add);
            item.add("exampleTraceIds", traces);
            causes.add(item);
        }
        body.add("causes", causes);
        body.add("byRoute", ranking(result, BudgetBreakdown.Cause::route, limit));
        body.add("byPeer", ranking(result, BudgetBreakdown.Cause::peer, limit));
        body.add("byStatusCode", ranking(result, cause -> Integer.toString(cause.statusCode()), limit));
        body.add("byErrorType", ranking(result, BudgetBreakdown.Cause::errorType, limit));
        return body;
    }

    private static JsonArray ranking(BudgetBreakdown.Result result, Function<BudgetBreakdown.Cause, String> dimension,
            int limit) {
        JsonArray list = new JsonArray();
        for (Map.Entry<String, Long> entry : result.ranking(dimension).entrySet()) {
            if (list.size() == limit) {
                break;
            }
            JsonObject item = share(result, entry.getValue());
            item.addProperty("value", entry.getKey());
            list.add(item);
        }
        return list;
    }

    private static JsonObject share(BudgetBreakdown.Result result, long badCalls) {
        JsonObject item = new JsonObject();
        item.addProperty("badCalls", badCalls);
        item.addProperty("badShare", result.badCalls() == 0 ? 0 : (double) badCalls / result.badCalls());
        addNumber(item, "budgetShare", result.budgetShare(badCalls));
        return item;
    }

    private static void addNumber(JsonObject object, String name, double value) {
        object.addProperty(name, Double.isNaN(value) ? null : value);
    }
}
