package dev.callsight.collector.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.callsight.collector.store.SpanRecord;
import dev.callsight.collector.store.SpanStore;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** {@code GET /api/traces/{traceId}}: all stored spans of a trace with their attributes, events and links. */
final class TraceEndpoint implements HttpHandler {

    private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");

    private final SpanStore spanStore;
    private final JsonResponses json;

    TraceEndpoint(SpanStore spanStore, JsonResponses json) {
        this.spanStore = spanStore;
        this.json = json;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        Deque<String> parameter = exchange.getQueryParameters().get("traceId");
        String traceId = parameter == null ? "" : parameter.getFirst().toLowerCase(Locale.ROOT);
        if (!TRACE_ID.matcher(traceId).matches() || traceId.chars().allMatch(c -> c == '0')) {
            json.error(exchange, 400, "invalid trace id '" + traceId + "': expected 32 hex digits, not all zero");
            return;
        }
        List<SpanRecord> spans = spanStore.findTrace(traceId);
        if (spans.isEmpty()) {
            json.error(exchange, 404, "trace " + traceId + " not found");
            return;
        }
        JsonArray list = new JsonArray();
        spans.forEach(span -> list.add(toJson(span)));
        JsonObject body = new JsonObject();
        body.addProperty("traceId", traceId);
        body.add("spans", list);
        json.send(exchange, 200, body);
    }

    private static JsonObject toJson(SpanRecord span) {
        JsonObject object = new JsonObject();
        object.addProperty("traceId", span.traceId());
        object.addProperty("spanId", span.spanId());
        object.addProperty("parentSpanId", span.parentSpanId());
        object.addProperty("serviceName", span.serviceName());
        object.addProperty("scopeName", span.scopeName());
        object.addProperty("name", span.name());
        Span.SpanKind kind = Span.SpanKind.forNumber(span.kind());
        object.addProperty("kind", kind == null ? Integer.toString(span.kind()) : kind.name().replace("SPAN_KIND_", ""));
        object.addProperty("startTimeUnixNano", span.startUnixNano());
        object.addProperty("endTimeUnixNano", span.endUnixNano());
        object.addProperty("durationNanos", span.durationNano());
        JsonObject status = new JsonObject();
        Status.StatusCode code = Status.StatusCode.forNumber(span.statusCode());
        status.addProperty("code", code == null ? Integer.toString(span.statusCode())
                : code.name().replace("STATUS_CODE_", ""));
        status.addProperty("message", span.statusMessage());
        object.add("status", status);
        JsonObject http = new JsonObject();
        http.addProperty("method", span.httpMethod());
        http.addProperty("serverAddress", span.serverAddress());
        http.addProperty("serverPort", span.serverPort());
        http.addProperty("route", span.route());
        http.addProperty("statusCode", span.httpStatusCode());
        http.addProperty("errorType", span.errorType());
        http.addProperty("resendCount", span.resendCount());
        object.add("http", http);
        object.add("attributes", JsonParser.parseString(span.attributesJson()));
        object.add("resourceAttributes", JsonParser.parseString(span.resourceAttributesJson()));
        object.add("events", JsonParser.parseString(span.eventsJson()));
        object.add("links", JsonParser.parseString(span.linksJson()));
        return object;
    }
}
