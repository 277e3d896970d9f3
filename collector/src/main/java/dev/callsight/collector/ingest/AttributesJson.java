package dev.callsight.collector.ingest;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Renders OTLP attributes as a plain JSON object: {@code {"http.request.method": "GET", "server.port": 443}};
 * span links as {@code [{"traceId","spanId"}]} and events as {@code [{"timeUnixNano","name","attributes"}]}.
 *
 * <p>Stored data is bounded as the OpenTelemetry SDK bounds it by default: the first 128 attributes of a
 * span, resource, event or link value list, the first 128 events and links of a span. String values longer than
 * the configured length are cut and end in {@link #TRUNCATED}.
 */
final class AttributesJson {

    /** OpenTelemetry's default attribute, event and link count limits. */
    static final int MAX_ATTRIBUTES = 128;
    static final int MAX_EVENTS = 128;
    static final int MAX_LINKS = 128;
    static final String TRUNCATED = "…[truncated]";
    /** What no links or events are written as; most spans have neither. */
    private static final String EMPTY_ARRAY = "[]";

    private final Gson gson = new Gson();
    private final int maxValueLength;

    AttributesJson(int maxValueLength) {
        this.maxValueLength = maxValueLength;
    }

    String toJson(List<KeyValue> attributes) {
        return gson.toJson(object(attributes));
    }

    /** Links with an ID of the wrong length are left out: they could never be followed. */
    String linksJson(List<Span.Link> links) {
        if (links.isEmpty()) {
            return EMPTY_ARRAY;
        }
        JsonArray array = new JsonArray();
        for (Span.Link link : links.subList(0, Math.min(links.size(), MAX_LINKS))) {
            if (link.getTraceId().size() == 16 && link.getSpanId().size() == 8) {
                JsonObject object = new JsonObject();
                object.addProperty("traceId", HexFormat.of().formatHex(link.getTraceId().toByteArray()));
                object.addProperty("spanId", HexFormat.of().formatHex(link.getSpanId().toByteArray()));
                array.add(object);
            }
        }
        return gson.toJson(array);
    }

    String eventsJson(List<Span.Event> events) {
        if (events.isEmpty()) {
            return EMPTY_ARRAY;
        }
        JsonArray array = new JsonArray();
        for (Span.Event event : events.subList(0, Math.min(events.size(), MAX_EVENTS))) {
            JsonObject object = new JsonObject();
            object.addProperty("timeUnixNano", event.getTimeUnixNano());
            object.addProperty("name", truncate(event.getName()));
            object.add("attributes", object(event.getAttributesList()));
            array.add(object);
        }
        return gson.toJson(array);
    }

    private JsonObject object(List<KeyValue> attributes) {
        JsonObject object = new JsonObject();
        for (KeyValue kv : attributes.subList(0, Math.min(attributes.size(), MAX_ATTRIBUTES))) {
            object.add(truncate(kv.getKey()), value(kv.getValue()));
        }
        return object;
    }

    /** The text, cut to the value length limit and marked when longer. */
    String truncate(String text) {
        return text.length() <= maxValueLength ? text
                : text.substring(0, maxValueLength - TRUNCATED.length()) + TRUNCATED;
    }

    private JsonElement value(AnyValue value) {
        return switch (value.getValueCase()) {
            case STRING_VALUE -> new JsonPrimitive(truncate(value.getStringValue()));
            case BOOL_VALUE -> new JsonPrimitive(value.getBoolValue());
            case INT_VALUE -> new JsonPrimitive(value.getIntValue());
            // JSON has no NaN or infinity; keep them readable as text.
            case DOUBLE_VALUE -> Double.isFinite(value.getDoubleValue())
                    ? new JsonPrimitive(value.getDoubleValue())
                    : new JsonPrimitive(Double.toString(value.getDoubleValue()));
            case BYTES_VALUE -> new JsonPrimitive(
                    truncate(Base64.getEncoder().encodeToString(value.getBytesValue().toByteArray())));
            case ARRAY_VALUE -> {
                JsonArray array = new JsonArray();
                List<AnyValue> values = value.getArrayValue().getValuesList();
                values.subList(0, Math.min(values.size(), MAX_ATTRIBUTES)).forEach(v -> array.add(value(v)));
                yield array;
            }
            case KVLIST_VALUE -> object(value.getKvlistValue().getValuesList());
            // Unset, or a kind newer than this collector.
            default -> JsonNull.INSTANCE;
        };
    }
}
