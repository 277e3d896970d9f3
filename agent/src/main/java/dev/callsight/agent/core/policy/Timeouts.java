package dev.callsight.agent.core.policy;

import java.time.Duration;

/**
 * The three limits of one call: connect (establishing the connection), read (the longest wait
 * between two bytes of the response) and deadline (the whole call, retries and backoff included).
 * A null limit is not set by this policy.
 */
public final class Timeouts {

    public static final Timeouts NONE = new Timeouts(null, null, null);

    private final Duration connect;
    private final Duration read;
    private final Duration deadline;

    public Timeouts(Duration connect, Duration read, Duration deadline) {
        this.connect = connect;
        this.read = read;
        this.deadline = deadline;
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
}
