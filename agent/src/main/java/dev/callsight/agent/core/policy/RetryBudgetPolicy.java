package dev.callsight.agent.core.policy;

import java.time.Duration;

/**
 * How many retries an upstream may receive: over the last {@code window}, at most
 * {@code ratio} retries per call made to it, plus {@code minPerSecond} retries a second so
 * that a quiet upstream can still be retried. Keeps retries from multiplying the load on an
 * upstream that is already failing.
 */
public final class RetryBudgetPolicy {

    public static final RetryBudgetPolicy DEFAULT = new RetryBudgetPolicy(0.2, 10, Duration.ofSeconds(10));

    private final double ratio;
    private final int minPerSecond;
    private final Duration window;

    public RetryBudgetPolicy(double ratio, int minPerSecond, Duration window) {
        this.ratio = ratio;
        this.minPerSecond = minPerSecond;
        this.window = window;
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
}
