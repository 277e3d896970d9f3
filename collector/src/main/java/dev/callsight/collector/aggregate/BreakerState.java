package dev.callsight.collector.aggregate;

import java.util.Objects;

/**
 * A circuit breaker's state as last reported.
 *
 * @param upstream {@code host:port} the breaker guards
 * @param state 0 closed, 1 open, 2 half-open
 */
public record BreakerState(String serviceName, String policy, String upstream, int state, long timeUnixNano) {

    public static final int CLOSED = 0;
    public static final int HALF_OPEN = 2;

    public BreakerState {
        Objects.requireNonNull(serviceName, "serviceName");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(upstream, "upstream");
        if (state < CLOSED || state > HALF_OPEN) {
            throw new IllegalArgumentException("breaker state " + state + " is not 0, 1 or 2");
        }
    }
}
