package dev.callsight.collector.aggregate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The bucket bounds every rollup is kept in: the OpenTelemetry semantic-convention advisory bounds for
 * {@code http.client.request.duration}, in seconds, plus an overflow bucket.
 *
 * <p>Re-bucketing rule for points with other bounds: a source bucket {@code (lo, hi]} goes whole into the
 * canonical bucket holding {@code hi}, i.e. the smallest canonical bound {@code >= hi}, or the overflow bucket
 * when {@code hi} is above 10 s or infinite. A call is therefore never reported faster than it may have been,
 * which keeps latency SLIs conservative; identical bounds map one to one.
 */
public final class CanonicalBuckets {

    private static final double[] BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10};

    /** Fourteen bounded buckets and one overflow bucket. */
    public static final int BUCKET_COUNT = BOUNDS.length + 1;

    private CanonicalBuckets() {
    }

    public static List<Double> bounds() {
        return Arrays.stream(BOUNDS).boxed().toList();
    }

    /**
     * Maps source bucket counts onto the canonical buckets.
     *
     * @param boundsSeconds source upper bounds in seconds, ascending
     * @param counts source counts, one more than bounds; an empty list puts {@code total} in the overflow bucket
     */
    public static List<Long> rebucket(List<Double> boundsSeconds, List<Long> counts, long total) {
        long[] result = new long[BUCKET_COUNT];
        if (counts.isEmpty()) {
            result[BUCKET_COUNT - 1] = total;
        } else {
            for (int i = 0; i < counts.size(); i++) {
                double upper = i < boundsSeconds.size() ? boundsSeconds.get(i) : Double.POSITIVE_INFINITY;
                result[indexFor(upper)] += counts.get(i);
            }
        }
        List<Long> list = new ArrayList<>(BUCKET_COUNT);
        for (long count : result) {
            list.add(count);
        }
        return list;
    }

    /** The canonical bucket holding a duration or a source bucket's upper bound: the first bound at or above it. */
    public static int indexFor(double upperSeconds) {
        for (int i = 0; i < BOUNDS.length; i++) {
            // Tolerates unit-conversion noise such as 5 ms * 0.001 = 0.005000000000000001.
            if (upperSeconds <= BOUNDS[i] * (1 + 1e-9)) {
                return i;
            }
        }
        return BOUNDS.length;
    }
}
