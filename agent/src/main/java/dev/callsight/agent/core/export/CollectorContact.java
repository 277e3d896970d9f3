package dev.callsight.agent.core.export;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the agent's exports have learnt of the collector, and whether the JVM is exiting. The exit flush asks it, as
 * it waits, whether the last spans and metrics are still worth waiting for: a collector that answers, or one not
 * reached yet whose export is still getting ready or connecting, gets up to the full bound; one that refuses or
 * fails almost none, and an export left unanswered is soon taken for a hanging collector, so that a collector that
 * is down or stuck never holds an application's exit. The clock of an export starts when it is handed to the HTTP
 * client, so the time the agent takes to set its own client up (a TLS context, on a busy machine, takes a good part
 * of a second) does not count against the collector and cost a short-lived application its only spans.
 */
final class CollectorContact {

    private static final long EXIT_BOUND_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** How long the exit still waits once an export failed: enough for a last export that is already on its way. */
    private static final long AFTER_FAILURE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** An export still without an answer after this long is taken for a hanging collector... */
    private static final long HANGING_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** ...or after this long, of a collector that never answered at all. */
    private static final long HANGING_BEFORE_CONTACT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private enum Answer { NONE_YET, ANSWERED, FAILED }

    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile long inFlightSince;
    private volatile Answer last = Answer.NONE_YET;
    private volatile boolean exiting;

    void sent() {
        if (inFlight.getAndIncrement() == 0) {
            inFlightSince = System.nanoTime();
        }
    }

    void answered(int httpStatus) {
        finished(httpStatus >= 200 && httpStatus < 300 ? Answer.ANSWERED : Answer.FAILED);
    }

    void failed() {
        finished(Answer.FAILED);
    }

    private void finished(Answer answer) {
        last = answer;
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
        Answer answer = last;
        if (answer == Answer.FAILED) {
            return waitedNanos < AFTER_FAILURE_NANOS;
        }
        long hangingAfter = answer == Answer.ANSWERED ? HANGING_NANOS : HANGING_BEFORE_CONTACT_NANOS;
        return inFlight.get() == 0 || System.nanoTime() - inFlightSince <= hangingAfter;
    }
}
