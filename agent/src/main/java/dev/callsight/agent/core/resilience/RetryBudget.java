package dev.callsight.agent.core.resilience;

import dev.callsight.agent.core.policy.RetryBudgetPolicy;
import java.util.function.LongSupplier;

/**
 * The retries one upstream may still receive: over the window, {@code ratio} per call plus
 * {@code minPerSecond} a second, less the retries already made. Every call is counted, in the thread's stripe of a
 * window ({@link StripedWindow}), so counting takes no lock the upstream's other calls wait on; only a retry takes the
 * budget's lock.
 */
public final class RetryBudget {

    private final RetryBudgetPolicy policy;
    private final LongSupplier nanoClock;
    /** first: calls. */
    private final StripedWindow calls;
    /** first: retries, guarded by this. */
    private final SlidingWindow retries;
    private final double reserve;

    public RetryBudget(RetryBudgetPolicy policy, LongSupplier nanoClock) {
        this.policy = policy;
        this.nanoClock = nanoClock;
        this.calls = new StripedWindow(policy.window().toNanos());
        this.retries = new SlidingWindow(policy.window().toNanos());
        this.reserve = policy.minPerSecond() * (policy.window().toMillis() / 1000.0);
    }

    public void recordCall() {
        calls.add(nanoClock.getAsLong(), 1, 0);
    }

    /** Takes one retry from the budget; false when it is spent. */
    public synchronized boolean tryAcquireRetry() {
        long now = nanoClock.getAsLong();
        double allowed = reserve + policy.ratio() * calls.first(now);
        if (retries.first(now) + 1 > allowed) {
            return false;
        }
        retries.add(now, 1, 0);
        return true;
    }
}
