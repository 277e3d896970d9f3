package dev.callsight.collector.aggregate;

import java.util.List;
import java.util.Objects;

/** All calls ever recorded for one call key: count, total seconds, per-canonical-bucket counts (not cumulative). */
public record CallTotal(CallKey call, long count, double sumSeconds, List<Long> buckets) {

    public CallTotal {
        Objects.requireNonNull(call, "call");
        buckets = List.copyOf(buckets);
    }
}
