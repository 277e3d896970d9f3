package dev.callsight.collector.store.spanlog;

import dev.callsight.collector.store.SpanRecord;

/** Spans for the store's tests: a CLIENT span with HTTP fields, its parts chosen by the test. */
final class Spans {

    private Spans() {
    }

    static SpanRecord client(String traceId, String spanId, String service, long startNano, long durationNano,
            String address, int port, String route, Integer status, String errorType, String attributesJson) {
        return new SpanRecord(traceId, spanId, null, service, "test", "GET " + route, SpanRecord.KIND_CLIENT,
                startNano, startNano + durationNano, status != null && status >= 500 ? 2 : 0, "", "GET", address,
                port, route, status, errorType, null, attributesJson, "{\"service.name\":\"" + service
                        + "\",\"deployment.environment\":\"test\"}", "[]", "[]");
    }

    static SpanRecord client(String traceId, String spanId, long startNano) {
        return client(traceId, spanId, "checkout", startNano, 5_000_000, "payments", 8080, "/pay/{id}", 200, null,
                "{\"http.request.method\":\"GET\"}");
    }

    /** A 32-digit trace ID from a number. */
    static String traceId(long n) {
        return String.format("%032x", n + 1);
    }

    static String spanId(long n) {
        return String.format("%016x", n + 1);
    }
}
