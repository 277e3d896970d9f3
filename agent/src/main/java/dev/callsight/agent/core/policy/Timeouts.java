package dev.callsight.agent.core.policy;

import java.time.Duration;

/**
 * The three limits of one call: connect (establishing the connection), read (the longest wait
 * between two bytes of the response) and deadline (the whole call, retries and backoff included).
 * A null limit is not set by this policy; a set one is at least a millisecond.
 */
public final class Timeouts {

    public static final Timeouts NONE = builder().build();

    private final Duration connect;
    private final Duration read;
    private final Duration deadline;

    private Timeouts(Builder builder) {
        this.connect = builder.connect;
        this.read = builder.read;
        this.deadline = builder.deadline;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Duration connect() {
        return connect;
    }

    public Duration read() {
        return read;
    }

    public Duration deadline() {
        return deadline;
    }

    @Override
    public String toString() {
        return "connect=" + connect + ", read=" + read + ", deadline=" + deadline;
    }

    public static final class Builder {
        private Duration connect;
        private Duration read;
        private Duration deadline;

        private Builder() {}

        public Builder connect(Duration connect) {
            this.connect = Require.atLeastOneMilli(connect);
            return this;
        }

        public Builder read(Duration read) {
            this.read = Require.atLeastOneMilli(read);
            return this;
        }

        public Builder deadline(Duration deadline) {
            this.deadline = Require.atLeastOneMilli(deadline);
            return this;
        }

        public Timeouts build() {
            return new Timeouts(this);
        }
    }
}
