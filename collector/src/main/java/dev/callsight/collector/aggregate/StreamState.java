package dev.callsight.collector.aggregate;

import java.util.List;

/** The last cumulative point seen for a stream, kept to turn the next one into a delta. */
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
}
