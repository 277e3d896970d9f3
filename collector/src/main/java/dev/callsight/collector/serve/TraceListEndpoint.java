package dev.callsight.collector.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.callsight.collector.store.SpanStore;
import dev.callsight.collector.store.TraceSummary;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.List;

/**
 * {@code GET /api/traces?service=NAME&limit=N}: the most recent traces, newest first, so there is
 * a way in to {@code /api/traces/{traceId}}. Shape: {@code {"traces":[{"traceId","name",
 * "startTimeUnixNano","durationNanos","spanCount","error"}]}}.
 */
final class TraceListEndpoint implements HttpHandler {

    private static final int DEFAULT_LIMIT = 20;
    private static final int MAX_LIMIT = 100;

    private final SpanStore spanStore;
    private final JsonResponses json;

    TraceListEndpoint(SpanStore spanStore, JsonResponses json) {
        this.spanStore = spanStore;
        this.json = json;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        QueryParameters query = new QueryParameters(exchange);
        String service = query.text("service");
        String limitText = query.text("limit");
        int limit;
        try {
            limit = limitText == null ? DEFAULT_LIMIT : Integer.parseInt(limitText);
        } catch (NumberFormatException e) {
            limit = 0;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            json.error(exchange, 400, "limit must be a number from 1 to " + MAX_LIMIT + ", not '" + limitText + "'");
            return;
        }
        List<TraceSummary> traces = spanStore.recentTraces(service, limit);
        JsonArray list = new JsonArray();
        for (TraceSummary trace : traces) {
            JsonObject item = new JsonObject();
            item.addProperty("traceId", trace.traceId());
            item.addProperty("name", trace.rootName());
            item.addProperty("startTimeUnixNano", trace.startUnixNano());
            item.addProperty("durationNanos", trace.durationNano());
            item.addProperty("spanCount", trace.spanCount());
            item.addProperty("error", trace.hasError());
            list.add(item);
        }
        JsonObject body = new JsonObject();
        body.add("traces", list);
        json.send(exchange, 200, body);
    }
}
