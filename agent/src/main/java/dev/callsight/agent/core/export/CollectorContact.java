package dev.callsight.agent.core.export;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the agent's exports have learnt of the collector, and whether the JVM is exiting. The exit flush asks it, as
 * it waits, whether the last spans and metrics are still worth waiting for: up to 2 s in all, 100 ms once an export
 * failed (a collector that refuses connections), and no longer once an export has waited a second for its answer (a
 * collector that hangs), so that a collector that is down or stuck never holds an application's exit for long. An
 * export's clock starts when it is handed to the HTTP client, so the time the agent takes to set its own client up
 * (a TLS context) does not count against the collector and cost a short-lived application its only spans.
 */
final class CollectorContact {

    private static final long EXIT_BOUND_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** How long the exit still waits once an export failed: enough for a last export that is already on its way. */
    private static final long AFTER_FAILURE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /**
     * An export still without an answer after this long is taken for a hanging collector. Not less: a first export
     * over TLS also pays for the JVM's first handshake, which takes most of a second on a busy machine.
     */
    private static final long HANGING_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile long inFlightSince;
    private volatile boolean lastFailed;
    private volatile boolean exiting;

    void sent() {
        if (inFlight.getAndIncrement() == 0) {
            inFlightSince = System.nanoTime();
        }
    }

    void answered(int httpStatus) {
        finished(httpStatus < 200 || httpStatus >= 300);
    }

    void failed() {
        finished(true);
    }

    private void finished(boolean failed) {
        lastFailed = failed;
        if (inFlight.decrementAndGet() > 0) {
            // The next oldest export started no earlier than the one that just ended.
            inFlightSince = System.nanoTime();
        }
    }

    /** From now on exports are sent once, without the sender's retries and their back-off. */
    void beginExit() {
        exiting = true;
    }

    boolean exiting() {
        return exiting;
    }

    /** Whether the exit should go on waiting for the final exports, having waited {@code waitedNanos} so far. */
    boolean worthWaiting(long waitedNanos) {
        if (waitedNanos >= EXIT_BOUND_NANOS) {
            return false;
        }
        if (lastFailed) {
            return waitedNanos < AFTER_FAILURE_NANOS;
        }
        return inFlight.get() == 0 || System.nanoTime() - inFlightSince <= HANGING_NANOS;
    }
}
