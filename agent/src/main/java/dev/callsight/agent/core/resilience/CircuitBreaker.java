package dev.callsight.agent.core.resilience;

import dev.callsight.agent.core.policy.CircuitBreakerPolicy;
import java.util.function.LongSupplier;

/**
 * Closed, Open, Half-Open, for the calls of one policy to one upstream. Closed counts outcomes
 * over a sliding window and opens when the failure rate reaches the threshold; Open refuses
 * every call until {@code openFor} has passed; Half-Open lets a fixed number of trial calls
 * through and decides from them whether to close or open again.
 *
 * <p>Closed is every healthy call's state, so there it takes no lock of the breaker's: a call is admitted on a
 * volatile read, and its outcome goes to the thread's stripe of the window ({@link StripedWindow}). The rate is
 * worked out again, under the breaker's lock, only when an outcome could have raised it: after a failure, while
 * fewer than {@code minimumCalls} calls include a failure (a success can then bring the count up to the minimum), and
 * once a second on successes, since old outcomes leave the window a second's bucket at a time.
 */
public final class CircuitBreaker {

    public enum State {
        CLOSED, OPEN, HALF_OPEN
    }

    /** Told of every change of state, under the breaker's lock. */
    public interface Transitions {
        void changed(State from, State to);
    }

    /** A change of state, handed to the call whose outcome caused it. */
    public static final class Transition {
        private final State from;
        private final State to;

        Transition(State from, State to) {
            this.from = from;
            this.to = to;
        }

        public State from() {
            return from;
        }

        public State to() {
            return to;
        }
    }

    private final CircuitBreakerPolicy policy;
    private final LongSupplier nanoClock;
    private final Transitions transitions;
    private final StripedWindow outcomes;
    private volatile State state = State.CLOSED;
    /** Whether a success could open the circuit: fewer than minimumCalls calls so far, a failure among them. */
    private volatile boolean successMayOpen;
    private volatile long checkedAt;
    private long openedAt;
    private int trialsPermitted;
    private int trialsDone;
    private int trialFailures;

    public CircuitBreaker(CircuitBreakerPolicy policy, LongSupplier nanoClock, Transitions transitions) {
        this.policy = policy;
        this.nanoClock = nanoClock;
        this.transitions = transitions;
        this.outcomes = new StripedWindow(policy.window().toNanos());
        this.checkedAt = nanoClock.getAsLong();
    }

    /** True when a call may go ahead; a call that may must report its outcome with {@link #record}. */
    public boolean tryAcquire() {
        return state == State.CLOSED || tryAcquireLocked();
    }

    private synchronized boolean tryAcquireLocked() {
        long now = nanoClock.getAsLong();
        if (state == State.OPEN && now - openedAt >= policy.openFor().toNanos()) {
            moveTo(State.HALF_OPEN);
            trialsPermitted = 0;
            trialsDone = 0;
            trialFailures = 0;
        }
        switch (state) {
            case CLOSED:
                return true;
            case HALF_OPEN:
                if (trialsPermitted < policy.halfOpenCalls()) {
                    trialsPermitted++;
                    return true;
                }
                return false;
            default:
                return false;
        }
    }

    /** Counts a call's outcome; returns the change of state it caused, or null. */
    public Transition record(boolean failed) {
        long now = nanoClock.getAsLong();
        if (state != State.CLOSED) {
            return recordTrial(failed, now);
        }
        outcomes.add(now, 1, failed ? 1 : 0);
        if (failed || successMayOpen || now - checkedAt >= SlidingWindow.BUCKET_NANOS) {
            return check(now);
        }
        return null;
    }

    private synchronized Transition check(long now) {
        if (state != State.CLOSED) {
            return null;
        }
        checkedAt = now;
        long calls = outcomes.first(now);
        long failures = outcomes.second(now);
        successMayOpen = calls < policy.minimumCalls() && failures > 0;
        if (calls >= policy.minimumCalls() && (double) failures / calls >= policy.failureRateThreshold()) {
            return open(now);
        }
        return null;
    }

    /** A trial's outcome while half open; an outcome that arrives while open, or after closing again, is not one. */
    private synchronized Transition recordTrial(boolean failed, long now) {
        if (state != State.HALF_OPEN) {
            return null;
        }
        trialsDone++;
        trialFailures += failed ? 1 : 0;
        if (trialsDone < policy.halfOpenCalls()) {
            return null;
        }
        if ((double) trialFailures / trialsDone >= policy.failureRateThreshold()) {
            return open(now);
        }
        outcomes.clear();
        successMayOpen = false;
        checkedAt = now;
        return moveTo(State.CLOSED);
    }

    public State state() {
        return state;
    }

    private Transition open(long now) {
        openedAt = now;
        return moveTo(State.OPEN);
    }

    private Transition moveTo(State next) {
        State previous = state;
        state = next;
        if (previous == next) {
            return null;
        }
        transitions.changed(previous, next);
        return new Transition(previous, next);
    }
}
