package dev.callsight.collector.aggregate;

import java.util.List;
import java.util.Objects;

/**
 * One histogram data point of an HTTP client duration metric, normalised to seconds.
 *
 * @param streamId hash of resource attributes, scope, metric name, point attributes and start time
 * @param cumulative true for CUMULATIVE temporality, false for DELTA
 * @param boundsSeconds explicit upper bounds, converted to seconds
 * @param bucketCounts per-bucket counts as sent (bounds + 1 entries, or none)
 * @param exemplars the point's exemplars that name a trace
 */
public record DurationPoint(
        String streamId,
        CallKey call,
        long startUnixNano,
        long timeUnixNano,
        boolean cumulative,
        long count,
        double sumSeconds,
        List<Double> boundsSeconds,
        List<Long> bucketCounts,
        List<DurationExemplar> exemplars) {

    public DurationPoint {
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(call, "call");
        boundsSeconds = List.copyOf(boundsSeconds);
        bucketCounts = List.copyOf(bucketCounts);
        exemplars = List.copyOf(exemplars);
    }

    public StreamState state() {
        return new StreamState(startUnixNano, timeUnixNano, count, sumSeconds, boundsSeconds, bucketCounts);
    }
}
