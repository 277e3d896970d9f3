package dev.callsight.collector.serve;

import dev.callsight.collector.aggregate.CanonicalBuckets;
import java.util.List;

/**
 * Quantiles from canonical bucket counts, interpolated linearly inside the bucket as Prometheus's
 * {@code histogram_quantile} does, so the UI and Grafana show the same p95 for the same calls.
 */
final class LatencyQuantiles {

    private static final List<Double> BOUNDS = CanonicalBuckets.bounds();

    private LatencyQuantiles() {
    }

    /** The {@code q} quantile in seconds, or NaN without calls; calls in the overflow bucket count as the top bound. */
    static double of(List<Long> buckets, double q) {
        long total = buckets.stream().mapToLong(Long::longValue).sum();
        if (total == 0) {
            return Double.NaN;
        }
        double rank = q * total;
        long below = 0;
        for (int i = 0; i < BOUNDS.size(); i++) {
            long count = buckets.get(i);
            if (count > 0 && below + count >= rank) {
                double lower = i == 0 ? 0 : BOUNDS.get(i - 1);
                return lower + (BOUNDS.get(i) - lower) * (rank - below) / count;
            }
            below += count;
        }
        return BOUNDS.get(BOUNDS.size() - 1);
    }
}
