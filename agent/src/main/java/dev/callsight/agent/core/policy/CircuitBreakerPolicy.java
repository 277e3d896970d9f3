package dev.callsight.agent.core.policy;

import java.time.Duration;

/**
 * When a circuit opens and how it closes again: it opens when, over the last {@code window},
 * at least {@code minimumCalls} calls were made and at least {@code failureRateThreshold} of
 * them failed; it stays open for {@code openFor}, then lets {@code halfOpenCalls} trial calls
 * through and closes if fewer than the threshold of those failed.
 */
public final class CircuitBreakerPolicy {

    private final double failureRateThreshold;
    private final int minimumCalls;
    private final Duration window;
    private final Duration openFor;
    private final int halfOpenCalls;

    public CircuitBreakerPolicy(double failureRateThreshold, int minimumCalls, Duration window, Duration openFor,
            int halfOpenCalls) {
        this.failureRateThreshold = failureRateThreshold;
        this.minimumCalls = minimumCalls;
        this.window = window;
        this.openFor = openFor;
        this.halfOpenCalls = halfOpenCalls;
    }

    /** A share between 0 and 1. */
    public double failureRateThreshold() {
        return failureRateThreshold;
    }

    public int minimumCalls() {
        return minimumCalls;
    }

    public Duration window() {
        return window;
    }

    public Duration openFor() {
        return openFor;
    }

    public int halfOpenCalls() {
        return halfOpenCalls;
    }
}
