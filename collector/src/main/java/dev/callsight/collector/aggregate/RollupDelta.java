package dev.callsight.collector.aggregate;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Calls to add to one minute rollup: count, total seconds, and per-canonical-bucket counts (not cumulative). */
public record RollupDelta(RollupKey key, long count, double sumSeconds, List<Long> buckets) {

    public RollupDelta {
        Objects.requireNonNull(key, "key");
        buckets = List.copyOf(buckets);
        if (buckets.size() != CanonicalBuckets.BUCKET_COUNT) {
            throw new IllegalArgumentException("expected " + CanonicalBuckets.BUCKET_COUNT + " buckets, got " + buckets.size());
        }
    }

    public RollupDelta plus(RollupDelta other) {
        if (!key.equals(other.key)) {
            throw new IllegalArgumentException("different rollup keys");
        }
        List<Long> sum = new ArrayList<>(buckets.size());
        for (int i = 0; i < buckets.size(); i++) {
            sum.add(buckets.get(i) + other.buckets.get(i));
        }
        return new RollupDelta(key, count + other.count, sumSeconds + other.sumSeconds, sum);
    }
}
