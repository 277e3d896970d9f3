package dev.callsight.collector.store;

import java.util.Objects;

/**
 * One span as stored: identity, timing, status, the HTTP fields pulled out as columns (null when absent),
 * all attributes as JSON object text, and links and events as JSON array text
 * ({@code [{"traceId","spanId"}]}, {@code [{"timeUnixNano","name","attributes"}]}).
 */
public record SpanRecord(
        String traceId,
        String spanId,
        String parentSpanId,
        String serviceName,
        String scopeName,
        String name,
        int kind,
        long startUnixNano,
        long endUnixNano,
        int statusCode,
        String statusMessage,
        String httpMethod,
        String serverAddress,
        Integer serverPort,
        String route,
        Integer httpStatusCode,
        String errorType,
        Integer resendCount,
        String attributesJson,
        String resourceAttributesJson,
        String linksJson,
        String eventsJson) {

    /** OTLP span kinds the collector looks for. */
    public static final int KIND_SERVER = 2;
    public static final int KIND_CLIENT = 3;

    public SpanRecord {
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(spanId, "spanId");
        Objects.requireNonNull(serviceName, "serviceName");
        Objects.requireNonNull(scopeName, "scopeName");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(statusMessage, "statusMessage");
        Objects.requireNonNull(attributesJson, "attributesJson");
        Objects.requireNonNull(resourceAttributesJson, "resourceAttributesJson");
        Objects.requireNonNull(linksJson, "linksJson");
        Objects.requireNonNull(eventsJson, "eventsJson");
    }

    public long durationNano() {
        return endUnixNano - startUnixNano;
    }
}
