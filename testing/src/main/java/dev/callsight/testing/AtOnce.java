package dev.callsight.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** The same work on several threads released together, for tests of what threads do to shared state at once. */
public final class AtOnce {

    private AtOnce() {}

    /**
     * Runs {@code work} on {@code threads} threads, all started before any begins, and waits for every one, at most
     * {@code patience} each; what one throws fails the caller.
     */
    public static void run(int threads, Duration patience, Callable<?> work) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    return work.call();
                }));
            }
            start.countDown();
            for (Future<?> thread : done) {
                thread.get(patience.toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
