package dev.callsight.collector.slo;

import dev.callsight.collector.aggregate.CallKey;
import dev.callsight.collector.aggregate.CanonicalBuckets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** What makes a call good. */
public sealed interface Sli {

    /** How many of {@code count} calls with this key and these per-bucket counts were good. */
    long good(CallKey call, long count, List<Long> buckets);

    /** The first canonical bucket whose calls can be bad: 0 when any call can be, whatever it took. */
    int firstBadBucket();

    /**
     * A call that got a response below 500 is good; with {@code goodStatuses} only those statuses are. A call that
     * got no response (status 0) is never good.
     */
    record Success(Set<Integer> goodStatuses) implements Sli {

        public Success {
            goodStatuses = Set.copyOf(goodStatuses);
        }

        @Override
        public long good(CallKey call, long count, List<Long> buckets) {
            boolean good = goodStatuses.isEmpty()
                    ? call.statusCode() > 0 && call.statusCode() < 500
                    : goodStatuses.contains(call.statusCode());
            return good ? count : 0;
        }

        @Override
        public int firstBadBucket() {
            return 0;
        }
    }

    /**
     * A call is good when it took at most the threshold. Rollups keep fixed buckets, so a threshold between two
     * bounds counts as the bound below it ({@code boundIndex}, worked out once from the threshold): the SLI may
     * understate, never overstate.
     */
    record Latency(Duration threshold, int boundIndex) implements Sli {

        public Latency {
            if (boundIndex != boundIndexOf(threshold)) {
                throw new IllegalArgumentException("bound index " + boundIndex + " does not fit " + threshold);
            }
        }

        public Latency(Duration threshold) {
            this(threshold, checkedBoundIndex(threshold));
        }

        /** The bound the SLI really uses, in seconds. */
        public double boundSeconds() {
            return CanonicalBuckets.bounds().get(boundIndex);
        }

        private static int checkedBoundIndex(Duration threshold) {
            int index = boundIndexOf(threshold);
            if (index < 0) {
                throw new IllegalArgumentException("latency threshold " + threshold.toMillis()
                        + "ms is below the smallest histogram bound, 5ms");
            }
            return index;
        }

        /** Index of the largest canonical bucket bound at or below the threshold; -1 below them all. */
        private static int boundIndexOf(Duration threshold) {
            double seconds = threshold.toNanos() / 1e9;
            List<Double> bounds = CanonicalBuckets.bounds();
            int index = -1;
            for (int i = 0; i < bounds.size() && bounds.get(i) <= seconds * (1 + 1e-9); i++) {
                index = i;
            }
            return index;
        }

        @Override
        public int firstBadBucket() {
            return boundIndex + 1;
        }

        @Override
        public long good(CallKey call, long count, List<Long> buckets) {
            long good = 0;
            for (int i = 0; i < firstBadBucket(); i++) {
                good += buckets.get(i);
            }
            return good;
        }
    }
}
