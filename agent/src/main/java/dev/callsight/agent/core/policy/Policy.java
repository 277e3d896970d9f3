package dev.callsight.agent.core.policy;

/**
 * What the agent does with the calls one {@code match} selects: their timeouts, whether it
 * enforces them, and the opt-in retry, circuit breaker and concurrency limit.
 */
public final class Policy {

    private final String name;
    private final RequestMatch match;
    private final Timeouts timeouts;
    private final Mode mode;
    private final RetryPolicy retry;
    private final CircuitBreakerPolicy circuitBreaker;
    private final int maxConcurrent;

    private Policy(Builder builder) {
        this.name = builder.name;
        this.match = builder.match;
        this.timeouts = builder.timeouts;
        this.mode = builder.mode;
        this.retry = builder.retry;
        this.circuitBreaker = builder.circuitBreaker;
        this.maxConcurrent = builder.maxConcurrent;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** How metrics and spans refer to the policy: its {@code name}, or its place in the file. */
    public String name() {
        return name;
    }

    public RequestMatch match() {
        return match;
    }

    public Timeouts timeouts() {
        return timeouts;
    }

    public Mode mode() {
        return mode;
    }

    public boolean enforced() {
        return mode == Mode.ENFORCE;
    }

    /** Null when the agent does not retry these calls. */
    public RetryPolicy retry() {
        return retry;
    }

    /** Null when these calls have no circuit breaker. */
    public CircuitBreakerPolicy circuitBreaker() {
        return circuitBreaker;
    }

    /** 0 when there is no limit. */
    public int maxConcurrent() {
        return maxConcurrent;
    }

    /**
     * The connect timeout a client should use, given the application's (0 or less for none):
     * when enforced, the shorter of the two; otherwise the application's, unchanged.
     */
    public int connectTimeoutMillis(int applicationMillis) {
        return shorter(applicationMillis, timeouts.connect());
    }

    /** The read timeout (longest wait between bytes) a client should use; as for connect. */
    public int readTimeoutMillis(int applicationMillis) {
        return shorter(applicationMillis, timeouts.read());
    }

    private int shorter(int applicationMillis, java.time.Duration limit) {
        if (mode != Mode.ENFORCE || limit == null) {
            return applicationMillis;
        }
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, limit.toMillis()));
        return applicationMillis <= 0 ? millis : Math.min(applicationMillis, millis);
    }

    @Override
    public String toString() {
        return name + " [" + match + "; " + mode.name().toLowerCase(java.util.Locale.ROOT) + "; " + timeouts
                + (retry == null ? "" : "; retry " + retry) + (circuitBreaker == null ? "" : "; circuit breaker")
                + (maxConcurrent == 0 ? "" : "; maxConcurrent=" + maxConcurrent) + "]";
    }

    public static final class Builder {
        private final String name;
        private RequestMatch match = RequestMatch.ANY;
        private Timeouts timeouts = Timeouts.NONE;
        private Mode mode = Mode.ENFORCE;
        private RetryPolicy retry;
        private CircuitBreakerPolicy circuitBreaker;
        private int maxConcurrent;

        private Builder(String name) {
            this.name = name;
        }

        public Builder match(RequestMatch match) {
            this.match = match;
            return this;
        }

        public Builder timeouts(Timeouts timeouts) {
            this.timeouts = timeouts;
            return this;
        }

        public Builder mode(Mode mode) {
            this.mode = mode;
            return this;
        }

        public Builder retry(RetryPolicy retry) {
            this.retry = retry;
            return this;
        }

        public Builder circuitBreaker(CircuitBreakerPolicy circuitBreaker) {
            this.circuitBreaker = circuitBreaker;
            return this;
        }

        public Builder maxConcurrent(int maxConcurrent) {
            this.maxConcurrent = Require.atLeast(1, maxConcurrent);
            return this;
        }

        public Policy build() {
            return new Policy(this);
        }
    }
}
