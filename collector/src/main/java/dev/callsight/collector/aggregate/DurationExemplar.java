package dev.callsight.collector.aggregate;

import java.util.Objects;

/**
 * One OTLP exemplar of an HTTP client duration point: a single measured call and the span that made it.
 *
 * @param valueSeconds the measured duration, converted to seconds
 * @param timeUnixNano when it was measured; 0 when the exporter did not say
 * @param traceIdHex 32 lower-case hex digits
 * @param spanIdHex 16 lower-case hex digits, or empty when the exemplar names no span
 */
public record DurationExemplar(CallKey call, double valueSeconds, long timeUnixNano, String traceIdHex,
        String spanIdHex) {

    public DurationExemplar {
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(traceIdHex, "traceIdHex");
        Objects.requireNonNull(spanIdHex, "spanIdHex");
    }
}
