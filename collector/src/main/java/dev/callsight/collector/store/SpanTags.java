package dev.callsight.collector.store;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A span's tags as Jaeger shows them: its attributes plus its scope, kind and status under the names Jaeger's own
 * OTLP receiver gives them ({@code otel.scope.name}, {@code span.kind}, {@code otel.status_code}, {@code error},
 * {@code otel.status_description}), and its process's tags (resource attributes but {@code service.name}). What a
 * search's tags match is the same list, as text: one place decides both.
 */
public final class SpanTags {

    private static final String[] SPAN_KINDS = {"", "internal", "server", "client", "producer", "consumer"};

    private SpanTags() {
    }

    /** The Jaeger name of an OTLP span kind number: "client", or "" when unspecified or unknown. */
    public static String spanKind(int kind) {
        return kind > 0 && kind < SPAN_KINDS.length ? SPAN_KINDS[kind] : "";
    }

    /** The span's own tags, in order, each value as its JSON element. */
    public static List<Map.Entry<String, JsonElement>> spanTags(SpanRecord span) {
        List<Map.Entry<String, JsonElement>> tags = attributes(span.attributesJson(), null);
        if (!span.scopeName().isEmpty()) {
            tags.add(tag("otel.scope.name", new JsonPrimitive(span.scopeName())));
        }
        String kind = spanKind(span.kind());
        if (!kind.isEmpty()) {
            tags.add(tag("span.kind", new JsonPrimitive(kind)));
        }
        // OTLP status codes: 1 OK, 2 ERROR; unset adds nothing.
        if (span.statusCode() == 1 || span.statusCode() == 2) {
            tags.add(tag("otel.status_code", new JsonPrimitive(span.statusCode() == 1 ? "OK" : "ERROR")));
        }
        if (span.statusCode() == 2) {
            tags.add(tag("error", new JsonPrimitive(true)));
        }
        if (!span.statusMessage().isEmpty()) {
            tags.add(tag("otel.status_description", new JsonPrimitive(span.statusMessage())));
        }
        return tags;
    }

    /** The tags of the span's process: its resource attributes but the service name, the process's own field. */
    public static List<Map.Entry<String, JsonElement>> processTags(SpanRecord span) {
        return attributes(span.resourceAttributesJson(), "service.name");
    }

    /** Attributes of an attributes JSON object (an event's, say) as tags, nulls left out. */
    public static List<Map.Entry<String, JsonElement>> attributes(String attributesJson, String skippedKey) {
        List<Map.Entry<String, JsonElement>> tags = new ArrayList<>();
        for (Map.Entry<String, JsonElement> attribute : JsonParser.parseString(attributesJson).getAsJsonObject()
                .entrySet()) {
            if (!attribute.getKey().equals(skippedKey) && !attribute.getValue().isJsonNull()) {
                tags.add(tag(attribute.getKey(), attribute.getValue()));
            }
        }
        return tags;
    }

    /** Process and span tags as key to text, the span's own winning a clash: what a search's tags are matched to. */
    public static Map<String, String> searchable(SpanRecord span) {
        return searchable(span, processTexts(span));
    }

    /**
     * As {@link #searchable(SpanRecord)}, with the process's tags as {@link #processTexts} gave them, which spans of
     * one resource share.
     */
    public static Map<String, String> searchable(SpanRecord span, Map<String, String> processTexts) {
        Map<String, String> present = new LinkedHashMap<>(processTexts);
        spanTags(span).forEach(tag -> present.put(tag.getKey(), text(tag.getValue())));
        return present;
    }

    /** The process's tags as key to text. */
    public static Map<String, String> processTexts(SpanRecord span) {
        Map<String, String> texts = new LinkedHashMap<>();
        processTags(span).forEach(tag -> texts.put(tag.getKey(), text(tag.getValue())));
        return texts;
    }

    /** Every wanted tag is on the span or its process with the same text. */
    public static boolean matches(SpanRecord span, Map<String, String> wanted) {
        if (wanted.isEmpty()) {
            return true;
        }
        Map<String, String> present = searchable(span);
        return wanted.entrySet().stream().allMatch(entry -> entry.getValue().equals(present.get(entry.getKey())));
    }

    /** Whether a JSON number is whole, so Jaeger types it int64 rather than float64. */
    public static boolean integral(JsonPrimitive number) {
        return number.getAsString().chars().noneMatch(c -> c == '.' || c == 'e' || c == 'E');
    }

    /** A value as a search gives it: {@code 503}, {@code 0.5}, {@code true}, {@code GET}; arrays and maps as JSON. */
    public static String text(JsonElement value) {
        if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()) {
            JsonPrimitive number = value.getAsJsonPrimitive();
            return integral(number) ? Long.toString(number.getAsLong()) : Double.toString(number.getAsDouble());
        }
        return value.isJsonPrimitive() ? value.getAsString() : value.toString();
    }

    private static Map.Entry<String, JsonElement> tag(String key, JsonElement value) {
        return new SimpleImmutableEntry<>(key, value);
    }
}
