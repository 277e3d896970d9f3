package dev.callsight.collector.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.callsight.collector.store.SpanRecord;
import dev.callsight.collector.store.SpanSearch;
import dev.callsight.collector.store.SpanStore;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.time.Clock;
import java.util.List;

/**
 * {@code GET /api/search?service&peer=HOST:PORT&route&status&errorType&minDurationMs&tag=KEY=VALUE&from=UNIX_S
 * &to=UNIX_S&limit}:
 * traces holding a span that matches every given criterion (default range: the last hour), newest first, each with
 * its newest matching span. {@code tag}, repeatable, is a span or process attribute (or derived tag) as the Jaeger
 * API's {@code tags} match it. Shape: {@code {"traces":[{"traceId","spanId","service","name","peer","route","status",
 * "errorType","resendCount","startTimeUnixNano","durationNanos"}]}}.
 */
final class SpanSearchEndpoint implements HttpHandler {

    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 500;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final SpanStore spanStore;
    private final JsonResponses json;
    private final Clock clock;

    SpanSearchEndpoint(SpanStore spanStore, JsonResponses json, Clock clock) {
        this.spanStore = spanStore;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        SpanSearch search;
        try {
            search = search(new QueryParameters(exchange));
        } catch (IllegalArgumentException e) {
            json.error(exchange, 400, e.getMessage());
            return;
        }
        List<SpanRecord> found = spanStore.search(search);
        JsonArray traces = new JsonArray();
        for (SpanRecord span : found) {
            JsonObject item = new JsonObject();
            item.addProperty("traceId", span.traceId());
            item.addProperty("spanId", span.spanId());
            item.addProperty("service", span.serviceName());
            item.addProperty("name", span.name());
            item.addProperty("peer", span.serverAddress() == null ? null : span.serverAddress() + ":" + span.serverPort());
            item.addProperty("route", span.route());
            item.addProperty("status", span.httpStatusCode());
            item.addProperty("errorType", span.errorType());
            item.addProperty("resendCount", span.resendCount());
            item.addProperty("startTimeUnixNano", span.startUnixNano());
            item.addProperty("durationNanos", span.durationNano());
            traces.add(item);
        }
        JsonObject body = new JsonObject();
        body.add("traces", traces);
        json.send(exchange, 200, body);
    }

    private SpanSearch search(QueryParameters query) {
        long to = query.number("to", clock.instant().getEpochSecond());
        long from = query.number("from", to - 3600);
        if (from > to) {
            throw new IllegalArgumentException("from must not be after to");
        }
        long limit = query.number("limit", DEFAULT_LIMIT);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be from 1 to " + MAX_LIMIT);
        }
        Long status = query.number("status");
        Long minDurationMs = query.number("minDurationMs");
        QueryParameters.Peer peer = query.peer("peer");
        return new SpanSearch(query.text("service"), peer == null ? null : peer.address(),
                peer == null ? null : peer.port(), query.text("route"), status == null ? null : status.intValue(),
                query.text("errorType"), minDurationMs == null ? null : minDurationMs * 1_000_000L, query.tags("tag"),
                from * NANOS_PER_SECOND, to * NANOS_PER_SECOND, (int) limit);
    }
}
