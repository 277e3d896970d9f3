package dev.callsight.collector.aggregate;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** All calls ever recorded for one call key: count, total seconds, per-canonical-bucket counts (not cumulative). */
public record CallTotal(CallKey call, long count, double sumSeconds, List<Long> buckets) {

    public CallTotal {
        Objects.requireNonNull(call, "call");
        buckets = List.copyOf(buckets);
    }

    /** The calls of one minute's delta, as a total of its call key. */
    public static CallTotal of(RollupDelta delta) {
        return new CallTotal(delta.key().call(), delta.count(), delta.sumSeconds(), delta.buckets());
    }

    /** This total with {@code other}'s calls added; both are of the same call key. */
    public CallTotal plus(CallTotal other) {
        List<Long> sum = new ArrayList<>(buckets.size());
        for (int i = 0; i < buckets.size(); i++) {
            sum.add(buckets.get(i) + other.buckets.get(i));
        }
        return new CallTotal(call, count + other.count, sumSeconds + other.sumSeconds, sum);
    }
}
