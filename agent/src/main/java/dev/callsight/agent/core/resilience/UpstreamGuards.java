package dev.callsight.agent.core.resilience;

import java.util.concurrent.Semaphore;

/**
 * The state one policy keeps per upstream (host and port): its circuit breaker, concurrency
 * limit and retry budget, each null when the policy does not ask for it.
 */
public final class UpstreamGuards {

    private final String upstream;
    private final String policy;
    private final CircuitBreaker breaker;
    private final Semaphore concurrency;
    private final RetryBudget retryBudget;

    public UpstreamGuards(String upstream, String policy, CircuitBreaker breaker, Semaphore concurrency,
            RetryBudget retryBudget) {
        this.upstream = upstream;
        this.policy = policy;
        this.breaker = breaker;
        this.concurrency = concurrency;
        this.retryBudget = retryBudget;
    }

    /** host:port */
    public String upstream() {
        return upstream;
    }

    public String policy() {
        return policy;
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    public Semaphore concurrency() {
        return concurrency;
    }

    public RetryBudget retryBudget() {
        return retryBudget;
    }
}
