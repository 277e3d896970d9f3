package dev.callsight.agent.core;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A thread that belongs to the agent. Instrumentation skips calls made on these threads, which
 * is how the agent's own exports to the collector stay untraced.
 */
public final class InternalThread extends Thread {

    private InternalThread(Runnable task, String name) {
        super(task, name);
        setDaemon(true);
    }

    public static boolean isCurrent() {
        return Thread.currentThread() instanceof InternalThread;
    }

    public static InternalThread create(Runnable task, String name) {
        return new InternalThread(task, name);
    }

    public static ThreadFactory factory(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return task -> new InternalThread(task, prefix + "-" + counter.incrementAndGet());
    }
}
