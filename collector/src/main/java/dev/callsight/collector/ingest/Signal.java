package dev.callsight.collector.ingest;

/** The OTLP signals the receiver accepts. */
public enum Signal {
    TRACES("traces"),
    METRICS("metrics");

    private final String label;

    Signal(String label) {
        this.label = label;
    }

    /** Lower-case name used in metric labels. */
    public String label() {
        return label;
    }
}
