package dev.callsight.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Calls an {@link Upstream} with HttpURLConnection from several threads as fast as they can for a while and, every
 * interval, prints the heap in use after a full collection: run with an agent whose collector is away, what the agent
 * holds (its export queue, its metric aggregates, its call sites) beside the same program without it.
 *
 * <p>Usage: {@code HeapUnderLoad <upstream-url> <seconds> <threads> <interval-seconds>}. Prints
 * {@code heap elapsed_s calls used_bytes} per interval, then {@code max used_bytes calls_per_s}.
 */
public final class HeapUnderLoad {

    public static void main(String[] args) throws Exception {
        URI base = URI.create(args[0]);
        long seconds = Long.parseLong(args[1]);
        int threads = Integer.parseInt(args[2]);
        long interval = Long.parseLong(args[3]);
        LongAdder calls = new LongAdder();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        for (int t = 0; t < threads; t++) {
            Thread caller = new Thread(() -> {
                // Distinct paths under a few templates, as a service's calls are: the agent keeps one site per route.
                for (long i = 0; System.nanoTime() < end; i++) {
                    try {
                        UrlConnections.get(base.resolve("/items/" + i + "/parts/" + (i % 7)));
                        calls.increment();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }, "load-" + t);
            caller.setDaemon(true);
            caller.start();
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long max = 0;
        while (System.nanoTime() < end) {
            long next = Math.min(end, System.nanoTime() + TimeUnit.SECONDS.toNanos(interval));
            TimeUnit.NANOSECONDS.sleep(next - System.nanoTime());
            System.gc();
            long used = memory.getHeapMemoryUsage().getUsed();
            max = Math.max(max, used);
            System.out.printf("heap %d %d %d%n", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start), calls.sum(),
                    used);
        }
        System.out.printf("max %d %.0f%n", max, calls.sum() / ((System.nanoTime() - start) / 1e9));
        System.exit(0);
    }
}
