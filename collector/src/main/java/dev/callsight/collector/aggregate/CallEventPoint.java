package dev.callsight.collector.aggregate;

import java.util.Objects;

/**
 * One data point of a policy event counter.
 *
 * @param streamId as for {@link DurationPoint#streamId()}
 * @param cumulative true for CUMULATIVE temporality, false for DELTA
 * @param value the events counted since the start time
 */
public record CallEventPoint(String streamId, CallEventKey key, long startUnixNano, long timeUnixNano,
        boolean cumulative, long value) {

    public CallEventPoint {
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(key, "key");
    }

    public StreamState state() {
        return StreamState.ofSum(startUnixNano, timeUnixNano, value);
    }
}
