package dev.callsight.collector.aggregate;

/** Telemetry that decoded but breaks the OTLP data model; the whole request is rejected. */
public final class InvalidTelemetryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidTelemetryException(String message) {
        super(message);
    }
}
