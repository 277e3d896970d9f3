package dev.callsight.collector.serve;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.callsight.collector.store.SpanOperation;
import dev.callsight.collector.store.SpanQuery;
import dev.callsight.collector.store.SpanRecord;
import dev.callsight.collector.store.SpanStore;
import dev.callsight.collector.store.SpanTags;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Jaeger query service's HTTP API under {@code /jaeger}, read straight from the store, so Grafana's Jaeger
 * data source and the Jaeger UI can browse traces: services, operations, trace search and one trace. Answers
 * in Jaeger's envelope {@code {"data","total","limit","offset","errors"}}; errors as
 * {@code {"data":null,...,"errors":[{"code","msg"}]}} with the same HTTP status.
 */
final class JaegerQueryApi {

    static final String PREFIX = "/jaeger";

    /** Jaeger's defaults: 100 traces, and the last 2 days when no start is given. */
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1000;
    private static final long DEFAULT_LOOKBACK_NANOS = 2 * 86_400_000_000_000L;
    private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{1,32}");

    private final SpanStore spanStore;
    private final Clock clock;
    private final JaegerModel model = new JaegerModel();
    // Jaeger's envelope carries explicit nulls ("errors": null), which Gson drops unless told.
    private final Gson gson = new GsonBuilder().serializeNulls().create();

    JaegerQueryApi(SpanStore spanStore, Clock clock) {
        this.spanStore = spanStore;
        this.clock = clock;
    }

    RoutingHandler addRoutes(RoutingHandler routes) {
        return routes
                .get(PREFIX + "/api/services", blocking(this::services))
                .get(PREFIX + "/api/services/{service}/operations", blocking(this::serviceOperations))
                .get(PREFIX + "/api/operations", blocking(this::operations))
                .get(PREFIX + "/api/traces", blocking(this::search))
                .get(PREFIX + "/api/traces/{traceID}", blocking(this::trace));
    }

    /** On a worker thread, a store failure answered in the Jaeger API's error envelope. */
    private HttpHandler blocking(HttpHandler handler) {
        return new BlockingHandler(new StoreErrors(handler, this::sendError));
    }

    private void services(HttpServerExchange exchange) {
        List<String> services = spanStore.services();
        sendList(exchange, strings(services));
    }

    /** Operation names only, the older form the Jaeger UI and Grafana still call. */
    private void serviceOperations(HttpServerExchange exchange) {
        String service = parameter(exchange, "service");
        List<SpanOperation> operations = spanStore.operations(service);
        sendList(exchange, strings(operations.stream().map(SpanOperation::name).distinct().toList()));
    }

    /** {@code [{"name","spanKind"}]}, of one kind when {@code spanKind} is given. */
    private void operations(HttpServerExchange exchange) {
        String service = parameter(exchange, "service");
        if (service == null) {
            sendError(exchange, 400, "parameter 'service' is required");
            return;
        }
        String spanKind = parameter(exchange, "spanKind");
        List<SpanOperation> operations = spanStore.operations(service);
        JsonArray data = new JsonArray();
        for (SpanOperation operation : operations) {
            String kind = SpanTags.spanKind(operation.kind());
            if (spanKind == null || spanKind.equalsIgnoreCase(kind)) {
                JsonObject item = new JsonObject();
                item.addProperty("name", operation.name());
                item.addProperty("spanKind", kind);
                data.add(item);
            }
        }
        sendList(exchange, data);
    }

    private void trace(HttpServerExchange exchange) {
        Optional<String> traceId = traceId(parameter(exchange, "traceID"));
        if (traceId.isEmpty()) {
            sendError(exchange, 400, "invalid trace id '" + parameter(exchange, "traceID")
                    + "': expected up to 32 hex digits, not all zero");
            return;
        }
        List<SpanRecord> spans = spanStore.findTrace(traceId.get());
        if (spans.isEmpty()) {
            sendError(exchange, 404, "trace not found");
        } else {
            JsonArray data = new JsonArray();
            data.add(model.trace(traceId.get(), spans));
            sendList(exchange, data);
        }
    }

    private void search(HttpServerExchange exchange) {
        Deque<String> traceIds = exchange.getQueryParameters().get("traceID");
        if (traceIds != null && !traceIds.isEmpty()) {
            tracesById(exchange, List.copyOf(traceIds));
            return;
        }
        SpanQuery query;
        try {
            query = searchQuery(exchange);
        } catch (IllegalArgumentException e) {
            sendError(exchange, 400, e.getMessage());
            return;
        }
        JsonArray data = new JsonArray();
        spanStore.findTraces(spanStore.searchTraceIds(query)).forEach((id, spans) -> data.add(model.trace(id, spans)));
        sendList(exchange, data);
    }

    /** {@code traceID=…} repeated, as the Jaeger UI's trace comparison asks; a missing one is an error entry. */
    private void tracesById(HttpServerExchange exchange, List<String> requested) {
        List<String> ids = new ArrayList<>();
        for (String text : requested) {
            Optional<String> id = traceId(text);
            if (id.isEmpty()) {
                sendError(exchange, 400, "cannot parse traceID param '" + text + "'");
                return;
            }
            ids.add(id.get());
        }
        Map<String, List<SpanRecord>> found = spanStore.findTraces(ids);
        JsonArray data = new JsonArray();
        JsonArray errors = new JsonArray();
        found.forEach((id, spans) -> {
            if (spans.isEmpty()) {
                JsonObject error = error(404, "trace not found");
                error.addProperty("traceID", id);
                errors.add(error);
            } else {
                data.add(model.trace(id, spans));
            }
        });
        send(exchange, 200, envelope(data, data.size(), errors.isEmpty() ? JsonNull.INSTANCE : errors));
    }

