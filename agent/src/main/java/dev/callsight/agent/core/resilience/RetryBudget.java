package dev.callsight.agent.core.resilience;

import dev.callsight.agent.core.policy.RetryBudgetPolicy;
import java.util.function.LongSupplier;

/**
 * The retries one upstream may still receive: over the window, {@code ratio} per call plus
 * {@code minPerSecond} a second, less the retries already made.
 */
public final class RetryBudget {

    private final RetryBudgetPolicy policy;
    private final LongSupplier nanoClock;
    /** first: calls; second: retries. */
    private final SlidingWindow window;
    private final double reserve;

    public RetryBudget(RetryBudgetPolicy policy, LongSupplier nanoClock) {
        this.policy = policy;
        this.nanoClock = nanoClock;
        this.window = new SlidingWindow(policy.window().toNanos());
        this.reserve = policy.minPerSecond() * (policy.window().toMillis() / 1000.0);
    }

    public synchronized void recordCall() {
        window.add(nanoClock.getAsLong(), 1, 0);
    }

    /** Takes one retry from the budget; false when it is spent. */
    public synchronized boolean tryAcquireRetry() {
        long now = nanoClock.getAsLong();
        double allowed = reserve + policy.ratio() * window.first(now);
        if (window.second(now) + 1 > allowed) {
            return false;
        }
        window.add(now, 0, 1);
        return true;
    }
}
