package dev.callsight.agent.core.policy;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * When and how the agent retries a failed attempt: exponential backoff, optionally with full
 * jitter (a uniformly random wait between zero and the backoff), on the listed failures only.
 * The builder holds the defaults and refuses a value out of range as it is set.
 */
public final class RetryPolicy {

    /** The seed defaults: 3 attempts, 500 ms initial backoff, doubling, full jitter. */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final double multiplier;
    private final Duration maxBackoff;
    private final boolean fullJitter;
    private final Set<RetryCondition> conditions;
    private final Set<Integer> statuses;
    private final boolean nonIdempotent;

    private RetryPolicy(Builder builder) {
        this.maxAttempts = builder.maxAttempts;
        this.initialBackoff = builder.initialBackoff;
        this.multiplier = builder.multiplier;
        this.maxBackoff = builder.maxBackoff;
        this.fullJitter = builder.fullJitter;
        this.conditions = Set.copyOf(builder.conditions);
        this.statuses = Set.copyOf(builder.statuses);
        this.nonIdempotent = builder.nonIdempotent;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** All attempts together, the first one included. */
    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration initialBackoff() {
        return initialBackoff;
    }

    public double multiplier() {
        return multiplier;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    public boolean fullJitter() {
        return fullJitter;
    }

    public boolean retriesOn(RetryCondition condition) {
        return conditions.contains(condition);
    }

    public boolean retriesOnStatus(int status) {
        return statuses.contains(status);
    }

    /** Whether POST, PATCH and other non-idempotent requests without an Idempotency-Key may be retried. */
    public boolean nonIdempotent() {
        return nonIdempotent;
    }

    /** The backoff before retry number {@code retry} (1 for the first retry), before jitter. */
    public long backoffNanos(int retry) {
        double nanos = initialBackoff.toNanos() * Math.pow(multiplier, Math.max(0, retry - 1));
        return (long) Math.min(nanos, maxBackoff.toNanos());
    }

    @Override
    public String toString() {
        return "maxAttempts=" + maxAttempts + ", backoff=" + initialBackoff + "×" + multiplier + "≤" + maxBackoff
                + (fullJitter ? " full jitter" : "") + ", on=" + conditions + new TreeSet<>(statuses)
                + (nonIdempotent ? ", non-idempotent too" : "");
    }

    public static final class Builder {
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialBackoff = Duration.ofMillis(500);
        private double multiplier = 2;
        private Duration maxBackoff = Duration.ofSeconds(5);
        private boolean fullJitter = true;
        private Set<RetryCondition> conditions = EnumSet.of(RetryCondition.CONNECT_ERROR);
        private Set<Integer> statuses = Set.of(429, 502, 503, 504);
        private boolean nonIdempotent;

        private Builder() {}

        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = Require.atLeast(1, maxAttempts);
            return this;
        }

        public Builder initialBackoff(Duration initialBackoff) {
            this.initialBackoff = Require.atLeastOneMilli(initialBackoff);
            return this;
        }

        public Builder multiplier(double multiplier) {
            if (!(multiplier >= 1)) {
                throw new IllegalArgumentException("must be at least 1");
            }
            this.multiplier = multiplier;
            return this;
        }

        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = Require.atLeastOneMilli(maxBackoff);
            return this;
        }

        public Builder fullJitter(boolean fullJitter) {
            this.fullJitter = fullJitter;
            return this;
        }

        /** Replaces the default conditions (connect errors; 429, 502, 503, 504). */
        public Builder on(Set<RetryCondition> conditions, Set<Integer> statuses) {
            this.conditions = conditions.isEmpty() ? EnumSet.noneOf(RetryCondition.class) : EnumSet.copyOf(conditions);
            this.statuses = statuses;
            return this;
        }

        public Builder nonIdempotent(boolean nonIdempotent) {
            this.nonIdempotent = nonIdempotent;
            return this;
        }

        public RetryPolicy build() {
            return new RetryPolicy(this);
        }
    }
}
