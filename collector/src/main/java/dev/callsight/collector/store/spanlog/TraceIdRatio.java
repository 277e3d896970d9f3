package dev.callsight.collector.store.spanlog;

/**
 * Keeps a fraction of traces by their ID alone, as OpenTelemetry's {@code TraceIdRatioBased} sampler decides: the
 * trace ID's last 16 hex digits as a long, its absolute value below {@code ratio × Long.MAX_VALUE}. So every span of a
 * trace gets the same answer, in every hour, and a trace an agent sampled at ratio r is kept at any fraction ≥ r.
 */
record TraceIdRatio(double ratio) {

    boolean keeps(String traceId) {
        if (ratio >= 1) {
            return true;
        }
        if (ratio <= 0) {
            return false;
        }
        long random = traceId.length() == 32 ? Long.parseUnsignedLong(traceId, 16, 32, 16) : traceId.hashCode();
        return Math.abs(random) < (long) (ratio * Long.MAX_VALUE);
    }
}
