package dev.callsight.collector.ingest;

import java.util.Optional;

/** The OTLP signals the receiver accepts. */
public enum Signal {
    TRACES("traces"),
    METRICS("metrics");

    private final String label;

    Signal(String label) {
        this.label = label;
    }

    /** The signal an OTLP/HTTP path receives: {@code /v1/traces} or {@code /v1/metrics}. */
    public static Optional<Signal> forPath(String path) {
        return switch (path) {
            case "/v1/traces" -> Optional.of(TRACES);
            case "/v1/metrics" -> Optional.of(METRICS);
            default -> Optional.empty();
        };
    }

    /** Lower-case name used in metric labels. */
    public String label() {
        return label;
    }
}
