package dev.callsight.agent.core.resilience;

import dev.callsight.agent.core.policy.CircuitBreakerPolicy;
import java.util.function.LongSupplier;

/**
 * Closed, Open, Half-Open, for the calls of one policy to one upstream. Closed counts outcomes
 * over a sliding window and opens when the failure rate reaches the threshold; Open refuses
 * every call until {@code openFor} has passed; Half-Open lets a fixed number of trial calls
 * through and decides from them whether to close or open again.
 */
public final class CircuitBreaker {

    public enum State {
        CLOSED, OPEN, HALF_OPEN
    }

    /** What a state change should be reported as; null when nothing changed. */
    public interface Transitions {
        void changed(State from, State to);
    }

    private final CircuitBreakerPolicy policy;
    private final LongSupplier nanoClock;
    private final SlidingWindow outcomes;
    private State state = State.CLOSED;
    private long openedAt;
    private int trialsPermitted;
    private int trialsDone;
    private int trialFailures;

    public CircuitBreaker(CircuitBreakerPolicy policy, LongSupplier nanoClock) {
        this.policy = policy;
        this.nanoClock = nanoClock;
        this.outcomes = new SlidingWindow(policy.window().toNanos());
    }

    /** True when a call may go ahead; a call that may must report its outcome with {@link #record}. */
    public synchronized boolean tryAcquire(Transitions transitions) {
        long now = nanoClock.getAsLong();
        if (state == State.OPEN && now - openedAt >= policy.openFor().toNanos()) {
            moveTo(State.HALF_OPEN, transitions);
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

    public synchronized void record(boolean failed, Transitions transitions) {
        long now = nanoClock.getAsLong();
        if (state == State.HALF_OPEN) {
            trialsDone++;
            trialFailures += failed ? 1 : 0;
            if (trialsDone >= policy.halfOpenCalls()) {
                boolean stillFailing = (double) trialFailures / trialsDone >= policy.failureRateThreshold();
                if (stillFailing) {
                    open(now, transitions);
                } else {
                    outcomes.clear();
                    moveTo(State.CLOSED, transitions);
                }
            }
            return;
        }
        if (state != State.CLOSED) {
            return;
        }
        outcomes.add(now, 1, failed ? 1 : 0);
        long calls = outcomes.first(now);
        if (calls >= policy.minimumCalls()
                && (double) outcomes.second(now) / calls >= policy.failureRateThreshold()) {
            open(now, transitions);
        }
    }

    public synchronized State state() {
        return state;
    }

    private void open(long now, Transitions transitions) {
        openedAt = now;
        moveTo(State.OPEN, transitions);
    }

    private void moveTo(State next, Transitions transitions) {
        State previous = state;
        state = next;
        if (previous != next) {
            transitions.changed(previous, next);
        }
    }
}
