package dev.callsight.bench.soak;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether a series of memory samples stayed flat: after the first fifth (warm-up: caches and pools filling), the
 * median of the later half against the median of the earlier half. Flat when it grew by at most 10 % or 16 MiB.
 */
record MemoryTrend(long earlierMedian, long laterMedian) {

    private static final long SLACK_BYTES = 16L << 20;

    static MemoryTrend of(List<Long> samples) {
        if (samples.size() < 2) {
            long only = samples.isEmpty() ? 0 : samples.get(0);
            return new MemoryTrend(only, only);
        }
        List<Long> settled = samples.subList(Math.min(samples.size() / 5, samples.size() - 2), samples.size());
        int half = settled.size() / 2;
        return new MemoryTrend(median(settled.subList(0, half)), median(settled.subList(half, settled.size())));
    }

    boolean flat() {
        return laterMedian - earlierMedian <= Math.max(SLACK_BYTES, earlierMedian / 10);
    }

    String describe() {
        double growth = earlierMedian == 0 ? 0 : 100.0 * (laterMedian - earlierMedian) / earlierMedian;
        return String.format("%.1f MiB -> %.1f MiB (%+.0f%%)", mib(earlierMedian), mib(laterMedian), growth);
    }

    static double mib(long bytes) {
        return bytes / 1048576.0;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }
}
