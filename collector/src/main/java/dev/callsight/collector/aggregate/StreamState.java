package dev.callsight.collector.aggregate;

import java.util.ArrayList;
import java.util.List;

/**
 * The last cumulative point seen for a stream, kept to turn the next one into a delta. A histogram fills every
 * field; a sum keeps its value in {@code count} with no sum, bounds or buckets.
 */
public record StreamState(
        long startUnixNano,
        long timeUnixNano,
        long count,
        double sumSeconds,
        List<Double> boundsSeconds,
        List<Long> bucketCounts) {

    public StreamState {
        boundsSeconds = List.copyOf(boundsSeconds);
        bucketCounts = List.copyOf(bucketCounts);
    }

    /** A sum point's state. */
    public static StreamState ofSum(long startUnixNano, long timeUnixNano, long value) {
        return new StreamState(startUnixNano, timeUnixNano, value, 0.0, List.of(), List.of());
    }

    /** What this state adds to an earlier one of the same stream, with the same bounds and bucket count. */
    StreamState minus(StreamState earlier) {
        List<Long> counts = new ArrayList<>(bucketCounts.size());
        for (int i = 0; i < bucketCounts.size(); i++) {
            counts.add(bucketCounts.get(i) - earlier.bucketCounts.get(i));
        }
        return new StreamState(startUnixNano, timeUnixNano, count - earlier.count, sumSeconds - earlier.sumSeconds,
                boundsSeconds, counts);
    }
}
