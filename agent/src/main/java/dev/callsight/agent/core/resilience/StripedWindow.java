package dev.callsight.agent.core.resilience;

/**
 * A {@link SlidingWindow} split into stripes by thread, each under its own lock: the calls of many threads to one
 * upstream add their outcomes without waiting on one another, and the rarer reads sum the stripes.
 */
final class StripedWindow {

    /** Twice the cores, a power of two, at most 16: threads that run at once seldom share a stripe. */
    private static final int STRIPES =
            Math.min(16, Integer.highestOneBit(2 * Runtime.getRuntime().availableProcessors() - 1) << 1);

    private final SlidingWindow[] stripes = new SlidingWindow[STRIPES];

    StripedWindow(long windowNanos) {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new SlidingWindow(windowNanos);
        }
    }

    void add(long nowNanos, long first, long second) {
        SlidingWindow stripe = stripes[(int) Thread.currentThread().getId() & (STRIPES - 1)];
        synchronized (stripe) {
            stripe.add(nowNanos, first, second);
        }
    }

    long first(long nowNanos) {
        return sum(nowNanos, false);
    }

    long second(long nowNanos) {
        return sum(nowNanos, true);
    }

    private long sum(long nowNanos, boolean second) {
        long total = 0;
        for (SlidingWindow stripe : stripes) {
            synchronized (stripe) {
                total += second ? stripe.second(nowNanos) : stripe.first(nowNanos);
            }
        }
        return total;
    }

    void clear() {
        for (SlidingWindow stripe : stripes) {
            synchronized (stripe) {
                stripe.clear();
            }
        }
    }
}
