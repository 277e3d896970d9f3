package dev.callsight.agent.core.client;

import dev.callsight.agent.core.AgentLog;
import dev.callsight.agent.core.InternalThread;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One agent thread for everything the agent does later: the backoff before an asynchronous
 * retry, and the abort of a call whose deadline passed. Tasks must be short.
 */
public final class AgentTimer {

    private final ScheduledThreadPoolExecutor executor;

    AgentTimer() {
        executor = new ScheduledThreadPoolExecutor(1, InternalThread.factory("callsight-timer"));
        // Most deadlines are cancelled because the call ended in time; drop them at once.
        executor.setRemoveOnCancelPolicy(true);
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
}
