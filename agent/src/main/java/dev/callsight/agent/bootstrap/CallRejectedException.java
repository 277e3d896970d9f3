package dev.callsight.agent.bootstrap;

import java.io.IOException;

/**
 * Thrown to the application, in place of sending a request, when a policy's circuit breaker is
 * open or its concurrency limit is reached. An IOException, so callers of a blocking client
 * already handle it; it lives in the bootstrap package so every class loader sees one type.
 */
public final class CallRejectedException extends IOException {

    private static final long serialVersionUID = 1L;

    /** "circuit_open" or "concurrency_limit": also the span's error.type. */
    private final String reason;

    public CallRejectedException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
