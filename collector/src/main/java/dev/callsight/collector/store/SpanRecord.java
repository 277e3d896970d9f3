package dev.callsight.collector.store;

import java.util.Objects;

/**
 * One span as stored: identity, timing, status, the HTTP fields pulled out as columns (null when absent),
 * and all attributes as JSON object text.
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
        String resourceAttributesJson) {

    public SpanRecord {
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(spanId, "spanId");
        Objects.requireNonNull(serviceName, "serviceName");
        Objects.requireNonNull(scopeName, "scopeName");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(statusMessage, "statusMessage");
        Objects.requireNonNull(attributesJson, "attributesJson");
        Objects.requireNonNull(resourceAttributesJson, "resourceAttributesJson");
    }

    public long durationNano() {
        return endUnixNano - startUnixNano;
    }
}
