package dev.callsight.agent.core.client;

import dev.callsight.agent.core.AgentLog;
import dev.callsight.agent.core.InternalThread;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One agent thread for everything the agent does later: the backoff before an asynchronous
 * retry, and the alarms of calls whose deadline or read timeout passed. Tasks must be short.
 *
 * <p>Alarms are not tasks of the executor. Scheduling and cancelling a task there takes its lock
 * and wakes its thread, which cost a call more than the rest of the agent did (measured in
 * docs/BENCHMARKS.md). An alarm is pushed onto a lock-free stack of its thread's stripe and
 * cancelled by a field write; a sweep, at most one {@link #TICK_NANOS} apart while any alarm is
 * set, moves new alarms to its own list, drops the cancelled and rings the due. So an alarm rings
 * up to one tick late, and an idle agent runs no sweep.
 */
public final class AgentTimer {

    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** Stripe heads sit this many slots apart, a cache line, so threads of different stripes share none. */
    private static final int SPREAD = 16;

    private final ScheduledThreadPoolExecutor executor;
    private final AtomicReferenceArray<Alarm> arrivals;
    private final int stripeMask;
    /** A sweep is scheduled or running. */
    private final AtomicBoolean sweeping = new AtomicBoolean();
    /** Alarms set and not yet rung or dropped; the sweep's alone. */
    private final List<Alarm> watched = new ArrayList<>();

    AgentTimer() {
        executor = new ScheduledThreadPoolExecutor(1, InternalThread.factory("callsight-timer"));
        executor.setRemoveOnCancelPolicy(true);
        int stripes = Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors() * 4 - 1)) * 2;
        stripeMask = stripes - 1;
        arrivals = new AtomicReferenceArray<>(stripes * SPREAD);
    }

    public ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        return executor.schedule(() -> {
            try {
                task.run();
            } catch (RuntimeException | Error failure) {
                AgentLog.warn("timer task failed", failure);
            }
        }, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    }

    /** Sets an alarm that runs {@code onRing} on the timer's thread {@code delayNanos} from now, unless cancelled. */
    public Alarm alarm(long delayNanos, Runnable onRing) {
        long delay = Math.max(0, delayNanos);
        Alarm alarm = new Alarm(System.nanoTime() + delay, onRing);
        int slot = (int) (Thread.currentThread().getId() & stripeMask) * SPREAD;
        Alarm head;
        do {
            head = arrivals.get(slot);
            alarm.next = head;
        } while (!arrivals.compareAndSet(slot, head, alarm));
        if (!sweeping.get() && sweeping.compareAndSet(false, true)) {
            executor.schedule(this::sweep, Math.min(delay, TICK_NANOS), TimeUnit.NANOSECONDS);
        }
        return alarm;
    }

    private void sweep() {
        try {
            long now = System.nanoTime();
            takeArrivals();
            long next = TICK_NANOS;
            for (int i = watched.size() - 1; i >= 0; i--) {
                Alarm alarm = watched.get(i);
                long untilDue = alarm.isSet() ? alarm.ringsAtNanos() - now : 0;
                if (untilDue > 0) {
                    next = Math.min(next, untilDue);
                    continue;
                }
                Alarm last = watched.remove(watched.size() - 1);
                if (i < watched.size()) {
                    watched.set(i, last);
                }
                alarm.ring();
            }
            if (watched.isEmpty()) {
                sweeping.set(false);
                // An alarm set after the stripes were read saw sweeping still true and scheduled nothing.
                if (!anyArrivals() || !sweeping.compareAndSet(false, true)) {
                    return;
                }
                next = 0;
            }
            executor.schedule(this::sweep, next, TimeUnit.NANOSECONDS);
        } catch (RuntimeException | Error failure) {
            sweeping.set(false);
            AgentLog.warn("timer sweep failed", failure);
        }
    }

    private void takeArrivals() {
        for (int slot = 0; slot < arrivals.length(); slot += SPREAD) {
            Alarm alarm = arrivals.getAndSet(slot, null);
            while (alarm != null) {
                Alarm next = alarm.next;
                alarm.next = null;
                if (alarm.isSet()) {
                    watched.add(alarm);
                }
                alarm = next;
            }
        }
    }

    private boolean anyArrivals() {
        for (int slot = 0; slot < arrivals.length(); slot += SPREAD) {
            if (arrivals.get(slot) != null) {
                return true;
            }
        }
        return false;
    }
}
