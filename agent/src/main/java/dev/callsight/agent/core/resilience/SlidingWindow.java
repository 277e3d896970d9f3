package dev.callsight.agent.core.resilience;

import java.util.Arrays;

/**
 * Two counts over the last {@code window}, kept in one-second buckets. Not thread-safe; its
 * owner synchronises.
 */
final class SlidingWindow {

    static final long BUCKET_NANOS = 1_000_000_000L;

    private final long[] firsts;
    private final long[] seconds;
    private final long[] bucketStarts;

    SlidingWindow(long windowNanos) {
        int buckets = (int) Math.max(1, Math.min(3600, (windowNanos + BUCKET_NANOS - 1) / BUCKET_NANOS));
        firsts = new long[buckets];
        seconds = new long[buckets];
        bucketStarts = new long[buckets];
        clear();
    }

    void add(long nowNanos, long first, long second) {
        long bucketStart = Math.floorDiv(nowNanos, BUCKET_NANOS);
        int i = (int) Math.floorMod(bucketStart, (long) firsts.length);
        if (bucketStarts[i] != bucketStart) {
            bucketStarts[i] = bucketStart;
            firsts[i] = 0;
            seconds[i] = 0;
        }
        firsts[i] += first;
        seconds[i] += second;
    }

    long first(long nowNanos) {
        return sum(nowNanos, firsts);
    }

    long second(long nowNanos) {
        return sum(nowNanos, seconds);
    }

    void clear() {
        Arrays.fill(bucketStarts, Long.MIN_VALUE);
    }

    private long sum(long nowNanos, long[] counts) {
        long current = Math.floorDiv(nowNanos, BUCKET_NANOS);
        long total = 0;
        for (int i = 0; i < counts.length; i++) {
            if (bucketStarts[i] > current - counts.length && bucketStarts[i] <= current) {
                total += counts[i];
            }
        }
        return total;
    }
}
