package dev.callsight.agent.core.policy;

/** Whether a policy changes calls or only records what it would have done. */
public enum Mode {
    /** Timeouts, retries, circuit breaker and concurrency limit act on the call. */
    ENFORCE,
    /** Nothing about the call changes; what would have timed out is recorded. */
    OBSERVE
}
