package dev.callsight.agent.core.policy;

import java.time.Duration;

/**
 * When a circuit opens and how it closes again: it opens when, over the last {@code window},
 * at least {@code minimumCalls} calls were made and at least {@code failureRateThreshold} of
 * them failed; it stays open for {@code openFor}, then lets {@code halfOpenCalls} trial calls
 * through and closes if fewer than the threshold of those failed. The builder holds the defaults
 * (50 %, 20 calls, 30 s, 30 s, 5 calls) and refuses a value out of range as it is set.
 */
public final class CircuitBreakerPolicy {

    private final double failureRateThreshold;
    private final int minimumCalls;
    private final Duration window;
    private final Duration openFor;
    private final int halfOpenCalls;

    private CircuitBreakerPolicy(Builder builder) {
        this.failureRateThreshold = builder.failureRateThreshold;
        this.minimumCalls = builder.minimumCalls;
        this.window = builder.window;
        this.openFor = builder.openFor;
        this.halfOpenCalls = builder.halfOpenCalls;
    }

    public static Builder builder() {
        return new Builder();
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

    public static final class Builder {
        private double failureRateThreshold = 0.5;
        private int minimumCalls = 20;
        private Duration window = Duration.ofSeconds(30);
        private Duration openFor = Duration.ofSeconds(30);
        private int halfOpenCalls = 5;

        private Builder() {}

        /** A share between 0 and 1. */
        public Builder failureRateThreshold(double failureRateThreshold) {
            this.failureRateThreshold = Require.share(failureRateThreshold);
            return this;
        }

        public Builder minimumCalls(int minimumCalls) {
            this.minimumCalls = Require.atLeast(1, minimumCalls);
            return this;
        }

        public Builder window(Duration window) {
            this.window = Require.atLeastOneMilli(window);
            return this;
        }

        public Builder openFor(Duration openFor) {
            this.openFor = Require.atLeastOneMilli(openFor);
            return this;
        }

        public Builder halfOpenCalls(int halfOpenCalls) {
            this.halfOpenCalls = Require.atLeast(1, halfOpenCalls);
            return this;
        }

        public CircuitBreakerPolicy build() {
            return new CircuitBreakerPolicy(this);
        }
    }
}
