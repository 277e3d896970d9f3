package dev.callsight.agent.core.export;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the agent's exports have learnt of the collector, and whether the JVM is exiting. The exit flush reads it to
 * decide how long the application's exit may wait for the last spans and metrics: a collector that answers gets the
 * full bound, one never reached yet a shorter one, and one that refuses, fails or hangs almost none, so that a
 * collector that is down or stuck never holds an application's exit.
 */
final class CollectorContact {

    private static final long ANSWERING_MILLIS = 2_000;
    private static final long NOT_YET_REACHED_MILLIS = 500;
    private static final long NOT_ANSWERING_MILLIS = 100;
    /** An export still without an answer after this long is taken for a hanging collector. */
    private static final long HANGING_NANOS = TimeUnit.SECONDS.toNanos(1);

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

    /** How long the exit may wait for the final exports, given what the collector has done so far. */
    long exitWaitMillis() {
        boolean hanging = inFlight.get() > 0 && System.nanoTime() - inFlightSince > HANGING_NANOS;
        if (hanging || last == Answer.FAILED) {
            return NOT_ANSWERING_MILLIS;
        }
        return last == Answer.ANSWERED ? ANSWERING_MILLIS : NOT_YET_REACHED_MILLIS;
    }
}
