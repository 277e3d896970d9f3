package dev.callsight.e2e.support;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.callsight.testing.Eventually;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds spans in a collector's store by the traceparent an upstream saw, or by service. */
public final class CollectorSpans {

    /** A W3C traceparent header: group 1 the trace ID, group 2 the parent (span) ID. */
    public static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}");
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private CollectorSpans() {}

    /** Every span of the latest traces of one service. */
    public static List<JsonObject> spansOfService(CollectorProcess collector, String service) throws Exception {
        List<JsonObject> spans = new ArrayList<>();
        String body = collector.get("/api/traces?service=" + service + "&limit=100").body();
        for (JsonElement trace : JsonParser.parseString(body).getAsJsonObject().getAsJsonArray("traces")) {
            spans.addAll(collector.spans(trace.getAsJsonObject().get("traceId").getAsString()));
        }
        return spans;
    }

    /** The span a traceparent header names, waiting until the collector has it. */
    public static JsonObject awaitSpan(CollectorProcess collector, String traceparent) throws Exception {
        Matcher header = TRACEPARENT.matcher(String.valueOf(traceparent));
        if (!header.matches()) {
            throw new AssertionError("not a valid traceparent: " + traceparent);
        }
        return eventually(() -> collector.spans(header.group(1)).stream()
                .filter(span -> header.group(2).equals(span.get("spanId").getAsString())).findFirst().orElse(null),
                "span of " + traceparent);
    }

    /** A stored span's kind without the OTLP prefix: SERVER, CLIENT, INTERNAL, ... */
    public static String kind(JsonObject span) {
        return span.get("kind").getAsString().replace("SPAN_KIND_", "");
    }

    /** The one span of this kind among the given ones, or null when there is none or more than one. */
    public static JsonObject only(List<JsonObject> spans, String kind) {
        List<JsonObject> matching = spans.stream().filter(span -> kind.equals(kind(span))).toList();
        return matching.size() == 1 ? matching.get(0) : null;
    }

    public static <T> T eventually(Callable<T> probe, String what) throws Exception {
        return Eventually.get(probe, what, PATIENCE);
    }
}
