package dev.callsight.agent.core.client;

import dev.callsight.agent.core.AgentLog;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A timeout the agent's timer rings unless it is cancelled first: a call's deadline, a body's
 * read timeout. Nearly every alarm is cancelled, because the call ended in time, so setting,
 * moving and cancelling one write a field; only the timer's sweep, once a tick, looks at them.
 */
public final class Alarm {

    private static final int SET = 0;
    private static final int CANCELLED = 1;
    private static final int RUNG = 2;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Alarm.class, "state", int.class);
        } catch (ReflectiveOperationException impossible) {
            throw new ExceptionInInitializerError(impossible);
        }
    }

    private final Runnable onRing;
    private volatile long ringsAtNanos;
    @SuppressWarnings("unused") // through STATE
    private volatile int state;
    /** The next alarm set on the same stripe since the last sweep; the timer's to read. */
    Alarm next;

    Alarm(long ringsAtNanos, Runnable onRing) {
        this.ringsAtNanos = ringsAtNanos;
        this.onRing = onRing;
    }

    /** The alarm will not ring. Once it has rung, this changes nothing. */
    public void cancel() {
        STATE.setRelease(this, CANCELLED);
    }

    /** The alarm rings {@code delayNanos} from now instead, unless it has rung or been cancelled. */
    public void moveTo(long delayNanos) {
        ringsAtNanos = System.nanoTime() + Math.max(0, delayNanos);
    }

    boolean isSet() {
        return (int) STATE.getAcquire(this) == SET;
    }

    long ringsAtNanos() {
        return ringsAtNanos;
    }

    /** On the timer's thread. */
    void ring() {
        if (!STATE.compareAndSet(this, SET, RUNG)) {
            return;
        }
        try {
            onRing.run();
        } catch (RuntimeException | Error failure) {
            AgentLog.warn("timer task failed", failure);
        }
    }
}