    private SpanQuery searchQuery(HttpServerExchange exchange) {
        String service = parameter(exchange, "service");
        if (service == null) {
            throw new IllegalArgumentException("parameter 'service' is required");
        }
        long endNano = parameterNumber(exchange, "end", clock.millis() * 1000) * 1000;
        String lookback = parameter(exchange, "lookback");
        long lookbackNano = lookback == null || lookback.equals("custom") ? DEFAULT_LOOKBACK_NANOS
                : duration("lookback", lookback);
        long startNano = parameterNumber(exchange, "start", endNano / 1000 - lookbackNano / 1000) * 1000;
        Long minDuration = optionalDuration(exchange, "minDuration");
        Long maxDuration = optionalDuration(exchange, "maxDuration");
        if (minDuration != null && maxDuration != null && maxDuration < minDuration) {
            throw new IllegalArgumentException("'maxDuration' should be greater than 'minDuration'");
        }
        long limit = parameterNumber(exchange, "limit", DEFAULT_LIMIT);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("'limit' must be from 1 to " + MAX_LIMIT + ", not " + limit);
        }
        return new SpanQuery(service, parameter(exchange, "operation"), startNano, endNano, minDuration, maxDuration,
                tags(exchange), (int) limit);
    }

    /** {@code tags} as a JSON map, plus Jaeger's older {@code tag=key:value}, repeated: {@link SpanTags#searchable}. */
    private static Map<String, String> tags(HttpServerExchange exchange) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String tag : exchange.getQueryParameters().getOrDefault("tag", new ArrayDeque<>())) {
            int colon = tag.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException(
                        "malformed 'tag' parameter, expecting key:value, received: " + tag);
            }
            tags.put(tag.substring(0, colon), tag.substring(colon + 1));
        }
        for (String json : exchange.getQueryParameters().getOrDefault("tags", new ArrayDeque<>())) {
            try {
                for (Map.Entry<String, JsonElement> entry : JsonParser.parseString(json).getAsJsonObject()
                        .entrySet()) {
                    tags.put(entry.getKey(), entry.getValue().getAsString());
                }
            } catch (JsonParseException | IllegalStateException | UnsupportedOperationException e) {
                throw new IllegalArgumentException(
                        "malformed 'tags' parameter, expecting a JSON map of strings, received: " + json, e);
            }
        }
        return tags;
    }

    private static Optional<String> traceId(String text) {
        String id = text == null ? "" : text.toLowerCase(Locale.ROOT);
        if (!TRACE_ID.matcher(id).matches() || id.chars().allMatch(c -> c == '0')) {
            return Optional.empty();
        }
        // Jaeger prints IDs without leading zeros at times; the store keeps all 32 digits.
        return Optional.of("0".repeat(32 - id.length()) + id);
    }

    private static Long optionalDuration(HttpServerExchange exchange, String name) {
        String text = parameter(exchange, name);
        return text == null ? null : duration(name, text);
    }

    private static long duration(String name, String text) {
        try {
            return JaegerDurations.parseNanos(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unable to parse param '" + name + "': " + e.getMessage(), e);
        }
    }

    private static long parameterNumber(HttpServerExchange exchange, String name, long fallback) {
        String text = parameter(exchange, name);
        try {
            return text == null ? fallback : Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("unable to parse param '" + name + "': not a whole number: " + text, e);
        }
    }

    private static String parameter(HttpServerExchange exchange, String name) {
        Deque<String> values = exchange.getQueryParameters().get(name);
        return values == null || values.isEmpty() || values.getFirst().isBlank() ? null : values.getFirst();
    }

    private static JsonArray strings(List<String> values) {
        JsonArray array = new JsonArray();
        values.forEach(array::add);
        return array;
    }

    private void sendList(HttpServerExchange exchange, JsonArray data) {
        send(exchange, 200, envelope(data, data.size(), JsonNull.INSTANCE));
    }

    private void sendError(HttpServerExchange exchange, int status, String message) {
        JsonArray errors = new JsonArray();
        errors.add(error(status, message));
        send(exchange, status, envelope(JsonNull.INSTANCE, 0, errors));
    }

    private static JsonObject error(int code, String message) {
        JsonObject error = new JsonObject();
        error.addProperty("code", code);
        error.addProperty("msg", message);
        return error;
    }

    /** Jaeger fills in neither limit nor offset; total is how many items data holds. */
    private static JsonObject envelope(JsonElement data, int total, JsonElement errors) {
        JsonObject body = new JsonObject();
        body.add("data", data);
        body.add("total", new JsonPrimitive(total));
        body.add("limit", new JsonPrimitive(0));
        body.add("offset", new JsonPrimitive(0));
        body.add("errors", errors);
        return body;
    }

    private void send(HttpServerExchange exchange, int status, JsonObject body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send(gson.toJson(body), StandardCharsets.UTF_8);
    }
}
