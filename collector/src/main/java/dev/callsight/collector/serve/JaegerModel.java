package dev.callsight.collector.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.callsight.collector.store.SpanRecord;
import dev.callsight.collector.store.SpanTags;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stored spans in the Jaeger query service's JSON model (jaeger {@code model/json}): times in microseconds,
 * the parent as a CHILD_OF reference and links as FOLLOWS_FROM, attributes as typed tags, events as logs,
 * resources as processes. Span kind and status become the tags Jaeger's own OTLP receiver gives them
 * ({@code span.kind}, {@code otel.status_code}, {@code otel.status_description}, {@code error}).
 */
final class JaegerModel {

    /** One trace: its spans in the order given, each pointing at a process shared by spans of one resource. */
    JsonObject trace(String traceId, List<SpanRecord> spans) {
        Map<String, String> processIds = new LinkedHashMap<>();
        JsonObject processes = new JsonObject();
        JsonArray spanArray = new JsonArray();
        for (SpanRecord span : spans) {
            String processKey = span.serviceName() + "\n" + span.resourceAttributesJson();
            String processId = processIds.computeIfAbsent(processKey, key -> "p" + (processIds.size() + 1));
            if (!processes.has(processId)) {
                processes.add(processId, process(span));
            }
            spanArray.add(span(span, processId));
        }
        JsonObject trace = new JsonObject();
        trace.addProperty("traceID", traceId);
        trace.add("spans", spanArray);
        trace.add("processes", processes);
        trace.add("warnings", JsonNull.INSTANCE);
        return trace;
    }

    /** The tags Jaeger shows for a span ({@link SpanTags#spanTags}), typed. */
    JsonArray tags(SpanRecord span) {
        return typed(SpanTags.spanTags(span));
    }

    /** A process's tags ({@link SpanTags#processTags}), typed. */
    JsonArray processTags(SpanRecord span) {
        return typed(SpanTags.processTags(span));
    }

    private JsonObject span(SpanRecord span, String processId) {
        JsonObject object = new JsonObject();
        object.addProperty("traceID", span.traceId());
        object.addProperty("spanID", span.spanId());
        object.addProperty("operationName", span.name());
        object.add("references", references(span));
        object.addProperty("startTime", span.startUnixNano() / 1000);
        object.addProperty("duration", Math.max(0, span.durationNano()) / 1000);
        object.add("tags", tags(span));
        object.add("logs", logs(span.eventsJson()));
        object.addProperty("processID", processId);
        object.add("warnings", JsonNull.INSTANCE);
        return object;
    }

    private static JsonArray references(SpanRecord span) {
        JsonArray references = new JsonArray();
        if (span.parentSpanId() != null) {
            references.add(reference("CHILD_OF", span.traceId(), span.parentSpanId()));
        }
        for (JsonElement link : JsonParser.parseString(span.linksJson()).getAsJsonArray()) {
            JsonObject linked = link.getAsJsonObject();
            references.add(reference("FOLLOWS_FROM", linked.get("traceId").getAsString(),
                    linked.get("spanId").getAsString()));
        }
        return references;
    }

    private static JsonObject reference(String type, String traceId, String spanId) {
        JsonObject reference = new JsonObject();
        reference.addProperty("refType", type);
        reference.addProperty("traceID", traceId);
        reference.addProperty("spanID", spanId);
        return reference;
    }

    private JsonArray logs(String eventsJson) {
        JsonArray logs = new JsonArray();
        for (JsonElement element : JsonParser.parseString(eventsJson).getAsJsonArray()) {
            JsonObject event = element.getAsJsonObject();
            JsonArray fields = new JsonArray();
            // Jaeger's OTLP receiver keeps the event name as the "event" field.
            fields.add(tag("event", event.get("name")));
            fields.addAll(typed(SpanTags.attributes(event.get("attributes").toString(), null)));
            JsonObject log = new JsonObject();
            log.addProperty("timestamp", event.get("timeUnixNano").getAsLong() / 1000);
            log.add("fields", fields);
            logs.add(log);
        }
        return logs;
    }

    private JsonObject process(SpanRecord span) {
        JsonObject process = new JsonObject();
        process.addProperty("serviceName", span.serviceName());
        process.add("tags", processTags(span));
        return process;
    }

    private static JsonArray typed(List<Map.Entry<String, JsonElement>> tags) {
        JsonArray array = new JsonArray();
        tags.forEach(tag -> array.add(tag(tag.getKey(), tag.getValue())));
        return array;
    }

    /** Typed as Jaeger types values: bool, int64, float64, else string (arrays and maps as their JSON text). */
    private static JsonObject tag(String key, JsonElement value) {
        JsonObject tag = new JsonObject();
        tag.addProperty("key", key);
        if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isBoolean()) {
            tag.addProperty("type", "bool");
            tag.add("value", value);
        } else if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()) {
            boolean integral = SpanTags.integral(value.getAsJsonPrimitive());
            tag.addProperty("type", integral ? "int64" : "float64");
            tag.add("value", integral ? new JsonPrimitive(value.getAsLong()) : new JsonPrimitive(value.getAsDouble()));
        } else {
            tag.addProperty("type", "string");
            tag.addProperty("value", value.isJsonPrimitive() ? value.getAsString() : value.toString());
        }
        return tag;
    }
}
