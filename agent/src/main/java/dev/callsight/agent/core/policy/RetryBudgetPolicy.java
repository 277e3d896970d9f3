package dev.callsight.agent.core.policy;

import java.time.Duration;

/**
 * How many retries an upstream may receive: over the last {@code window}, at most
 * {@code ratio} retries per call made to it, plus {@code minPerSecond} retries a second so
 * that a quiet upstream can still be retried. Keeps retries from multiplying the load on an
 * upstream that is already failing. The builder holds the defaults (20 %, 10 a second, 10 s).
 */
public final class RetryBudgetPolicy {

    public static final RetryBudgetPolicy DEFAULT = builder().build();

    private final double ratio;
    private final int minPerSecond;
    private final Duration window;

    private RetryBudgetPolicy(Builder builder) {
        this.ratio = builder.ratio;
        this.minPerSecond = builder.minPerSecond;
        this.window = builder.window;
    }

    public static Builder builder() {
        return new Builder();
    }

    public double ratio() {
        return ratio;
    }

    public int minPerSecond() {
        return minPerSecond;
    }

    public Duration window() {
        return window;
    }

    public static final class Builder {
        private double ratio = 0.2;
        private int minPerSecond = 10;
        private Duration window = Duration.ofSeconds(10);

        private Builder() {}

        /** Retries per call, a share between 0 and 1. */
        public Builder ratio(double ratio) {
            this.ratio = Require.share(ratio);
            return this;
        }

        public Builder minPerSecond(int minPerSecond) {
            this.minPerSecond = Require.atLeast(0, minPerSecond);
            return this;
        }

        public Builder window(Duration window) {
            this.window = Require.atLeastOneMilli(window);
            return this;
        }

        public RetryBudgetPolicy build() {
            return new RetryBudgetPolicy(this);
        }
    }
}
