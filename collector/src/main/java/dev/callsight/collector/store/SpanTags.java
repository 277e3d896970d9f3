package dev.callsight.collector.store;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
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
        tags.addAll(derivedTags(span));
        return tags;
    }

    /** The tags a span has beyond its attributes: scope, kind and status. */
    private static List<Map.Entry<String, JsonElement>> derivedTags(SpanRecord span) {
        List<Map.Entry<String, JsonElement>> tags = new ArrayList<>(4);
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
        attributeTexts(span.attributesJson(), present);
        derivedTags(span).forEach(tag -> present.put(tag.getKey(), text(tag.getValue())));
        return present;
    }

    /**
     * Puts the attributes of an attributes JSON object into {@code texts} as {@link #text} gives them, nulls left out,
     * read as a stream: the indexer does this for every span, and building the JSON tree cost it more than the rest.
     */
    private static void attributeTexts(String attributesJson, Map<String, String> texts) {
        try (JsonReader reader = new JsonReader(new StringReader(attributesJson))) {
            reader.beginObject();
            while (reader.hasNext()) {
                String key = reader.nextName();
                switch (reader.peek()) {
                    case NULL -> reader.nextNull();
                    case STRING -> texts.put(key, reader.nextString());
                    case BOOLEAN -> texts.put(key, Boolean.toString(reader.nextBoolean()));
                    case NUMBER -> texts.put(key, number(reader.nextString()));
                    default -> texts.put(key, JsonParser.parseReader(reader).toString());
                }
            }
        } catch (IOException e) {
            throw new JsonParseException("malformed attributes: " + attributesJson, e);
        }
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
        return integral(number.getAsString());
    }

    private static boolean integral(String literal) {
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (c == '.' || c == 'e' || c == 'E') {
                return false;
            }
        }
        return true;
    }

    /** A value as a search gives it: {@code 503}, {@code 0.5}, {@code true}, {@code GET}; arrays and maps as JSON. */
    public static String text(JsonElement value) {
        if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()) {
            return number(value.getAsString());
        }
        return value.isJsonPrimitive() ? value.getAsString() : value.toString();
    }

    /** A JSON number as text: a whole one as a long, as Gson reads it (beyond a long's range, wrapped), else a double. */
    private static String number(String literal) {
        if (!integral(literal)) {
            return Double.toString(Double.parseDouble(literal));
        }
        try {
            return Long.toString(Long.parseLong(literal));
        } catch (NumberFormatException tooLong) {
            return Long.toString(new BigDecimal(literal).longValue());
        }
    }

    private static Map.Entry<String, JsonElement> tag(String key, JsonElement value) {
        return new SimpleImmutableEntry<>(key, value);
    }
}
