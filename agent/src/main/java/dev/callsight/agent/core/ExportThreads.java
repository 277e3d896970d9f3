package dev.callsight.agent.core;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The exporters' agent threads, one per signal, with room for one export waiting behind the one
 * in flight: when the collector hangs, further exports are refused, and so counted as failed,
 * rather than queueing without limit. Each first sets up its exporter's HTTP sender
 * ({@link DeferredHttpSenderProvider}) while premain goes on preparing the instrumentation; premain
 * then waits for that, so the application starts with the senders ready as it did when they were
 * built in line, and a short-lived application's exit need not build them within its time bound.
 */
final class ExportThreads {

    private final List<ExecutorService> threads = new CopyOnWriteArrayList<>();

    ExecutorService create(String signal) {
        ExecutorService thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1),
                InternalThread.factory("callsight-export-" + signal));
        threads.add(thread);
        return thread;
    }

    /** Waits, at most {@code timeoutMillis} in all, until what each thread was given so far has run. */
    void awaitSetUp(long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (ExecutorService thread : threads) {
            try {
                // The threads run their tasks in order: this one runs once the sender's set-up has.
                Future<?> behindSetUp = thread.submit(() -> { });
                behindSetUp.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException | ExecutionException | TimeoutException busy) {
                // Exports already queue there; the sender is set up by the time they run.
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
