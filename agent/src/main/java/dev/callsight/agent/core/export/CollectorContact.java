package dev.callsight.agent.core.export;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the agent's exports have learnt of the collector, and whether the JVM is exiting. The exit flush asks it, as
 * it waits, whether the last spans and metrics are still worth waiting for: up to 2 s (counted from the exit's start
 * or from the end of the agent's own client set-up, whichever is later, and 5 s at most), 100 ms once an export
 * failed (a collector that refuses connections), and no longer once exports have waited a second for an answer (a
 * collector that hangs), so that a collector that is down or stuck never holds an application's exit for long. That
 * second runs from the last export handed to the HTTP client, and from the start of the exit, so the time the agent
 * takes to set its own client up (a TLS context), or a first export still slow when the exit begins, does not cost
 * a short-lived application its only spans.
 */
final class CollectorContact {

    private static final long EXIT_BOUND_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** The exit's wait whatever happens, the agent's own client set-up included. */
    private static final long HARD_BOUND_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** How long the exit still waits once an export failed: enough for a last export that is already on its way. */
    private static final long AFTER_FAILURE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /**
     * Exports still without an answer this long after the last was sent, and after the exit began, are taken for a
     * hanging collector. Not less: a first export over TLS also pays for the JVM's first handshake, which takes most
     * of a second on a busy machine. Counted from the exit's start too, so that an export already slow when the
     * exit began (the first one, in a short-lived application) does not cut off the exit's own.
     */
    private static final long HANGING_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger settingUp = new AtomicInteger();
    private volatile long setUpNanos;
    private volatile long lastSentNanos;
    private volatile long exitStartNanos;
    private volatile boolean lastFailed;
    private volatile boolean exiting;

    void sent() {
        lastSentNanos = System.nanoTime();
        inFlight.incrementAndGet();
    }

    void answered(int httpStatus) {
        finished(httpStatus < 200 || httpStatus >= 300);
    }

    void failed() {
        finished(true);
    }

    /**
     * The export never left: the agent's own export queue was full (an earlier export still slow, say its first TLS
     * handshake on a busy machine). That says nothing of the collector, and must not cut the exit's wait short.
     */
    void notSent() {
        inFlight.decrementAndGet();
    }

    private void finished(boolean failed) {
        lastFailed = failed;
        inFlight.decrementAndGet();
    }

    /** The agent starts to build an HTTP client for its exports: CPU work of its own, nothing the collector does. */
    void settingUp() {
        settingUp.incrementAndGet();
    }

    void setUp() {
        setUpNanos = System.nanoTime();
        settingUp.decrementAndGet();
    }

    /** From now on exports are sent once, without the sender's retries and their back-off. */
    void beginExit() {
        exitStartNanos = System.nanoTime();
        exiting = true;
    }

    boolean exiting() {
        return exiting;
    }

    /** Whether the exit should go on waiting for the final exports, having waited {@code waitedNanos} so far. */
    boolean worthWaiting(long waitedNanos) {
        if (waitedNanos >= HARD_BOUND_NANOS) {
            return false;
        }
        if (lastFailed) {
            return waitedNanos < AFTER_FAILURE_NANOS;
        }
        if (settingUp.get() > 0) {
            return true;
        }
        long now = System.nanoTime();
        if (now - Math.max(exitStartNanos, setUpNanos) >= EXIT_BOUND_NANOS) {
            return false;
        }
        return inFlight.get() == 0 || now - Math.max(lastSentNanos, exitStartNanos) <= HANGING_NANOS;
    }
}
